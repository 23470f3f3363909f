from __future__ import annotations

from typing import Any

import pytest

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import configmap_credentials as rule
from generator.validate.rules import secret_in_env


def _run(*objs: dict[str, Any], module: Any = rule) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    assert module.KINDS is not None
    return [f for res in ctx.resources if res.kind in module.KINDS for f in module.check(ctx, res)]


def _cm(**data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": data}


FIRING = [
    "mc alias set minio http://minio:9000 admin Sup3rSecret\n",
    "mc config host add s3 https://s3.example.com AKIAEXAMPLE wJalrXUtnFEMI\n",
    "curl -fsS -u admin:hunter22 http://grafana:3000/api/health\n",
    "mysql -h db -uroot -phunter22 app < schema.sql\n",
    "redis-cli -h redis -a hunter22 ping\n",
    "psql -h db -U app --password=hunter22 -c 'select 1'\n",
    "aws configure set aws_secret_access_key wJalrXUtnFEMIK7MDENG\n",
    "export PGPASSWORD=hunter22\n",
    "PGPASSWORD=hunter22 psql -h db -U app\n",
    "spring.datasource.url=jdbc:postgresql://db:5432/app?user=app&password=hunter22\n",
    "conn: Server=db;Database=app;User Id=sa;Password=hunter22;\n",
]


@pytest.mark.parametrize("text", FIRING)
def test_fires_on_literal_credentials_in_scripts(text: str) -> None:
    [finding] = _run(_cm(**{"script.sh": "#!/bin/sh\nset -e\n" + text}))
    assert finding.path == "/data/script.sh" and "line 3" in finding.message
    assert "hunter22" not in finding.message and "Sup3rSecret" not in finding.message  # masked


def test_fires_on_inline_container_script() -> None:
    script = "mc alias set s http://minio:9000 admin Sup3rSecret && mc mb -p s/bucket"
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
                            "command": ["sh", "-c", script],
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
        'curl -u "$GRAFANA_USER:$GRAFANA_PASSWORD" http://grafana:3000\n',
        'mysql -h db -uroot -p"$MYSQL_ROOT_PASSWORD" app\n',
        "mysql -h db -u root -p app\n",
        "export PGPASSWORD=$POSTGRES_PASSWORD\n",
        'export PGPASSWORD="$(cat /run/secrets/pg)"\n',
        "export PGPASSFILE=/run/secrets/pgpass\n",
        "jdbc:postgresql://db/app?user=app&password=${DB_PASSWORD}\n",
        "admin_password = {{ .Values.password }}\n",
        "# example: mc alias set x http://y admin secret\n",
        "PASSWORD_MIN_LENGTH=8 ./run.sh\n",
        "--webhook-secret-namespace=monitoring\n",
        "url = https://mlflow.example.com/api\n",
    ],
)
def test_passes_references_placeholders_and_plain_settings(text: str) -> None:
    assert _run(_cm(**{"script.sh": text})) == []


def test_passes_what_secret_in_env_already_reports_without_double_findings() -> None:
    """URL passwords, credential-named keys and name: value lines are secret-in-env's: one finding, not two."""
    cm = _cm(**{"db.sh": 'psql "postgresql://mlflow:mlflow123@postgres:5432/mlflow"\n'}, POSTGRES_PASSWORD="mlflow123")
    assert _run(cm) == []
    assert len(_run(cm, module=secret_in_env)) == 2
