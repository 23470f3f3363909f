from __future__ import annotations

from typing import Any

from mlflow_manifests import SERVICE, run_rule, server

from generator.validate.model import Finding
from generator.validate.rules import mlflow_allowed_hosts as rule


def _run(*objs: dict[str, Any]) -> list[Finding]:
    return run_rule(rule, *objs)


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
    [f] = _run(server(), SERVICE, _ingress("mlflow.example.com"))
    assert f.path == "/spec/rules/0/host" and "403" in f.message


def test_fires_on_allowed_hosts_missing_the_route_host() -> None:
    env = [{"name": "MLFLOW_SERVER_ALLOWED_HOSTS", "value": "mlflow.internal,10.*"}]
    [f] = _run(server(env=env), SERVICE, _route("mlflow.example.com"))
    assert f.path == "/spec/hostnames/0"


def test_passes_listed_or_wildcard_host_old_version_and_secret_value() -> None:
    args = ["server", "--allowed-hosts", "*.example.com,localhost:*"]
    assert _run(server(args=args), SERVICE, _ingress("mlflow.example.com")) == []
    assert _run(server(args=["server", "--allowed-hosts", "*"]), SERVICE, _ingress("x.io")) == []
    assert _run(server("ghcr.io/mlflow/mlflow:v3.4.0-full"), SERVICE, _ingress("mlflow.example.com")) == []
    secret = [{"name": "MLFLOW_SERVER_ALLOWED_HOSTS", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}]
    assert _run(server(env=secret), SERVICE, _ingress("mlflow.example.com")) == []
    assert _run(server(args=["server", "--disable-security-middleware"]), SERVICE, _ingress("a.io")) == []
