"""Services must not be exposed as LoadBalancer or NodePort: expose HTTP through the Ingress.

A ``LoadBalancer`` Service provisions a cloud load balancer that is usually reachable from the internet,
and a ``NodePort`` opens a port on every node; both bypass the Ingress, its TLS, authentication and
access logs, and the NetworkPolicies' intent. MLflow, MinIO and PostgreSQL must stay ``ClusterIP``.

Decision (profiles): the rule itself fires in every profile and leaves the verdict to the severity
table: an error by default (plain files), ``staging`` and ``prod``; the ``dev`` profile lowers it to a
warning, because local clusters (kind, minikube) often have no ingress controller and a NodePort is how
one reaches the UI there (an environment can turn it ``off`` in ``policy.severity``). A deliberate
exception (e.g. an internal load balancer) takes an ignore annotation with a reason. The path points at
``/spec/type``.

Not reported: the Service that fronts an ingress controller, named so by the controller's own flags
(ingress-nginx ``--publish-service``, Traefik's ``publishedservice``: generator/validate/producers.py,
``fronting_services``).
It is how traffic reaches the Ingresses, so being a ``LoadBalancer`` or ``NodePort`` is its job.

PASS:

    apiVersion: v1
    kind: Service
    metadata: {name: mlflow}
    spec:
      type: ClusterIP
      selector: {app.kubernetes.io/name: mlflow}
      ports: [{name: http, port: 5000, targetPort: http}]

FAIL:

    apiVersion: v1
    kind: Service
    metadata: {name: minio}
    spec:
      type: LoadBalancer
      selector: {app.kubernetes.io/name: minio}
      ports: [{name: api, port: 9000, targetPort: 9000}]
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.crossref import memo
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.producers import fronting_services
from generator.validate.rules._helpers import as_dict
from generator.validate.workloads import WORKLOAD_KINDS

ID = "service-type"
CATEGORY = "exposure"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = frozenset({"Service"})

FORBIDDEN_TYPES = frozenset({"LoadBalancer", "NodePort"})


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if obj.kind != "Service":
        return ()
    kind = as_dict(obj.obj.get("spec")).get("type")
    if not isinstance(kind, str) or kind not in FORBIDDEN_TYPES:
        return ()
    if (obj.namespace or "default", obj.name) in _fronting(ctx):
        return ()
    return (
        Finding(
            f'Service "{obj.shown_name}" has type {kind}, exposing it outside the cluster; '
            "make it ClusterIP and route through the Ingress.",
            path=pointer("spec", "type"),
        ),
    )


def _fronting(ctx: Context) -> frozenset[tuple[str, str]]:
    """(namespace, name) of every Service that an ingress controller of the set names as its own."""

    def build() -> frozenset[tuple[str, str]]:
        found: set[tuple[str, str]] = set()
        for kind in sorted(WORKLOAD_KINDS):
            for res in ctx.by_kind(kind):
                found |= fronting_services(res)
        return frozenset(found)

    return memo(ctx, "service_type.fronting", build)
