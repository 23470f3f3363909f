"""MLflow servers per workload, parsed once per context (``generator/models/mlflow_server.py``)."""

from __future__ import annotations

from generator.models.mlflow_server import MlflowServer, parse_server
from generator.validate.context import Context
from generator.validate.crossref import per_resource
from generator.validate.model import Resource
from generator.validate.rules._helpers import containers_of
from generator.validate.workloads import Container


def servers(ctx: Context, res: Resource) -> list[tuple[Container, MlflowServer]]:
    def compute(r: Resource) -> list[tuple[Container, MlflowServer]]:
        out = []
        for c in containers_of(ctx, r, include_init=False):
            server = parse_server(c.obj)
            if server is not None:
                out.append((c, server))
        return out

    return per_resource(ctx, "rules._mlflow.servers", res, compute)
