"""The Services grafana-operator makes for a ``Grafana`` (grafana.integreatly.org/v1beta1), as the
cross-resource rules see them (grafana/grafana-operator controllers/reconcilers/grafana/service_reconciler.go,
controllers/resources/resources.go and labels.go, controllers/config/operator_constants.go). A ServiceMonitor
selecting ``<name>-service`` and an Ingress to it were reported as dangling."""

from __future__ import annotations

from generator.validate.context import Context
from generator.validate.engine import validate_resources
from generator.validate.load import load_text
from generator.validate.producers import made_services, provided_services

GRAFANA = """apiVersion: grafana.integreatly.org/v1beta1
kind: Grafana
metadata:
  name: grafana
  namespace: monitoring
  labels: {dashboards: grafana, applyset.kubernetes.io/part-of: x}
spec:
  config:
    log: {mode: console}
"""

MONITOR = """apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: grafana, namespace: monitoring}
spec:
  selector: {matchLabels: {dashboards: grafana, app.kubernetes.io/managed-by: grafana-operator}}
  endpoints: [{port: grafana, path: /metrics}]
"""

# grafana-operator examples/grafana/ingress_http/resources.yaml's backend, as a plain Ingress
INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: grafana, namespace: monitoring}
spec:
  ingressClassName: nginx
  rules:
    - host: grafana.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: grafana-service, port: {number: 3000}}}
          - path: /named
            pathType: Prefix
            backend: {service: {name: grafana-service, port: {name: grafana}}}
"""

ROUTE = """apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: grafana, namespace: monitoring}
spec:
  parentRefs: [{name: shared, namespace: gateway}]
  rules:
    - backendRefs: [{name: grafana-service, port: 3000}]
"""

RULES = ("dangling-ingress", "dangling-route", "dangling-servicemonitor")


def _found(*docs: str) -> list[tuple[str, str]]:
    resources = load_text("---\n".join(docs), "grafana.yaml")
    report = validate_resources(resources, kubernetes_version="1.33", only=frozenset(RULES))
    return sorted((f.rule, f.path) for f in report.findings)


def test_passes_what_the_operator_makes_for_a_grafana() -> None:
    assert _found(GRAFANA, MONITOR, INGRESS, ROUTE) == []


def test_fires_without_the_grafana() -> None:
    found = _found(MONITOR, INGRESS, ROUTE)
    assert [rule for rule, _ in found] == [
        "dangling-ingress",
        "dangling-ingress",
        "dangling-route",
        "dangling-servicemonitor",
    ]


def test_fires_on_a_wrong_name_port_or_label() -> None:
    wrong_name = INGRESS.replace("name: grafana-service, port: {number", "name: grafana-svc, port: {number")
    assert _found(GRAFANA, wrong_name) == [("dangling-ingress", "/spec/rules/0/http/paths/0/backend/service/name")]
    wrong_port = INGRESS.replace("number: 3000", "number: 80")
    assert _found(GRAFANA, wrong_port) == [
        ("dangling-ingress", "/spec/rules/0/http/paths/0/backend/service/port/number")
    ]
    assert _found(GRAFANA, ROUTE.replace("port: 3000", "port: 80")) == [
        ("dangling-route", "/spec/rules/0/backendRefs/0/port")
    ]
    assert _found(GRAFANA, MONITOR.replace("port: grafana,", "port: metrics,")) == [
        ("dangling-servicemonitor", "/spec/endpoints/0/port")
    ]
    # an applyset label is not inherited (labels.go ignoredLabelsPrefix)
    applyset = MONITOR.replace("dashboards: grafana,", "applyset.kubernetes.io/part-of: x,")
    assert _found(GRAFANA, applyset) == [("dangling-servicemonitor", "/spec/selector")]


def test_fires_for_a_grafana_in_another_namespace_or_group_or_an_external_one() -> None:
    assert len(_found(GRAFANA.replace("namespace: monitoring", "namespace: other"), INGRESS)) == 2
    assert len(_found(GRAFANA.replace("grafana.integreatly.org/v1beta1", "integreatly.org/v1alpha1"), INGRESS)) == 2
    external = GRAFANA + "  external: {url: https://grafana.example.com}\n"
    assert len(_found(external, INGRESS)) == 2


def test_the_http_port_and_spec_service_shape_the_service() -> None:
    grafana = GRAFANA.replace(
        "    log: {mode: console}\n",
        '    server: {http_port: "8080"}\n'
        "  service:\n"
        "    metadata: {labels: {team: observability}}\n"
        "    spec:\n"
        "      ports: [{name: grafana, port: 8080, targetPort: grafana-http}, {name: extra, port: 9999}]\n",
    )
    ctx = Context(load_text(grafana, "grafana.yaml"))
    service = made_services(ctx)[("monitoring", "grafana-service")].obj
    assert service["spec"]["ports"] == [
        {"name": "grafana", "protocol": "TCP", "port": 8080, "targetPort": "grafana-http"},
        {"name": "extra", "port": 9999},
    ]
    assert service["spec"]["selector"] == {"app": "grafana"}
    assert service["metadata"]["labels"] == {
        "team": "observability",
        "dashboards": "grafana",
        "app.kubernetes.io/managed-by": "grafana-operator",
    }
    alerting = made_services(ctx)[("monitoring", "grafana-alerting")].obj
    assert alerting["spec"]["ports"] == [{"name": "grafana-alert", "protocol": "TCP", "port": 9094, "targetPort": 9094}]
    made = {(s.name, s.ports) for s in provided_services(ctx) if s.name.startswith("grafana-")}
    assert made == {
        ("grafana-service", frozenset({"grafana", "extra"})),
        ("grafana-alerting", frozenset({"grafana-alert"})),
    }
    assert _found(grafana, INGRESS) == [
        ("dangling-ingress", "/spec/rules/0/http/paths/0/backend/service/port/number")  # 3000 is now 8080
    ]
