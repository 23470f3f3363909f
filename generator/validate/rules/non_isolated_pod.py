"""A pod template that no NetworkPolicy in its namespace selects.

A pod that no NetworkPolicy selects accepts traffic from, and may send traffic to, every pod in the
cluster: one compromised workload anywhere can reach the tracking database or the artifact store.
Selecting a pod with any policy (``podSelector: {}`` selects every pod of the namespace, the usual
default-deny) makes it isolated and its allowed flows explicit. Pods with ``hostNetwork: true`` are left out:
NetworkPolicy behaviour for them is undefined, and most network plugins treat their traffic as the node's
(kubernetes/website concepts/services-networking/network-policies.md, "NetworkPolicy and hostNetwork pods").

The rule itself always fires, in every profile; what a finding means is the severity profile's decision
(``generator/validate/profiles.py``): NetworkPolicies are required in ``staging`` and ``prod``, only a hint
in ``dev``; for plain files (``default``) the rule's own default, a warning, applies. An environment that
does not use NetworkPolicies at all sets ``non-isolated-pod: off`` in ``policy.severity``.

PASS:

    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: default-deny}
    spec:
      podSelector: {}
      policyTypes: [Ingress, Egress]
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      template:
        metadata: {labels: {app: mlflow}}
        spec:
          containers: [{name: mlflow, image: mlflow:2.10.0}]

FAIL:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      template:
        metadata: {labels: {app: mlflow}}
        spec:
          containers: [{name: mlflow, image: mlflow:2.10.0}]
    # and no NetworkPolicy in the namespace selects app=mlflow
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.crossref import template_labels
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.netpol import evaluator
from generator.validate.rules._helpers import host_network
from generator.validate.workloads import WORKLOAD_KINDS

ID = "non-isolated-pod"
CATEGORY = "cross-resource"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = WORKLOAD_KINDS


def _template_metadata(kind: str) -> tuple[str, ...]:
    if kind == "Pod":
        return ("metadata",)
    if kind == "CronJob":
        return ("spec", "jobTemplate", "spec", "template", "metadata")
    return ("spec", "template", "metadata")


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if host_network(ctx, obj):
        return  # a NetworkPolicy would not isolate it on most network plugins (_helpers.host_network)
    labels = template_labels(ctx, obj)
    if evaluator(ctx).selecting(obj.namespace, labels):
        return
    meta = _template_metadata(obj.kind)
    where = obj.namespace or "the default namespace"
    yield Finding(
        f"no NetworkPolicy in namespace {where} selects the pods of {obj.kind} {obj.shown_name}: "
        "all traffic is allowed",
        path=pointer(*meta, "labels") if labels else pointer(*meta),
    )
