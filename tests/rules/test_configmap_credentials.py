from __future__ import annotations

from typing import Any

import pytest

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import configmap_credentials as rule


def _run(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    assert rule.KINDS is not None
    return [f for res in ctx.resources if res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _cm(**data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": data}


@pytest.mark.parametrize(
    "text",
    [
        "mc alias set minio http://minio:9000 admin Sup3rSecret\n",
        "mc config host add s3 https://s3.example.com AKIAEXAMPLE wJalrXUtnFEMI\n",
        'psql "postgresql://mlflow:mlflow123@postgres:5432/mlflow"\n',
        "DATABASE_URL=mysql://root:hunter22@db/app\n",
        "export PGPASSWORD=hunter22\n",
        "admin_password = hunter22  # [security]\n",
        "mlflow server --backend-store-uri sqlite:///x --password=hunter22\n",
        "aws_secret_access_key: wJalrXUtnFEMI/K7MDENG\n",
    ],
)
def test_fires_on_literal_credentials(text: str) -> None:
    [finding] = _run(_cm(**{"script.sh": "#!/bin/sh\nset -e\n" + text}))
    assert finding.path == "/data/script.sh" and "line 3" in finding.message
    assert "hunter22" not in finding.message and "Sup3rSecret" not in finding.message  # masked


def test_fires_on_credential_named_key() -> None:
    [finding] = _run(_cm(POSTGRES_PASSWORD="mlflow123"))
    assert finding.path == "/data/POSTGRES_PASSWORD"


def test_fires_on_inline_container_script() -> None:
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "j"},
        "spec": {
            "template": {
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [
                        {
                            "name": "mc",
                            "image": "minio/mc:RELEASE.2024-06-12T14-34-03Z",
                            "command": ["sh", "-c", "mc alias set s http://minio:9000 admin Sup3rSecret"],
                        }
                    ],
                }
            }
        },
    }
    [finding] = _run(job)
    assert finding.path == "/spec/template/spec/containers/0/command/2"


@pytest.mark.parametrize(
    "text",
    [
        'mc alias set minio http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"\n',
        "mc alias set minio http://minio:9000 ${ACCESS_KEY} ${SECRET_KEY}\n",
        "postgresql://$(POSTGRES_USER):$(POSTGRES_PASSWORD)@postgres:5432/mlflow\n",
        "postgresql://mlflow:${PGPASSWORD}@postgres/mlflow\n",
        "export PGPASSWORD=$POSTGRES_PASSWORD\n",
        "admin_password = {{ .Values.password }}\n",
        "password_file=/run/secrets/db-password\n",
        "# example: postgresql://user:pass@host/db\n",
        "url = https://mlflow.example.com/api\n",
        "PASSWORD_MIN_LENGTH=8\n",
        "--webhook-secret-namespace=monitoring\n",
    ],
)
def test_passes_references_placeholders_and_plain_settings(text: str) -> None:
    assert _run(_cm(**{"script.sh": text})) == []


def test_passes_empty_or_referenced_credential_key() -> None:
    assert _run(_cm(POSTGRES_PASSWORD="", API_TOKEN="$(TOKEN)")) == []
