"""The atomic swap, its crash recovery, and the build lock."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from generator.commands import build
from generator.config.model import Environment
from generator.errors import GitError
from generator.gitops import tree
from generator.gitops.tree import BuildLock, StagedTree

from .conftest import FakeRender, RecordingValidator, git, snapshot

OLD = {"base/a.yaml": b"old a\n", "base/sub/b.yaml": b"old b\n", "overlays/dev/k.yaml": b"old k\n"}
NEW = {"base/a.yaml": b"new a\n", "base/c.yaml": b"new c\n", "overlays/dev/k.yaml": b"new k\n", "ci/w.yaml": b"w\n"}
ROOTS = ["base", "overlays/dev", "ci/w.yaml"]


def _write(root: Path, files: dict[str, bytes]) -> None:
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    _write(tmp_path, OLD)
    _write(tmp_path, {"keep.txt": b"not generated\n", "overlays/prod/k.yaml": b"prod\n"})
    return tmp_path


def test_swap_replaces_roots_exactly_and_nothing_else(work: Path) -> None:
    with StagedTree(work, NEW, ROOTS) as staged:
        assert snapshot(work) == {
            **OLD,
            "keep.txt": b"not generated\n",
            "overlays/prod/k.yaml": b"prod\n",
            **{f"{staged.tmp.name}/new/{p}": d for p, d in NEW.items()},
        }
        staged.swap()
    assert snapshot(work) == {**NEW, "keep.txt": b"not generated\n", "overlays/prod/k.yaml": b"prod\n"}
    assert not list(work.glob(tree.TMP_PREFIX + "*"))


@pytest.mark.parametrize("fail_at", [1, 2, 3, 4, 5])
def test_failed_swap_rolls_back_to_the_old_tree(work: Path, fail_at: int, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(work)
    real_rename = os.rename
    calls = {"n": 0}

    def flaky_rename(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls["n"] += 1
        if calls["n"] == fail_at:
            raise OSError(28, "No space left on device")
        real_rename(src, dst)

    with StagedTree(work, NEW, ROOTS) as staged:
        monkeypatch.setattr(os, "rename", flaky_rename)
        with pytest.raises(OSError, match="No space left"):
            staged.swap()
        monkeypatch.setattr(os, "rename", real_rename)
    assert calls["n"] >= fail_at  # the failure really happened in the middle of the swap
    assert snapshot(work) == before


@pytest.mark.parametrize("die_at", [1, 2, 3, 4, 5])
def test_recover_rolls_back_a_swap_interrupted_by_a_crash(
    work: Path, die_at: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulate the process dying mid-swap (no rollback ran, staging dir left behind), then recover()."""
    before = snapshot(work)
    real_rename = os.rename
    calls = {"n": 0}

    class Killed(BaseException):
        pass

    def dying_rename(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls["n"] += 1
        if calls["n"] == die_at:
            raise Killed
        real_rename(src, dst)

    staged = StagedTree(work, NEW, ROOTS)
    monkeypatch.setattr(tree, "_rollback", lambda repo_root, tmp: None)  # a dead process rolls nothing back
    monkeypatch.setattr(os, "rename", dying_rename)
    with pytest.raises(Killed):
        staged.swap()
    monkeypatch.undo()
    assert snapshot(work) != before  # half-swapped: something is missing or new, the staging dir remains

    assert tree.recover(work) == [staged.tmp.name]
    assert snapshot(work) == before


def test_recover_finishes_cleanup_after_a_completed_swap(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    staged = StagedTree(work, NEW, ROOTS)
    staged.swap()  # completed, but "died" before deleting the staging dir
    assert staged.tmp.exists()
    tree.recover(work)
    assert snapshot(work) == {**NEW, "keep.txt": b"not generated\n", "overlays/prod/k.yaml": b"prod\n"}


def test_interrupted_build_is_recovered_by_the_next_build(
    repo: Path, fake_render: FakeRender, validator: RecordingValidator, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = io.StringIO()
    assert build.run(["dev"], out=out, repo=repo, render=fake_render, validator=validator) == 0
    committed = snapshot(repo)
    fake_render.version = "2"
    real_rename = os.rename
    calls = {"n": 0}

    class Killed(BaseException):
        pass

    def dying_rename(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # base and overlays/dev moved aside, new base moved in: then the process dies
            raise Killed
        real_rename(src, dst)

    monkeypatch.setattr(tree, "_rollback", lambda repo_root, tmp: None)
    monkeypatch.setattr(shutil, "rmtree", lambda *a, **k: None)  # a dead process cleans nothing up
    monkeypatch.setattr(os, "rename", dying_rename)
    with pytest.raises(Killed):
        build.run(["dev"], out=io.StringIO(), repo=repo, render=fake_render, validator=validator)
    monkeypatch.undo()
    assert not (repo / "overlays/dev").exists()  # the half-written state a crash leaves

    fake_render.version = "1"
    out = io.StringIO()
    assert build.run(["dev"], out=out, repo=repo, render=fake_render, validator=validator) == 0
    assert "cleaned up after an interrupted build: .gitops-gen-tmp-" in out.getvalue()
    assert "nothing changed since the last commit" in out.getvalue()
    assert snapshot(repo) == committed
    assert git(repo, "status", "--porcelain") == ""


_HOLDER = textwrap.dedent(
    """
    import fcntl, os, sys, time
    fh = open(sys.argv[1], "a+")
    fcntl.flock(fh, fcntl.LOCK_EX)
    fh.seek(0); fh.truncate(); fh.write(f"{os.getpid()}\\n"); fh.flush()
    print("locked", flush=True)
    time.sleep(60)
    """
)


def test_a_held_lock_stops_a_second_build_with_the_holders_pid(
    repo: Path, fake_render: FakeRender, validator: RecordingValidator
) -> None:
    lock = repo / ".git" / tree.LOCK_NAME
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(lock)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        files = snapshot(repo)
        with pytest.raises(GitError, match=rf"another gitops-gen build is running \(pid {holder.pid}\)") as err:
            build.run(["dev"], out=io.StringIO(), repo=repo, render=fake_render, validator=validator)
        assert err.value.exit_code == 2
        with pytest.raises(GitError, match="another gitops-gen build is running"):
            build.run(["dev"], out=io.StringIO(), repo=repo, render=fake_render, check=True)
        assert snapshot(repo) == files
    finally:
        holder.kill()
        holder.wait()
    assert build.run(["dev"], out=io.StringIO(), repo=repo, render=fake_render, validator=validator) == 0


def test_two_concurrent_builds_are_serialized(repo: Path, validator: RecordingValidator) -> None:
    """Two builds at once: the one that loses the race fails cleanly; the tree is the winner's, committed once."""
    started, release = threading.Event(), threading.Event()

    def slow_validator(overlay: Path, env: Environment) -> build.OverlayResult:
        started.set()
        release.wait(10)
        return build.OverlayResult(errors=[])

    results: list[object] = []

    def first() -> None:
        results.append(build.run(["dev"], out=io.StringIO(), repo=repo, render=FakeRender(), validator=slow_validator))

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert started.wait(10)
        with pytest.raises(GitError, match=rf"another gitops-gen build is running \(pid {os.getpid()}\)"):
            build.run(["dev"], out=io.StringIO(), repo=repo, render=FakeRender(), validator=validator)
    finally:
        release.set()
        thread.join(10)
    assert results == [0]
    assert git(repo, "log", "--format=%s").splitlines()[0].startswith("gitops-gen: build dev")
    assert git(repo, "status", "--porcelain") == ""


def test_shared_locks_coexist_but_exclude_a_build(tmp_path: Path) -> None:
    with (
        BuildLock(tmp_path, shared=True),
        BuildLock(tmp_path, shared=True),
        pytest.raises(GitError, match="another gitops-gen build is running"),
    ):
        BuildLock(tmp_path).__enter__()
    with BuildLock(tmp_path):
        assert (tmp_path / tree.LOCK_NAME).read_text().strip() == str(os.getpid())


@pytest.mark.parametrize(
    ("roots", "message"),
    [(["base", "base/sub"], "overlap"), ([".git"], "not a safe"), (["a/../b"], "not a safe"), ([""], "not a safe")],
)
def test_unsafe_or_overlapping_roots_are_rejected(roots: list[str], message: str) -> None:
    with pytest.raises(Exception, match=message):
        tree.normalize_roots(roots)


def test_lock_in_an_unwritable_git_dir(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-git-dir"
    with BuildLock(missing, shared=True):  # --check still works on a read-only checkout
        pass
    with pytest.raises(GitError, match="cannot create the build lock"):
        BuildLock(missing).__enter__()
