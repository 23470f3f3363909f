"""Stable, human-chosen object names (no hashes). Builders import them so references always agree."""

from __future__ import annotations

from generator.config.build import OBJECT_STORE_SECRET, POSTGRES_SECRET

POSTGRES = "postgres"
POSTGRES_HEADLESS = "postgres-headless"
POSTGRES_PORT = 5432
MINIO = "minio"
MINIO_PVC = "minio-data"
MINIO_PORT = 9000
MINIO_CONSOLE_PORT = 9001
BUCKET_JOB = "minio-create-bucket"
MLFLOW = "mlflow"
MLFLOW_TASKS = "mlflow-tasks"
MLFLOW_PORT = 5000
MIGRATE_JOB = "mlflow-db-migrate"
TRAINING = "training"
TRAINING_JOB = "training-smoke"
MODEL_SERVER = "model-server"  # app.kubernetes.io/name of every model-serving pod
DASHBOARD = "mlflow-grafana-dashboard"
METRICS_DIR = "/mlflow-metrics"

__all__ = ["OBJECT_STORE_SECRET", "POSTGRES_SECRET"]


def model_server(model: str) -> str:
    """Deployment, Service and ServiceAccount name of the server of ``model``."""
    return f"model-{model}"


def mlflow_service_url() -> str:
    """In-cluster tracking URI for pods of the platform namespace (namespace-independent, so the base
    stays shared)."""
    return f"http://{MLFLOW}:{MLFLOW_PORT}"
