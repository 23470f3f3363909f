"""An MLflow server runs the plain ``ghcr.io/mlflow/mlflow`` image with a PostgreSQL/MySQL backend, S3
artifacts or ``--expose-prometheus``.

The plain image is ``pip install mlflow`` (mlflow/mlflow ``docker/Dockerfile``): its requirements
(``requirements/core-requirements.txt``, ``skinny-requirements.txt``) contain no database driver, no boto3
and no prometheus-flask-exporter. The server then dies at start with ``ModuleNotFoundError: No module named
'psycopg2'`` (or ``boto3`` on the first artifact upload, or ``prometheus_flask_exporter``). Use the
``-full`` tag (``docker/Dockerfile.full``: ``mlflow[extras,db,...]``) or an image that installs them.
Model: ``generator/models/mlflow_server.py``. No peer linter knows this.

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
              args: [server, --backend-store-uri, "postgresql://mlflow:$(PGPASSWORD)@postgres/mlflow",
                     --artifacts-destination, "s3://mlflow-artifacts"]

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
              image: ghcr.io/mlflow/mlflow:v3.16.1
              command: [mlflow]
              args: [server, --backend-store-uri, "postgresql://mlflow:$(PGPASSWORD)@postgres/mlflow",
                     --artifacts-destination, "s3://mlflow-artifacts"]
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity
from generator.validate.rules._mlflow import servers
from generator.validate.workloads import WORKLOAD_KINDS

ID = "mlflow-image-packages"
CATEGORY = "mlflow"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = WORKLOAD_KINDS


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    out: list[Finding] = []
    for c, server in servers(ctx, obj):
        missing = server.missing_packages()
        if missing:
            what = "; ".join(f"{pkg} (for {why})" for pkg, why in missing)
            out.append(
                Finding(
                    f"image {server.image} is the plain MLflow image without {what}: the server fails at "
                    "start; use the -full tag",
                    c.pointer("image"),
                )
            )
    return out
