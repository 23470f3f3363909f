"""MLflow's built-in authentication (``auth: basic``): what the tracking server, the migration hook, the
training and serving workloads and Prometheus need. Read from the pinned MLflow (3.17.2 wheel; the same
files in 3.16.1):

- ``mlflow server --app-name basic-auth`` loads ``mlflow.server.auth:create_app``
  (mlflow/server/auth/__init__.py). It refuses to start without ``MLFLOW_FLASK_SERVER_SECRET_KEY`` (the
  Flask secret for CSRF, which must be identical on every replica and worker), reads its settings from the
  ini file named by ``MLFLOW_AUTH_CONFIG_PATH`` (mlflow/server/auth/config.py: ``default_permission``,
  ``database_uri``, ``authorization_function``), and takes the admin from ``MLFLOW_AUTH_ADMIN_USERNAME`` /
  ``MLFLOW_AUTH_ADMIN_PASSWORD`` (mlflow/environment_variables.py; they win over the ini file; MLflow ships
  no default admin password and refuses one shorter than 12 characters, mlflow/utils/validation.py).
- ``database_uri`` is only read from the ini file (``configparser`` without environment interpolation),
  and the ini file is a ConfigMap, so it holds no password: ``postgresql://postgres:5432/mlflow_auth``.
  psycopg2 hands the missing user and password to libpq, which takes them from ``PGUSER`` / ``PGPASSWORD``
  in the container's environment, filled from the PostgreSQL Secret (the plain value: nothing is spliced
  into a URL).
- The auth store is its own PostgreSQL database, created and migrated by the ``mlflow-db-migrate`` hook
  (``python -m mlflow.server.auth db upgrade --url``: mlflow/server/auth/db/cli.py, alembic version table
  ``alembic_version_auth``); the servers' own ``migrate_if_needed`` then finds it at head. A per-pod SQLite
  file would give every replica its own users.
- Users and permissions: the hook also creates or updates (idempotently, every sync) the admin and one
  non-admin user per workload, with the passwords from the secret provider (so rotating a secret rotates the
  password), and gives them roles (mlflow/server/auth/sqlalchemy_store.py: ``create_role``,
  ``add_role_permission`` with the type-wide pattern ``*``, ``assign_role_to_user``): training EDIT on every
  experiment and registered model (log runs, register versions; creating new ones is open to every user
  while workspaces are off and makes the creator MANAGE), serving READ on both. MLflow folds a role grant
  with ``default_permission`` as a floor (``_get_role_permission_or_default``), which is why the schema
  allows only READ or NO_PERMISSIONS as default: anything higher would let the serving user write.
- Probes: ``/health`` is an unprotected prefix (``_UNPROTECTED_PATH_PREFIXES = ("/static", "/favicon.ico",
  "/health")``), so liveness and readiness need no credentials.
- Metrics: ``/metrics`` is not unprotected; without credentials it is 401, and for an authenticated
  non-admin it is 403, because no permission validator covers it and ``MLFLOW_BASIC_AUTH_FAIL_CLOSED``
  defaults to true (``_before_request``; checked against real 3.16.1 and 3.17.2 servers,
  tests/e2e/test_auth.py). Scraping with ServiceMonitor ``basicAuth`` would therefore need admin
  credentials in Prometheus, or turning fail-closed off for every
  user. Instead a small sidecar serves the same multiprocess registry that the server's prometheus-flask-
  exporter writes (``--expose-prometheus`` directory, mlflow/server/prometheus_exporter.py) on a separate
  ``metrics`` port without credentials; the NetworkPolicy admits only the Prometheus namespace to that port
  and Prometheus gets no MLflow account at all.
"""

from __future__ import annotations

from typing import Any

from generator.config.build import AUTH_SECRET
from generator.config.model import Environment
from generator.platform import names
from generator.platform.common import (
    NON_ROOT_UID,
    WAVE_CONFIG,
    container_security,
    env,
    http_probe,
    metadata,
    secret_env,
)
from generator.platform.secrets import SECRET_KEYS

AUTH_CONFIG = "mlflow-auth-config"  # ConfigMap with basic_auth.ini
AUTH_CONFIG_DIR = "/etc/mlflow-auth"
AUTH_INI = "basic_auth.ini"
METRICS_PORT = 9102
METRICS_PORT_NAME = "metrics"
WORKSPACE = "default"  # mlflow/utils/workspace_utils.py DEFAULT_WORKSPACE_NAME (grants live there)

# Keys of the ``mlflow-auth`` Secret (remote properties of secrets.remoteKeys.auth, or sealed.auth keys).
FLASK_SECRET_KEY = "flaskSecretKey"
ADMIN_USERNAME = "adminUsername"
ADMIN_PASSWORD = "adminPassword"
WORKLOAD_USERS = ("training", "serving")
AUTH_KEYS: tuple[str, ...] = SECRET_KEYS[AUTH_SECRET][1]

# Role -> (resource type, permission) grants on every resource of the type (pattern "*").
ROLES: dict[str, tuple[tuple[str, str], ...]] = {
    "training": (("experiment", "EDIT"), ("registered_model", "EDIT")),
    "serving": (("experiment", "READ"), ("registered_model", "READ")),
}


def enabled(e: Environment) -> bool:
    return e.auth.basic


def database_uri(e: Environment) -> str:
    """The auth store's URI: no credentials (libpq reads PGUSER / PGPASSWORD)."""
    return f"postgresql+psycopg2://{names.POSTGRES}:{names.POSTGRES_PORT}/{e.auth.database}"


def auth_ini(e: Environment) -> str:
    return (
        "# MLflow basic-auth settings (mlflow/server/auth/config.py); generated by gitops-gen.\n"
        "# The admin comes from MLFLOW_AUTH_ADMIN_USERNAME / MLFLOW_AUTH_ADMIN_PASSWORD (Secret mlflow-auth);\n"
        "# the database credentials from PGUSER / PGPASSWORD (Secret postgres-credentials).\n"
        "[mlflow]\n"
        f"default_permission = {e.auth.default_permission}\n"
        f"database_uri = {database_uri(e)}\n"
        "authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n"
        "grant_default_workspace_access = false\n"
    )


def config_map(e: Environment) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata(AUTH_CONFIG, namespace=e.namespace, app=names.MLFLOW, component="auth", wave=WAVE_CONFIG),
        "data": {AUTH_INI: auth_ini(e)},
    }


def _pg_env(e: Environment) -> list[dict[str, Any]]:
    """libpq's own variables: the auth store URI carries no credentials."""
    return [
        secret_env("PGUSER", names.POSTGRES_SECRET, "username"),
        secret_env("PGPASSWORD", names.POSTGRES_SECRET, "password"),
    ]


# ------------------------------------------------------------------------------------- tracking server


def server_args(e: Environment) -> list[str]:
    return ["--app-name", "basic-auth"] if enabled(e) else []


def server_env(e: Environment) -> list[dict[str, Any]]:
    if not enabled(e):
        return []
    return [
        env("MLFLOW_AUTH_CONFIG_PATH", f"{AUTH_CONFIG_DIR}/{AUTH_INI}"),
        secret_env("MLFLOW_FLASK_SERVER_SECRET_KEY", AUTH_SECRET, FLASK_SECRET_KEY),
        secret_env("MLFLOW_AUTH_ADMIN_USERNAME", AUTH_SECRET, ADMIN_USERNAME),
        secret_env("MLFLOW_AUTH_ADMIN_PASSWORD", AUTH_SECRET, ADMIN_PASSWORD),
        *_pg_env(e),
    ]


def server_mounts(e: Environment) -> list[dict[str, Any]]:
    if not enabled(e):
        return []
    return [{"name": "auth-config", "mountPath": AUTH_CONFIG_DIR, "readOnly": True}]


def server_volumes(e: Environment) -> list[dict[str, Any]]:
    if not enabled(e):
        return []
    return [{"name": "auth-config", "configMap": {"name": AUTH_CONFIG}}]


# The sidecar serves the multiprocess registry of the server's workers (the directory given to
# --expose-prometheus, mounted read-only here) exactly as prometheus-flask-exporter's /metrics does, but on
# its own port and without MLflow's authentication in front of it (see the module docstring).
METRICS_EXPORTER = """\
import os, sys, time
from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector

address, port = sys.argv[1], int(sys.argv[2])
registry = CollectorRegistry()
MultiProcessCollector(registry, path=os.environ["PROMETHEUS_MULTIPROC_DIR"])
start_http_server(port, addr=address, registry=registry)
print(f"serving {os.environ['PROMETHEUS_MULTIPROC_DIR']} on {address}:{port}", flush=True)
while True:
    time.sleep(3600)
"""


def metrics_sidecar(e: Environment) -> list[dict[str, Any]]:
    if not enabled(e):
        return []
    return [
        {
            "name": "metrics",
            "image": e.images.mlflow,
            "imagePullPolicy": "IfNotPresent",
            "command": ["python", "-c", METRICS_EXPORTER, "0.0.0.0", str(METRICS_PORT)],
            "ports": [{"name": METRICS_PORT_NAME, "containerPort": METRICS_PORT, "protocol": "TCP"}],
            "env": [env("PROMETHEUS_MULTIPROC_DIR", names.METRICS_DIR)],
            "resources": {
                "requests": {"cpu": "10m", "memory": "64Mi"},
                "limits": {"cpu": "200m", "memory": "256Mi"},
            },
            "startupProbe": http_probe("/metrics", METRICS_PORT_NAME, period=5, failure=24),
            "readinessProbe": http_probe("/metrics", METRICS_PORT_NAME, period=10, failure=3),
            "livenessProbe": http_probe("/metrics", METRICS_PORT_NAME, period=30, failure=3),
            "securityContext": container_security(NON_ROOT_UID),
            "volumeMounts": [
                {"name": "tmp", "mountPath": "/tmp"},
                {"name": "metrics", "mountPath": names.METRICS_DIR, "readOnly": True},
            ],
        }
    ]


def service_ports(e: Environment) -> list[dict[str, Any]]:
    if not enabled(e):
        return []
    return [{"name": METRICS_PORT_NAME, "port": METRICS_PORT, "targetPort": METRICS_PORT_NAME, "protocol": "TCP"}]


def metrics_port(e: Environment) -> tuple[str, int]:
    """(port name, number) Prometheus scrapes on the tracking server."""
    return (METRICS_PORT_NAME, METRICS_PORT) if enabled(e) else ("http", names.MLFLOW_PORT)


# ------------------------------------------------------------------------------------- workloads


def client_env(e: Environment, workload: str) -> list[dict[str, Any]]:
    """MLFLOW_TRACKING_USERNAME / PASSWORD of a workload's own user (read by the MLflow client,
    mlflow/environment_variables.py)."""
    if not enabled(e):
        return []
    return [
        secret_env("MLFLOW_TRACKING_USERNAME", AUTH_SECRET, f"{workload}Username"),
        secret_env("MLFLOW_TRACKING_PASSWORD", AUTH_SECRET, f"{workload}Password"),
    ]


# ------------------------------------------------------------------------------------- migration hook

CREATE_DATABASE = """\
import os
import psycopg2
from psycopg2 import sql

name = os.environ["AUTH_DATABASE"]
conn = psycopg2.connect(dbname=os.environ["PGDATABASE"])  # host, port, user, password: PG* variables
conn.autocommit = True  # CREATE DATABASE cannot run inside a transaction
with conn.cursor() as cur:
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
    if cur.fetchone():
        print(f"auth database {name} exists")
    else:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"created auth database {name}")
conn.close()
"""

# Idempotent: create or update every user (password from the Secret, admin flag), then make each
# workload role hold exactly its grants and be assigned to its user.
ENSURE_USERS = """\
import os
from mlflow.exceptions import MlflowException
from mlflow.server.auth.sqlalchemy_store import SqlAlchemyStore

WORKSPACE = os.environ["AUTH_WORKSPACE"]
ROLES = {ROLES}
store = SqlAlchemyStore()
store.init_db(os.environ["AUTH_DATABASE_URI"])


def ensure_user(username, password, is_admin):
    if store.has_user(username, use_primary=True):
        store.update_user(username, password=password, is_admin=is_admin)
        print(f"updated user {{username}} (admin={{is_admin}})")
    else:
        store.create_user(username, password, is_admin=is_admin)
        print(f"created user {{username}} (admin={{is_admin}})")


def ensure_role(workload, username):
    name = f"gitops-gen-{{workload}}"
    try:
        role = store.get_role_by_name(WORKSPACE, name)
    except MlflowException:
        role = store.create_role(name, WORKSPACE, f"{{workload}} workload (managed by gitops-gen)")
    have = {{(p.resource_type, p.resource_pattern): p for p in store.list_role_permissions(role.id)}}
    for resource_type, permission in ROLES[workload]:
        current = have.get((resource_type, "*"))
        if current is None:
            store.add_role_permission(role.id, resource_type, "*", permission)
        elif current.permission != permission:
            store.update_role_permission(current.id, permission)
    user = store.get_user(username)
    if role.id not in {{r.id for r in store.list_user_roles(user.id)}}:
        store.assign_role_to_user(user.id, role.id)
    print(f"role {{name}} -> {{username}}: {{ROLES[workload]}}")


admin = os.environ["ADMIN_USERNAME"]
users = {{w: os.environ[f"{{w.upper()}}_USERNAME"] for w in ROLES}}
if len({{admin, *users.values()}}) != 1 + len(users):
    raise SystemExit(f"the admin and workload users must have distinct names: {{admin}}, {{users}}")
ensure_user(admin, os.environ["ADMIN_PASSWORD"], True)
for workload, username in sorted(users.items()):
    ensure_user(username, os.environ[f"{{workload.upper()}}_PASSWORD"], False)
    ensure_role(workload, username)
"""


def ensure_users_script() -> str:
    roles = {w: [list(g) for g in grants] for w, grants in ROLES.items()}
    return ENSURE_USERS.format(ROLES=repr(roles))


def migration_containers(e: Environment, common: dict[str, Any]) -> list[dict[str, Any]]:
    """Init containers of the migration hook that create, migrate and populate the auth store (after
    the tracking schema is initialised, before ``mlflow db upgrade``)."""
    if not enabled(e):
        return []
    base_env = [
        env("PGHOST", names.POSTGRES),
        env("PGPORT", str(names.POSTGRES_PORT)),
        *_pg_env(e),
        env("HOME", "/tmp"),
    ]
    user_env = [
        secret_env("ADMIN_USERNAME", AUTH_SECRET, ADMIN_USERNAME),
        secret_env("ADMIN_PASSWORD", AUTH_SECRET, ADMIN_PASSWORD),
        *(
            secret_env(f"{w.upper()}_{part.upper()}", AUTH_SECRET, f"{w}{part.capitalize()}")
            for w in WORKLOAD_USERS
            for part in ("username", "password")
        ),
    ]
    shared = {k: v for k, v in common.items() if k != "env"}
    return [
        {
            "name": "auth-create-db",
            "command": ["python", "-c", CREATE_DATABASE],
            **shared,
            "env": [*base_env, env("PGDATABASE", e.postgres.database), env("AUTH_DATABASE", e.auth.database)],
        },
        {
            "name": "auth-db-upgrade",
            "command": ["python", "-m", "mlflow.server.auth", "db", "upgrade", "--url", database_uri(e)],
            **shared,
            "env": base_env,
        },
        {
            "name": "auth-users",
            "command": ["python", "-c", ensure_users_script()],
            **shared,
            "env": [
                *base_env,
                env("AUTH_DATABASE_URI", database_uri(e)),
                env("AUTH_WORKSPACE", WORKSPACE),
                *user_env,
            ],
        },
    ]


def objects(e: Environment) -> list[dict[str, Any]]:
    """Objects only ``auth: basic`` has (its Secret comes from generator.platform.secrets)."""
    return [config_map(e)] if enabled(e) else []
