"""A StatefulSet's ``serviceName`` has no headless Service.

A StatefulSet's pods get their stable DNS names (``postgres-0.postgres-headless.<ns>.svc``) from the
Service named in ``spec.serviceName``, and only if that Service is headless (``clusterIP: None``, so DNS
returns one record per pod). Without it, or with a normal ClusterIP Service, peers and replicas that
address each other by pod name don't resolve. Same check: kube-score ``statefulset-has-servicename``
(existence only).

PASS:

    apiVersion: v1
    kind: Service
    metadata: {name: postgres-headless}
    spec:
      clusterIP: None
      selector: {app: postgres}
      ports: [{name: pg, port: 5432}]
    ---
    apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: postgres}
    spec:
      serviceName: postgres-headless
      selector: {matchLabels: {app: postgres}}
      template:
        metadata: {labels: {app: postgres}}
        spec: {containers: [{name: pg, image: postgres:16.4}]}

FAIL:

    apiVersion: v1
    kind: Service
    metadata: {name: postgres}
    spec:
      selector: {app: postgres}
      ports: [{name: pg, port: 5432}]
    ---
    apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: postgres}
    spec:
      serviceName: postgres        # a ClusterIP Service: no per-pod DNS records
      selector: {matchLabels: {app: postgres}}
      template:
        metadata: {labels: {app: postgres}}
        spec: {containers: [{name: pg, image: postgres:16.4}]}
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity
from generator.validate.rules._helpers import as_dict

ID = "statefulset-headless-service"
CATEGORY = "cross-resource"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = frozenset({"StatefulSet"})


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    name = as_dict(obj.obj.get("spec")).get("serviceName")
    if not isinstance(name, str) or not name:
        return []
    svc = ctx.get("Service", obj.namespace, name)
    if svc is None:
        if ctx.is_external("Service", obj.namespace, name):
            return []
        return [
            Finding(
                f'serviceName "{name}" names no Service in namespace {obj.namespace}: the pods get no stable '
                "DNS names; add a headless Service (clusterIP: None)",
                "/spec/serviceName",
            )
        ]
    if as_dict(svc.obj.get("spec")).get("clusterIP") != "None":
        return [
            Finding(
                f'serviceName "{name}" is not headless (set clusterIP: None): no per-pod DNS records',
                "/spec/serviceName",
            )
        ]
    return []
