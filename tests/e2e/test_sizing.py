"""Sizing from measurement: processes, PostgreSQL connections and memory of each MLflow server pod."""

from __future__ import annotations

import json
import os

import pytest

from e2e.cluster import Pod
from e2e.measure import figures
from e2e.services import Postgres

pytestmark = pytest.mark.e2e


def test_measure(mlflow_web: Pod, mlflow_tasks: Pod, postgres: Postgres, model_server: Pod) -> None:
    out = {}
    for pod in (mlflow_web, mlflow_tasks):
        f = figures(postgres, pod)
        out[pod.name] = {
            "processes": dict(f.processes),
            "connections": dict(f.connections),
            "holders": dict(f.connection_holders),
            "pss_mib": round(f.pss_mib),
            "pss_mib_by_role": {k: round(v) for k, v in f.pss_mib_by_role.items()},
        }
    path = os.environ.get("E2E_FIGURES")
    if path:
        with open(path, "w") as fh:
            json.dump(out, fh, indent=2)
