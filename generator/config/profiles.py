"""Profile defaults (``dev``, ``staging``, ``prod``), written in the env-file shape (camelCase).

An environment file names a profile and overrides any value; :func:`defaults_for` gives the profile's
complete document, which the loader deep-merges with the file (mappings merge, lists and scalars replace).
"""

from __future__ import annotations

import copy
from typing import Any

PROFILES: tuple[str, ...] = ("dev", "staging", "prod")

# Pinned defaults. The MLflow image must contain psycopg2, boto3 and prometheus-flask-exporter: the
# plain ghcr.io/mlflow/mlflow:vX image does not, the ``-full`` variant does (from 3.9.0). 3.16 is the
# first release that honours MLFLOW_SERVER_JOB_ENABLE_PERIODIC_TASKS (earlier ones ignore it and run the
# periodic tasks in every replica), which the HA layout relies on. MLFLOW_VERSION is the release the e2e
# tests (tests/e2e) run; pyproject's test extra pins the same version.
MLFLOW_VERSION = "3.17.2"
MLFLOW_IMAGE = f"ghcr.io/mlflow/mlflow:v{MLFLOW_VERSION}-full"
# The example trainer (examples/trainer): you build and push it, then set images.training to its name.
TRAINING_IMAGE = f"ghcr.io/example/mlflow-trainer:v{MLFLOW_VERSION}"
POSTGRES_IMAGE = "postgres:16.4"
MINIO_IMAGE = "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z"
MC_IMAGE = "quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z"
# oauth2-proxy (auth: oidc); v7.15.3 is the newest release in oauth2-proxy/oauth2-proxy CHANGELOG.md.
OAUTH2_PROXY_IMAGE = "quay.io/oauth2-proxy/oauth2-proxy:v7.15.3"

# The example trainer's entry point (examples/trainer/train.py, copied to /app by its Dockerfile): trains
# the iris RandomForest and points the registered model's alias at the new version; serving loads
# models:/iris@champion.
DEFAULT_TRAINING_COMMAND: list[str] = ["python", "/app/train.py", "--registered-model", "iris", "--alias", "champion"]


def _res(req_cpu: str, req_mem: str, lim_cpu: str, lim_mem: str) -> dict[str, Any]:
    return {"requests": {"cpu": req_cpu, "memory": req_mem}, "limits": {"cpu": lim_cpu, "memory": lim_mem}}


_COMMON: dict[str, Any] = {
    "kubernetesVersion": "1.33",
    "images": {
        "mlflow": MLFLOW_IMAGE,
        "postgres": POSTGRES_IMAGE,
        "minio": MINIO_IMAGE,
        "mc": MC_IMAGE,
        "training": TRAINING_IMAGE,
        "oauth2Proxy": OAUTH2_PROXY_IMAGE,
    },
    # Authentication of the tracking server (generator.platform.auth): basic in staging and prod.
    "auth": {
        "mode": "basic",
        "defaultPermission": "READ",
        "database": "mlflow_auth",
        "oidc": {"emailDomains": ["*"], "allowedGroups": []},
    },
    "postgres": {"database": "mlflow", "storage": {"size": "5Gi"}, "resources": _res("100m", "256Mi", "500m", "512Mi")},
    "objectStore": {
        "type": "minio",
        "bucket": "mlflow-artifacts",
        "region": "us-east-1",
        "console": False,
        "storage": {"size": "10Gi"},
        "resources": _res("100m", "256Mi", "500m", "512Mi"),
    },
    "mlflow": {
        "replicas": 1,
        "workers": 2,
        "dbPoolSize": 5,
        "dbMaxOverflow": 10,
        # Measured (MLflow 3.16.1, idle, job execution on as by default): the server with its job runner
        # and Huey consumers is ~1.8 GiB PSS with 2 workers, ~2.2 GiB with 4; a 1Gi limit OOM-kills it.
        "resources": _res("250m", "2Gi", "1", "3Gi"),
        "hpa": {"enabled": False, "minReplicas": 2, "maxReplicas": 4, "targetCPUUtilization": 75},
    },
    "ingress": {
        "className": "nginx",
        "tls": False,
        "clusterIssuer": "letsencrypt-prod",
        "tlsSecretName": "mlflow-tls",
        "controllerNamespace": "ingress-nginx",
        "acmeSolver": "http01",
        "kind": "ingress",
    },
    "secrets": {
        "provider": "external-secrets",
        "store": {"kind": "ClusterSecretStore", "name": "platform-secrets"},
        "refreshInterval": "1h",
        # Remote keys default to <keyPrefix>/postgres and <keyPrefix>/object-store (secrets.remoteKeys overrides);
        # the prefix names the environment, so dev never reads prod's credentials.
        "keyPrefix": "mlflow/{env}",
    },
    "training": {
        "enabled": True,
        "schedule": "0 2 * * *",
        "experiment": "nightly-training",
        "command": DEFAULT_TRAINING_COMMAND,
        "resources": _res("250m", "512Mi", "1", "1Gi"),
        "backoffLimit": 2,
        "ttlSecondsAfterFinished": 86400,
        "startingDeadlineSeconds": 600,
        "activeDeadlineSeconds": 7200,
        "successfulJobsHistoryLimit": 3,
        "failedJobsHistoryLimit": 3,
    },
    "serving": {"port": 8080, "defaultReplicas": 1, "models": []},
    "monitoring": {
        "enabled": True,
        "prometheusNamespace": "monitoring",
        "scrapeInterval": "30s",
        "serviceMonitorLabels": {"release": "kube-prometheus-stack"},
        "grafanaDashboard": True,
    },
    "networkPolicy": {"enabled": False, "dnsNamespace": "kube-system", "nodeLocalDNS": "169.254.20.10"},
    "argocd": {
        "repoURL": "https://github.com/example/mlflow-gitops.git",
        "targetRevision": "main",
        "destination": "https://kubernetes.default.svc",
        "project": "mlflow-platform",
        "automated": True,
        "prune": True,
        "selfHeal": True,
    },
    "policy": {"severity": {}, "external": []},
}

_OVERRIDES: dict[str, dict[str, Any]] = {
    "dev": {
        "auth": {"mode": "none"},
        "monitoring": {"enabled": False},
        "training": {"schedule": "0 3 * * *"},
        "argocd": {"targetRevision": "main"},
    },
    "staging": {
        "ingress": {"tls": True, "clusterIssuer": "letsencrypt-staging"},
        "networkPolicy": {"enabled": True},
        "postgres": {"storage": {"size": "10Gi"}, "resources": _res("250m", "512Mi", "1", "1Gi")},
        "objectStore": {"storage": {"size": "20Gi"}},
    },
    "prod": {
        "ingress": {"tls": True},
        "networkPolicy": {"enabled": True},
        "mlflow": {
            "replicas": 3,
            "workers": 4,
            "dbPoolSize": 10,
            "dbMaxOverflow": 20,
            "resources": _res("500m", "3Gi", "2", "4Gi"),
        },
        "postgres": {"storage": {"size": "50Gi"}, "resources": _res("500m", "1Gi", "2", "2Gi")},
        "objectStore": {"storage": {"size": "100Gi"}, "resources": _res("250m", "512Mi", "1", "1Gi")},
        "serving": {"defaultReplicas": 2},
        "argocd": {"automated": False},  # prod syncs manually by default (issue 4); env files may opt in
    },
}


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """A new dict: mappings merge recursively, every other value of ``override`` replaces."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def defaults_for(profile: str) -> dict[str, Any]:
    """The complete default document of ``profile`` (a fresh copy)."""
    return deep_merge(_COMMON, _OVERRIDES[profile])
