"""dangling-route: a Gateway API route backendRef whose Service or Service port is missing."""

from __future__ import annotations

import textwrap
from typing import Any

import yaml

from generator.validate.context import Context, ExternalObject
from generator.validate.model import Finding, Resource
from generator.validate.rules import dangling_route as rule


def _run(text: str, **kw: Any) -> list[tuple[Resource, Finding]]:
    docs = [d for d in yaml.safe_load_all(textwrap.dedent(text)) if d]
    ctx = Context.from_objects(docs, namespace="ml", **kw)
    return [(r, f) for r in ctx.resources if rule.KINDS is None or r.kind in rule.KINDS for f in rule.check(ctx, r)]


SERVICE = """
apiVersion: v1
kind: Service
metadata: {name: mlflow}
spec:
  selector: {app: mlflow}
  ports: [{name: http, port: 5000, targetPort: 5000}]
---
"""


def _route(backend: str, kind: str = "HTTPRoute", extra_rule: str = "") -> str:
    return f"""
apiVersion: gateway.networking.k8s.io/v1
kind: {kind}
metadata: {{name: mlflow}}
spec:
  parentRefs: [{{name: shared, namespace: gateway, sectionName: https}}]
  rules:
    - backendRefs: [{backend}]
      {extra_rule}
"""


def test_passes_when_service_and_port_exist() -> None:
    assert _run(SERVICE + _route("{name: mlflow, port: 5000}")) == []
    assert _run(SERVICE + _route("{name: mlflow, port: 5000}", kind="GRPCRoute")) == []


def test_fires_when_the_backend_service_is_missing() -> None:
    found = _run(_route("{name: mlflow-ui, port: 5000}"))
    assert [(f.path, "mlflow-ui" in f.message) for _, f in found] == [("/spec/rules/0/backendRefs/0/name", True)]


def test_fires_when_the_port_is_not_a_service_port() -> None:
    found = _run(SERVICE + _route("{name: mlflow, port: 80}"))
    assert [f.path for _, f in found] == ["/spec/rules/0/backendRefs/0/port"]
    assert "5000" in found[0][1].message


def test_fires_when_a_service_backend_has_no_port() -> None:
    found = _run(SERVICE + _route("{name: mlflow}"))
    assert [f.path for _, f in found] == ["/spec/rules/0/backendRefs/0"]


def test_checks_request_mirror_backends_and_grpc_routes() -> None:
    mirror = "filters: [{type: RequestMirror, requestMirror: {backendRef: {name: shadow, port: 5000}}}]"
    found = _run(SERVICE + _route("{name: mlflow, port: 5000}", kind="GRPCRoute", extra_rule=mirror))
    assert [f.path for _, f in found] == ["/spec/rules/0/filters/0/requestMirror/backendRef/name"]


def test_other_backend_kinds_and_external_services_are_not_checked() -> None:
    assert _run(_route("{group: example.com, kind: Bucket, name: b}")) == []
    external = (ExternalObject("Service", "mlflow-ui", ""),)
    assert _run(_route("{name: mlflow-ui, port: 5000}"), external=external) == []


def test_cross_namespace_backend_needs_a_reference_grant() -> None:
    other = SERVICE.replace("metadata: {name: mlflow}", "metadata: {name: mlflow, namespace: tools}")
    found = _run(other + _route("{name: mlflow, namespace: tools, port: 5000}"))
    assert [f.path for _, f in found] == ["/spec/rules/0/backendRefs/0/namespace"]
    grant = """
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: routes-from-ml, namespace: tools}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: ml}]
  to: [{group: "", kind: Service}]
"""
    assert _run(other + _route("{name: mlflow, namespace: tools, port: 5000}") + grant) == []
