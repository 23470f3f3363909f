"""A HorizontalPodAutoscaler's scaleTargetRef names nothing in the validated set.

The API server accepts an HPA for a workload that doesn't exist; the HPA controller then reports
``FailedGetScale`` forever and nothing is scaled (a typo in ``name``, a wrong ``kind``, or a workload
renamed by a kustomize ``namePrefix`` the HPA wasn't patched for). Declare workloads that live elsewhere
with ``policy.external``. Same check: kube-linter ``dangling-horizontalpodautoscaler``.

PASS:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      selector: {matchLabels: {app: mlflow}}
      template:
        metadata: {labels: {app: mlflow}}
        spec: {containers: [{name: mlflow, image: ghcr.io/mlflow/mlflow:v3.1.0}]}
    ---
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata: {name: mlflow}
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: mlflow}
      maxReplicas: 4

FAIL:

    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata: {name: mlflow}
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: mlflow-server}
      maxReplicas: 4
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity

ID = "hpa-dangling-target"
CATEGORY = "cross-resource"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = frozenset({"HorizontalPodAutoscaler"})


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    spec = obj.obj.get("spec")
    ref = spec.get("scaleTargetRef") if isinstance(spec, dict) else None
    if not isinstance(ref, dict):
        return []
    kind, name = ref.get("kind"), ref.get("name")
    if not isinstance(kind, str) or not isinstance(name, str) or not kind or not name:
        return []  # apiserver-invalid reports the missing field
    if ctx.get(kind, obj.namespace, name) is not None or ctx.is_external(kind, obj.namespace, name):
        return []
    # a namespace-less HPA lands in the default namespace (kubectl apply), like its target lookup above
    where = f"namespace {obj.namespace}" if obj.namespace else "the default namespace"
    return [
        Finding(
            f"scaleTargetRef {kind}/{name} is not in {where} (nothing will be scaled); "
            "fix the name/kind or declare it in policy.external",
            "/spec/scaleTargetRef/name",
        )
    ]
