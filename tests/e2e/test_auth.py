"""MLflow basic-auth as rendered for prod, run for real: the pinned MLflow as local processes with the rendered
command, args and env (tests/e2e harness), the auth store in a real PostgreSQL database.

What is proven (issue 11, point 5): unauthenticated API calls get 401 while the probes' /health needs no
credentials; the admin manages users; the training user logs a run and registers a model version; the
serving user loads the model but cannot write; the two server processes (``mlflow`` and ``mlflow-tasks``
Deployments, same Secret) share users and CSRF tokens; Prometheus scrapes the metrics sidecar without
credentials, while the API port's /metrics stays closed.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.parse
from typing import Any

import pytest

from e2e.cluster import Cluster, Pod, http, wait_http
from e2e.conftest import TEST_REMOTE_SECRETS, Obj
from e2e.services import Postgres

pytestmark = pytest.mark.e2e

AUTH = TEST_REMOTE_SECRETS["auth"]
API = "/api/2.0/mlflow"
# Requests carry the Service's name as Host, as in-cluster clients send it (MLFLOW_SERVER_ALLOWED_HOSTS
# admits it; the pods' loopback test addresses 127.x.y.z are not in-cluster addresses and are refused).
SERVICE_HOST = "mlflow:5000"


def _basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


ADMIN = _basic(AUTH["adminUsername"], AUTH["adminPassword"])
TRAINING = _basic(AUTH["trainingUsername"], AUTH["trainingPassword"])
SERVING = _basic(AUTH["servingUsername"], AUTH["servingPassword"])


def call(
    base: str, path: str, creds: dict[str, str] | None = None, body: dict[str, Any] | None = None, method: str = ""
) -> tuple[int, Any]:
    headers = {**(creds or {}), "Content-Type": "application/json"}
    data = json.dumps(body).encode() if body is not None else None
    status, raw = http(
        base + path,
        host=SERVICE_HOST,
        method=method or ("POST" if body is not None else "GET"),
        body=data,
        headers=headers,
    )
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, raw.decode(errors="replace")


def test_auth_store_is_its_own_postgres_database_migrated_and_populated_by_the_hook(
    cluster: Cluster, postgres: Postgres, migrations: list[list[Pod]]
) -> None:
    names = [p.name for p in migrations[0]]
    steps = [c["name"] for c in Cluster.pod_spec(cluster.get("Job", "mlflow-db-migrate"))["initContainers"]]
    assert steps[1:] == ["auth-create-db", "auth-db-upgrade", "auth-users"], steps
    for run in migrations:
        for pod in run:
            assert pod.proc.returncode == 0, pod.tail()
    logs = {step: [run[i].logs() for run in migrations] for i, step in enumerate(steps)}
    assert "created auth database mlflow_auth" in logs["auth-create-db"][0], names
    assert "auth database mlflow_auth exists" in logs["auth-create-db"][1]  # the second sync is a no-op
    assert "created user training" in logs["auth-users"][0] and "updated user training" in logs["auth-users"][1]
    databases = {r[0] for r in postgres.query("SELECT datname FROM pg_database")}
    assert {"mlflow", "mlflow_auth"} <= databases
    conn = postgres.connect("mlflow_auth")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT username, is_admin FROM users ORDER BY username")
            users = dict(cur.fetchall())
            cur.execute("SELECT version_num FROM alembic_version_auth")
            assert cur.fetchone()
            cur.execute(
                "SELECT r.name, p.resource_type, p.resource_pattern, p.permission FROM roles r "
                "JOIN role_permissions p ON p.role_id = r.id WHERE r.name LIKE 'gitops-gen-%' ORDER BY 1, 2"
            )
            grants = cur.fetchall()
    finally:
        conn.close()
    assert users == {AUTH["adminUsername"]: True, "serving": False, "training": False}
    assert grants == [
        ("gitops-gen-serving", "experiment", "*", "READ"),
        ("gitops-gen-serving", "registered_model", "*", "READ"),
        ("gitops-gen-training", "experiment", "*", "EDIT"),
        ("gitops-gen-training", "registered_model", "*", "EDIT"),
    ]
    # the tracking store is untouched by the auth store and vice versa
    assert "users" not in {r[0] for r in postgres.query("SELECT tablename FROM pg_tables WHERE schemaname='public'")}


def test_unauthenticated_calls_get_401_and_probes_need_no_credentials(cluster: Cluster, mlflow_url: str) -> None:
    status, _ = call(mlflow_url, f"{API}/experiments/search?max_results=1")
    assert status == 401
    status, _ = call(mlflow_url, f"{API}/experiments/search?max_results=1", _basic("training", "wrong password!"))
    assert status == 401
    server = Cluster.pod_spec(cluster.get("Deployment", "mlflow"))["containers"][0]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        path = server[probe]["httpGet"]["path"]
        assert http(mlflow_url + path)[0] == 200, probe  # the kubelet probes by pod IP, no credentials
    assert "--app-name" in server["args"] and server["args"][server["args"].index("--app-name") + 1] == "basic-auth"


def test_admin_manages_users_and_others_cannot(mlflow_url: str) -> None:
    new = {"username": "e2e-analyst", "password": "analyst password 123"}
    assert call(mlflow_url, f"{API}/users/create", TRAINING, new)[0] == 403
    status, body = call(mlflow_url, f"{API}/users/create", ADMIN, new)
    assert status == 200 and body["user"]["is_admin"] is False, body
    status, body = call(mlflow_url, f"{API}/users/get?username=e2e-analyst", ADMIN)
    assert status == 200 and body["user"]["username"] == "e2e-analyst"
    changed = {"username": "e2e-analyst", "password": "a new password 456"}
    assert call(mlflow_url, f"{API}/users/update-password", ADMIN, changed, method="PATCH")[0] == 200
    analyst = _basic("e2e-analyst", "a new password 456")
    assert call(mlflow_url, f"{API}/experiments/search?max_results=1", analyst)[0] == 200
    assert call(mlflow_url, f"{API}/users/delete", ADMIN, {"username": "e2e-analyst"}, method="DELETE")[0] == 200
    assert call(mlflow_url, f"{API}/experiments/search?max_results=1", analyst)[0] == 401


def test_training_user_logs_a_run_and_registers_a_model(training: Pod, mlflow_url: str) -> None:
    assert training.proc.returncode == 0, training.tail()
    assert {"MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"} <= set(training.env)
    assert training.env["MLFLOW_TRACKING_USERNAME"] == "training"
    status, body = call(mlflow_url, f"{API}/registered-models/get?name=iris", TRAINING)
    assert status == 200, body
    assert body["registered_model"].get("aliases"), body  # the trainer pointed an alias at its new version
    # and directly: a run in an experiment someone else created, and a version of an existing model
    status, body = call(mlflow_url, f"{API}/experiments/create", ADMIN, {"name": "e2e-admin-experiment"})
    assert status == 200, body
    experiment = body["experiment_id"]
    status, body = call(mlflow_url, f"{API}/runs/create", TRAINING, {"experiment_id": experiment})
    assert status == 200, body
    run_id = body["run"]["info"]["run_id"]
    metric = {"run_id": run_id, "key": "acc", "value": 0.9, "timestamp": 1, "step": 0}
    assert call(mlflow_url, f"{API}/runs/log-metric", TRAINING, metric)[0] == 200
    version = {"name": "iris", "source": f"runs:/{run_id}/model", "run_id": run_id}
    status, body = call(mlflow_url, f"{API}/model-versions/create", TRAINING, version)
    assert status == 200, body


def test_serving_user_loads_the_model_but_cannot_write(model_server: Pod, mlflow_url: str) -> None:
    assert model_server.env["MLFLOW_TRACKING_USERNAME"] == "serving"
    port = re.search(r"--port (\d+)", " ".join(model_server.argv))
    assert port is not None
    wait_http(model_server, f"http://{model_server.ip}:{port.group(1)}/ping")  # loaded models:/ via the server
    status, body = call(mlflow_url, f"{API}/registered-models/get?name=iris", SERVING)
    assert status == 200, body
    version = body["registered_model"]["aliases"][0]["version"]
    status, body = call(mlflow_url, f"{API}/experiments/get-by-name?experiment_name=e2e-admin-experiment", SERVING)
    assert status == 200, body
    experiment = body["experiment"]["experiment_id"]
    denied = [
        (f"{API}/runs/create", {"experiment_id": experiment}, "POST"),
        (f"{API}/model-versions/create", {"name": "iris", "source": "s3://x/y"}, "POST"),
        (f"{API}/registered-models/alias", {"name": "iris", "alias": "evil", "version": version}, "POST"),
        (f"{API}/registered-models/delete", {"name": "iris"}, "DELETE"),
        (f"{API}/experiments/delete", {"experiment_id": experiment}, "POST"),
    ]
    for path, body_, method in denied:
        status, answer = call(mlflow_url, path, SERVING, body_, method=method)
        assert status == 403, (path, status, answer)


def test_two_servers_share_the_secret_key_and_the_auth_database(
    cluster: Cluster, mlflow_web: Pod, mlflow_tasks: Pod
) -> None:
    web, tasks = (f"http://{p.ip}:5000" for p in (mlflow_web, mlflow_tasks))
    assert mlflow_web.env["MLFLOW_FLASK_SERVER_SECRET_KEY"] == mlflow_tasks.env["MLFLOW_FLASK_SERVER_SECRET_KEY"]
    # a user created through one process logs in on the other (one auth database)
    user = {"username": "e2e-shared", "password": "shared password 789"}
    assert call(web, f"{API}/users/create", ADMIN, user)[0] == 200
    assert call(tasks, f"{API}/experiments/search?max_results=1", _basic(user["username"], user["password"]))[0] == 200
    # the sign-up form's CSRF token (signed with the Flask secret key, session cookie) from one process is
    # accepted by the other: they behave as one server behind the Service
    token, cookie = _signup_form(web)
    form = urllib.parse.urlencode({"csrf_token": token, "username": "e2e-form-user", "password": "form password 1234"})
    status, body = http(
        f"{tasks}/api/2.0/mlflow/users/create-ui",
        host=SERVICE_HOST,
        method="POST",
        body=form.encode(),
        headers={**ADMIN, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200 and b"CSRF" not in body, body[:500]
    status, answer = call(web, f"{API}/users/get?username=e2e-form-user", ADMIN)
    assert status == 200, answer


def test_a_server_with_another_secret_key_rejects_the_csrf_token(cluster: Cluster, mlflow_web: Pod) -> None:
    """The negative control: what an unsynchronised replica would do with the other replicas' forms."""
    workload = cluster.get("Deployment", "mlflow")
    original = dict(cluster.secrets["mlflow-auth"])
    cluster.secrets["mlflow-auth"] = {**original, "flaskSecretKey": "a-different-secret-key-42"}
    try:
        ip = cluster.allocate_ip([5000])
        other = cluster.start("mlflow-other-key-0", workload, Cluster.pod_spec(workload)["containers"][0], ip=ip)
    finally:
        cluster.secrets["mlflow-auth"] = original
    try:
        wait_http(other, f"http://{ip}:5000/health")
        token, cookie = _signup_form(f"http://{mlflow_web.ip}:5000")
        form = urllib.parse.urlencode(
            {"csrf_token": token, "username": "e2e-lost-user", "password": "lost password 1234"}
        )
        status, body = http(
            f"http://{ip}:5000/api/2.0/mlflow/users/create-ui",
            host=SERVICE_HOST,
            method="POST",
            body=form.encode(),
            headers={**ADMIN, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 400 and b"CSRF" in body, (status, body[:300])
    finally:
        cluster.stop(other)


def _signup_form(base: str) -> tuple[str, str]:
    import urllib.request

    req = urllib.request.Request(f"{base}/signup", headers={**ADMIN, "Host": SERVICE_HOST})
    with urllib.request.urlopen(req, timeout=30) as resp:
        html = resp.read().decode()
        cookie = resp.headers.get("Set-Cookie", "").split(";", 1)[0]
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match and cookie, html[:500]
    return match.group(1), cookie


def test_prometheus_scrapes_the_metrics_sidecar_without_credentials(
    cluster: Cluster, mlflow_web: Pod, mlflow_url: str, metrics_url: str, training: Pod
) -> None:
    workload: Obj = cluster.get("Deployment", "mlflow")
    sidecar = next(c for c in Cluster.pod_spec(workload)["containers"] if c["name"] == "metrics")
    monitor = cluster.get("ServiceMonitor", "mlflow")
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] == "metrics" and "basicAuth" not in endpoint
    # the metrics_url fixture started the sidecar in the web pod (same volume directory for the metrics)
    assert metrics_url == f"http://{mlflow_web.ip}:{sidecar['ports'][0]['containerPort']}"
    status, body = http(metrics_url + endpoint["path"])
    text = body.decode()
    assert status == 200 and "mlflow_http_request_total" in text, text[:1000]
    assert re.search(r'mlflow_http_request_total\{[^}]*status="401"', text), "401s of earlier tests are counted"
    # the API port's /metrics stays closed: 401 without credentials, 403 for a non-admin (fail-closed)
    assert http(f"{mlflow_url}/metrics", host=SERVICE_HOST)[0] == 401
    assert http(f"{mlflow_url}/metrics", host=SERVICE_HOST, headers=SERVING)[0] == 403
