"""Compose every component builder into the list of :class:`Part` of one environment."""

from __future__ import annotations

from typing import Any

from generator.config.model import Environment
from generator.platform import (
    auth,
    gateway,
    ingress,
    minio,
    mlflow,
    monitoring,
    network,
    oauth2_proxy,
    postgres,
    rbac,
    secrets,
    serving,
    training,
)
from generator.platform.common import Part, drop_none
from generator.platform.namespace import namespace

# Feature names: "core" goes to base/, "local" always into the overlay, the rest are Kustomize Components.
CORE = "core"
LOCAL = "local"
COMPONENTS: tuple[str, ...] = ("ha", "monitoring", "network-policy")


def build_platform(env: Environment) -> list[Part]:
    """Every object of ``env``, tagged with its feature and output group, in a stable order."""
    raw: list[tuple[str, str, dict[str, Any]]] = [(LOCAL, "namespace", namespace(env))]
    raw += [(CORE, "rbac", o) for o in rbac.core_service_accounts(env)]
    raw += [(CORE, "secrets", o) for o in secrets.secrets(env)]
    raw += [(CORE, "postgres", o) for o in postgres.postgres(env)]
    raw += [(CORE, "minio", o) for o in minio.minio(env)]
    raw += [(CORE, "mlflow", o) for o in mlflow.core(env)]
    raw += [(CORE, "auth", o) for o in auth.objects(env)]
    raw += [(CORE, "mlflow", o) for o in ingress.ingresses(env)]
    raw += [(CORE, "auth", o) for o in oauth2_proxy.objects(env)]
    raw += [(CORE, "gateway", o) for o in gateway.objects(env)]
    raw += [(CORE, "training", o) for o in training.training(env)]
    raw += [("ha", "ha", o) for o in mlflow.high_availability(env)]
    raw += [("monitoring", "monitoring", o) for o in monitoring.monitoring(env)]
    raw += [("network-policy", "network-policy", o) for o in network.policies(env)]
    raw += [(LOCAL, "serving", o) for o in rbac.model_service_accounts(env)]
    raw += [(LOCAL, "serving", o) for o in serving.serving(env)]
    return [Part(feature, group, drop_none(obj)) for feature, group, obj in raw]


def build_objects(env: Environment) -> list[dict[str, Any]]:
    """Just the objects (what ``kustomize build overlays/<env>`` must produce)."""
    return [part.obj for part in build_platform(env)]
