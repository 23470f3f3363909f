"""Deployments and StatefulSets need enough replicas for the profile.

A single replica means downtime on every rollout, node drain or crash. The minimum is 2 in the ``prod``
profile and 1 elsewhere (``dev``, ``staging``, ``default``; there 0 replicas still fires: the workload
would not run at all). An omitted ``spec.replicas`` counts as 1, as the API server defaults it. When a
HorizontalPodAutoscaler scales the workload, its ``minReplicas`` (default 1) is what counts, since the
HPA overrides ``spec.replicas``. The path is ``/spec/replicas`` (or ``/spec`` when omitted).

PASS:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      replicas: 2
      selector: {matchLabels: {app.kubernetes.io/name: mlflow}}
      template:
        metadata: {labels: {app.kubernetes.io/name: mlflow}}
        spec:
          containers: [{name: mlflow, image: "ghcr.io/mlflow/mlflow:v2.16.2"}]

FAIL:

    # in the prod profile
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      replicas: 1
      selector: {matchLabels: {app.kubernetes.io/name: mlflow}}
      template:
        metadata: {labels: {app.kubernetes.io/name: mlflow}}
        spec:
          containers: [{name: mlflow, image: "ghcr.io/mlflow/mlflow:v2.16.2"}]
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._helpers import REPLICATED_KINDS, as_dict, declared_replicas, hpa_min_replicas

ID = "min-replicas"
CATEGORY = "availability"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = REPLICATED_KINDS

PROFILE_MINIMUM = {"prod": 2}
DEFAULT_MINIMUM = 1


def required_replicas(profile: str) -> int:
    return PROFILE_MINIMUM.get(profile, DEFAULT_MINIMUM)


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if obj.kind not in REPLICATED_KINDS:
        return ()
    need = required_replicas(ctx.profile)
    spec = as_dict(obj.obj.get("spec"))
    path = pointer("spec", "replicas") if "replicas" in spec else (pointer("spec") if "spec" in obj.obj else "")
    hpa_min = hpa_min_replicas(ctx, obj)
    if hpa_min is not None:
        if hpa_min >= need:
            return ()
        message = (
            f'{obj.kind} "{obj.shown_name}" can scale down to {hpa_min} replica(s) through its '
            "HorizontalPodAutoscaler; "
            f"set the HPA's minReplicas to at least {need} (profile {ctx.profile})."
        )
        return (Finding(message, path=path),)
    replicas = declared_replicas(obj)
    if replicas is None or replicas >= need:
        return ()
    shown = f"{replicas} replica(s)" if "replicas" in spec else "1 replica (spec.replicas omitted)"
    return (
        Finding(
            f'{obj.kind} "{obj.shown_name}" runs {shown}; set spec.replicas to at least {need} '
            f"(profile {ctx.profile}).",
            path=path,
        ),
    )
