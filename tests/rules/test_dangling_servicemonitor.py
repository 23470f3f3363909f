"""dangling-servicemonitor: a ServiceMonitor that selects no Service or names a port none has."""

from __future__ import annotations

import textwrap

import yaml

from generator.validate.context import Context
from generator.validate.model import Finding, Resource
from generator.validate.rules import dangling_servicemonitor as rule
from generator.validate.rules import documentation


def _run(text: str) -> list[tuple[Resource, Finding]]:
    ctx = Context.from_objects([d for d in yaml.safe_load_all(textwrap.dedent(text)) if d], namespace="ml")
    return [(r, f) for r in ctx.resources if rule.KINDS is None or r.kind in rule.KINDS for f in rule.check(ctx, r)]


def _service(name: str = "mlflow", namespace: str = "ml", labels: str = "{app: mlflow}", port: str = "metrics") -> str:
    return f"""
---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {namespace}, labels: {labels}}}
spec:
  selector: {{app: {name}}}
  ports: [{{name: http, port: 5000}}, {{name: {port}, port: 9090}}]
"""


def _monitor(selector: str = "{matchLabels: {app: mlflow}}", port: str = "metrics", ns_selector: str = "") -> str:
    return f"""
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {{name: mlflow, namespace: ml}}
spec:
  selector: {selector}
  {ns_selector}
  endpoints: [{{port: http}}, {{port: {port}, path: /metrics}}]
"""


def test_fires_when_the_selector_matches_no_service() -> None:
    found = _run(_service() + _monitor(selector="{matchLabels: {app: mlflow-server}}"))
    assert [f.path for _, f in found] == ["/spec/selector"]
    assert "app=mlflow-server" in found[0][1].message


def test_fires_when_the_service_is_in_a_namespace_not_selected() -> None:
    found = _run(_service(namespace="other") + _monitor())
    assert [f.path for _, f in found] == ["/spec/selector"]


def test_fires_when_no_selected_service_has_the_port_name() -> None:
    found = _run(_service(port="prom") + _monitor(port="metrics"))
    assert [f.path for _, f in found] == ["/spec/endpoints/1/port"]
    assert "'metrics'" in found[0][1].message and "prom" in found[0][1].message


def test_fires_when_match_expressions_exclude_the_service() -> None:
    selector = "{matchExpressions: [{key: app, operator: NotIn, values: [mlflow]}]}"
    assert [f.path for _, f in _run(_service() + _monitor(selector=selector))] == ["/spec/selector"]


def test_passes_when_a_selected_service_has_the_named_port() -> None:
    assert _run(_service() + _monitor()) == []


def test_passes_with_namespace_selector_match_names_and_any() -> None:
    services = _service(namespace="monitoring-targets")
    assert _run(services + _monitor(ns_selector="namespaceSelector: {matchNames: [monitoring-targets]}")) == []
    assert _run(services + _monitor(ns_selector="namespaceSelector: {any: true}")) == []


def test_passes_with_match_expressions() -> None:
    selector = "{matchExpressions: [{key: app, operator: In, values: [mlflow, other]}]}"
    assert _run(_service() + _monitor(selector=selector)) == []


def _doc_example(label: str) -> str:
    doc = documentation(rule)
    block = doc.split("PASS:", 1)[1].split("FAIL:", 1)[0] if label == "PASS" else doc.split("FAIL:", 1)[1]
    return textwrap.dedent(block)


def test_docstring_pass_example_passes_and_fail_example_fires() -> None:
    assert _run(_doc_example("PASS")) == []
    assert len(_run(_doc_example("FAIL"))) == 1
