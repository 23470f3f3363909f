"""Sizing from measurement: processes, PostgreSQL connections and memory of each MLflow server pod, checked
against the figures the generator sizes PostgreSQL's max_connections and the server memory from
(generator/platform/postgres.py, generator/platform/mlflow.py). Set E2E_FIGURES=<file> to write them out."""

from __future__ import annotations

import json
import os

import pytest

from e2e.cluster import Pod
from e2e.measure import figures
from e2e.services import Postgres
from generator.platform.mlflow import measured_memory_mib
from generator.platform.postgres import (
    AUTH_POOLS_PER_WORKER,
    AUTH_SERVER_POD_CONNECTIONS,
    PERIODIC_TASKS_CONNECTIONS,
    SERVER_POD_CONNECTIONS,
)

pytestmark = pytest.mark.e2e
NON_WORKER_HOLDERS = {"mlflow cli", "job runner", "periodic-tasks consumer"}


def test_server_pods_stay_within_the_generated_sizing(
    mlflow_web: Pod, mlflow_tasks: Pod, postgres: Postgres, model_server: Pod
) -> None:
    out = {}
    for pod in (mlflow_web, mlflow_tasks):
        periodic = pod.env["MLFLOW_SERVER_JOB_ENABLE_PERIODIC_TASKS"] == "true"
        args = pod.argv
        workers = int(args[args.index("--workers") + 1])
        per_process = int(pod.env["MLFLOW_SQLALCHEMYSTORE_POOL_SIZE"]) + int(
            pod.env["MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW"]
        )
        f = figures(postgres, pod)
        out[pod.name] = {
            "workers": workers,
            "periodic_tasks": periodic,
            "processes": dict(f.processes),
            "connections": dict(f.connections),
            "holders": dict(f.connection_holders),
            "pss_mib": round(f.pss_mib),
            "pss_mib_by_role": {k: round(v) for k, v in f.pss_mib_by_role.items()},
        }
        assert f.processes["uvicorn worker"] == workers, out[pod.name]
        assert f.processes["periodic-tasks consumer"] == (1 if periodic else 0), out[pod.name]
        assert set(f.connection_holders) <= NON_WORKER_HOLDERS | {"uvicorn worker"}, out[pod.name]
        basic_auth = "basic-auth" in args  # --app-name basic-auth: a second pool per worker
        pools = 1 + (AUTH_POOLS_PER_WORKER if basic_auth else 0)
        assert f.connections["uvicorn worker"] <= workers * pools * per_process, out[pod.name]
        other = sum(n for r, n in f.connections.items() if r != "uvicorn worker")
        allowed = SERVER_POD_CONNECTIONS + (PERIODIC_TASKS_CONNECTIONS if periodic else 0)
        allowed += AUTH_SERVER_POD_CONNECTIONS if basic_auth else 0
        assert other <= allowed, f"{pod.name}: non-worker processes hold {other} connections, sized {allowed}"
        assert f.pss_mib <= measured_memory_mib(workers, periodic_tasks=periodic), out[pod.name]
    path = os.environ.get("E2E_FIGURES")
    if path:
        with open(path, "w") as fh:
            json.dump(out, fh, indent=2)
