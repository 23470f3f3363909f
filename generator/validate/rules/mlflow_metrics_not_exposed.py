"""A ServiceMonitor scrapes an MLflow server that doesn't expose metrics.

``mlflow server`` serves ``/metrics`` only with ``--expose-prometheus DIR`` (or MLFLOW_EXPOSE_PROMETHEUS;
mlflow/mlflow ``mlflow/cli/__init__.py``, which starts prometheus-flask-exporter). Without it the scrape
gets 404, the target is down forever and dashboards and alerts on MLflow are silently empty. Model:
``generator/models/mlflow_server.py``. kube-linter ``dangling-servicemonitor`` only checks that the
selector matches a Service.

PASS:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      selector: {matchLabels: {app: mlflow}}
      template:
        metadata: {labels: {app: mlflow}}
        spec:
          containers:
            - name: mlflow
              image: ghcr.io/mlflow/mlflow:v3.16.1-full
              command: [mlflow]
              args: [server, --host, 0.0.0.0, --expose-prometheus, /tmp/metrics]
              ports: [{name: http, containerPort: 5000}]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: mlflow, labels: {app: mlflow}}
    spec:
      selector: {app: mlflow}
      ports: [{name: http, port: 5000}]
    ---
    apiVersion: monitoring.coreos.com/v1
    kind: ServiceMonitor
    metadata: {name: mlflow}
    spec:
      selector: {matchLabels: {app: mlflow}}
      endpoints: [{port: http}]

FAIL:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      selector: {matchLabels: {app: mlflow}}
      template:
        metadata: {labels: {app: mlflow}}
        spec:
          containers:
            - name: mlflow
              image: ghcr.io/mlflow/mlflow:v3.16.1-full
              command: [mlflow]
              args: [server, --host, 0.0.0.0]
              ports: [{name: http, containerPort: 5000}]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: mlflow, labels: {app: mlflow}}
    spec:
      selector: {app: mlflow}
      ports: [{name: http, port: 5000}]
    ---
    apiVersion: monitoring.coreos.com/v1
    kind: ServiceMonitor
    metadata: {name: mlflow}
    spec:
      selector: {matchLabels: {app: mlflow}}
      endpoints: [{port: http}]
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.crossref import monitor_endpoints, monitor_services, service_backends
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._mlflow import servers

ID = "mlflow-metrics-not-exposed"
CATEGORY = "mlflow"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = frozenset({"ServiceMonitor"})


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    services = monitor_services(ctx, obj) or []
    endpoints = [ep for ep in monitor_endpoints(obj) if ep.path.rstrip("/") == "/metrics"]
    if not endpoints:
        return []
    out: list[Finding] = []
    for svc in services:
        for workload in service_backends(ctx, svc):
            for _c, server in servers(ctx, workload):
                if not server.exposes_metrics:
                    out.append(
                        Finding(
                            f"Service {svc.name} leads to the MLflow server of {workload.kind} {workload.shown_name}, "
                            "which runs without --expose-prometheus: /metrics answers 404",
                            pointer("spec", "endpoints", endpoints[0].index),
                        )
                    )
    return out
