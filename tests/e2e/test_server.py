"""The migration hook and the MLflow server Deployments, run from the rendered prod manifests."""

from __future__ import annotations

import pytest

from e2e.cluster import Cluster, Pod, http
from e2e.services import Postgres

pytestmark = pytest.mark.e2e


def test_migration_runs_twice_on_an_empty_database(migrations: list[list[Pod]], postgres: Postgres) -> None:
    password = postgres.password
    assert {"@", "%", "/", " "} <= set(password), "the test password must exercise URI percent-encoding"
    for run in migrations:
        for pod in run:
            assert pod.proc.returncode == 0, pod.tail()
    first_init = migrations[0][0].logs()
    second_init = migrations[1][0].logs()
    assert "empty database: creating the MLflow schema" in first_init, first_init[-2000:]
    assert "MLflow schema present" in second_init, second_init[-2000:]
    tables = {r[0] for r in postgres.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert {"experiments", "runs", "metrics", "registered_models", "alembic_version"} <= tables
    (head,) = postgres.query("SELECT version_num FROM alembic_version")
    assert head[0]


def test_server_starts_with_the_rendered_worker_count(cluster: Cluster, mlflow_web: Pod, mlflow_tasks: Pod) -> None:
    for pod in (mlflow_web, mlflow_tasks):
        args = pod.argv
        workers = int(args[args.index("--workers") + 1])
        status, _ = http(f"http://{pod.ip}:5000/health")
        assert status == 200
        from e2e.cluster import cmdline

        spawned = [p for p in pod.pids() if "multiprocessing.spawn" in " ".join(cmdline(p))]
        assert len(spawned) == workers, f"{pod.name}: {len(spawned)} uvicorn workers, rendered {workers}"
