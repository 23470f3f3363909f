"""What a pod really holds: its processes (``/proc``), their memory and their PostgreSQL connections.

A backend in ``pg_stat_activity`` is attributed to a process by its client port: the TCP socket with that
local port (``/proc/net/tcp``) has an inode, and the process holding ``socket:[inode]`` among its file
descriptors (``/proc/<pid>/fd``) owns the connection.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from e2e.cluster import Pod, cmdline, pss_kib
from e2e.services import Postgres


def _tcp_inodes_by_local_port(remote_port: int) -> dict[int, int]:
    out: dict[int, int] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], int(fields[9])
            if int(remote.rsplit(":", 1)[1], 16) == remote_port and inode:
                out[int(local.rsplit(":", 1)[1], 16)] = inode
    return out


def _socket_inodes(pid: int) -> set[int]:
    found: set[int] = set()
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return found
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(int(target[8:-1]))
    return found


def pg_connections(pg: Postgres, pod: Pod) -> Counter[int]:
    """pid -> number of PostgreSQL backends that process of ``pod`` holds open."""
    ports = [
        row[0] for row in pg.query("SELECT client_port FROM pg_stat_activity WHERE backend_type = 'client backend'")
    ]
    by_port = _tcp_inodes_by_local_port(5432)
    owners = {inode: pid for pid in pod.pids() for inode in _socket_inodes(pid)}
    counts: Counter[int] = Counter()
    for port in ports:
        if port is None or port < 0:
            continue
        inode = by_port.get(port)
        if inode is not None and inode in owners:
            counts[owners[inode]] += 1
    return counts


def role(pid: int) -> str:
    """A short name for an MLflow server process, from its command line."""
    args = " ".join(cmdline(pid))
    for needle, name in (
        ("_periodic_tasks_consumer", "periodic-tasks consumer"),
        ("_huey_consumer", "job consumer"),
        ("mlflow.server.jobs._job_runner", "job runner"),
        ("multiprocessing.spawn", "uvicorn worker"),
        ("multiprocessing.resource_tracker", "resource tracker"),
        ("-m uvicorn", "uvicorn master"),
        ("mlflow server", "mlflow cli"),
    ):
        if needle in args:
            return name
    return args[:60]


@dataclass
class PodFigures:
    processes: Counter[str]
    connections: Counter[str]  # role -> backends
    connection_holders: Counter[str]  # role -> processes holding at least one backend
    pss_mib: float


def figures(pg: Postgres, pod: Pod) -> PodFigures:
    pids = pod.pids()
    conns = pg_connections(pg, pod)
    return PodFigures(
        processes=Counter(role(p) for p in pids),
        connections=_by_role(conns),
        connection_holders=Counter(role(p) for p, n in conns.items() if n),
        pss_mib=sum(pss_kib(p) for p in pids) / 1024,
    )


def _by_role(conns: Counter[int]) -> Counter[str]:
    out: Counter[str] = Counter()
    for pid, n in conns.items():
        out[role(pid)] += n
    return out
