"""Issue 8, crash recovery: a real `gitops-gen build` subprocess is killed with SIGKILL at every named step
(test-only hook ``GITOPS_GEN_TEST_FAULT``) and at seeded random times; after each kill the repository is
recoverable to exactly the old or the new tree, ``git fsck`` is clean, and the next plain build (no
``--force``) finishes the job and leaves a consistent index and no lock files behind."""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.commands import build
from generator.errors import GitopsGenError
from generator.gitops import tree
from generator.gitops.tree import FAULT_ENV

from .conftest import ROOT, git
from .gitcheck import index_problems, porcelain

ROOTS = ("base", "components", "overlays", "argocd", ".github")
FAULTS = (
    "staged",  # staging directory written, nothing swapped
    "swap-aside",  # first old root moved aside
    "swap-moved",  # every root swapped, swap not yet marked done
    "swapped",  # swap done, nothing committed
    "before-ref",  # commit object written, HEAD not moved
    "after-ref",  # HEAD moved, the index not updated
    "index-locked",  # our index.lock taken
    "index-written",  # new index written beside the real one
    "index-renamed",  # index replaced, index.lock not yet removed
)
RANDOM_KILLS = 5
SEED = 8


def _cli(repo: Path, *args: str, fault: str | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(FAULT_ENV, None)
    if fault:
        env[FAULT_ENV] = fault
    return subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "build", *args, "--repo", str(repo)],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, to wait for git children it leaves behind
    )


def _generated(repo: Path) -> dict[str, bytes]:
    return tree.read_tree(repo, [r for r in ROOTS if (repo / r).exists()])


def _wait_group(pgid: int, timeout: float = 5.0) -> None:
    """Wait until no live process is left in process group ``pgid`` (git children of the killed build)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = False
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                alive = True
                break
        if not alive:
            return
        time.sleep(0.02)
    raise AssertionError(f"processes of the killed build (group {pgid}) still running after {timeout}s")


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], dict[str, bytes], float]:
    """A template repo (old tree committed, env edit committed), the old and new generated trees, build time."""
    template = tmp_path_factory.mktemp("crash") / "template"
    template.mkdir()
    shutil.copytree(ROOT / "environments", template / "environments")
    git(template, "init", "-q", "-b", "main")
    git(template, "config", "user.name", "Test")
    git(template, "config", "user.email", "test@example.com")
    git(template, "add", "-A")
    git(template, "commit", "-q", "-m", "init")
    proc = _cli(template, "prod", "--no-validate")
    assert proc.wait(120) == 0, proc.stderr.read() if proc.stderr else ""
    old = _generated(template)
    env = template / "environments/prod.yaml"
    env.write_text(env.read_text().replace("\n  replicas: 3\n", "\n  replicas: 4\n", 1))
    git(template, "commit", "-q", "-am", "prod: 4 replicas")
    git(template, "status")  # a full cache-tree in the index, as after a checkout

    reference = template.parent / "reference"
    shutil.copytree(template, reference, symlinks=True)
    start = time.monotonic()
    proc = _cli(reference, "prod", "--no-validate")
    assert proc.wait(120) == 0
    elapsed = time.monotonic() - start
    new = _generated(reference)
    assert new != old
    return template, old, new, elapsed


def _check_after_kill(repo: Path, old: dict[str, bytes], new: dict[str, bytes], old_head: str, label: str) -> None:
    # the tree is old or new: exactly, once an unfinished swap's journal is applied (what the next build does)
    scratch = repo.parent / f"{repo.name}-recovered"
    shutil.copytree(repo, scratch, symlinks=True)
    tree.recover(scratch)
    seen = _generated(scratch)
    shutil.rmtree(scratch)
    assert seen in (old, new), f"{label}: a mixed tree"
    head = git(repo, "rev-parse", "HEAD").strip()
    if head != old_head:  # committed: then the tree on disk is the new one
        assert seen == new, f"{label}: HEAD moved but the tree is not the new one"
    fsck = subprocess.run(["git", "fsck", "--no-dangling", "--strict"], cwd=repo, capture_output=True, text=True)
    assert fsck.returncode == 0 and not re.search(r"error|missing|broken|garbage|bad", fsck.stdout + fsck.stderr), (
        f"{label}: {fsck.stdout}{fsck.stderr}"
    )

    # the next plain build finishes (or rolls back and redoes) the interrupted one; in-process (the same
    # code as the CLI minus interpreter start-up, which would double this test's time)
    stream = io.StringIO()
    try:
        code = build.run(["prod"], out=stream, repo=repo, validate=False)
    except GitopsGenError as exc:
        raise AssertionError(f"{label}: next build failed: {exc}") from None
    out = stream.getvalue()
    assert code == 0, f"{label}: {out}"
    final_head = git(repo, "rev-parse", "HEAD").strip()
    said = re.search(r"committed ([0-9a-f]{12})", out)
    if said:  # never claims a commit that did not happen
        assert final_head.startswith(said.group(1)), f"{label}: claimed {said.group(1)}, HEAD is {final_head}"
    assert final_head != old_head, f"{label}: nothing committed in the end"
    assert _generated(repo) == new, label
    assert git(repo, "show", "HEAD:overlays/prod/patches/deployment-mlflow.yaml").count("  value: 4\n") == 1
    assert porcelain(repo) == "", f"{label}: {porcelain(repo)}"
    assert index_problems(repo) == [], label
    git_dir = repo / ".git"
    assert not (git_dir / "index.lock").exists(), label
    assert not list(repo.glob(tree.TMP_PREFIX + "*")), label
    assert not list(git_dir.glob("gitops-gen-scratch-*")) and not (git_dir / "gitops-gen-commit.json").exists()
    git(repo, "add", "-A")  # the index is usable by git again


def _fresh(template: Path, name: str) -> tuple[Path, str]:
    repo = template.parent / name
    shutil.copytree(template, repo, symlinks=True)
    return repo, git(repo, "rev-parse", "HEAD").strip()


def test_kill_at_every_step_then_next_build_recovers(
    states: tuple[Path, dict[str, bytes], dict[str, bytes], float],
) -> None:
    template, old, new, _ = states
    for fault in FAULTS:
        repo, old_head = _fresh(template, f"fault-{fault}")
        proc = _cli(repo, "prod", "--no-validate", fault=fault)
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == -signal.SIGKILL, f"{fault}: the fault point was never reached ({out})"
        _wait_group(proc.pid)
        assert "committed" not in out
        if fault.startswith("index-"):  # the scenario of issue 8: our index.lock left behind after HEAD moved
            assert (repo / ".git/index.lock").read_bytes().startswith(b"gitops-gen index lock pid=")
            assert git(repo, "rev-parse", "HEAD").strip() != old_head
        _check_after_kill(repo, old, new, old_head, fault)
        shutil.rmtree(repo)


def test_kill_at_random_times_then_next_build_recovers(
    states: tuple[Path, dict[str, bytes], dict[str, bytes], float],
) -> None:
    template, old, new, elapsed = states
    rng = random.Random(SEED)
    for i in range(RANDOM_KILLS):
        repo, old_head = _fresh(template, f"random-{i}")
        delay = rng.uniform(0.3 * elapsed, 1.1 * elapsed)  # python start-up takes the first third
        proc = _cli(repo, "prod", "--no-validate")
        time.sleep(delay)
        proc.kill()
        proc.wait()
        _wait_group(proc.pid)
        _check_after_kill(repo, old, new, old_head, f"random kill {i} after {delay:.2f}s")
        shutil.rmtree(repo)


def test_foreign_index_lock_is_refused_and_nothing_written(
    states: tuple[Path, dict[str, bytes], dict[str, bytes], float],
) -> None:
    """An index.lock not provably ours (a git command running or crashed) is never deleted by a build."""
    template, old, _, _ = states
    for content in (b"", f"gitops-gen index lock pid={os.getpid()}\n".encode()):  # git's, and a live build's
        repo, old_head = _fresh(template, "foreign")
        (repo / ".git/index.lock").write_bytes(content)
        proc = _cli(repo, "prod", "--no-validate")
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 2, out + err
        assert "index.lock exists" in err and "nothing written" in err
        assert (repo / ".git/index.lock").read_bytes() == content
        assert _generated(repo) == old
        assert git(repo, "rev-parse", "HEAD").strip() == old_head
        shutil.rmtree(repo)
