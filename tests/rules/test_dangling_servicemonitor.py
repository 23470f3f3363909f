"""dangling-servicemonitor: a ServiceMonitor that selects no Service or names a port none has."""

from __future__ import annotations

import textwrap

import yaml

from generator.validate.context import Context, ExternalObject
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


# ------------------------------------------------- Services that exist without being in the set

APISERVER_MONITOR = """
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {{name: kube-apiserver, namespace: monitoring}}
spec:
  namespaceSelector: {{matchNames: [{namespace}]}}
  selector: {{matchLabels: {{component: apiserver, provider: kubernetes}}}}
  endpoints: [{{port: {port}, scheme: https}}]
"""

KUBELET_MONITOR = """
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {{name: kubelet, namespace: monitoring}}
spec:
  namespaceSelector: {{matchNames: [kube-system]}}
  selector: {{matchLabels: {selector}}}
  endpoints: [{{port: https-metrics}}, {{port: {port}, path: /metrics/cadvisor}}]
"""


def _operator(*args: str) -> str:
    """prometheus-operator's Deployment, as kube-prometheus deploys it, with ``args``."""
    return f"""
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: prometheus-operator, namespace: monitoring}}
spec:
  selector: {{matchLabels: {{app: prometheus-operator}}}}
  template:
    metadata: {{labels: {{app: prometheus-operator}}}}
    spec:
      containers:
        - name: prometheus-operator
          image: quay.io/prometheus-operator/prometheus-operator:v0.85.0
          args: {list(args)}
"""


def test_passes_for_the_api_server_service_in_every_cluster() -> None:
    assert _run(APISERVER_MONITOR.format(namespace="default", port="https")) == []


def test_fires_for_a_port_the_api_server_service_does_not_have() -> None:
    found = _run(APISERVER_MONITOR.format(namespace="default", port="https-metrics"))
    assert [f.path for _, f in found] == ["/spec/endpoints/0/port"]
    assert "default/kubernetes (made by the API server)" in found[0][1].message
    assert "(they have: https)" in found[0][1].message


def test_fires_when_the_api_server_labels_are_looked_for_in_another_namespace() -> None:
    found = _run(APISERVER_MONITOR.format(namespace="kube-system", port="https"))
    assert [f.path for _, f in found] == ["/spec/selector"]


def test_passes_for_the_kubelet_service_prometheus_operator_keeps() -> None:
    monitor = KUBELET_MONITOR.format(selector="{app.kubernetes.io/name: kubelet}", port="cadvisor")
    assert _run(monitor + _operator("--kubelet-service=kube-system/kubelet", "--kubelet-endpoints=true")) == []
    # one dash, and the value as the next argument, as Go's flag package also takes them
    assert _run(monitor + _operator("-kubelet-service", "kube-system/kubelet")) == []
    http = KUBELET_MONITOR.format(selector="{k8s-app: kubelet}", port="http-metrics")
    assert _run(http + _operator("--kubelet-service=kube-system/kubelet")) == []


def test_fires_for_the_kubelet_service_without_the_operator_flag() -> None:
    monitor = KUBELET_MONITOR.format(selector="{app.kubernetes.io/name: kubelet}", port="cadvisor")
    assert [f.path for _, f in _run(monitor)] == ["/spec/selector"]
    assert [f.path for _, f in _run(monitor + _operator("--log-level=info"))] == ["/spec/selector"]
    # the Service is made in the namespace the flag names
    assert [f.path for _, f in _run(monitor + _operator("--kubelet-service=default/kubelet"))] == ["/spec/selector"]


def test_fires_for_http_metrics_when_the_operator_leaves_that_port_out() -> None:
    monitor = KUBELET_MONITOR.format(selector="{k8s-app: kubelet}", port="http-metrics")
    found = _run(monitor + _operator("--kubelet-service=kube-system/kubelet", "--kubelet-http-metrics=false"))
    assert [f.path for _, f in found] == ["/spec/endpoints/1/port"]
    assert "kube-system/kubelet (made by prometheus-operator's --kubelet-service" in found[0][1].message
    assert "(they have: cadvisor, https-metrics)" in found[0][1].message


def test_the_operator_labels_flag_adds_labels_to_the_kubelet_service() -> None:
    monitor = KUBELET_MONITOR.format(selector="{team: obs}", port="cadvisor")
    assert [f.path for _, f in _run(monitor + _operator("--kubelet-service=kube-system/kubelet"))] == ["/spec/selector"]
    assert _run(monitor + _operator("--kubelet-service=kube-system/kubelet", "--labels=team=obs,tier=x")) == []


LABELS = (("component", "apiserver"), ("provider", "kubernetes"))


def test_a_declared_external_service_leaves_the_port_names_unchecked() -> None:
    # the selector also matches a Service declared in .gitops-gen.yaml, whose ports are not known
    ctx = Context.from_objects(
        [d for d in yaml.safe_load_all(APISERVER_MONITOR.format(namespace="default", port="metrics")) if d],
        external=frozenset({ExternalObject("Service", "apiserver-proxy", "default", LABELS, "r")}),
    )
    assert [f for r in ctx.resources for f in rule.check(ctx, r)] == []
    assert len(_run(APISERVER_MONITOR.format(namespace="default", port="metrics"))) == 1
