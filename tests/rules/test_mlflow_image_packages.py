from __future__ import annotations

from typing import Any

from mlflow_manifests import run_rule, server

from generator.validate.model import Finding
from generator.validate.rules import mlflow_image_packages as rule


def _run(*objs: dict[str, Any]) -> list[Finding]:
    return run_rule(rule, *objs)


PG = ["server", "--backend-store-uri", "$(DB_URI)", "--artifacts-destination", "s3://bucket"]
ENV = [{"name": "DB_URI", "value": "postgresql://$(U):$(P)@postgres/mlflow"}]


def test_fires_on_plain_image_with_postgres_and_s3() -> None:
    [f] = _run(server("ghcr.io/mlflow/mlflow:v3.16.1", PG, ENV))
    assert "psycopg2" in f.message and "boto3" in f.message and f.path == "/spec/template/spec/containers/0/image"


def test_fires_on_plain_image_with_env_configured_backend_and_prometheus() -> None:
    env = [{"name": "MLFLOW_BACKEND_STORE_URI", "value": "postgresql+psycopg2://u@db/x"}]
    [f] = _run(server("ghcr.io/mlflow/mlflow", ["server", "--expose-prometheus", "/tmp/m"], env))
    assert "psycopg2" in f.message and "prometheus-flask-exporter" in f.message


def test_fires_inside_a_shell_script() -> None:
    script = ["sh", "-c", "mlflow db upgrade $X && exec mlflow server --backend-store-uri postgresql://u@db/x"]
    assert _run(server("ghcr.io/mlflow/mlflow:v3.5.0", args=[], command=script))


def test_passes_full_image_sqlite_plain_and_other_images() -> None:
    assert _run(server("ghcr.io/mlflow/mlflow:v3.16.1-full", PG, ENV)) == []
    assert _run(server("ghcr.io/mlflow/mlflow:v3.16.1", ["server", "--backend-store-uri", "sqlite:///db"])) == []
    assert _run(server("registry.example.com/mlflow-custom:1.0", PG, ENV)) == []
