"""Multi-replica Deployments and StatefulSets need a PodDisruptionBudget.

Replicas only help if voluntary disruptions (node drains, cluster upgrades, autoscaler scale-downs) do
not take them all down at once; a PodDisruptionBudget (``minAvailable`` or ``maxUnavailable``) makes
the eviction API keep some running. A workload is multi-replica when the replica count it never goes
below is 2 or more: its HPA's ``minReplicas`` when an HPA scales it, else ``spec.replicas`` (1 when
omitted). It passes when a PodDisruptionBudget in its namespace has a selector matching its pod
template labels (matchLabels and matchExpressions; an empty selector ``{}`` matches every pod of the
namespace, a missing one none, as in policy/v1). The PDBs are indexed once per run. The path is
``/spec/replicas`` (or ``/metadata/name`` when an HPA sets the count).

PASS:

    apiVersion: policy/v1
    kind: PodDisruptionBudget
    metadata: {name: mlflow}
    spec:
      maxUnavailable: 1
      selector: {matchLabels: {app.kubernetes.io/name: mlflow}}
    ---
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
from generator.validate.crossref import memo, parse_selector, select_workloads
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._helpers import REPLICATED_KINDS, as_dict, minimum_replicas

ID = "missing-pdb"
CATEGORY = "availability"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = REPLICATED_KINDS


def _covered(ctx: Context) -> frozenset[int]:
    """Identities of the workloads some PodDisruptionBudget selects (built once per context)."""

    def build() -> frozenset[int]:
        out: set[int] = set()
        for pdb in ctx.by_kind("PodDisruptionBudget"):
            selector = parse_selector(as_dict(pdb.obj.get("spec")).get("selector"))
            if selector is not None:
                out.update(id(w) for w in select_workloads(ctx, pdb.namespace, selector))
        return frozenset(out)

    return memo(ctx, "rules.missing_pdb.covered", build)


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if obj.kind not in REPLICATED_KINDS:
        return ()
    replicas = minimum_replicas(ctx, obj)
    if replicas is None or replicas < 2 or id(obj) in _covered(ctx):
        return ()
    spec = as_dict(obj.obj.get("spec"))
    path = pointer("spec", "replicas") if "replicas" in spec else pointer("metadata", "name")
    return (
        Finding(
            f'{obj.kind} "{obj.shown_name}" runs {replicas} replicas but no PodDisruptionBudget selects its pods; '
            "add one (e.g. maxUnavailable: 1) selecting its pod labels.",
            path=path,
        ),
    )
