"""Ingress host checks, metrics, the example trainer, serving and the periodic-tasks split, run from the
rendered prod manifests (fixtures in conftest.py)."""

from __future__ import annotations

import base64
import json
import time
import urllib.parse
from typing import Any

import pytest

from e2e import promql
from e2e.cluster import Cluster, Pod
from e2e.cluster import http as _http
from e2e.conftest import TEST_REMOTE_SECRETS
from e2e.measure import pg_connections, role
from e2e.services import S3, Postgres

pytestmark = pytest.mark.e2e
Obj = dict[str, Any]
# Prometheus scrapes the pod by IP (ServiceMonitor endpoints); any RFC 1918 pod address stands for it here.
SCRAPE_HOST = "10.0.0.7:5000"
SERVICE_HOST = "mlflow:5000"  # what in-cluster clients send for http://mlflow:5000
# auth: basic (the prod default): these checks read as the admin; tests/e2e/test_auth.py covers the users
_ADMIN = TEST_REMOTE_SECRETS["auth"]
ADMIN_AUTH = "Basic " + base64.b64encode(f"{_ADMIN['adminUsername']}:{_ADMIN['adminPassword']}".encode()).decode()


def http(url: str, **kwargs: Any) -> tuple[int, bytes]:
    """e2e.cluster.http with the admin's credentials (ignored by a server without its auth app)."""
    headers = {"Authorization": ADMIN_AUTH, **(kwargs.pop("headers", None) or {})}
    return _http(url, headers=headers, **kwargs)


def api(mlflow_url: str, path: str, **params: str) -> Obj:
    status, body = http(f"{mlflow_url}/api/2.0/mlflow/{path}?{urllib.parse.urlencode(params)}", host=SERVICE_HOST)
    assert status == 200, f"{path}: HTTP {status}: {body[:500]!r}"
    result: Obj = json.loads(body)
    return result


def test_api_answers_the_ingress_host_and_refuses_unknown_hosts(cluster: Cluster, mlflow_url: str) -> None:
    ingress = next(o for o in cluster.objects if o["kind"] == "Ingress")
    host = ingress["spec"]["rules"][0]["host"]
    url = f"{mlflow_url}/api/2.0/mlflow/experiments/get-by-name?experiment_name=Default"
    status, body = http(url, host=host)
    assert status == 200, body[:500]
    assert json.loads(body)["experiment"]["name"] == "Default"
    status, _ = http(url, host="attacker.example.net")
    assert status == 403
    status, _ = http(url, host=f"{host}.attacker.example.net")
    assert status == 403


def test_metrics_expose_what_the_dashboard_queries(
    cluster: Cluster, mlflow_url: str, metrics_url: str, training: Pod
) -> None:
    dashboard = json.loads(next(iter(cluster.get("ConfigMap", "mlflow-grafana-dashboard")["data"].values())))
    used: dict[str, set[str]] = {}
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            metrics, labels = promql.metrics_and_labels(target["expr"])
            for metric in metrics:
                used.setdefault(metric, set()).update(labels - promql.TARGET_LABELS)
    assert used, "the dashboard queries no metric"
    for _ in range(3):  # traffic of every kind the panels aggregate (the trainer's requests came first)
        http(f"{mlflow_url}/api/2.0/mlflow/experiments/get-by-name?experiment_name=Default", host=SERVICE_HOST)
        http(f"{mlflow_url}/api/2.0/mlflow/experiments/get-by-name?experiment_name=missing", host=SERVICE_HOST)
    status, body = _http(f"{metrics_url}/metrics", host=SCRAPE_HOST)  # as Prometheus: no credentials
    assert status == 200, body[:300]
    exposed = promql.exposition_labels(body.decode())
    for metric, labels in sorted(used.items()):
        assert metric in exposed, f"dashboard metric {metric} is not exposed; exposed: {sorted(exposed)}"
        assert labels <= exposed[metric], (
            f"{metric}: dashboard uses {sorted(labels)}, exposed {sorted(exposed[metric])}"
        )


def test_trainer_logs_registers_and_aliases_through_the_proxy(
    cluster: Cluster, training: Pod, mlflow_url: str, s3: S3, serving_deployment: Obj
) -> None:
    assert training.proc.returncode == 0, training.tail()
    assert not [k for k in training.env if k.startswith(("AWS_", "MLFLOW_S3_"))], "the trainer must hold no S3 creds"
    args = Cluster.pod_spec(serving_deployment)["containers"][0]["args"]
    uri = args[args.index("--model-uri") + 1]
    assert uri.startswith("models:/") and "@" in uri, f"serving should load a registry alias, renders {uri}"
    name, alias = uri.removeprefix("models:/").split("@")
    version = api(mlflow_url, "registered-models/alias", name=name, alias=alias)["model_version"]
    run = api(mlflow_url, "runs/get", run_id=version["run_id"])["run"]
    params = {p["key"]: p["value"] for p in run["data"].get("params", [])}
    metrics = {m["key"]: m["value"] for m in run["data"].get("metrics", [])}
    tags = {t["key"]: t["value"] for t in run["data"].get("tags", [])}
    assert params.get("n_estimators") == "100" and params.get("max_depth") == "5", params  # autolog
    assert "training_accuracy_score" in metrics, metrics  # autolog
    assert metrics["test_accuracy"] > 0.9, metrics
    assert tags["training_platform"] == "kubernetes"
    assert tags["job_name"] == training.name
    experiment = api(mlflow_url, "experiments/get", experiment_id=run["info"]["experiment_id"])["experiment"]
    job_env = {
        e["name"]: e.get("value")
        for e in Cluster.pod_spec(cluster.get("Job", "training-smoke"))["containers"][0]["env"]
    }
    assert experiment["name"] == job_env["MLFLOW_EXPERIMENT_NAME"]
    bucket = urllib.parse.urlparse(
        (a := Cluster.pod_spec(cluster.get("Deployment", "mlflow"))["containers"][0]["args"])[
            a.index("--artifacts-destination") + 1
        ]
    ).netloc
    keys = s3.keys(bucket)
    assert any(k.endswith("/MLmodel") for k in keys), keys
    assert any(k.endswith("/model.pkl") for k in keys), keys


def test_serving_loads_the_alias_and_predicts_iris(model_server: Pod, serving_deployment: Obj) -> None:
    port = int(Cluster.pod_spec(serving_deployment)["containers"][0]["ports"][0]["containerPort"])
    columns = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]
    rows = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5]]  # setosa, virginica, versicolor
    body = json.dumps({"dataframe_split": {"columns": columns, "data": rows}}).encode()
    status, out = http(
        f"http://{model_server.ip}:{port}/invocations",
        method="POST",
        body=body,
        headers={"Content-Type": "application/json"},
    )
    assert status == 200, out[:1000]
    assert json.loads(out)["predictions"] == [0, 2, 1]


def test_only_the_tasks_deployment_runs_periodic_tasks(
    mlflow_web: Pod, mlflow_tasks: Pod, postgres: Postgres, model_server: Pod
) -> None:
    for pod, periodic in ((mlflow_tasks, "true"), (mlflow_web, "false")):
        assert pod.env["MLFLOW_SERVER_JOB_ENABLE_PERIODIC_TASKS"] == periodic
    roles = {pod.name: [role(p) for p in pod.pids()] for pod in (mlflow_web, mlflow_tasks)}
    assert roles[mlflow_tasks.name].count("periodic-tasks consumer") == 1, roles
    assert "periodic-tasks consumer" not in roles[mlflow_web.name], roles
    # The periodic tasks run every minute (huey crontab(minute="*/1"), mlflow/server/jobs/utils.py) and
    # read the tracking store: within ~2 minutes the consumer holds a PostgreSQL connection.
    deadline = time.monotonic() + 150
    while True:
        holders = {role(pid) for pid in pg_connections(postgres, mlflow_tasks)}
        if "periodic-tasks consumer" in holders:
            break
        assert time.monotonic() < deadline, f"the periodic tasks never touched the database; holders: {holders}"
        time.sleep(3)
    assert "periodic-tasks consumer" not in {role(pid) for pid in pg_connections(postgres, mlflow_web)}
