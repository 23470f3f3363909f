"""A ServiceMonitor that selects no Service, or scrapes a port name none has.

The Prometheus Operator turns a ServiceMonitor into scrape targets: the Services matched by
``spec.selector`` in the namespaces of ``spec.namespaceSelector`` (default: the ServiceMonitor's own
namespace; ``matchNames`` or ``any: true`` otherwise), and for each ``endpoints[].port`` the Service port
with that NAME. When the selector matches no Service in the rendered set, or when none of the selected
Services has a port with that name, Prometheus silently has no target: dashboards stay empty and alerts
never fire. An endpoint that uses ``targetPort`` instead of ``port`` is checked by ``port-mismatch``.

Some Services exist without being in the set, and their port names are known:

- ``default/kubernetes``, which the API server creates in every cluster (labels ``component: apiserver``
  and ``provider: kubernetes``, one port ``https``);
- the kubelet Service that prometheus-operator keeps when one of the set's workloads runs it with
  ``--kubelet-service=NAMESPACE/NAME`` (labels ``k8s-app``, ``app.kubernetes.io/name: kubelet`` and
  ``app.kubernetes.io/managed-by: prometheus-operator``; ports ``https-metrics``, ``cadvisor`` and, unless
  ``--kubelet-http-metrics=false``, ``http-metrics``), as kube-prometheus does;
- the labelled Services an operator makes for a custom resource of the set: Rook's ``rook-ceph-mgr``
  (``http-metrics``) and ``rook-ceph-mgr-dashboard`` for a ``CephCluster`` (labels ``app: rook-ceph-mgr``,
  ``rook_cluster: <namespace>``), and grafana-operator's ``<name>-service`` (port ``grafana``) and
  ``<name>-alerting`` (``grafana-alert``) for a ``Grafana``, labelled with the Grafana's own labels, its
  ``spec.service.metadata.labels`` and ``app.kubernetes.io/managed-by: grafana-operator``
  (generator/validate/producers.py ``made_services``). Their port names count also when the selector picks
  Services of the set as well.

Other Services the cluster provides (kube-dns, kube-controller-manager...) or that another repository
deploys are declared in ``.gitops-gen.yaml`` as ``external`` objects of kind ``Service`` with their
``labels`` (and namespace); a ServiceMonitor whose selector matches one of them passes (its port names
are unknown, so they are not checked, also when the selector matches one of the Services above).

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

from collections.abc import Iterable, Iterator

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
from generator.validate.producers import ProvidedService, provided_services

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


def _provided(ctx: Context, selector: Selector, namespaces: list[str] | None) -> list[ProvidedService]:
    """The Services the cluster has besides the set's (generator.validate.producers) that the selector picks."""
    return [
        s
        for s in provided_services(ctx)
        if (namespaces is None or s.namespace in namespaces) and selector.matches(s.label_map())
    ]


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    services = monitor_services(ctx, obj)
    if services is None:
        return  # no selector: a schema error, reported there
    selector = parse_selector(as_dict(obj.obj.get("spec")).get("selector"))
    namespaces = monitor_namespaces(obj)
    if services:
        names = {p.name for svc in services for p in service_ports(svc) if p.name}
        svc_names = ", ".join(sorted({s.name for s in services}))
        # the Services an operator makes that the selector picks too (Rook's rook-ceph-mgr next to a
        # dashboard Service of the set with the same labels)
        also = _provided(ctx, selector, namespaces) if selector is not None else []
        names |= {name for s in also for name in s.ports}
        yield from _port_names(obj, names, svc_names)
        return
    if selector is None:
        return
    if _external_service(ctx, selector, namespaces):
        return  # a declared Service: its port names are not known
    provided = _provided(ctx, selector, namespaces)
    if provided:
        names = {name for s in provided for name in s.ports}
        made = ", ".join(sorted(f"{s.namespace}/{s.name} (made by {s.maker})" for s in provided))
        yield from _port_names(obj, names, made)
        return
    where = "any namespace" if namespaces is None else "namespace " + ", ".join(namespaces)
    yield Finding(f"selector {selector.describe()} matches no Service in {where}", path=pointer("spec", "selector"))


def _port_names(obj: Resource, names: set[str], svc_names: str) -> Iterator[Finding]:
    for ep in monitor_endpoints(obj):
        if ep.port is None or ep.port in names:
            continue
        have = ", ".join(sorted(names)) or "no named ports"
        yield Finding(
            f"endpoint port {ep.port!r} is not a named port of the selected Service(s) {svc_names} (they have: {have})",
            path=pointer("spec", "endpoints", ep.index, "port"),
        )
