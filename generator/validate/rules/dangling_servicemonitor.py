"""A ServiceMonitor that selects no Service, or scrapes a port name none has.

The Prometheus Operator turns a ServiceMonitor into scrape targets: the Services matched by
``spec.selector`` in the namespaces of ``spec.namespaceSelector`` (default: the ServiceMonitor's own
namespace; ``matchNames`` or ``any: true`` otherwise), and for each ``endpoints[].port`` the Service port
with that NAME. When the selector matches no Service in the rendered set, or when none of the selected
Services has a port with that name, Prometheus silently has no target: dashboards stay empty and alerts
never fire. An endpoint that uses ``targetPort`` instead of ``port`` is checked by ``port-mismatch``.

Services the cluster provides (kube-dns, the kubelet, the API server) or that another repository
deploys are declared in ``.gitops-gen.yaml`` as ``external`` objects of kind ``Service`` with their
``labels`` (and namespace); a ServiceMonitor whose selector matches one of them passes (its port names
are unknown, so they are not checked).

PASS:

    apiVersion: monitoring.coreos.com/v1
    kind: ServiceMonitor
    metadata: {name: mlflow}
    spec:
      selector: {matchLabels: {app.kubernetes.io/name: mlflow}}
      endpoints: [{port: metrics, path: /metrics}]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: mlflow, labels: {app.kubernetes.io/name: mlflow}}
    spec:
      selector: {app.kubernetes.io/name: mlflow}
      ports: [{name: metrics, port: 5000, targetPort: http}]

FAIL:

    apiVersion: monitoring.coreos.com/v1
    kind: ServiceMonitor
    metadata: {name: mlflow}
    spec:
      selector: {matchLabels: {app: mlflow}}
      endpoints: [{port: metrics}]      # the Service's only port is unnamed
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: mlflow, labels: {app: mlflow}}
    spec:
      selector: {app: mlflow}
      ports: [{port: 5000}]
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.crossref import (
    Selector,
    as_dict,
    monitor_endpoints,
    monitor_namespaces,
    monitor_services,
    parse_selector,
    service_ports,
)
from generator.validate.model import Finding, Resource, Severity, pointer

ID = "dangling-servicemonitor"
CATEGORY = "cross-resource"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = frozenset({"ServiceMonitor"})


def _external_service(ctx: Context, selector: Selector, namespaces: list[str] | None) -> bool:
    """A Service declared external (``.gitops-gen.yaml``) with labels the selector matches."""
    return any(
        e.kind == "Service"
        and e.labels
        and (namespaces is None or not e.namespace or e.namespace in namespaces)
        and selector.matches(e.label_map())
        for e in ctx.external
    )


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    services = monitor_services(ctx, obj)
    if services is None:
        return  # no selector: a schema error, reported there
    if not services:
        selector = parse_selector(as_dict(obj.obj.get("spec")).get("selector"))
        namespaces = monitor_namespaces(obj)
        if selector is not None and _external_service(ctx, selector, namespaces):
            return
        where = "any namespace" if namespaces is None else "namespace " + ", ".join(namespaces)
        desc = selector.describe() if selector is not None else "{}"
        yield Finding(f"selector {desc} matches no Service in {where}", path=pointer("spec", "selector"))
        return
    names = {p.name for svc in services for p in service_ports(svc) if p.name}
    svc_names = ", ".join(sorted({s.name for s in services}))
    for ep in monitor_endpoints(obj):
        if ep.port is None or ep.port in names:
            continue
        have = ", ".join(sorted(names)) or "no named ports"
        yield Finding(
            f"endpoint port {ep.port!r} is not a named port of the selected Service(s) {svc_names} (they have: {have})",
            path=pointer("spec", "endpoints", ep.index, "port"),
        )
