"""The migration hook against a real database, with the pinned MLflow release.

Runs the init step and ``mlflow db upgrade`` exactly as the rendered Job does (command, args, env
expansion) on an empty SQLite database: the first sync of a new environment. Verified with 3.9.0 (fails
without the init step) and 3.16.1. Needs ``mlflow`` importable
(it is not a dependency of gitops-gen: ``pip install mlflow==<pinned version>`` to run it); skipped
otherwise.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kustomize.conftest import Objects, one

pytest.importorskip("mlflow")


def _expand(value: str, env: dict[str, str]) -> str:
    """Kubernetes' $(VAR) expansion for names defined earlier in the list."""
    return re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: env.get(m.group(1), m.group(0)), value)


def _run(container: dict[str, Any], uri: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env: dict[str, str] = {"PATH": os.environ.get("PATH", ""), "HOME": str(cwd)}
    for item in container["env"]:
        if item["name"] == "MLFLOW_BACKEND_STORE_URI":
            env[item["name"]] = uri  # the rendered postgresql:// URI, pointed at a local database instead
        elif "value" in item:
            env[item["name"]] = _expand(item["value"], env)
        else:
            env[item["name"]] = "placeholder"
    env["HOME"] = str(cwd)
    argv = [_expand(a, env) for a in [*container["command"], *container.get("args", [])]]
    exe = {"python": sys.executable, "mlflow": shutil.which("mlflow") or "mlflow"}.get(argv[0], argv[0])
    return subprocess.run([exe, *argv[1:]], env=env, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_first_sync_migration_succeeds_on_an_empty_database(rendered: dict[str, Objects], tmp_path: Path) -> None:
    job = one(rendered["prod"], "Job", "mlflow-db-migrate")
    spec = job["spec"]["template"]["spec"]
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    # (`mlflow db upgrade` alone fails here with MLflow < 3.16 -- "no such table: metrics" -- which is what
    # the init step is for; with the default 3.16.1 image it is redundant and must stay harmless.)
    for _ in range(2):  # the hook runs on every sync: the second run must be a no-op, not an error
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            if container["name"].startswith("auth-"):
                continue  # the auth store needs PostgreSQL: tests/e2e/test_auth.py runs those steps for real
            result = _run(container, uri, tmp_path)
            assert result.returncode == 0, f"{container['name']}: {result.stderr[-2000:]}"
    with sqlite3.connect(tmp_path / "mlflow.db") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"experiments", "runs", "metrics", "registered_models", "alembic_version"} <= tables
