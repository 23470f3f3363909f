"""Issue 8, point 3: a build never writes through a symlink, and never quotes a linked file."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from generator.commands import build
from generator.errors import ConfigError, InputError

from .conftest import FakeRender, RecordingValidator, git, snapshot


def _build(repo: Path, render: FakeRender, *names: str, **kw: object) -> str:
    out = io.StringIO()
    build.run(list(names), out=out, repo=repo, render=render, validator=RecordingValidator(), **kw)  # type: ignore[arg-type]
    return out.getvalue()


def _outside(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    outside = tmp_path / "outside"
    (outside / "prod").mkdir(parents=True)
    (outside / "prod/patch.yaml").write_text("not yours\n")
    (outside / "keep.txt").write_text("precious\n")
    return outside, snapshot(outside)


def test_uncommitted_symlinked_overlays_is_refused_and_nothing_outside_changes(
    repo: Path, fake_render: FakeRender, tmp_path: Path
) -> None:
    outside, before = _outside(tmp_path)
    (repo / "overlays").symlink_to(outside)
    head = git(repo, "rev-parse", "HEAD")
    with pytest.raises(InputError, match=r"refusing to write through a symlink: overlays -> '/"):
        _build(repo, fake_render, "prod")
    assert snapshot(outside) == before
    assert git(repo, "rev-parse", "HEAD") == head
    assert not (repo / "base").exists()
    with pytest.raises(InputError, match="symlink: overlays"):
        _build(repo, fake_render, "prod", check=True)


def test_committed_symlinked_root_is_named_not_called_a_hand_edit(
    repo: Path, fake_render: FakeRender, tmp_path: Path
) -> None:
    outside, before = _outside(tmp_path)
    (repo / "overlays").mkdir()
    (repo / "overlays/prod").symlink_to(outside / "prod")
    git(repo, "add", "overlays")
    git(repo, "commit", "-q", "-m", "a linked overlay")
    with pytest.raises(InputError) as err:
        _build(repo, fake_render, "prod", force=True)
    assert "symlink: overlays/prod ->" in str(err.value) and "hand edits" not in str(err.value)
    assert snapshot(outside) == before


def test_symlink_inside_a_generated_directory_is_refused(repo: Path, fake_render: FakeRender, tmp_path: Path) -> None:
    _build(repo, fake_render, "prod")
    target = tmp_path / "secret.txt"
    target.write_text("secret\n")
    (repo / "base/app.yaml").unlink()
    (repo / "base/app.yaml").symlink_to(target)
    with pytest.raises(InputError, match=r"symlink: base/app\.yaml ->"):
        _build(repo, fake_render, "prod", force=True)
    assert target.read_text() == "secret\n"
    assert (repo / "base/app.yaml").is_symlink()


def test_env_file_linked_outside_is_refused_without_quoting_it(repo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n" * 50)
    (repo / "environments/pw.yaml").symlink_to(secret)
    with pytest.raises(ConfigError) as err:
        build.run(["pw"], out=io.StringIO(), repo=repo, validate=False)
    message = str(err.value)
    assert "environments/pw.yaml: a symlink to a file outside the repository" in message
    assert "root:x" not in message and len(message) < 300


def test_env_file_linked_inside_the_repository_still_works(repo: Path, fake_render: FakeRender) -> None:
    # a file kept elsewhere in the repository (its own host: two environments may not share one)
    (repo / "shared").mkdir()
    dev = (repo / "environments/dev.yaml").read_text()
    (repo / "shared/qa.yaml").write_text(dev.replace("mlflow.dev.example.com", "mlflow.qa.example.com"))
    os.symlink("../shared/qa.yaml", repo / "environments/qa.yaml")
    out = _build(repo, fake_render, "qa")
    assert "committed" in out
    assert (repo / "overlays/qa/patch.yaml").is_file()
    assert git(repo, "ls-files", "-s", "environments/qa.yaml") == ""  # the user's link is left to the user
