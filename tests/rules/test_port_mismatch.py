"""port-mismatch: Service targetPorts, named probe ports and ServiceMonitor ports not exposed by containers."""

from __future__ import annotations

import textwrap

import yaml

from generator.validate.context import Context
from generator.validate.model import Finding, Resource
from generator.validate.rules import documentation
from generator.validate.rules import port_mismatch as rule


def _run(text: str) -> list[tuple[Resource, Finding]]:
    ctx = Context.from_objects([d for d in yaml.safe_load_all(textwrap.dedent(text)) if d], namespace="ml")
    return [(r, f) for r in ctx.resources if rule.KINDS is None or r.kind in rule.KINDS for f in rule.check(ctx, r)]


def _found(text: str) -> list[tuple[str, str]]:
    return sorted((r.kind, f.path) for r, f in _run(text))


def _deployment(ports: str = "[{name: http, containerPort: 5000}]", probe: str = "", sidecar: bool = True) -> str:
    text = f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: mlflow}}
spec:
  template:
    metadata: {{labels: {{app: mlflow}}}}
    spec:
      containers:
        - name: mlflow
          image: mlflow:2.10.0
          ports: {ports}
          {probe}
      initContainers:
        - name: proxy
          image: proxy:1
          restartPolicy: Always
          ports: [{{name: proxy, containerPort: 4180}}]
"""
    return text if sidecar else text.split("      initContainers:")[0]


def _service(ports: str) -> str:
    return f"""
---
apiVersion: v1
kind: Service
metadata: {{name: mlflow, labels: {{app: mlflow}}}}
spec:
  selector: {{app: mlflow}}
  ports: {ports}
"""


def test_fires_for_a_named_target_port_no_container_declares() -> None:
    found = _run(_deployment() + _service("[{name: http, port: 80, targetPort: web}]"))
    assert [(r.kind, f.path) for r, f in found] == [("Service", "/spec/ports/0/targetPort")]
    assert "Deployment mlflow" in found[0][1].message and "http/5000" in found[0][1].message


def test_passes_for_a_numeric_target_port_no_container_declares() -> None:
    # Kubernetes forwards to a number whether or not a container lists it (kubebuilder's metrics Service).
    assert _run(_deployment() + _service("[{name: https, port: 443, targetPort: 8443}]")) == []
    assert _run(_deployment() + _service("[{port: 8080}]")) == []


def test_a_named_target_port_still_fires_beside_an_undeclared_numeric_one() -> None:
    text = _deployment() + _service("[{name: https, port: 443, targetPort: 8443}, {name: m, port: 9, targetPort: web}]")
    assert _found(text) == [("Service", "/spec/ports/1/targetPort")]


def test_fires_when_the_protocol_differs() -> None:
    text = _deployment() + _service("[{name: http, port: 80, targetPort: http, protocol: UDP}]")
    assert _found(text) == [("Service", "/spec/ports/0/targetPort")]


def test_passes_for_matching_service_ports_including_sidecars() -> None:
    text = _deployment() + _service(
        "[{name: a, port: 80, targetPort: http}, {name: b, port: 5000}, {name: c, port: 4180}]"
    )
    assert _run(text) == []


def test_passes_for_numeric_target_port_when_nothing_is_declared() -> None:
    assert _run(_deployment(ports="[]", sidecar=False) + _service("[{port: 8080}]")) == []


def test_fires_for_a_named_probe_port_the_container_lacks() -> None:
    probe = "livenessProbe: {httpGet: {path: /health, port: metrics}}"
    found = _run(_deployment(probe=probe))
    assert [f.path for _, f in found] == ["/spec/template/spec/containers/0/livenessProbe/httpGet/port"]
    assert "'metrics'" in found[0][1].message


def test_fires_for_tcp_socket_and_lifecycle_ports() -> None:
    probe = "readinessProbe: {tcpSocket: {port: db}}\n          lifecycle: {preStop: {httpGet: {port: admin}}}"
    text = _deployment(probe=probe)
    paths = sorted(f.path for _, f in _run(text))
    assert paths == [
        "/spec/template/spec/containers/0/lifecycle/preStop/httpGet/port",
        "/spec/template/spec/containers/0/readinessProbe/tcpSocket/port",
    ]


def test_passes_for_named_and_numeric_probe_ports() -> None:
    probe = "readinessProbe: {httpGet: {path: /health, port: http}}"
    assert _run(_deployment(probe=probe)) == []
    assert _run(_deployment(probe="livenessProbe: {tcpSocket: {port: 9999}}")) == []


def _monitor(endpoint: str) -> str:
    return f"""
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {{name: mlflow}}
spec:
  selector: {{matchLabels: {{app: mlflow}}}}
  endpoints: [{endpoint}]
"""


def test_fires_for_a_servicemonitor_port_whose_target_is_not_exposed() -> None:
    text = _deployment() + _service("[{name: metrics, port: 9090, targetPort: prom}]") + _monitor("{port: metrics}")
    assert _found(text) == [("Service", "/spec/ports/0/targetPort"), ("ServiceMonitor", "/spec/endpoints/0/port")]


def test_fires_for_a_servicemonitor_target_port_not_exposed() -> None:
    text = _deployment() + _service("[{name: http, port: 80, targetPort: http}]") + _monitor("{targetPort: metrics}")
    assert _found(text) == [("ServiceMonitor", "/spec/endpoints/0/targetPort")]


def test_servicemonitor_port_through_an_undeclared_numeric_target_passes_but_a_direct_number_fires() -> None:
    # port: the Service forwards to 8443 as it is; targetPort: prometheus-operator keeps only targets whose
    # declared container port number matches, so an undeclared number scrapes nothing.
    service = _service("[{name: https, port: 443, targetPort: 8443}]")
    assert _run(_deployment() + service + _monitor("{port: https}")) == []
    assert _found(_deployment() + service + _monitor("{targetPort: 8443}")) == [
        ("ServiceMonitor", "/spec/endpoints/0/targetPort")
    ]


def test_passes_for_servicemonitor_ports_that_resolve() -> None:
    service = _service("[{name: metrics, port: 9090, targetPort: http}]")
    assert _run(_deployment() + service + _monitor("{port: metrics}")) == []
    assert _run(_deployment() + service + _monitor("{targetPort: 5000}")) == []


def _doc_example(label: str) -> str:
    doc = documentation(rule)
    block = doc.split("PASS:", 1)[1].split("FAIL:", 1)[0] if label == "PASS" else doc.split("FAIL:", 1)[1]
    return textwrap.dedent(block)


def test_docstring_pass_example_passes_and_fail_example_fires() -> None:
    assert _run(_doc_example("PASS")) == []
    assert len(_run(_doc_example("FAIL"))) == 2
