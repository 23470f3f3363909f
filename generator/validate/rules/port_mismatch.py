"""A port that is referenced but not exposed by the containers it should reach.

Three references are checked against the ``ports`` the containers declare:

- a Service's named ``targetPort``, for every pod template the Service selects: it must be a container
  port name with the same protocol, or the endpoints controller cannot resolve it and the Service has no
  endpoint on that port (kubernetes ``pkg/api/v1/pod/util.go`` ``FindPort``). A numeric targetPort (or
  none, which means ``port``) is not checked: ``FindPort`` uses the number as it is, and a container
  serves any port it listens on whether or not it lists it in ``ports`` (k8s.io/api ``core/v1/types.go``,
  ``Container.Ports``: "Not specifying a port here DOES NOT prevent that port from being exposed"); the
  metrics Service kubebuilder scaffolds (``config/default/metrics_service.yaml``, targetPort 8443)
  relies on this;
- a probe's or lifecycle hook's named port (``httpGet.port`` / ``tcpSocket.port``): it must be a port
  name of the same container, or the kubelet rejects the pod;
- a ServiceMonitor endpoint: ``port`` names a Service port whose named targetPort must resolve as above;
  ``targetPort`` names or numbers a container port of those pods directly, and here a number must be
  declared too (when the pods declare ports at all): prometheus-operator keeps only the targets whose
  ``__meta_kubernetes_pod_container_port_number`` matches it (prometheus-operator
  ``pkg/prometheus/promcfg.go``), a label Prometheus sets only from the containers' declared ports
  (prometheus ``discovery/kubernetes/endpoints.go``).

A mismatch means a Service without endpoints on that port (connection refused), a pod that never starts,
or a Prometheus target that is down. Selectors that match nothing are ``dangling-service`` /
``dangling-servicemonitor`` findings, not this one.

PASS:

    apiVersion: v1
    kind: Service
    metadata: {name: mlflow}
    spec:
      selector: {app: mlflow}
      ports:
        - {name: http, port: 80, targetPort: http}
        - {name: https, port: 443, targetPort: 8443}        # a number: forwarded, declared or not
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      template:
        metadata: {labels: {app: mlflow}}
        spec:
          containers:
            - name: mlflow
              image: mlflow:2.10.0
              ports: [{name: http, containerPort: 5000}]
              readinessProbe: {httpGet: {path: /health, port: http}}

FAIL:

    apiVersion: v1
    kind: Service
    metadata: {name: mlflow}
    spec:
      selector: {app: mlflow}
      ports: [{name: http, port: 80, targetPort: web}]       # no container port named web
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      template:
        metadata: {labels: {app: mlflow}}
        spec:
          containers:
            - name: mlflow
              image: mlflow:2.10.0
              ports: [{name: http, containerPort: 5000}]
              livenessProbe: {httpGet: {path: /health, port: metrics}}   # not a port of this container
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from generator.validate.context import Context
from generator.validate.crossref import (
    as_dict,
    as_list,
    describe_ports,
    find_port,
    int_or_str,
    monitor_endpoints,
    monitor_services,
    service_backends,
    service_ports,
    template_ports,
)
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.workloads import WORKLOAD_KINDS, containers

ID = "port-mismatch"
CATEGORY = "cross-resource"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = frozenset(WORKLOAD_KINDS | {"Service", "ServiceMonitor"})

PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
HANDLERS = ("httpGet", "tcpSocket")


def unexposed(ctx: Context, workloads: Iterable[Resource], target: int | str, protocol: str = "TCP") -> list[Resource]:
    """The workloads on whose pods a Service's ``targetPort`` does not resolve for ``protocol``.

    Only a name can fail: kubernetes ``pkg/api/v1/pod/util.go`` ``FindPort`` looks a name up in the
    containers' ports (name and protocol) and returns a number as it is, and an undeclared port is still
    served (k8s.io/api ``core/v1/types.go``, ``Container.Ports``).
    """
    if isinstance(target, int):
        return []
    return [w for w in workloads if find_port(template_ports(ctx, w), target, protocol) is None]


def undeclared(ctx: Context, workloads: Iterable[Resource], target: int | str) -> list[Resource]:
    """The workloads whose containers do not declare ``target`` (a port name or number, TCP).

    For a ServiceMonitor's ``targetPort``, which prometheus-operator matches against the container port
    labels that Prometheus derives from declared ports only, so a number must be declared as well.
    """
    out: list[Resource] = []
    for w in workloads:
        ports = template_ports(ctx, w)
        if isinstance(target, int) and not ports:
            continue  # no ports declared at all: nothing to contradict, left alone as before
        if find_port(ports, target) is None:
            out.append(w)
    return out


def _names(workloads: Iterable[Resource]) -> str:
    return ", ".join(sorted(f"{w.kind} {w.shown_name}" for w in workloads))


def _service(ctx: Context, obj: Resource) -> Iterator[Finding]:
    backends = service_backends(ctx, obj)
    if not backends:
        return
    raw = as_list(as_dict(obj.obj.get("spec")).get("ports"))
    for sp in service_ports(obj):
        if sp.target is None:
            continue
        missing = unexposed(ctx, backends, sp.target, sp.protocol)
        if not missing:
            continue
        field = "targetPort" if "targetPort" in as_dict(raw[sp.index]) else "port"
        exposed = describe_ports(p for w in missing for p in template_ports(ctx, w))
        yield Finding(
            f"targetPort {sp.target} ({sp.protocol}) is not exposed by {_names(missing)} (ports: {exposed})",
            path=pointer("spec", "ports", sp.index, field),
        )


def _probes(obj: Resource) -> Iterator[Finding]:
    for c in containers(obj):
        names = {str(as_dict(p).get("name")) for p in as_list(c.obj.get("ports")) if as_dict(p).get("name")}
        places: list[tuple[tuple[str, ...], object]] = [((probe,), c.obj.get(probe)) for probe in PROBES]
        lifecycle = as_dict(c.obj.get("lifecycle"))
        places += [(("lifecycle", hook), lifecycle.get(hook)) for hook in ("postStart", "preStop")]
        for where, handler_obj in places:
            handler_map = as_dict(handler_obj)
            for handler in HANDLERS:
                port = int_or_str(as_dict(handler_map.get(handler)).get("port"))
                if isinstance(port, str) and port not in names:
                    have = ", ".join(sorted(names)) or "no named ports"
                    yield Finding(
                        f"{'.'.join(where)} of container {c.name} uses port name {port!r},"
                        f" which the container does not declare (it has: {have})",
                        path=c.pointer(*where, handler, "port"),
                    )


def _monitor(ctx: Context, obj: Resource) -> Iterator[Finding]:
    services = monitor_services(ctx, obj)
    if not services:
        return
    for ep in monitor_endpoints(obj):
        if ep.port is not None:
            for svc in services:
                for sp in service_ports(svc):
                    if sp.name != ep.port or sp.target is None:
                        continue
                    missing = unexposed(ctx, service_backends(ctx, svc), sp.target, sp.protocol)
                    if missing:
                        yield Finding(
                            f"endpoint port {ep.port!r} is Service {svc.name}'s targetPort {sp.target},"
                            f" which {_names(missing)} does not expose",
                            path=pointer("spec", "endpoints", ep.index, "port"),
                        )
        elif ep.target_port is not None:
            by_id = {id(w): w for svc in services for w in service_backends(ctx, svc)}
            missing = undeclared(ctx, by_id.values(), ep.target_port)
            if missing:
                yield Finding(
                    f"endpoint targetPort {ep.target_port} is not exposed by {_names(missing)}",
                    path=pointer("spec", "endpoints", ep.index, "targetPort"),
                )


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if obj.kind == "Service":
        return _service(ctx, obj)
    if obj.kind == "ServiceMonitor":
        return _monitor(ctx, obj)
    return _probes(obj)
