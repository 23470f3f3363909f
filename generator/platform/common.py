"""One helper for names, labels, annotations and security contexts, so selectors always match."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.config.model import Resources

PART_OF = "mlflow-platform"
MANAGED_BY = "gitops-gen"
WAVE = "argocd.argoproj.io/sync-wave"
HOOK = "argocd.argoproj.io/hook"
HOOK_DELETE = "argocd.argoproj.io/hook-delete-policy"

# Sync waves (see the shared contract).
WAVE_NAMESPACE = "-3"
WAVE_CONFIG = "-2"  # ServiceAccount, Role, RoleBinding, NetworkPolicy, ConfigMap
WAVE_SECRETS = "-1"  # ExternalSecret / SealedSecret / Certificate
WAVE_DATA = "0"  # PostgreSQL, MinIO
WAVE_HOOKS = "1"  # migration Job, bucket Job (Sync hooks)
WAVE_SERVER = "2"  # MLflow Deployment, Service, Ingress, PDB, HPA, ServiceMonitor, dashboard
WAVE_CLIENTS = "3"  # training (Sync hook + CronJob)
# The last wave holds no hook, so Argo CD does not wait for its health (gitops-engine pkg/sync/sync_context.go:
# "if it is the last phase/wave and the only remaining tasks are non-hooks, then we are successful EVEN if
# those objects subsequently degraded"): model serving (waits for a registered model version) and the HPA
# (reports FailedGetResourceMetric, i.e. Degraded, until its pods have metrics).
WAVE_LAST = "4"

NON_ROOT_UID = 1000
POSTGRES_UID = 999  # the `postgres` user of the official image


@dataclass(frozen=True, slots=True)
class Part:
    """One generated object, with the Kustomize feature it belongs to and the file it is written to.

    feature: "core" (base), a component name ("ha", "monitoring", "network-policy") or "local"
    (always written into the overlay, e.g. the Namespace and per-environment model servers).
    """

    feature: str
    group: str
    obj: dict[str, Any]


def drop_none(value: Any) -> Any:
    """A copy of ``value`` without None values in mappings (empty dicts such as ``emptyDir: {}`` stay)."""
    if isinstance(value, Mapping):
        return {k: drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [drop_none(v) for v in value]
    return value


def labels(name: str, component: str, *, instance: str | None = None) -> dict[str, str]:
    out = {
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/managed-by": MANAGED_BY,
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/part-of": PART_OF,
    }
    if instance is not None:
        out["app.kubernetes.io/instance"] = instance
    return dict(sorted(out.items()))


def selector(name: str, *, instance: str | None = None) -> dict[str, str]:
    out = {"app.kubernetes.io/name": name}
    if instance is not None:
        out["app.kubernetes.io/instance"] = instance
    return dict(sorted(out.items()))


def metadata(
    name: str,
    *,
    namespace: str | None,
    app: str,
    component: str,
    wave: str,
    instance: str | None = None,
    extra_labels: Mapping[str, str] | None = None,
    annotations: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    lab = labels(app, component, instance=instance)
    if extra_labels:
        lab.update(extra_labels)
    ann = {WAVE: wave, **(annotations or {})}
    return {
        "name": name,
        "namespace": namespace,
        "labels": dict(sorted(lab.items())),
        "annotations": dict(sorted(ann.items())),
    }


IGNORE = "gitops-gen.io/ignore"
IGNORE_REASON = "gitops-gen.io/ignore-reason"
SINGLE_REPLICA_RULES = "min-replicas,missing-pdb,no-anti-affinity"


def single_replica_by_design(reason: str) -> dict[str, str]:
    """Opt a workload that must run exactly one replica out of the availability rules, with the reason."""
    return {IGNORE: SINGLE_REPLICA_RULES, IGNORE_REASON: reason}


def hook_annotations() -> dict[str, str]:
    """Argo CD Sync-phase hook, recreated on every sync."""
    return {HOOK: "Sync", HOOK_DELETE: "BeforeHookCreation"}


def resources(res: Resources) -> dict[str, Any]:
    return {
        "requests": {"cpu": res.requests_cpu, "memory": res.requests_memory},
        "limits": {"cpu": res.limits_cpu, "memory": res.limits_memory},
    }


def pod_security(uid: int, *, fs_group: bool = True) -> dict[str, Any]:
    return {
        "runAsNonRoot": True,
        "runAsUser": uid,
        "runAsGroup": uid,
        "fsGroup": uid if fs_group else None,
        "fsGroupChangePolicy": "OnRootMismatch" if fs_group else None,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def container_security(uid: int) -> dict[str, Any]:
    return {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
        "privileged": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": uid,
        "runAsGroup": uid,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def secret_env(name: str, secret: str, key: str) -> dict[str, Any]:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def env(name: str, value: str) -> dict[str, Any]:
    return {"name": name, "value": value}


def empty_dir(name: str, *, medium: str | None = None, size: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if medium:
        spec["medium"] = medium
    if size:
        spec["sizeLimit"] = size
    return {"name": name, "emptyDir": spec}


def service_account(name: str, *, namespace: str, app: str, component: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": metadata(name, namespace=namespace, app=app, component=component, wave=WAVE_CONFIG),
        "automountServiceAccountToken": False,
    }


def http_probe(path: str, port: str, *, period: int, failure: int, timeout: int = 5, delay: int = 0) -> dict[str, Any]:
    return {
        "httpGet": {"path": path, "port": port},
        "initialDelaySeconds": delay or None,
        "periodSeconds": period,
        "timeoutSeconds": timeout,
        "failureThreshold": failure,
    }
