"""PostgreSQL backend store: a StatefulSet with a volumeClaimTemplate, a headless Service for the pod's
stable identity and a ClusterIP Service for clients; pg_isready probes; credentials from a Secret."""

from __future__ import annotations

from typing import Any

from generator.config.model import Environment
from generator.platform import names
from generator.platform.common import (
    POSTGRES_UID,
    WAVE_DATA,
    container_security,
    empty_dir,
    env,
    labels,
    metadata,
    pod_security,
    resources,
    secret_env,
    selector,
    single_replica_by_design,
)

APP = names.POSTGRES
COMPONENT = "database"
DATA_DIR = "/var/lib/postgresql/data"
# PostgreSQL's own default; kept as the floor so small environments look like a stock server.
DEFAULT_MAX_CONNECTIONS = 100
# superuser_reserved_connections (3), the migration hook Job, and a few psql/ops sessions.
RESERVED_CONNECTIONS = 10
# Measured by tests/e2e/test_sizing.py (MLflow 3.17.2, pg_stat_activity backends attributed to processes):
# besides its uvicorn workers, every server pod's `mlflow server` process keeps 2 connections open from
# its start-up checks and its job runner 1; the pod running the periodic tasks 1 more (the periodic-tasks
# consumer). The six Huey job consumers hold none while no job runs.
SERVER_POD_CONNECTIONS = 3
PERIODIC_TASKS_CONNECTIONS = 1
# auth: basic. MLflow's auth app opens its own engine in every process that serves it (mlflow 3.17.2
# mlflow/server/auth/sqlalchemy_store.py ``init_db`` -> mlflow/store/db/utils.py
# ``create_sqlalchemy_engine_with_retry``, with the same MLFLOW_SQLALCHEMYSTORE_POOL_SIZE/MAX_OVERFLOW): a
# second pool per worker, and the `mlflow server` process holds 1 more connection (tests/e2e/test_sizing.py).
AUTH_POOLS_PER_WORKER = 1
AUTH_SERVER_POD_CONNECTIONS = 1
PG_ISREADY = 'exec pg_isready --host=127.0.0.1 --port=5432 --username="$POSTGRES_USER" --dbname="$POSTGRES_DB"'


def _probe(period: int, failure: int, delay: int = 0) -> dict[str, Any]:
    return {
        "exec": {"command": ["/bin/sh", "-c", PG_ISREADY]},
        "initialDelaySeconds": delay or None,
        "periodSeconds": period,
        "timeoutSeconds": 5,
        "failureThreshold": failure,
    }


def mlflow_connection_demand(e: Environment) -> int:
    """The most connections the tracking servers can hold open at once.

    Every server process has its own SQLAlchemy pool (``dbPoolSize`` + ``dbMaxOverflow``); there are
    ``workers`` processes per pod, and up to the HPA maximum of ``mlflow`` pods plus, in HA, the one
    ``mlflow-tasks`` pod. With PostgreSQL's default ``max_connections=100`` the prod profile
    (3..6 pods x 4 workers x 30) would fail with "too many clients" under load.
    """
    ms = e.mlflow
    pods = ms.replicas
    if ms.replicas > 1:
        if ms.hpa.enabled:
            pods = max(ms.hpa.max_replicas, ms.hpa.min_replicas, 2)
        pods += 1  # the single mlflow-tasks replica (see generator.platform.mlflow)
    pools = 1 + (AUTH_POOLS_PER_WORKER if e.auth.basic else 0)
    per_pod = ms.workers * pools * (ms.db_pool_size + ms.db_max_overflow) + SERVER_POD_CONNECTIONS
    if e.auth.basic:
        per_pod += AUTH_SERVER_POD_CONNECTIONS
    return pods * per_pod + PERIODIC_TASKS_CONNECTIONS  # exactly one pod runs the periodic tasks


def max_connections(e: Environment) -> int:
    return max(DEFAULT_MAX_CONNECTIONS, mlflow_connection_demand(e) + RESERVED_CONNECTIONS)


def statefulset(e: Environment) -> dict[str, Any]:
    pg = e.postgres
    claim_spec: dict[str, Any] = {
        "accessModes": ["ReadWriteOnce"],
        "storageClassName": pg.storage.storage_class,
        "resources": {"requests": {"storage": pg.storage.size}},
    }
    container = {
        "name": "postgres",
        "image": e.images.postgres,
        "imagePullPolicy": "IfNotPresent",
        # The image's entrypoint prepends ``postgres`` to arguments that start with '-'.
        "args": ["-c", f"max_connections={max_connections(e)}"],
        "ports": [{"name": "postgres", "containerPort": names.POSTGRES_PORT, "protocol": "TCP"}],
        "env": [
            secret_env("POSTGRES_USER", names.POSTGRES_SECRET, "username"),
            secret_env("POSTGRES_PASSWORD", names.POSTGRES_SECRET, "password"),
            env("POSTGRES_DB", pg.database),
            env("PGDATA", f"{DATA_DIR}/pgdata"),
        ],
        "resources": resources(pg.resources),
        "startupProbe": _probe(5, 60),
        "readinessProbe": _probe(10, 3),
        "livenessProbe": _probe(20, 6),
        "securityContext": container_security(POSTGRES_UID),
        "volumeMounts": [
            {"name": "data", "mountPath": DATA_DIR},
            {"name": "run", "mountPath": "/var/run/postgresql"},
            {"name": "tmp", "mountPath": "/tmp"},
            {"name": "shm", "mountPath": "/dev/shm"},
        ],
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": metadata(
            APP,
            namespace=e.namespace,
            app=APP,
            component=COMPONENT,
            wave=WAVE_DATA,
            annotations=single_replica_by_design(
                "single-instance PostgreSQL: a second replica would be a second, unreplicated database; "
                "use an operator-managed or external PostgreSQL for HA"
            ),
        ),
        "spec": {
            "serviceName": names.POSTGRES_HEADLESS,
            "replicas": 1,
            "podManagementPolicy": "OrderedReady",
            "updateStrategy": {"type": "RollingUpdate"},
            "selector": {"matchLabels": selector(APP)},
            "template": {
                "metadata": {"labels": labels(APP, COMPONENT)},
                "spec": {
                    "serviceAccountName": names.POSTGRES,
                    "automountServiceAccountToken": False,
                    "enableServiceLinks": False,
                    "terminationGracePeriodSeconds": 60,
                    "securityContext": pod_security(POSTGRES_UID),
                    "containers": [container],
                    "volumes": [
                        empty_dir("run", size="16Mi"),
                        empty_dir("tmp", size="256Mi"),
                        empty_dir("shm", medium="Memory", size="256Mi"),
                    ],
                },
            },
            "volumeClaimTemplates": [
                {"metadata": {"name": "data", "labels": labels(APP, COMPONENT)}, "spec": claim_spec}
            ],
        },
    }


def services(e: Environment) -> list[dict[str, Any]]:
    port = {"name": "postgres", "port": names.POSTGRES_PORT, "targetPort": "postgres", "protocol": "TCP"}
    return [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": metadata(names.POSTGRES, namespace=e.namespace, app=APP, component=COMPONENT, wave=WAVE_DATA),
            "spec": {"type": "ClusterIP", "selector": selector(APP), "ports": [port]},
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": metadata(
                names.POSTGRES_HEADLESS, namespace=e.namespace, app=APP, component=COMPONENT, wave=WAVE_DATA
            ),
            "spec": {
                "type": "ClusterIP",
                "clusterIP": "None",
                "publishNotReadyAddresses": True,
                "selector": selector(APP),
                "ports": [port],
            },
        },
    ]


def postgres(e: Environment) -> list[dict[str, Any]]:
    return [statefulset(e), *services(e)]
