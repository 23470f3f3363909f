"""The MLflow tracking server: Deployment(s), Service, schema-migration hook Job, and in HA the
PodDisruptionBudget and optional HorizontalPodAutoscaler.

Periodic background tasks: MLflow runs them in every server process unless
``MLFLOW_SERVER_JOB_ENABLE_PERIODIC_TASKS`` is false. With one replica the server runs them itself. With
more than one, the ``mlflow`` Deployment (scaled by ``mlflow.replicas`` and the HPA) turns them off and a
separate single-replica ``mlflow-tasks`` Deployment (same server, same Service) turns them on. A Deployment
cannot give one of its replicas different env, and a separate Deployment keeps "exactly one" true across
rollouts and autoscaling, which ordinal tricks or leader election inside the pod would not.
"""

from __future__ import annotations

from typing import Any

from generator.config.model import Environment
from generator.platform import auth, names
from generator.platform.common import (
    NON_ROOT_UID,
    WAVE_HOOKS,
    WAVE_LAST,
    WAVE_SERVER,
    container_security,
    empty_dir,
    env,
    hook_annotations,
    http_probe,
    labels,
    metadata,
    pod_security,
    resources,
    secret_env,
    selector,
    single_replica_by_design,
)
from generator.platform.secrets import postgres_password_key

APP = names.MLFLOW
COMPONENT = "tracking-server"
BACKEND_URI_VAR = "MLFLOW_BACKEND_STORE_URI"
# MLflow's own default (replaced once MLFLOW_SERVER_ALLOWED_HOSTS is set) also admits private IPs and the
# loopback names with any port: keep both. Prometheus scrapes address the pod by IP; `kubectl
# port-forward` sends "Host: localhost:5000"; the server's job runner calls it back at 0.0.0.0:<port>.
# Entries without '*' must match the Host header exactly, port included.
PRIVATE_IP_HOSTS = (
    "10.*",
    *(f"172.{n}.*" for n in range(16, 32)),
    "192.168.*",
    # 100.64.0.0/10 (RFC 6598), a common pod CIDR (EKS custom networking, GKE non-RFC 1918 ranges) that
    # MLflow's default misses: without it Prometheus scrapes of those pod IPs get 403.
    "100.6[4-9].*",
    "100.[7-9][0-9].*",
    "100.1[01][0-9].*",
    "100.12[0-7].*",
    *(h for host in ("localhost", "127.0.0.1", "0.0.0.0") for h in (host, f"{host}:*")),
    "[::1]",
    "[[]::1]:*",
)


def service_hosts(namespace: str) -> list[str]:
    """In-cluster names of the Service, with and without ``:port``."""
    bases = [
        names.MLFLOW,
        f"{names.MLFLOW}.{namespace}",
        f"{names.MLFLOW}.{namespace}.svc",
        f"{names.MLFLOW}.{namespace}.svc.cluster.local",
    ]
    return [h for base in bases for h in (base, f"{base}:{names.MLFLOW_PORT}")]


def allowed_hosts(e: Environment) -> str:
    return ",".join([e.host, *service_hosts(e.namespace), *PRIVATE_IP_HOSTS])


def cors_origins(e: Environment) -> str:
    scheme = "https" if e.ingress.tls else "http"
    return f"{scheme}://{e.host}"


def backend_env(e: Environment) -> list[dict[str, Any]]:
    """PostgreSQL credentials from the Secret and the backend URI built from them by $(VAR) expansion.

    The driver is named (``postgresql+psycopg2``): SQLAlchemy 2.1 made psycopg 3 the default driver of a
    bare ``postgresql://`` URL (sqlalchemy/dialects/postgresql/__init__.py: ``base.dialect =
    psycopg.dialect``), so an image with psycopg2 and SQLAlchemy 2.1 failed the migration with
    "No module named 'psycopg'" (found by tests/e2e with MLflow 3.17.2).
    """
    uri = (
        f"postgresql+psycopg2://$(POSTGRES_USER):$(POSTGRES_PASSWORD)@{names.POSTGRES}:{names.POSTGRES_PORT}/"
        f"{e.postgres.database}"
    )
    return [
        secret_env("POSTGRES_USER", names.POSTGRES_SECRET, "username"),
        # percent-encoded for the URL (see generator.platform.secrets.POSTGRES_PASSWORD_URL_KEY)
        secret_env("POSTGRES_PASSWORD", names.POSTGRES_SECRET, postgres_password_key(e)),
        env(BACKEND_URI_VAR, uri),
    ]


# Memory of one server pod, measured by tests/e2e/test_sizing.py (MLflow 3.17.2, PSS, job execution on as
# rendered, after the e2e traffic): the `mlflow server` process 181 MiB, uvicorn master 16, job runner 172,
# multiprocessing resource tracker 8 and six Huey job consumers 1,020 (~1,400 MiB whatever the worker
# count), each uvicorn worker ~200 (792 MiB for 4), the periodic-tasks consumer 175 where it runs. Pods
# totalled 2,190 MiB (web, 4 workers) and 2,301 MiB (mlflow-tasks, 4 workers).
SERVER_BASE_MIB = 1400
WORKER_MIB = 200
PERIODIC_TASKS_MIB = 175
_MIB = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "Ti": 1024 * 1024, "K": 1000 / 1024**2, "M": 1000**2 / 1024**2,
        "G": 1000**3 / 1024**2}  # fmt: skip


def measured_memory_mib(workers: int, *, periodic_tasks: bool) -> int:
    """The memory a server pod uses (see the figures above), rounded up to 256 MiB."""
    need = SERVER_BASE_MIB + workers * WORKER_MIB + (PERIODIC_TASKS_MIB if periodic_tasks else 0)
    return -(-need // 256) * 256


def _mib(quantity: str) -> float:
    for suffix in sorted(_MIB, key=len, reverse=True):
        if quantity.endswith(suffix):
            return float(quantity[: -len(suffix)]) * _MIB[suffix]
    return float(quantity) / 1024**2


def server_resources(e: Environment, *, periodic_tasks: bool) -> dict[str, Any]:
    """The configured resources, with the memory request raised to the measured need for the worker count
    (a lower request lets the scheduler overcommit the node) and the limit to at least the request (the API
    server rejects a limit below the request)."""
    res = resources(e.mlflow.resources)
    need = measured_memory_mib(e.mlflow.workers, periodic_tasks=periodic_tasks)
    if _mib(res["requests"]["memory"]) < need:
        res["requests"]["memory"] = f"{need}Mi"
    if _mib(res["limits"]["memory"]) < _mib(res["requests"]["memory"]):
        res["limits"]["memory"] = res["requests"]["memory"]
    return res


def _server_container(e: Environment, *, periodic_tasks: bool) -> dict[str, Any]:
    ms = e.mlflow
    store = e.object_store
    args = [
        "server",
        "--host",
        "0.0.0.0",
        "--port",
        str(names.MLFLOW_PORT),
        "--workers",
        str(ms.workers),
        "--backend-store-uri",
        f"$({BACKEND_URI_VAR})",
        "--serve-artifacts",
        "--artifacts-destination",
        f"s3://{store.bucket}",
        "--expose-prometheus",
        names.METRICS_DIR,
        *auth.server_args(e),
    ]
    return {
        "name": "mlflow",
        "image": e.images.mlflow,
        "imagePullPolicy": "IfNotPresent",
        "command": ["mlflow"],
        "args": args,
        "ports": [{"name": "http", "containerPort": names.MLFLOW_PORT, "protocol": "TCP"}],
        "env": [
            *backend_env(e),
            env("MLFLOW_SQLALCHEMYSTORE_POOL_SIZE", str(ms.db_pool_size)),
            env("MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW", str(ms.db_max_overflow)),
            env("MLFLOW_S3_ENDPOINT_URL", store.endpoint),
            secret_env("AWS_ACCESS_KEY_ID", names.OBJECT_STORE_SECRET, "accessKey"),
            secret_env("AWS_SECRET_ACCESS_KEY", names.OBJECT_STORE_SECRET, "secretKey"),
            env("AWS_DEFAULT_REGION", store.region),
            env("MLFLOW_SERVER_ALLOWED_HOSTS", allowed_hosts(e)),
            env("MLFLOW_SERVER_CORS_ALLOWED_ORIGINS", cors_origins(e)),
            env("MLFLOW_SERVER_JOB_ENABLE_PERIODIC_TASKS", "true" if periodic_tasks else "false"),
            env("HOME", "/tmp"),
            *auth.server_env(e),
        ],
        "resources": server_resources(e, periodic_tasks=periodic_tasks),
        "startupProbe": http_probe("/health", "http", period=5, failure=60),
        "readinessProbe": http_probe("/health", "http", period=10, failure=3),
        "livenessProbe": http_probe("/health", "http", period=20, failure=3),
        "securityContext": container_security(NON_ROOT_UID),
        "volumeMounts": [
            {"name": "tmp", "mountPath": "/tmp"},
            {"name": "metrics", "mountPath": names.METRICS_DIR},
            *auth.server_mounts(e),
        ],
    }


def _spread(app: str, instance: str) -> list[dict[str, Any]]:
    sel = {"matchLabels": selector(app, instance=instance)}
    return [
        {
            "maxSkew": 1,
            "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": sel,
        },
        {
            "maxSkew": 1,
            "topologyKey": "kubernetes.io/hostname",
            "whenUnsatisfiable": "DoNotSchedule",
            "labelSelector": sel,
        },
    ]


def ha(e: Environment) -> bool:
    return e.mlflow.replicas > 1


def deployment(e: Environment, *, tasks: bool = False) -> dict[str, Any]:
    instance = names.MLFLOW_TASKS if tasks else names.MLFLOW
    replicas = 1 if tasks else e.mlflow.replicas
    periodic = tasks or not ha(e)
    multi = replicas > 1
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(
            instance,
            namespace=e.namespace,
            app=APP,
            component=COMPONENT,
            wave=WAVE_SERVER,
            instance=instance,
            annotations=single_replica_by_design(
                "exactly one replica may run MLflow's periodic background tasks; requests are served "
                "highly available by the mlflow Deployment"
            )
            if tasks
            else None,
        ),
        "spec": {
            "replicas": replicas,
            "revisionHistoryLimit": 5,
            # mlflow-tasks is the single periodic-task runner: Recreate so a rollout never runs two at once.
            "strategy": {"type": "Recreate"}
            if tasks
            else {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "selector": {"matchLabels": selector(APP, instance=instance)},
            "template": {
                "metadata": {"labels": labels(APP, COMPONENT, instance=instance)},
                "spec": {
                    "serviceAccountName": names.MLFLOW,
                    "automountServiceAccountToken": False,
                    "enableServiceLinks": False,
                    "securityContext": pod_security(NON_ROOT_UID),
                    "topologySpreadConstraints": _spread(APP, instance) if multi else None,
                    "containers": [_server_container(e, periodic_tasks=periodic), *auth.metrics_sidecar(e)],
                    "volumes": [
                        empty_dir("tmp", size="1Gi"),
                        empty_dir("metrics", size="256Mi"),
                        *auth.server_volumes(e),
                    ],
                },
            },
        },
    }


def service(e: Environment) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(names.MLFLOW, namespace=e.namespace, app=APP, component=COMPONENT, wave=WAVE_SERVER),
        "spec": {
            "type": "ClusterIP",
            "selector": selector(APP),
            "ports": [
                {"name": "http", "port": names.MLFLOW_PORT, "targetPort": "http", "protocol": "TCP"},
                *auth.service_ports(e),
            ],
        },
    }


# ``mlflow db upgrade`` alone fails on an empty database before MLflow 3.16 ("relation metrics does not
# exist", mlflow#2444; the env file may pin any -full image from 3.9): alembic's first revision alters
# tables that ``mlflow server`` creates outside alembic on its first start. So on a fresh database the
# Job first creates the schema the way the server does (``_initialize_tables``: base tables, then every
# migration); on an existing one it does nothing and ``mlflow db upgrade`` migrates. Tables named
# alembic_* alone count as empty (a failed try).
INIT_SCHEMA = """\
import os
import sqlalchemy
from mlflow.store.db.utils import _initialize_tables, create_sqlalchemy_engine_with_retry

engine = create_sqlalchemy_engine_with_retry(os.environ["MLFLOW_BACKEND_STORE_URI"])
tables = [t for t in sqlalchemy.inspect(engine).get_table_names() if not t.startswith("alembic")]
if tables:
    print(f"MLflow schema present ({len(tables)} tables): mlflow db upgrade migrates it")
else:
    print("empty database: creating the MLflow schema")
    _initialize_tables(engine)
"""


def migration_job(e: Environment) -> dict[str, Any]:
    app = names.MIGRATE_JOB
    common = {
        "image": e.images.mlflow,
        "imagePullPolicy": "IfNotPresent",
        "env": [*backend_env(e), env("HOME", "/tmp")],
        "resources": resources(e.mlflow.resources),
        "securityContext": container_security(NON_ROOT_UID),
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }
    init_schema = {"name": "init-schema", "command": ["python", "-c", INIT_SCHEMA], **common}
    container = {"name": "migrate", "command": ["mlflow"], "args": ["db", "upgrade", f"$({BACKEND_URI_VAR})"], **common}
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": metadata(
            app, namespace=e.namespace, app=app, component="migration", wave=WAVE_HOOKS, annotations=hook_annotations()
        ),
        "spec": {
            "backoffLimit": 6,
            "activeDeadlineSeconds": 900,
            "ttlSecondsAfterFinished": 3600,
            "template": {
                "metadata": {"labels": labels(app, "migration")},
                "spec": {
                    "restartPolicy": "Never",
                    "serviceAccountName": names.MIGRATE_JOB,
                    "automountServiceAccountToken": False,
                    "enableServiceLinks": False,
                    "securityContext": pod_security(NON_ROOT_UID),
                    "initContainers": [init_schema, *auth.migration_containers(e, common)],
                    "containers": [container],
                    "volumes": [empty_dir("tmp", size="256Mi")],
                },
            },
        },
    }


def pdb(e: Environment) -> dict[str, Any]:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": metadata(
            names.MLFLOW, namespace=e.namespace, app=APP, component=COMPONENT, wave=WAVE_SERVER, instance=names.MLFLOW
        ),
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector(APP, instance=names.MLFLOW)}},
    }


def hpa(e: Environment) -> dict[str, Any]:
    h = e.mlflow.hpa
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": metadata(
            names.MLFLOW, namespace=e.namespace, app=APP, component=COMPONENT, wave=WAVE_LAST, instance=names.MLFLOW
        ),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": names.MLFLOW},
            "minReplicas": max(h.min_replicas, 2),
            "maxReplicas": max(h.max_replicas, h.min_replicas, 2),
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": h.target_cpu_utilization},
                    },
                }
            ],
        },
    }


def core(e: Environment) -> list[dict[str, Any]]:
    """Objects every environment has: migration Job, the main Deployment and the Service."""
    return [migration_job(e), deployment(e), service(e)]


def high_availability(e: Environment) -> list[dict[str, Any]]:
    """Objects only an HA tracking server has (the ``ha`` component)."""
    if not ha(e):
        return []
    out = [deployment(e, tasks=True), pdb(e)]
    if e.mlflow.hpa.enabled:
        out.append(hpa(e))
    return out
