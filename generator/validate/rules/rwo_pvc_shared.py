"""A ReadWriteOnce volume is mounted by a Deployment that runs (or rolls out) more than one pod.

A ``ReadWriteOnce`` PersistentVolumeClaim attaches to one node (``ReadWriteOncePod``: one pod). A
Deployment with more than one replica, or with the default ``RollingUpdate`` strategy (the new pod starts
before the old one stops), needs a second attachment: the extra pod waits in ``ContainerCreating`` with
"Multi-Attach error" whenever it lands on another node, and a rollout never finishes. Use
``strategy: {type: Recreate}`` and one replica, a StatefulSet with volumeClaimTemplates, or a
ReadWriteMany volume. kube-linter and kube-score have no such check.

PASS:

    apiVersion: v1
    kind: PersistentVolumeClaim
    metadata: {name: minio-data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: minio}
    spec:
      replicas: 1
      strategy: {type: Recreate}
      selector: {matchLabels: {app: minio}}
      template:
        metadata: {labels: {app: minio}}
        spec:
          containers: [{name: minio, image: minio/minio:RELEASE.2024-06-13T22-53-53Z}]
          volumes: [{name: data, persistentVolumeClaim: {claimName: minio-data}}]

FAIL:

    apiVersion: v1
    kind: PersistentVolumeClaim
    metadata: {name: minio-data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: minio}
    spec:
      replicas: 1                 # the default RollingUpdate strategy still starts a second pod
      selector: {matchLabels: {app: minio}}
      template:
        metadata: {labels: {app: minio}}
        spec:
          containers: [{name: minio, image: minio/minio:RELEASE.2024-06-13T22-53-53Z}]
          volumes: [{name: data, persistentVolumeClaim: {claimName: minio-data}}]
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._helpers import as_dict, as_list, minimum_replicas, template_of

ID = "rwo-pvc-shared"
CATEGORY = "availability"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = frozenset({"Deployment"})
_SINGLE = ("ReadWriteOnce", "ReadWriteOncePod")


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    tmpl = template_of(ctx, obj)
    if tmpl is None:
        return []
    spec = as_dict(obj.obj.get("spec"))
    strategy = as_dict(spec.get("strategy")).get("type", "RollingUpdate")
    replicas = minimum_replicas(ctx, obj) or 1
    out: list[Finding] = []
    for i, vol in enumerate(as_list(tmpl.spec.get("volumes"))):
        claim = as_dict(as_dict(vol).get("persistentVolumeClaim")).get("claimName")
        if not isinstance(claim, str):
            continue
        pvc = ctx.get("PersistentVolumeClaim", obj.namespace, claim)
        if pvc is None:
            continue
        modes = [str(m) for m in as_list(as_dict(pvc.obj.get("spec")).get("accessModes"))]
        if not modes or any(m not in _SINGLE for m in modes):
            continue
        if replicas > 1:
            why = f"{replicas} replicas"
        elif strategy == "RollingUpdate":
            why = "the RollingUpdate strategy (a second pod during every rollout; use strategy type Recreate)"
        else:
            continue
        out.append(
            Finding(
                f"PersistentVolumeClaim {claim} is {'/'.join(modes)} but mounted by {why}: the extra pod "
                "cannot attach it on another node (Multi-Attach error)",
                pointer(*tmpl.path, "volumes", i, "persistentVolumeClaim", "claimName"),
            )
        )
    return out
