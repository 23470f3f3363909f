"""End-to-end fixtures: the rendered ``overlays/prod`` run as local processes (see ``tests/e2e/README.md``).

Fixture API (all session-scoped; each starts what it depends on, once):

- ``prod_objects`` -> list of dicts: ``kubectl kustomize overlays/prod`` of this repository.
- ``cluster`` -> :class:`e2e.cluster.Cluster`: Secrets (from the rendered ExternalSecrets and
  ``TEST_REMOTE_SECRETS``), ConfigMaps, Service name -> IP map, pods; ``cluster.start(pod, workload,
  container)`` runs any rendered container, ``cluster.run(...)`` runs one to completion.
- ``postgres`` -> :class:`e2e.services.Postgres` (Service ``postgres``; ``.query(sql)`` as superuser).
- ``s3`` -> :class:`e2e.services.S3` (Service ``minio``, bucket created; ``.keys(bucket)``).
- ``migrations`` -> the two runs of the ``mlflow-db-migrate`` Job (init container + container each).
- ``mlflow_web`` / ``mlflow_tasks`` -> running pods of the ``mlflow`` and ``mlflow-tasks`` Deployments
  (``/health`` answered 200); ``mlflow_url`` is the Service URL as the web pod serves it.
- ``training`` -> the finished pod of the ``training-smoke`` Job running examples/trainer/train.py.
- ``model_server`` -> the running pod of the first serving Deployment.

Missing prerequisites fail (never skip) with what to install.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from e2e import kubelet
from e2e.cluster import Cluster, Pod, temp_root, wait_http
from e2e.services import S3, Postgres, postgres_bin_dir, start_postgres, start_s3
from generator.config.load import load_by_name
from generator.kustomize.render import kustomize_build

ROOT = Path(__file__).resolve().parents[2]
TRAINER_DIR = ROOT / "examples" / "trainer"
Obj = dict[str, Any]

# The test secret store (what the ClusterSecretStore would return). The database password holds every
# character that breaks a postgresql:// URI unless percent-encoded: '@', '%', '/' and a space.
# Keys are relative to the environment's ``secrets.keyPrefix`` (``mlflow/prod`` for prod): see remote_store().
TEST_REMOTE_SECRETS: dict[str, dict[str, str]] = {
    "postgres": {"username": "mlflow_e2e", "password": "e2e p@ss%word/ 7"},
    "object-store": {"accessKey": "e2e-access", "secretKey": "e2e-secret/key+1"},
    # auth: basic (generator.platform.auth): Flask secret key, admin and the per-workload users
    "auth": {
        "flaskSecretKey": "e2e-flask-secret-key-0123456789",
        "adminUsername": "platform-admin",
        "adminPassword": "e2e admin p@ss%word 1",
        "trainingUsername": "training",
        "trainingPassword": "e2e training p@ss 2",
        "servingUsername": "serving",
        "servingPassword": "e2e serving p@ss 3",
    },
}


def remote_store(env_name: str) -> dict[str, dict[str, str]]:
    """TEST_REMOTE_SECRETS under the environment's key prefix, as an operator fills the store following
    overlays/<env>/PREREQUISITES.md (e.g. ``mlflow/prod/postgres``)."""
    env = load_by_name(ROOT, env_name)
    prefix = env.secrets.postgres_key.rpartition("/")[0]
    return {f"{prefix}/{key}": values for key, values in TEST_REMOTE_SECRETS.items()}


INSTALL_HINT = (
    "install them with: apt-get install -y postgresql (server binaries), "
    "python3 -m pip install -e '.[test]' (the pinned mlflow and its extras, moto)"
)


def pinned_mlflow_version(objects: list[Obj]) -> str:
    images = {
        c["image"]
        for o in objects
        if o["kind"] == "Deployment" and o["metadata"]["name"] == "mlflow"
        for c in o["spec"]["template"]["spec"]["containers"]
    }
    (image,) = images
    match = re.fullmatch(r"ghcr\.io/mlflow/mlflow:v(\d+\.\d+\.\d+)(-full)?(@sha256:[0-9a-f]{64})?", image)
    assert match, f"unexpected MLflow image {image!r}"
    return match.group(1)


@pytest.fixture(scope="session")
def prod_objects() -> list[Obj]:
    if not (shutil.which("kubectl") or shutil.which("kustomize")):
        pytest.fail("e2e: neither kubectl nor kustomize is on PATH; install kubectl (it contains kustomize)")
    return [d for d in yaml.safe_load_all(kustomize_build(ROOT / "overlays" / "prod")) if d]


@pytest.fixture(scope="session")
def e2e_prerequisites(prod_objects: list[Obj]) -> str:
    """Fails the e2e tests (never skips) when something they run is missing; returns the MLflow version."""
    missing = []
    if postgres_bin_dir() is None:
        missing.append("PostgreSQL server binaries (initdb, postgres)")
    for module in ("mlflow", "psycopg2", "boto3", "prometheus_flask_exporter", "moto", "sklearn", "flask"):
        if importlib.util.find_spec(module) is None:
            missing.append(f"python module {module}")
    if shutil.which("unshare") is None:
        missing.append("unshare (util-linux)")
    version = pinned_mlflow_version(prod_objects)
    if not missing:
        from importlib.metadata import version as dist_version

        installed: str = dist_version("mlflow")
        if installed != version:
            missing.append(f"mlflow=={version} (the rendered image's version; {installed} is installed)")
        probe = subprocess.run(
            ["unshare", "-m", "--", "true"] if os.geteuid() == 0 else ["unshare", "-r", "-m", "--", "true"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode != 0:
            missing.append(f"a private mount namespace (unshare failed: {probe.stderr.strip()})")
    if missing:
        pytest.fail(f"e2e prerequisites missing: {', '.join(missing)}; {INSTALL_HINT}", pytrace=False)
    return version


@pytest.fixture(scope="session")
def cluster(prod_objects: list[Obj], e2e_prerequisites: str) -> Iterator[Cluster]:
    namespace = next(o["metadata"]["name"] for o in prod_objects if o["kind"] == "Namespace")
    store = remote_store("prod")
    with temp_root() as root:
        c = Cluster(root=root, namespace=namespace, objects=prod_objects)
        for obj in prod_objects:
            if obj["kind"] == "ExternalSecret":
                target = (obj["spec"].get("target") or {}).get("name") or obj["metadata"]["name"]
                c.secrets[target] = kubelet.external_secret_data(obj, store)
        try:
            yield c
        finally:
            c.close()
            left = c.leftovers()
            assert not left, f"processes left running after the e2e session: {left}"


@pytest.fixture(scope="session")
def postgres(cluster: Cluster) -> Postgres:
    return start_postgres(cluster, cluster.get("StatefulSet", "postgres"))


def _artifact_bucket(cluster: Cluster) -> str:
    args: list[str] = Cluster.pod_spec(cluster.get("Deployment", "mlflow"))["containers"][0]["args"]
    return urllib.parse.urlparse(args[args.index("--artifacts-destination") + 1]).netloc


@pytest.fixture(scope="session")
def s3(cluster: Cluster) -> S3:
    return start_s3(cluster, cluster.get("Service", "minio"), _artifact_bucket(cluster), "object-store-credentials")


def run_job(cluster: Cluster, job: Obj, pod_name: str, *, timeout: float, **kwargs: Any) -> list[Pod]:
    """A Job's pod: init containers in order, then the (single) container; stops at the first failure."""
    spec = Cluster.pod_spec(job)
    pods = []
    for container in [*(spec.get("initContainers") or []), *spec["containers"]]:
        pod = cluster.run(pod_name, job, container, timeout=timeout, **kwargs)
        pods.append(pod)
        if pod.proc.returncode != 0:
            break
    return pods


@pytest.fixture(scope="session")
def migrations(cluster: Cluster, postgres: Postgres) -> list[list[Pod]]:
    """The migration hook run twice on the empty database (every sync re-runs it)."""
    job = cluster.get("Job", "mlflow-db-migrate")
    return [run_job(cluster, job, f"mlflow-db-migrate-{n}", timeout=300) for n in (1, 2)]


def server_port(workload: Obj) -> int:
    return int(Cluster.pod_spec(workload)["containers"][0]["ports"][0]["containerPort"])


@pytest.fixture(scope="session")
def mlflow_servers(cluster: Cluster, postgres: Postgres, s3: S3, migrations: list[list[Pod]]) -> dict[str, Pod]:
    """One pod of each MLflow Deployment (web replica and tasks), started together."""
    assert all(p.proc.returncode == 0 for run in migrations for p in run), "migration failed; see test_migration"
    pods = {}
    for name in ("mlflow", "mlflow-tasks"):
        workload = cluster.get("Deployment", name)
        ip = cluster.allocate_ip([server_port(workload)])
        pods[name] = cluster.start(f"{name}-0", workload, Cluster.pod_spec(workload)["containers"][0], ip=ip)
    with ThreadPoolExecutor(2) as pool:
        list(
            pool.map(
                lambda p: wait_http(p, f"http://{p.ip}:{server_port(cluster.get('Deployment', 'mlflow'))}/health"),
                pods.values(),
            )
        )
    cluster.expose("mlflow", pods["mlflow"].ip)  # the Service routes to the web replica
    return pods


@pytest.fixture(scope="session")
def mlflow_web(mlflow_servers: dict[str, Pod]) -> Pod:
    return mlflow_servers["mlflow"]


@pytest.fixture(scope="session")
def mlflow_tasks(mlflow_servers: dict[str, Pod]) -> Pod:
    return mlflow_servers["mlflow-tasks"]


@pytest.fixture(scope="session")
def mlflow_url(cluster: Cluster, mlflow_web: Pod) -> str:
    return f"http://{mlflow_web.ip}:{server_port(cluster.get('Deployment', 'mlflow'))}"


@pytest.fixture(scope="session")
def metrics_url(cluster: Cluster, mlflow_web: Pod) -> str:
    """Where Prometheus scrapes the web pod: the container port the ServiceMonitor endpoint names. With
    auth: basic that is the ``metrics`` sidecar (started here, in the web pod's network and volumes);
    otherwise the server's own port."""
    workload = cluster.get("Deployment", "mlflow")
    (endpoint,) = cluster.get("ServiceMonitor", "mlflow")["spec"]["endpoints"]
    containers = Cluster.pod_spec(workload)["containers"]
    for container in containers:
        for port in container.get("ports") or []:
            if port["name"] == endpoint["port"]:
                url = f"http://{mlflow_web.ip}:{port['containerPort']}"
                if container is not containers[0]:
                    sidecar = cluster.start(mlflow_web.name, workload, container, ip=mlflow_web.ip)
                    wait_http(sidecar, url + endpoint["path"], timeout=60)
                return url
    raise AssertionError(f"no container port named {endpoint['port']} in Deployment/mlflow")


def dockerfile_files(directory: Path) -> dict[str, Path]:
    """Image path -> local path for every ``COPY src dst`` of the image's Dockerfile."""
    out: dict[str, Path] = {}
    for line in (directory / "Dockerfile").read_text().splitlines():
        parts = line.split()
        if parts[:1] == ["COPY"] and not any(p.startswith("--") for p in parts[1:]) and len(parts) == 3:
            src, dst = parts[1], parts[2]
            out[dst.rstrip("/") + ("/" + src if dst.endswith("/") else "")] = directory / src
    return out


@pytest.fixture(scope="session")
def training(cluster: Cluster, mlflow_web: Pod, s3: S3) -> Pod:
    """The ``training-smoke`` Job: the example trainer image's train.py against the tracking Service."""
    job = cluster.get("Job", "training-smoke")
    pods = run_job(cluster, job, "training-smoke", timeout=300, image_files=dockerfile_files(TRAINER_DIR))
    return pods[-1]


@pytest.fixture(scope="session")
def serving_deployment(cluster: Cluster) -> Obj:
    found = [o for o in cluster.objects if o["kind"] == "Deployment" and o["metadata"]["name"].startswith("model-")]
    assert found, "overlays/prod renders no serving Deployment"
    return found[0]


@pytest.fixture(scope="session")
def model_server(cluster: Cluster, training: Pod, serving_deployment: Obj) -> Pod:
    assert training.proc.returncode == 0, f"training failed\n{training.tail()}"
    container = Cluster.pod_spec(serving_deployment)["containers"][0]
    port = int(container["ports"][0]["containerPort"])
    pod = cluster.start(
        f"{serving_deployment['metadata']['name']}-0",
        serving_deployment,
        container,
        ip=cluster.allocate_ip([port]),
    )
    wait_http(pod, f"http://{pod.ip}:{port}/ping", timeout=300)
    return pod
