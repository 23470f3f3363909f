"""A container must not define the same environment variable twice.

With duplicates the last entry silently wins in the kubelet, so the value a reader sees first is not the
one the process gets; strategic-merge patches (kustomize, ``kubectl apply``) merge ``env`` by name and
may keep either entry, and server-side apply rejects the object outright ("duplicate entries for key").
It is never intended, so it is an error. One finding per repeated entry, at its ``name``.

PASS:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      template:
        spec:
          containers:
            - name: mlflow
              image: ghcr.io/mlflow/mlflow:v2.16.2
              env:
                - {name: MLFLOW_S3_ENDPOINT_URL, value: "http://minio:9000"}
                - {name: AWS_DEFAULT_REGION, value: us-east-1}

FAIL:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      template:
        spec:
          containers:
            - name: mlflow
              image: ghcr.io/mlflow/mlflow:v2.16.2
              env:
                - {name: MLFLOW_S3_ENDPOINT_URL, value: "http://minio:9000"}
                - {name: MLFLOW_S3_ENDPOINT_URL, value: "http://minio.storage:9000"}
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity
from generator.validate.rules._helpers import as_list, containers_of, describe
from generator.validate.workloads import WORKLOAD_KINDS

ID = "duplicate-env"
CATEGORY = "workloads"
SEVERITY = Severity.ERROR  # always a mistake, and server-side apply refuses the object
KINDS: frozenset[str] | None = WORKLOAD_KINDS


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    return _check(ctx, obj)


def _check(ctx: Context, obj: Resource) -> Iterator[Finding]:
    for c in containers_of(ctx, obj):
        first: dict[str, int] = {}
        for i, item in enumerate(as_list(c.obj.get("env"))):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                continue
            name: str = item["name"]
            if name not in first:
                first[name] = i
                continue
            yield Finding(
                f'{describe(c, start=True)} defines env "{name}" again (first at env[{first[name]}]); '
                "remove one of them.",
                path=c.pointer("env", i, "name"),
            )
