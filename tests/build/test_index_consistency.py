"""Issue 8, defect 1: after every build the git index agrees with a freshly rebuilt one, so the user's next
ordinary commit records the generated files as built (it silently reverted them when the index carried a
stale cache-tree)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.commands import build

from .conftest import ROOT, FakeRender, RecordingValidator, git
from .gitcheck import fresh_porcelain, index_problems, porcelain

PATCH = "overlays/prod/patches/deployment-mlflow.yaml"


def cli(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real console entry point in a subprocess (this worktree's code)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *args, "--repo", str(repo)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_user_commit_after_build_keeps_the_generated_files(repo: Path, tmp_path: Path) -> None:
    """The user's scenario from issue 8: clone, edit prod.yaml, build, `git add` + commit: HEAD has the new file."""
    first = cli(repo, "build", "prod")
    assert first.returncode == 0, first.stderr
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
    git(clone, "config", "user.name", "Test")
    git(clone, "config", "user.email", "test@example.com")
    env_file = clone / "environments/prod.yaml"
    text = env_file.read_text()
    assert "\n  replicas: 3\n" in text
    env_file.write_text(text.replace("\n  replicas: 3\n", "\n  replicas: 4\n", 1))

    built = cli(clone, "build", "prod")
    assert built.returncode == 0, built.stderr
    assert "  value: 4\n" in git(clone, "show", f"HEAD:{PATCH}")
    assert index_problems(clone) == []

    (clone / "README.md").write_text("# platform, edited\n")
    git(clone, "add", "environments/prod.yaml", "README.md")
    git(clone, "commit", "-q", "-m", "env and readme")
    assert "  value: 4\n" in git(clone, "show", f"HEAD:{PATCH}")
    assert "  value: 3\n" not in git(clone, "show", f"HEAD:{PATCH}")
    assert porcelain(clone) == ""
    assert index_problems(clone) == []


def _run(repo: Path, render: FakeRender, *names: str, **kw: object) -> str:
    out = io.StringIO()
    code = build.run(list(names), out=out, repo=repo, render=render, validator=RecordingValidator(), **kw)  # type: ignore[arg-type]
    assert code == 0, out.getvalue()
    return out.getvalue()


def _consistent(repo: Path, *, clean: bool = True) -> None:
    assert index_problems(repo) == []
    if clean:  # nothing of the user's staged: the real index and a fresh one see the same status
        assert porcelain(repo) == fresh_porcelain(repo)


def test_index_consistent_on_every_build_path(repo: Path, fake_render: FakeRender) -> None:
    git(repo, "status")  # git writes a full cache-tree into the index, as after a clone or checkout
    _run(repo, fake_render, "dev", "prod")  # first build: files added
    _consistent(repo)
    git(repo, "status")
    git(repo, "commit", "-q", "--allow-empty", "-m", "user commit (rewrites the cache-tree)")
    fake_render.version = "2"
    _run(repo, fake_render, "prod")  # files changed
    _consistent(repo)
    _run(repo, fake_render, "prod")  # nothing changed: no commit
    _consistent(repo)
    fake_render.version = "3"
    _run(repo, fake_render, "dev", commit=False)  # written, not committed: the status shows it
    assert "overlays/dev/patch.yaml" in porcelain(repo)
    _consistent(repo)
    _run(repo, fake_render, "dev")  # then committed
    _consistent(repo)
    (repo / "overlays/dev/patch.yaml").write_text("hand edit\n")
    git(repo, "add", "overlays/dev/patch.yaml")
    _run(repo, fake_render, "dev", force=True)  # --force over a staged hand edit: index reset to the tree
    _consistent(repo)
    fake_render.extra = {"base/extra.yaml": "extra: 1\n"}
    _run(repo, fake_render, "dev")  # a file added under a root
    _consistent(repo)
    fake_render.extra = {}
    _run(repo, fake_render, "dev")  # and removed again
    assert not (repo / "base/extra.yaml").exists()
    assert "base/extra.yaml" not in git(repo, "ls-files")
    _consistent(repo)
    # the user's own staged work elsewhere stays staged, and the index still agrees with its entries
    (repo / "README.md").write_text("# staged by the user\n")
    git(repo, "add", "README.md")
    fake_render.version = "4"
    _run(repo, fake_render, "prod")
    assert porcelain(repo) == "M  README.md\n"
    _consistent(repo, clean=False)
    git(repo, "commit", "-q", "-m", "readme")
    assert "version: 4" in git(repo, "show", "HEAD:overlays/prod/patch.yaml")


@pytest.mark.parametrize("split", [False, True])
def test_index_consistent_with_split_index_and_v4(repo: Path, fake_render: FakeRender, split: bool) -> None:
    """Index formats GitPython could not write (version 4, split index): git itself writes them now."""
    git(repo, "update-index", "--index-version", "4")
    if split:
        git(repo, "update-index", "--split-index")
    _run(repo, fake_render, "prod")
    fake_render.version = "2"
    _run(repo, fake_render, "prod")
    _consistent(repo)
    git(repo, "commit", "-q", "--allow-empty", "-m", "x")
    assert "version: 2" in git(repo, "show", "HEAD:overlays/prod/patch.yaml")
