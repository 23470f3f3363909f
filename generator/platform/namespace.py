"""The Namespace, with Pod Security Admission labels (every workload here meets `restricted`)."""

from __future__ import annotations

from typing import Any

from generator.config.model import Environment
from generator.platform.common import WAVE, WAVE_NAMESPACE, labels

SYNC_OPTIONS = "argocd.argoproj.io/sync-options"


def namespace(env: Environment) -> dict[str, Any]:
    version = f"v{env.kubernetes_version}"
    lab = labels("mlflow-platform", "namespace")
    for mode in ("enforce", "audit", "warn"):
        lab[f"pod-security.kubernetes.io/{mode}"] = "restricted"
        lab[f"pod-security.kubernetes.io/{mode}-version"] = version
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": env.namespace,
            "labels": dict(sorted(lab.items())),
            # Deleting the Application (its resources finalizer cascades) or pruning the Namespace would
            # delete every PersistentVolumeClaim in it -- PostgreSQL's and MinIO's -- whatever their own
            # annotations say. Argo CD leaves resources marked Delete=false/Prune=false in place.
            "annotations": {WAVE: WAVE_NAMESPACE, SYNC_OPTIONS: "Delete=false,Prune=false"},
        },
    }
