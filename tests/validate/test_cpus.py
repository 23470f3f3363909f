"""The default of ``validate --jobs`` (generator/validate/cpus.py): the cores available, at most the CPU
limit of the process's cgroup, read from fake ``/proc/self`` and cgroup files as Linux writes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.validate import cpus

V2_CGROUP = "0::/kubepods/pod1/ctr\n"
V2_MOUNTS = (
    "22 28 0:21 / /proc rw,nosuid - proc proc rw\n"
    "30 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n"
)
V1_CGROUP = "12:pids:/\n4:cpu,cpuacct:/docker/abc\n3:cpuset:/\n0::/\n"
V1_MOUNTS = (
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
)


def _machine(tmp_path: Path, cgroup: str, mounts: str, files: dict[str, str]) -> tuple[str, str]:
    proc = tmp_path / "proc"
    proc.mkdir()
    (proc / "cgroup").write_text(cgroup)
    (proc / "mountinfo").write_text(mounts)
    root = tmp_path / "root"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(proc), str(root)


@pytest.fixture
def many_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cpus, "available_cores", lambda: 64)


V2_LIMITS = [
    ("150000 100000\n", 1.5, 2),
    ("400000 100000\n", 4.0, 4),
    ("50000 100000\n", 0.5, 1),
    ("max 100000\n", None, 64),
]


@pytest.mark.usefixtures("many_cores")
@pytest.mark.parametrize(("cpu_max", "limit", "jobs"), V2_LIMITS)
def test_cgroup_v2_cpu_max(tmp_path: Path, cpu_max: str, limit: float | None, jobs: int) -> None:
    proc, root = _machine(tmp_path, V2_CGROUP, V2_MOUNTS, {"sys/fs/cgroup/kubepods/pod1/ctr/cpu.max": cpu_max})
    assert cpus.cpu_limit(proc=proc, root=root) == limit
    assert cpus.default_jobs(proc=proc, root=root) == jobs


@pytest.mark.usefixtures("many_cores")
def test_cgroup_v1_cpu_controller_wins_over_v2(tmp_path: Path) -> None:
    files = {
        "sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us": "300000\n",
        "sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us": "100000\n",
        "sys/fs/cgroup/unified/cpu.max": "100000 100000\n",  # not the CPU controller's hierarchy here
    }
    proc, root = _machine(tmp_path, V1_CGROUP, V1_MOUNTS, files)
    assert cpus.cpu_limit(proc=proc, root=root) == 3.0
    assert cpus.default_jobs(proc=proc, root=root) == 3


@pytest.mark.usefixtures("many_cores")
def test_cgroup_v1_without_a_quota(tmp_path: Path) -> None:
    files = {
        "sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us": "-1\n",
        "sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us": "100000\n",
    }
    proc, root = _machine(tmp_path, V1_CGROUP, V1_MOUNTS, files)
    assert cpus.cpu_limit(proc=proc, root=root) is None
    assert cpus.default_jobs(proc=proc, root=root) == 64


@pytest.mark.usefixtures("many_cores")
def test_an_escaped_mount_point(tmp_path: Path) -> None:
    mounts = "30 24 0:26 / /sys/fs/my\\040cgroup rw shared:4 - cgroup2 cgroup2 rw\n"
    proc, root = _machine(tmp_path, "0::/\n", mounts, {"sys/fs/my cgroup/cpu.max": "200000 100000\n"})
    assert cpus.default_jobs(proc=proc, root=root) == 2


@pytest.mark.usefixtures("many_cores")
@pytest.mark.parametrize(
    ("cgroup", "mounts", "files"),
    [
        ("", V2_MOUNTS, {}),  # in no cgroup
        (V2_CGROUP, "22 28 0:21 / /proc rw - proc proc rw\n", {}),  # no cgroup mount
        (V2_CGROUP, V2_MOUNTS, {}),  # cpu.max missing
        (V2_CGROUP, V2_MOUNTS, {"sys/fs/cgroup/kubepods/pod1/ctr/cpu.max": "lots\n"}),  # malformed
        ("garbage without colons\n", "garbage\n", {}),
    ],
)
def test_anything_unreadable_means_no_limit(tmp_path: Path, cgroup: str, mounts: str, files: dict[str, str]) -> None:
    proc, root = _machine(tmp_path, cgroup, mounts, files)
    assert cpus.cpu_limit(proc=proc, root=root) is None
    assert cpus.default_jobs(proc=proc, root=root) == 64


def test_this_machine() -> None:
    """On the real /proc: between 1 and the cores available, and the limit when there is one."""
    jobs = cpus.default_jobs()
    assert 1 <= jobs <= cpus.available_cores()
    limit = cpus.cpu_limit()
    if limit is not None:
        assert jobs <= max(1, -(-limit // 1))
