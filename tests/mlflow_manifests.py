"""Hand-written MLflow manifests and a runner shared by the MLflow rules' tests (tests/rules/test_mlflow_*)."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding


def run_rule(rule: ModuleType, *objs: dict[str, Any]) -> list[Finding]:
    """Every finding of ``rule`` on the objects (its kinds only), with the objects as the whole set."""
    ctx = Context.from_objects(list(objs))
    assert rule.KINDS is not None
    return [f for res in ctx.resources if res.kind in rule.KINDS for f in rule.check(ctx, res)]


def server(
    image: str = "ghcr.io/mlflow/mlflow:v3.16.1-full",
    args: list[str] | None = None,
    env: list[dict[str, Any]] | None = None,
    command: list[str] | None = None,
) -> dict[str, Any]:
    """An MLflow tracking server Deployment as people write it by hand (labels app=mlflow)."""
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
