"""Two HorizontalPodAutoscalers scale the same workload.

The API server accepts any number of HPAs for one ``scaleTargetRef``. The HPA controller does not: before
it reads any metric it lists the target's pods and asks which HPAs' selectors match them; when more than
one does, it records the event and condition ``AmbiguousSelector`` (``ScalingActive: False``, "pods by
selector ... are controlled by multiple HPAs") and returns an error instead of a replica count
(kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go, ``validateAndParseSelector``, called by
``computeReplicasForMetrics``; ``reconcileAutoscaler`` then emits ``FailedComputeMetricsReplicas`` and
does not scale). Every HPA on the workload sees the others, so none of them scales on its metrics any
more; only a replica count outside an HPA's own ``minReplicas``/``maxReplicas`` is still corrected, each
HPA to its own bounds. The check was added by kubernetes/kubernetes#112011 (issue #112027: before it, the
HPAs took turns setting the replica count). Two HPAs on one Deployment (one for CPU, one for memory, or
one left behind by a rename) are a common mistake: put every metric into one HPA, whose controller scales
to the highest of their proposals.

An error, like ``hpa-dangling-target``: autoscaling of the workload is off although the manifests say it
is on. Reported on every HPA of the group, naming the others (the controller stops each of them). The
target is the same when the namespace, ``kind``, ``name`` and the API group of ``apiVersion`` are (the
controller resolves the group and kind, not the version: ``reconcileAutoscaler``); only HPAs applied
together count (as for ``duplicate-resource``: a base and its overlays, or two clusters' directories, are
separate applies). HPAs whose targets are different workloads with overlapping pod selectors also trip
the upstream check; they are not detected here.

PASS:

    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata: {name: mlflow}
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: mlflow}
      maxReplicas: 4
      metrics:
        - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}
        - {type: Resource, resource: {name: memory, target: {type: Utilization, averageUtilization: 80}}}

FAIL:

    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata: {name: mlflow-cpu}
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: mlflow}
      maxReplicas: 4
      metrics:
        - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}
    ---
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata: {name: mlflow-memory}
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: mlflow}
      maxReplicas: 4
      metrics:
        - {type: Resource, resource: {name: memory, target: {type: Utilization, averageUtilization: 80}}}
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.applies import applied_together
from generator.validate.context import Context
from generator.validate.crossref import as_dict, memo
from generator.validate.model import Finding, Resource, Severity

ID = "hpa-conflict"
CATEGORY = "cross-resource"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = frozenset({"HorizontalPodAutoscaler"})

HPA_KIND = "HorizontalPodAutoscaler"

Target = tuple[str, str, str, str]  # namespace, API group, kind, name


def target_of(obj: Resource) -> Target | None:
    """The workload an HPA scales: (namespace, group, kind, name), or None when the controller cannot resolve
    it. The group comes from ``apiVersion`` as ``schema.ParseGroupVersion`` reads it (k8s.io/apimachinery
    pkg/runtime/schema/group_version.go): ``group/version``; a bare version, an empty one or ``/`` is the core
    group ""; more than one ``/`` is an error, which ``reconcileAutoscaler`` reports as ``FailedGetScale``
    before any selector is compared."""
    ref = as_dict(as_dict(obj.obj.get("spec")).get("scaleTargetRef"))
    kind, name, api_version = ref.get("kind"), ref.get("name"), ref.get("apiVersion", "")
    if not isinstance(kind, str) or not isinstance(name, str) or not kind or not name:
        return None
    if not isinstance(api_version, str) or api_version.count("/") > 1:
        return None
    group, slash, _ = api_version.partition("/")
    if not slash:
        group = ""  # a bare version (or none) is the core group
    return (obj.namespace, group, kind, name)


def _by_target(ctx: Context) -> dict[Target, list[Resource]]:
    """Every HPA of the set by the workload it scales, in the order of the set."""

    def build() -> dict[Target, list[Resource]]:
        out: dict[Target, list[Resource]] = {}
        for res in ctx.by_kind(HPA_KIND):
            target = target_of(res)
            if target is not None:
                out.setdefault(target, []).append(res)
        return out

    return memo(ctx, "hpa_by_target", build)


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    target = target_of(obj)
    if target is None:
        return []
    # another name applied with this one: the same name is the same object (duplicate-resource's concern)
    others = sorted(
        {
            res.name
            for res in _by_target(ctx).get(target, [])
            if res is not obj and res.name != obj.name and applied_together(res, obj)
        }
    )
    if not others:
        return []
    _, group, kind, name = target
    what = f"{kind}/{name}" + (f" ({group})" if group else "")
    names = ", ".join(others)
    also = "HorizontalPodAutoscaler" + ("s " if len(others) > 1 else " ")
    return [
        Finding(
            f"{what} is also scaled by {also}{names}: the HPA controller scales none of them on their metrics "
            "(condition AmbiguousSelector); put every metric into one HPA",
            "/spec/scaleTargetRef/name",
        )
    ]
