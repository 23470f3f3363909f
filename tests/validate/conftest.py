"""Shared fixtures: a small GitOps repository with a base, an overlay with a patch, and an env file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: mlflow
  labels: {app: mlflow}
spec:
  replicas: 1
  selector:
    matchLabels: {app: mlflow}
  template:
    metadata:
      labels: {app: mlflow}
    spec:
      containers:
        - name: sidecar
          image: busybox:1.36
        - name: mlflow
          image: ghcr.io/mlflow/mlflow:v2.10.0
          ports:
            - containerPort: 5000
"""

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: mlflow
spec:
  selector: {app: mlflow}
  ports:
    - port: 80
      targetport: 5000
"""

PATCH = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: mlflow
spec:
  replicas: "2"
"""


@pytest.fixture
def kustomize_repo(tmp_path: Path) -> Path:
    """base/ (Deployment + Service with an unknown field) and overlays/dev (namePrefix + a patch)."""
    (tmp_path / "base").mkdir()
    (tmp_path / "overlays" / "dev").mkdir(parents=True)
    (tmp_path / "base" / "deployment.yaml").write_text(DEPLOYMENT)
    (tmp_path / "base" / "service.yaml").write_text(SERVICE)
    (tmp_path / "base" / "kustomization.yaml").write_text("resources:\n  - deployment.yaml\n  - service.yaml\n")
    (tmp_path / "overlays" / "dev" / "kustomization.yaml").write_text(
        "resources:\n  - ../../base\nnamePrefix: dev-\nnamespace: team\npatches:\n  - path: patch.yaml\n"
    )
    (tmp_path / "overlays" / "dev" / "patch.yaml").write_text(PATCH)
    return tmp_path


@pytest.fixture
def env_repo(kustomize_repo: Path) -> Path:
    """The same repo with environments/dev.yaml (the project's own dev environment file)."""
    (kustomize_repo / "environments").mkdir()
    shutil.copy(ROOT / "environments" / "dev.yaml", kustomize_repo / "environments" / "dev.yaml")
    return kustomize_repo
