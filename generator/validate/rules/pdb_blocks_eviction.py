"""A PodDisruptionBudget allows no voluntary eviction at all.

``maxUnavailable: 0`` (or ``0%``), or a ``minAvailable`` at least the replica count of the workload it
selects (``100%``, or ``minAvailable: 2`` for 2 replicas), means the eviction API refuses every pod:
``kubectl drain``, node upgrades and the cluster autoscaler hang until someone deletes the PDB. The
disruption controller scales percentages rounding up (kubernetes/kubernetes
``pkg/controller/disruption/disruption.go``, ``GetScaledValueFromIntOrPercent(..., true)``). Replicas are
the workload's ``spec.replicas`` or, when an HPA scales it, its ``minReplicas``. Same check: kube-linter
``pdb-max-unavailable`` and ``pdb-min-available``.

PASS:

    apiVersion: policy/v1
    kind: PodDisruptionBudget
    metadata: {name: mlflow}
    spec:
      maxUnavailable: 1
      selector: {matchLabels: {app: mlflow}}

FAIL:

    apiVersion: policy/v1
    kind: PodDisruptionBudget
    metadata: {name: mlflow}
    spec:
      maxUnavailable: 0
      selector: {matchLabels: {app: mlflow}}
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from generator.validate.applies import own_apply_first
from generator.validate.context import Context
from generator.validate.crossref import parse_selector, select_workloads
from generator.validate.model import Finding, Resource, Severity
from generator.validate.rules._helpers import as_dict, minimum_replicas

ID = "pdb-blocks-eviction"
CATEGORY = "availability"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = frozenset({"PodDisruptionBudget"})


def _scaled(value: object, replicas: int) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
        return math.ceil(int(value[:-1]) * replicas / 100)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    spec = as_dict(obj.obj.get("spec"))
    if "maxUnavailable" in spec:
        if spec["maxUnavailable"] in (0, "0", "0%"):
            return [
                Finding(
                    "maxUnavailable 0 lets no pod be evicted: node drains and upgrades hang", "/spec/maxUnavailable"
                )
            ]
        return []
    if "minAvailable" not in spec:
        return []
    selector = parse_selector(spec.get("selector"))
    if selector is None or selector.is_empty:
        return []
    out: list[Finding] = []
    # in a run over several overlays, the workload of this PDB's own overlay (generator.validate.applies)
    for workload in own_apply_first(obj, select_workloads(ctx, obj.namespace, selector)):
        replicas = (
            minimum_replicas(ctx, workload) if workload.kind in ("Deployment", "StatefulSet", "ReplicaSet") else None
        )
        if replicas is None or replicas == 0:
            continue
        needed = _scaled(spec["minAvailable"], replicas)
        if needed is not None and needed >= replicas:
            out.append(
                Finding(
                    f"minAvailable {spec['minAvailable']} >= the {replicas} replicas of {workload.kind} "
                    f"{workload.shown_name}: no pod can be evicted, node drains and upgrades hang",
                    "/spec/minAvailable",
                )
            )
    return out
