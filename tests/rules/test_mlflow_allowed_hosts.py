from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import mlflow_allowed_hosts as rule


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


def _ingress(host: str) -> dict[str, Any]:
    path = {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "mlflow", "port": {"name": "http"}}}}
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "mlflow"},
        "spec": {"rules": [{"host": host, "http": {"paths": [path]}}]},
    }


def _route(host: str) -> dict[str, Any]:
    return {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": "mlflow"},
        "spec": {"hostnames": [host], "rules": [{"backendRefs": [{"name": "mlflow", "port": 5000}]}]},
    }


def test_fires_on_default_allowed_hosts_behind_ingress() -> None:
    [f] = _run(_server(), SERVICE, _ingress("mlflow.example.com"))
    assert f.path == "/spec/rules/0/host" and "403" in f.message


def test_fires_on_allowed_hosts_missing_the_route_host() -> None:
    env = [{"name": "MLFLOW_SERVER_ALLOWED_HOSTS", "value": "mlflow.internal,10.*"}]
    [f] = _run(_server(env=env), SERVICE, _route("mlflow.example.com"))
    assert f.path == "/spec/hostnames/0"


def test_passes_listed_or_wildcard_host_old_version_and_secret_value() -> None:
    args = ["server", "--allowed-hosts", "*.example.com,localhost:*"]
    assert _run(_server(args=args), SERVICE, _ingress("mlflow.example.com")) == []
    assert _run(_server(args=["server", "--allowed-hosts", "*"]), SERVICE, _ingress("x.io")) == []
    assert _run(_server("ghcr.io/mlflow/mlflow:v3.4.0-full"), SERVICE, _ingress("mlflow.example.com")) == []
    secret = [{"name": "MLFLOW_SERVER_ALLOWED_HOSTS", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}]
    assert _run(_server(env=secret), SERVICE, _ingress("mlflow.example.com")) == []
    assert _run(_server(args=["server", "--disable-security-middleware"]), SERVICE, _ingress("a.io")) == []
