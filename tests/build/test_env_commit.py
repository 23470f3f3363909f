"""Issue 8, point 4: `build ENV` commits environments/ENV.yaml with its tree, so a fresh clone can check and
validate every environment after any build (the real CLI, real kustomize, real git)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, git
from .test_index_consistency import cli


def test_fresh_clone_after_building_a_new_environment(repo: Path, tmp_path: Path) -> None:
    qa = (repo / "environments/dev.yaml").read_text().replace("mlflow.dev.example.com", "mlflow.qa.example.com")
    qa = qa.replace("namespace: mlflow-dev", "namespace: mlflow-qa")
    (repo / "environments/qa.yaml").write_text(qa)
    built = cli(repo, "build", "qa")
    assert built.returncode == 0, built.stderr
    assert "environments/qa.yaml" in git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert git(repo, "status", "--porcelain") == ""

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
    check = cli(clone, "build", "qa", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "in sync" in check.stdout
    validated = subprocess.run(
        [sys.executable, "-m", "generator.cli", "validate", "--env", "qa"],
        cwd=clone,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr


def test_build_all_records_a_deleted_environment(repo: Path) -> None:
    assert cli(repo, "build", "--all", "--no-validate").returncode == 0
    (repo / "environments/staging.yaml").unlink()
    built = cli(repo, "build", "--all", "--no-validate")
    assert built.returncode == 0, built.stderr
    tracked = git(repo, "ls-tree", "-r", "--name-only", "HEAD").split()
    assert "environments/staging.yaml" not in tracked
    assert not any(p.startswith("overlays/staging/") for p in tracked)
    assert git(repo, "status", "--porcelain") == ""
