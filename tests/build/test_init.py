"""Issue 8, point 7: `gitops-gen init` starts a repository that builds with zero edits (real kustomize,
real validation, real git); `--repo` may be a monorepo folder; two environments may not share a host."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, git
from .gitcheck import index_problems


def gitops_gen(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def _identity(repo: Path) -> None:
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")


def test_init_then_build_dev_with_zero_edits(tmp_path: Path) -> None:
    made = gitops_gen(tmp_path, "init", "mlflow-gitops")
    assert made.returncode == 0, made.stderr
    repo = tmp_path / "mlflow-gitops"
    assert (repo / ".git").is_dir()
    for rel in ("environments/dev.yaml", "README.md", ".gitignore", ".pre-commit-config.yaml"):
        assert (repo / rel).is_file(), rel
    assert "# " in (repo / "environments/dev.yaml").read_text()  # guidance in comments
    _identity(repo)
    built = gitops_gen(tmp_path, "build", "dev", "--repo", str(repo))  # validation on: real kustomize
    assert built.returncode == 0, built.stdout + built.stderr
    assert "validated overlays/dev: 0 errors" in built.stdout
    tracked = git(repo, "ls-files").split()
    assert "environments/dev.yaml" in tracked and "overlays/dev/kustomization.yaml" in tracked
    assert gitops_gen(repo, "build", "--all", "--check").returncode == 0
    assert index_problems(repo) == []
    again = gitops_gen(tmp_path, "init", "mlflow-gitops")  # never overwrites
    assert again.returncode == 2 and "already has environments/dev.yaml" in again.stderr


def test_monorepo_folder(tmp_path: Path) -> None:
    mono = tmp_path / "mono"
    mono.mkdir()
    git(mono, "init", "-q", "-b", "main")
    _identity(mono)
    (mono / "app.txt").write_text("the monorepo's own file\n")
    git(mono, "add", "app.txt")
    git(mono, "commit", "-q", "-m", "app")
    assert gitops_gen(mono, "init", "platform").returncode == 0
    assert not (mono / "platform/.git").exists()  # inside a work tree: no nested repository
    built = gitops_gen(mono, "build", "dev", "--repo", "platform", "--no-validate")
    assert built.returncode == 0, built.stderr
    tracked = git(mono, "ls-files").split()
    assert "platform/overlays/dev/kustomization.yaml" in tracked and "platform/environments/dev.yaml" in tracked
    assert not (mono / "overlays").exists() and not (mono / "environments").exists()
    app = (mono / "platform/argocd/dev/application.yaml").read_text()
    assert "path: platform/overlays/dev\n" in app
    assert "path: platform/argocd\n" in (mono / "platform/argocd/root.yaml").read_text()
    check = gitops_gen(mono / "platform", "build", "--all", "--check", "--repo", ".")
    assert check.returncode == 0, check.stdout + check.stderr
    assert index_problems(mono) == []


def test_two_environments_sharing_a_host_are_refused(tmp_path: Path) -> None:
    assert gitops_gen(tmp_path, "init", "r").returncode == 0
    repo = tmp_path / "r"
    _identity(repo)
    (repo / "environments/qa.yaml").write_text(
        (repo / "environments/dev.yaml").read_text().replace("namespace: mlflow-dev", "namespace: mlflow-qa")
    )
    refused = gitops_gen(repo, "build", "qa", "--no-validate")
    assert refused.returncode == 2
    assert (
        "environments/dev.yaml and environments/qa.yaml: both use ingress.host 'mlflow.dev.example.com'"
        in refused.stderr
    )
    assert not (repo / "overlays").exists()
