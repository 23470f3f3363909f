"""How many processes ``validate`` uses when ``--jobs`` is not given: the cores this process may run on,
lowered to the CPU limit of its cgroup (a container's ``resources.limits.cpu``, ``docker run --cpus``).

Without the cgroup, a CI job limited to 2 CPUs on a 64-core node would fork 63 children, each holding its
own share of the resources (about 100 MB at 20,000), for no more CPU time than 2 processes get. This is how
Go's runtime picks its default GOMAXPROCS since Go 1.25 (golang/go src/runtime/cgroup_linux.go,
``defaultGOMAXPROCS`` and ``adjustCgroupGOMAXPROCS``: the minimum of ``sched_getaffinity`` and the
cgroup's quota / period rounded up), reading the same files the same way
(src/internal/runtime/cgroup/cgroup_linux.go): ``/proc/self/cgroup`` for the cgroup's path (a cgroup v1
hierarchy with the ``cpu`` controller wins over the v2 one), ``/proc/self/mountinfo`` for where that
hierarchy is mounted, then ``cpu.max`` (v2: ``"<quota> <period>"``, ``max`` for no limit) or
``cpu.cfs_quota_us`` and ``cpu.cfs_period_us`` (v1: quota -1 for no limit). One difference: Go raises a
limit below 2 to 2 (threads are cheap); a process is not, so a limit of 1 CPU or less gives one process.
Anything unreadable or malformed means no limit, as in Go.
"""

from __future__ import annotations

import math
import os


def default_jobs(*, proc: str = "/proc/self", root: str = "/") -> int:
    """The cores available to this process, at most the CPU limit of its cgroup (rounded up).

    ``proc`` and ``root`` (where mount points are found) are for tests."""
    cores = available_cores()
    limit = cpu_limit(proc=proc, root=root)
    if limit is None:
        return cores
    return max(1, min(cores, math.ceil(limit)))


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def cpu_limit(*, proc: str = "/proc/self", root: str = "/") -> float | None:
    """The cgroup's average CPU throughput limit (quota / period, in CPUs), None when there is none."""
    try:
        found = cgroup_path(_read(proc, "cgroup"))
        mount = cpu_mount(_read(proc, "mountinfo")) if found is not None else None
        if found is None or mount is None:
            return None
        version, relative = found
        directory = os.path.join(root, mount.lstrip("/"), relative.lstrip("/"))
        if version == 2:
            return _v2_limit(_read(directory, "cpu.max"))
        quota = int(_read(directory, "cpu.cfs_quota_us").strip())
        if quota < 0:
            return None
        period = int(_read(directory, "cpu.cfs_period_us").strip())
        return quota / period if period > 0 else None
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _read(directory: str, name: str) -> str:
    with open(os.path.join(directory, name), encoding="utf-8") as handle:
        return handle.read()


def cgroup_path(text: str) -> tuple[int, str] | None:
    """(cgroup version, path of the CPU cgroup relative to its hierarchy's mount) from ``/proc/self/cgroup``
    (lines ``hierarchy-ID:controller-list:path``; ID 0 is the v2 hierarchy)."""
    v2: str | None = None
    for line in text.splitlines():
        hierarchy, _, rest = line.partition(":")
        controllers, sep, path = rest.partition(":")
        if not sep:
            continue
        if hierarchy == "0":
            v2 = path
        elif "cpu" in controllers.split(","):
            return 1, path
    return (2, v2) if v2 else None


def cpu_mount(text: str) -> str | None:
    """Where the CPU cgroup hierarchy is mounted, from ``/proc/self/mountinfo``: a ``cgroup`` mount whose
    super options name the ``cpu`` controller, else the ``cgroup2`` mount."""
    v2: str | None = None
    for line in text.splitlines():
        fields, sep, tail = line.partition(" - ")
        parts = fields.split(" ")
        if not sep or len(parts) < 5:
            continue
        fstype, _, rest = tail.partition(" ")
        options = rest.partition(" ")[2]
        if fstype == "cgroup2":
            v2 = _unescape(parts[4])
        elif fstype == "cgroup" and "cpu" in options.split(","):
            return _unescape(parts[4])
    return v2


def _unescape(path: str) -> str:
    """A mountinfo path with the kernel's octal escapes (``\\040`` for a space) undone."""
    out: list[str] = []
    i = 0
    while i < len(path):
        if path[i] == "\\" and i + 3 < len(path) and path[i + 1 : i + 4].isdigit():
            out.append(chr(int(path[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(path[i])
            i += 1
    return "".join(out)


def _v2_limit(text: str) -> float | None:
    quota, _, period = text.strip().partition(" ")
    if quota == "max":
        return None
    value, base = int(quota), int(period)
    return value / base if base > 0 else None
