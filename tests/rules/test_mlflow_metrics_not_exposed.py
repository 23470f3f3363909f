from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import mlflow_metrics_not_exposed as rule


def _run(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    assert rule.KINDS is not None
    return [f for res in ctx.resources if res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _server(
    image: str = "ghcr.io/mlflow/mlflow:v3.16.1-full",
    args: list[str] | None = None,
    env: list[dict[str, Any]] | None = None,
    command: list[str] | None = None,
) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": "mlflow",
        "image": image,
        "command": command or ["mlflow"],
        "args": args if args is not None else ["server", "--host", "0.0.0.0"],
        "ports": [{"name": "http", "containerPort": 5000}],
        "env": env or [],
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "mlflow"},
        "spec": {
            "selector": {"matchLabels": {"app": "mlflow"}},
            "template": {"metadata": {"labels": {"app": "mlflow"}}, "spec": {"containers": [container]}},
        },
    }


SERVICE = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "mlflow", "labels": {"app": "mlflow"}},
    "spec": {"selector": {"app": "mlflow"}, "ports": [{"name": "http", "port": 5000}]},
}

MONITOR: dict[str, Any] = {
    "apiVersion": "monitoring.coreos.com/v1",
    "kind": "ServiceMonitor",
    "metadata": {"name": "mlflow"},
    "spec": {"selector": {"matchLabels": {"app": "mlflow"}}, "endpoints": [{"port": "http"}]},
}


def test_fires_on_server_without_expose_prometheus() -> None:
    [f] = _run(_server(), SERVICE, MONITOR)
    assert f.path == "/spec/endpoints/0" and "--expose-prometheus" in f.message


def test_passes_with_flag_or_env_or_other_path() -> None:
    assert _run(_server(args=["server", "--expose-prometheus", "/tmp/m"]), SERVICE, MONITOR) == []
    env = [{"name": "MLFLOW_EXPOSE_PROMETHEUS", "value": "/tmp/m"}]
    assert _run(_server(env=env), SERVICE, MONITOR) == []
    other = {**MONITOR, "spec": {**MONITOR["spec"], "endpoints": [{"port": "http", "path": "/custom"}]}}
    assert _run(_server(), SERVICE, other) == []
