from __future__ import annotations

from typing import Any

from mlflow_manifests import SERVICE, run_rule, server

from generator.validate.model import Finding
from generator.validate.rules import mlflow_metrics_not_exposed as rule


def _run(*objs: dict[str, Any]) -> list[Finding]:
    return run_rule(rule, *objs)


MONITOR: dict[str, Any] = {
    "apiVersion": "monitoring.coreos.com/v1",
    "kind": "ServiceMonitor",
    "metadata": {"name": "mlflow"},
    "spec": {"selector": {"matchLabels": {"app": "mlflow"}}, "endpoints": [{"port": "http"}]},
}


def test_fires_on_server_without_expose_prometheus() -> None:
    [f] = _run(server(), SERVICE, MONITOR)
    assert f.path == "/spec/endpoints/0" and "--expose-prometheus" in f.message


def test_passes_with_flag_or_env_or_other_path() -> None:
    assert _run(server(args=["server", "--expose-prometheus", "/tmp/m"]), SERVICE, MONITOR) == []
    env = [{"name": "MLFLOW_EXPOSE_PROMETHEUS", "value": "/tmp/m"}]
    assert _run(server(env=env), SERVICE, MONITOR) == []
    other = {**MONITOR, "spec": {**MONITOR["spec"], "endpoints": [{"port": "http", "path": "/custom"}]}}
    assert _run(server(), SERVICE, other) == []
