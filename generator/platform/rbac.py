"""One ServiceAccount per workload; no workload needs the Kubernetes API, so none mounts a token and no
Role is generated."""

from __future__ import annotations

from typing import Any

from generator.config.model import Environment
from generator.platform import names
from generator.platform.common import service_account


def core_service_accounts(env: Environment) -> list[dict[str, Any]]:
    ns = env.namespace
    out = [
        service_account(names.POSTGRES, namespace=ns, app=names.POSTGRES, component="database"),
        service_account(names.MLFLOW, namespace=ns, app=names.MLFLOW, component="tracking-server"),
        service_account(names.MIGRATE_JOB, namespace=ns, app=names.MIGRATE_JOB, component="migration"),
    ]
    if env.object_store.is_minio:
        out.append(service_account(names.MINIO, namespace=ns, app=names.MINIO, component="object-store"))
        out.append(service_account(names.BUCKET_JOB, namespace=ns, app=names.BUCKET_JOB, component="bucket-init"))
    if env.training.enabled:
        out.append(service_account(names.TRAINING, namespace=ns, app=names.TRAINING, component="training"))
    return out


def model_service_accounts(env: Environment) -> list[dict[str, Any]]:
    return [
        service_account(
            names.model_server(m.name), namespace=env.namespace, app=names.MODEL_SERVER, component="serving"
        )
        for m in env.serving.models
    ]
