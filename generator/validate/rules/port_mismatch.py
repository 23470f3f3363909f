"""A port that is referenced but not exposed by the containers it should reach.

Three references are checked against the ``ports`` the containers declare:

- a Service's ``targetPort`` (default: ``port``), for every pod template the Service selects: a named
  targetPort must be a container port name with the same protocol; a numeric one must be a declared
  ``containerPort`` (only checked when the template declares ports at all, since Kubernetes does not
  require numeric ports to be declared);
- a probe's or lifecycle hook's named port (``httpGet.port`` / ``tcpSocket.port``): it must be a port
  name of the same container, or the kubelet rejects the pod;
- a ServiceMonitor endpoint: ``port`` names a Service port whose targetPort must be exposed by the
  Service's pods; ``targetPort`` names or numbers a container port of those pods directly.

A mismatch means a Service without endpoints on that port (connection refused), a pod that never starts,
or a Prometheus target that is down. Selectors that match nothing are ``dangling-service`` /
``dangling-servicemonitor`` findings, not this one.

PASS:

    apiVersion: v1
    kind: Service
    metadata: {name: mlflow}
    spec:
      selector: {app: mlflow}
      ports: [{name: http, port: 80, targetPort: http}]
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
    """The workloads whose containers do not expose ``target`` (name, or declared number) for ``protocol``."""
    out: list[Resource] = []
    for w in workloads:
        ports = template_ports(ctx, w)
        if isinstance(target, int) and not ports:
            continue  # nothing declared: a numeric port may well be served, we cannot tell
        if find_port(ports, target, protocol) is None:
            out.append(w)
    return out


def _names(workloads: Iterable[Resource]) -> str:
    return ", ".join(sorted(f"{w.kind} {w.name}" for w in workloads))


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
            missing = unexposed(ctx, by_id.values(), ep.target_port)
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
