"""A Gateway API route (HTTPRoute, GRPCRoute) whose backend Service, or its port, is not in the rendered set.

Each ``spec.rules[].backendRefs[]`` (and each ``requestMirror.backendRef`` filter, on the rule or on a
backendRef) names an object by ``group`` (default ``""``, the core group), ``kind`` (default ``Service``),
``name``, ``namespace`` (default: the route's) and ``port``. Gateway API v1 (kubernetes-sigs/gateway-api,
apis/v1/shared_types.go ``BackendObjectReference``): ``port`` is required when the referent is a Service and
is the Service's port *number*. When the Service or the port does not exist, the Gateway accepts the route
but marks it ``ResolvedRefs=False`` and answers 500 for the rule; the apply itself succeeds, so nothing else
catches it. A backend in another namespace is only usable with a ReferenceGrant in that namespace admitting
the route's kind from the route's namespace (``RefNotPermitted`` otherwise); that is checked when the
target namespace's objects are in the rendered set. Backends of other kinds are not checked. The Services
operators make for the set's custom resources count as in the set (generator/validate/producers.py
``made_services``: a MinIO ``Tenant``'s, a Rook ``CephCluster``'s, a grafana-operator ``Grafana``'s
``<name>-service``). A Service outside the repo can be declared in ``policy.external`` (kind Service).

PASS:

    apiVersion: gateway.networking.k8s.io/v1
    kind: HTTPRoute
    metadata: {name: mlflow}
    spec:
      parentRefs: [{name: shared, namespace: gateway}]
      rules:
        - backendRefs: [{name: mlflow, port: 5000}]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: mlflow}
    spec:
      ports: [{name: http, port: 5000}]

FAIL:

    apiVersion: gateway.networking.k8s.io/v1
    kind: HTTPRoute
    metadata: {name: mlflow}
    spec:
      parentRefs: [{name: shared, namespace: gateway}]
      rules:
        - backendRefs: [{name: mlflow, port: 80}]   # the Service only has 5000
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: mlflow}
    spec:
      ports: [{name: http, port: 5000}]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.validate.context import Context
from generator.validate.crossref import as_dict, as_list, find_service_port, service_ports
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.producers import made_services

ID = "dangling-route"
CATEGORY = "cross-resource"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = frozenset({"HTTPRoute", "GRPCRoute"})

GATEWAY_GROUP = "gateway.networking.k8s.io"


@dataclass(frozen=True, slots=True)
class BackendRef:
    name: str
    namespace: str
    port: Any
    path: tuple[str | int, ...]


def _is_service(ref: dict[str, Any]) -> bool:
    return ref.get("group", "") in ("", "core") and ref.get("kind", "Service") == "Service"


def backend_refs(obj: Resource) -> Iterator[BackendRef]:
    """Every Service backendRef of a route: rule backends and request-mirror filters, in document order."""
    ns = obj.namespace
    for i, rule in enumerate(as_list(as_dict(obj.obj.get("spec")).get("rules"))):
        rule = as_dict(rule)
        refs: list[tuple[Any, tuple[str | int, ...]]] = []
        for j, ref in enumerate(as_list(rule.get("backendRefs"))):
            refs.append((ref, ("spec", "rules", i, "backendRefs", j)))
            for k, flt in enumerate(as_list(as_dict(ref).get("filters"))):
                mirror = as_dict(as_dict(flt).get("requestMirror")).get("backendRef")
                if mirror is not None:
                    refs.append(
                        (mirror, ("spec", "rules", i, "backendRefs", j, "filters", k, "requestMirror", "backendRef"))
                    )
        for k, flt in enumerate(as_list(rule.get("filters"))):
            mirror = as_dict(as_dict(flt).get("requestMirror")).get("backendRef")
            if mirror is not None:
                refs.append((mirror, ("spec", "rules", i, "filters", k, "requestMirror", "backendRef")))
        for ref, path in refs:
            ref = as_dict(ref)
            name = ref.get("name")
            if not isinstance(name, str) or not name or not _is_service(ref):
                continue  # a schema error, or a backend kind we do not check
            target_ns = ref.get("namespace") if isinstance(ref.get("namespace"), str) else ns
            yield BackendRef(name=name, namespace=target_ns or ns, port=ref.get("port"), path=path)


def _granted(ctx: Context, route: Resource, ref: BackendRef) -> bool:
    """A ReferenceGrant in the backend's namespace admits this route kind from the route's namespace."""
    for grant in ctx.by_kind("ReferenceGrant"):
        if grant.namespace != ref.namespace:
            continue
        spec = as_dict(grant.obj.get("spec"))
        froms = [as_dict(f) for f in as_list(spec.get("from"))]
        tos = [as_dict(t) for t in as_list(spec.get("to"))]
        from_ok = any(
            f.get("group") == GATEWAY_GROUP and f.get("kind") == route.kind and f.get("namespace") == route.namespace
            for f in froms
        )
        to_ok = any(
            t.get("group", "") == "" and t.get("kind") == "Service" and t.get("name") in (None, "", ref.name)
            for t in tos
        )
        if from_ok and to_ok:
            return True
    return False


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    for ref in backend_refs(obj):
        where = ref.namespace or "default"
        if ref.port is None:
            yield Finding(
                f"backendRef to Service {ref.name} has no port (required when the backend is a Service)",
                path=pointer(*ref.path),
            )
            continue
        svc = ctx.get("Service", ref.namespace, ref.name) or made_services(ctx).get((ref.namespace, ref.name))
        if svc is None:
            if not ctx.is_external("Service", ref.namespace, ref.name):
                yield Finding(
                    f"backend Service {ref.name} does not exist in namespace {where}",
                    path=pointer(*ref.path, "name"),
                )
            continue
        if ref.namespace != obj.namespace and not _granted(ctx, obj, ref):
            yield Finding(
                f"backend Service {where}/{ref.name} is in another namespace and no ReferenceGrant there admits "
                f"{obj.kind}s from namespace {obj.namespace or 'default'} (the route gets RefNotPermitted)",
                path=pointer(*ref.path, "namespace"),
            )
        port = ref.port if isinstance(ref.port, int) and not isinstance(ref.port, bool) else None
        if port is None or find_service_port(svc, port) is not None:
            continue  # a non-number port is the schema's to report
        ports = service_ports(svc)
        known = ", ".join(sorted(str(p.port) for p in ports if p.port))
        yield Finding(
            f"Service {ref.name} has no port {port} (it has: {known or 'no ports'}; backendRef ports are Service "
            "port numbers, not names)",
            path=pointer(*ref.path, "port"),
        )
