"""Multi-replica Deployments and StatefulSets should spread their pods across nodes.

Two replicas on the same node are one node failure (or one drain) away from an outage: the scheduler
does not spread replicas on its own when one node has room. A workload whose minimum replica count is 2
or more (its HPA's ``minReplicas`` when an HPA scales it, else ``spec.replicas``) passes with a
``podAntiAffinity`` (preferred or required) or ``topologySpreadConstraints`` in its pod template. The
path is the pod template's ``affinity`` when present, else its ``spec``.

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
          topologySpreadConstraints:
            - maxSkew: 1
              topologyKey: kubernetes.io/hostname
              whenUnsatisfiable: ScheduleAnyway
              labelSelector: {matchLabels: {app.kubernetes.io/name: mlflow}}
          containers: [{name: mlflow, image: "ghcr.io/mlflow/mlflow:v2.16.2"}]

FAIL:

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
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity
from generator.validate.rules._helpers import REPLICATED_KINDS, as_dict, minimum_replicas, nearest, template_of

ID = "no-anti-affinity"
CATEGORY = "availability"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = REPLICATED_KINDS


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    tmpl = template_of(ctx, obj)
    if obj.kind not in REPLICATED_KINDS or tmpl is None:
        return ()
    replicas = minimum_replicas(ctx, obj)
    if replicas is None or replicas < 2:
        return ()
    if as_dict(as_dict(tmpl.spec.get("affinity")).get("podAntiAffinity")):
        return ()
    if tmpl.spec.get("topologySpreadConstraints"):
        return ()
    return (
        Finding(
            f'{obj.kind} "{obj.shown_name}" runs {replicas} replicas without podAntiAffinity or '
            "topologySpreadConstraints; spread them over kubernetes.io/hostname.",
            path=nearest(tmpl.spec, tmpl.path, "affinity"),
        ),
    )
