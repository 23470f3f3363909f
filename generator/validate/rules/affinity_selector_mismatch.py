"""A pod anti-affinity or topology spread constraint doesn't select the workload's own pods.

Spreading replicas works by counting pods that match the term's ``labelSelector``. A selector that doesn't
match the template's own labels (a stale ``app:`` value, a label kustomize renamed, a copy from another
workload) spreads nothing: every replica may land on the same node or zone, silently. Topology spread
constraints are reported whenever their selector misses the own pods; anti-affinity terms only when the
selector matches no workload of the namespace at all (avoiding *other* apps is legitimate). Terms with
``namespaces`` or a ``namespaceSelector`` are not checked. kube-linter ``no-anti-affinity`` only checks that
a term exists.

PASS:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      replicas: 3
      selector: {matchLabels: {app: mlflow}}
      template:
        metadata: {labels: {app: mlflow}}
        spec:
          containers: [{name: mlflow, image: ghcr.io/mlflow/mlflow:v3.1.0}]
          topologySpreadConstraints:
            - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule,
               labelSelector: {matchLabels: {app: mlflow}}}

FAIL:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      replicas: 3
      selector: {matchLabels: {app: mlflow}}
      template:
        metadata: {labels: {app: mlflow}}
        spec:
          containers: [{name: mlflow, image: ghcr.io/mlflow/mlflow:v3.1.0}]
          topologySpreadConstraints:
            - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule,
               labelSelector: {matchLabels: {app: mlflow-server}}}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from generator.validate.context import Context
from generator.validate.crossref import parse_selector, select_workloads
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._helpers import as_dict, as_list, template_of

ID = "affinity-selector-mismatch"
CATEGORY = "availability"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = frozenset({"Deployment", "StatefulSet", "ReplicaSet"})


def _terms(spec: dict[str, Any]) -> Iterable[tuple[tuple[str | int, ...], dict[str, Any]]]:
    anti = as_dict(as_dict(spec.get("affinity")).get("podAntiAffinity"))
    for i, term in enumerate(as_list(anti.get("requiredDuringSchedulingIgnoredDuringExecution"))):
        yield ("affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution", i), as_dict(term)
    for i, weighted in enumerate(as_list(anti.get("preferredDuringSchedulingIgnoredDuringExecution"))):
        yield (
            ("affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution", i, "podAffinityTerm"),
            as_dict(as_dict(weighted).get("podAffinityTerm")),
        )


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    tmpl = template_of(ctx, obj)
    if tmpl is None:
        return []
    out: list[Finding] = []
    for i, tsc in enumerate(as_list(tmpl.spec.get("topologySpreadConstraints"))):
        selector = parse_selector(as_dict(tsc).get("labelSelector"))
        if selector is not None and not selector.matches(tmpl.labels):
            out.append(
                Finding(
                    f"topologySpreadConstraints[{i}] selects {selector.describe()}, not this workload's pods "
                    f"({_show(tmpl.labels)}): its replicas are not spread",
                    pointer(*tmpl.path, "topologySpreadConstraints", i, "labelSelector"),
                )
            )
    for where, term in _terms(tmpl.spec):
        if term.get("namespaces") or term.get("namespaceSelector") is not None:
            continue
        selector = parse_selector(term.get("labelSelector"))
        if selector is None or selector.matches(tmpl.labels) or select_workloads(ctx, obj.namespace, selector):
            continue
        out.append(
            Finding(
                f"pod anti-affinity selects {selector.describe()}: no pod of namespace {obj.namespace}, not "
                f"even this workload's ({_show(tmpl.labels)}); it keeps nothing apart",
                pointer(*tmpl.path, *where, "labelSelector"),
            )
        )
    return out


def _show(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items())) or "no labels"
