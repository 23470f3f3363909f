"""`gitops-gen build` end to end: the shipped environments, the real renderer, real kustomize validation, git."""

from __future__ import annotations

import io
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.commands import build
from generator.config.model import Environment
from generator.errors import ValidationFailed
from generator.render import Rendered, render

from .conftest import git, snapshot


def _cli(repo: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["build", *args, "--repo", str(repo)])
    return result.exit_code, result.stdout + result.stderr


def test_build_all_then_rebuild_is_deterministic(repo: Path, tmp_path: Path) -> None:
    code, out = _cli(repo, "--all", "--no-validate")
    assert code == 0, out
    head = git(repo, "rev-parse", "HEAD").strip()
    names = git(repo, "ls-tree", "-r", "--name-only", "HEAD").split()
    for env in ("dev", "staging", "prod"):
        assert f"overlays/{env}/kustomization.yaml" in names
    assert "base/kustomization.yaml" in names
    assert git(repo, "status", "--porcelain") == ""

    code, out = _cli(repo, "--all", "--no-validate")
    assert code == 0 and "nothing changed since the last commit; no commit" in out
    assert git(repo, "rev-parse", "HEAD").strip() == head

    # a second repository built from the same input gets a byte-identical tree
    other = tmp_path / "other"
    shutil.copytree(repo / "environments", other / "environments")
    (other / "README.md").write_text("# platform\n")
    git(other, "init", "-q", "-b", "main")
    git(other, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "-q", "--allow-empty", "-m", "init")
    assert _cli(other, "dev", "prod", "staging", "--no-validate")[0] == 0
    generated = [p for p in names if not p.startswith(("environments/", "README"))]
    for path in generated:
        assert (other / path).read_bytes() == (repo / path).read_bytes(), path


def test_every_generated_file_says_it_is_generated(repo: Path) -> None:
    assert _cli(repo, "--all", "--no-validate")[0] == 0
    files = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert files
    for path in files:
        if path.startswith("environments/"):  # the user's input, committed with its tree (not generated)
            continue
        head = (repo / path).read_text().splitlines()[0]
        comment = "<!--" if path.endswith(".md") else "#"
        assert head.startswith(comment) and "gitops-gen" in head, path


def test_check_after_hand_edit_and_after_env_change(repo: Path) -> None:
    assert _cli(repo, "--all", "--no-validate")[0] == 0
    assert _cli(repo, "--all", "--check")[0] == 0

    kustomization = repo / "overlays/prod/kustomization.yaml"
    kustomization.write_text(kustomization.read_text() + "# hand edit\n")
    code, out = _cli(repo, "--all", "--check")
    assert code == 1
    assert "  changed overlays/prod/kustomization.yaml" in out
    kustomization.write_text(kustomization.read_text().replace("# hand edit\n", ""))
    assert _cli(repo, "--all", "--check")[0] == 0

    dev = repo / "environments/dev.yaml"
    dev.write_text(dev.read_text().replace("mlflow.dev.example.com", "tracking.dev.example.com"))
    files = snapshot(repo)
    code, out = _cli(repo, "dev", "--check")
    assert code == 1
    assert "overlays/dev/" in out
    assert snapshot(repo) == files  # --check wrote nothing

    code, out = _cli(repo, "dev", "--no-validate")
    assert code == 0, out
    assert "gitops-gen: build dev (" in out
    changed = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert "environments/dev.yaml" in changed  # recorded with its tree
    changed.remove("environments/dev.yaml")
    assert changed and all(p.startswith(("overlays/dev/", "argocd/dev/")) for p in changed), changed
    assert "tracking.dev.example.com" in "".join((repo / p).read_text() for p in changed)


def _with_plaintext_secret(envs: Sequence[Environment]) -> Rendered:
    """The real render, plus a plaintext Secret appended to a base resource file (a defect validation catches)."""
    result = render(envs)
    files = dict(result.files)
    target = next(p for p in sorted(files) if p.startswith("base/") and not p.endswith("kustomization.yaml"))
    files[target] += (
        "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: leaked\n"
        "type: Opaque\nstringData:\n  password: guide-minio-password\n"
    )
    return Rendered(files=files, roots=result.roots)


def test_real_validation_blocks_the_commit_and_writes_nothing(repo: Path) -> None:
    assert _cli(repo, "dev", "--no-validate")[0] == 0
    files, head = snapshot(repo), git(repo, "rev-parse", "HEAD").strip()
    out = io.StringIO()
    with pytest.raises(ValidationFailed, match="validation failed for overlays/dev"):
        build.run(["dev"], out=out, repo=repo, render=_with_plaintext_secret)
    assert "[plaintext-secret]" in out.getvalue()
    assert "Secret mlflow-dev/leaked" in out.getvalue()
    assert ".gitops-gen-tmp-" not in out.getvalue()  # positions point at repo paths, not the staging dir
    assert snapshot(repo) == files
    assert git(repo, "rev-parse", "HEAD").strip() == head


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_shipped_environment_builds_and_validates(repo: Path, env: str) -> None:
    """The acceptance path: `gitops-gen build ENV` with validation on commits a clean tree."""
    code, out = _cli(repo, env)
    assert code == 0, out
    assert f"validated overlays/{env}: 0 errors" in out
    assert f"gitops-gen: build {env} (" in git(repo, "log", "-1", "--format=%s")
