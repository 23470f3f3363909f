"""Prometheus ServiceMonitor for the tracking server and a Grafana dashboard ConfigMap.

``mlflow server --expose-prometheus`` (prometheus-flask-exporter) serves ``/metrics`` on the server port
with the metric names used below: ``mlflow_http_request_total`` and
``mlflow_http_request_duration_seconds_{bucket,sum,count}``. MLflow builds the exporter with
``group_by=mlflow_version``, so the series carry ``method``, ``status`` (and on the histogram
``mlflow_version``) but no ``path`` or ``endpoint`` label: PromQL here may only group by those (plus the
target labels Prometheus adds: ``namespace``, ``service``, ``pod``, ``instance``, ``job``, ...).
"""

from __future__ import annotations

import json
from typing import Any

from generator.config.model import Environment
from generator.platform import auth, names
from generator.platform.common import WAVE_SERVER, metadata, selector

REQUESTS = "mlflow_http_request_total"
DURATION = "mlflow_http_request_duration_seconds"
SCOPE = 'namespace="$namespace", service="mlflow"'


def service_monitor(e: Environment) -> dict[str, Any]:
    mon = e.monitoring
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": metadata(
            names.MLFLOW,
            namespace=e.namespace,
            app=names.MLFLOW,
            component="monitoring",
            wave=WAVE_SERVER,
            extra_labels=dict(mon.service_monitor_labels),
        ),
        "spec": {
            "selector": {"matchLabels": selector(names.MLFLOW)},
            # auth: basic scrapes the unauthenticated metrics sidecar (generator.platform.auth)
            "endpoints": [
                {"port": auth.metrics_port(e)[0], "path": "/metrics", "interval": mon.scrape_interval, "scheme": "http"}
            ],
        },
    }


def _panel(pid: int, title: str, exprs: list[tuple[str, str]], unit: str, x: int, y: int) -> dict[str, Any]:
    return {
        "id": pid,
        "type": "timeseries",
        "title": title,
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "gridPos": {"h": 8, "w": 12, "x": x, "y": y},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [
            {"refId": chr(ord("A") + i), "expr": expr, "legendFormat": legend} for i, (expr, legend) in enumerate(exprs)
        ],
    }


def dashboard_json() -> str:
    panels = [
        _panel(
            1,
            "Requests per second by status",
            [
                (f"sum by (status) (rate({REQUESTS}{{{SCOPE}}}[5m]))", "{{status}}"),
            ],
            "reqps",
            0,
            0,
        ),
        _panel(
            2,
            "Error ratio (5xx)",
            [
                (f'sum(rate({REQUESTS}{{{SCOPE}, status=~"5.."}}[5m])) / sum(rate({REQUESTS}{{{SCOPE}}}[5m]))', "5xx"),
            ],
            "percentunit",
            12,
            0,
        ),
        _panel(
            3,
            "Request latency",
            [
                (f"histogram_quantile(0.5, sum by (le) (rate({DURATION}_bucket{{{SCOPE}}}[5m])))", "p50"),
                (f"histogram_quantile(0.95, sum by (le) (rate({DURATION}_bucket{{{SCOPE}}}[5m])))", "p95"),
                (f"histogram_quantile(0.99, sum by (le) (rate({DURATION}_bucket{{{SCOPE}}}[5m])))", "p99"),
            ],
            "s",
            0,
            8,
        ),
        _panel(
            4,
            "Mean latency by HTTP method",
            [
                (
                    f"sum by (method) (rate({DURATION}_sum{{{SCOPE}}}[5m])) / "
                    f"sum by (method) (rate({DURATION}_count{{{SCOPE}}}[5m]))",
                    "{{method}}",
                ),
            ],
            "s",
            12,
            8,
        ),
    ]
    dashboard = {
        "uid": "mlflow-tracking",
        "title": "MLflow tracking server",
        "tags": ["mlflow", "gitops-gen"],
        "schemaVersion": 39,
        "version": 1,
        "editable": False,
        "time": {"from": "now-6h", "to": "now"},
        "refresh": "30s",
        "templating": {
            "list": [
                {"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Data source"},
                {
                    "name": "namespace",
                    "type": "query",
                    "label": "Namespace",
                    "datasource": {"type": "prometheus", "uid": "${datasource}"},
                    "query": f"label_values({REQUESTS}, namespace)",
                    "refresh": 2,
                },
            ]
        },
        "panels": panels,
    }
    return json.dumps(dashboard, indent=2, sort_keys=True) + "\n"


def dashboard(e: Environment) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata(
            names.DASHBOARD,
            namespace=e.namespace,
            app=names.MLFLOW,
            component="monitoring",
            wave=WAVE_SERVER,
            extra_labels={"grafana_dashboard": "1"},
        ),
        "data": {"mlflow-tracking.json": dashboard_json()},
    }


def monitoring(e: Environment) -> list[dict[str, Any]]:
    if not e.monitoring.enabled:
        return []
    out = [service_monitor(e)]
    if e.monitoring.grafana_dashboard:
        out.append(dashboard(e))
    return out
