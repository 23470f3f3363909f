"""Every container must set CPU and memory requests and limits.

Requests are what the scheduler reserves; without them a pod lands on a full node and is the first to be
evicted (BestEffort QoS). Limits bound what a container may take; without a memory limit one leak can
push the whole node into OOM kills, without a CPU limit a busy pod starves its neighbours. Init
containers are checked too (their requests count toward the pod's). One finding per container when it
sets none of them, else one per incomplete section (``requests``, ``limits``), pointing at the section
or its nearest existing parent.

A limit without a request is a request too: when a pod is created, the API server sets each missing
request to its limit (kubernetes ``pkg/apis/core/v1/defaults.go``, ``SetDefaults_Pod``, for containers and
init containers; the pods of a workload are created from its template, so they get it as well). A
container with only ``limits: {cpu, memory}`` is Guaranteed, and nothing is missing.

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
              resources:
                requests: {cpu: 250m, memory: 512Mi}
                limits: {cpu: "1", memory: 1Gi}

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
              resources:
                requests: {cpu: 250m}
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity
from generator.validate.rules._helpers import as_dict, containers_of, describe, nearest
from generator.validate.workloads import WORKLOAD_KINDS

ID = "missing-resources"
CATEGORY = "workloads"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = WORKLOAD_KINDS

_SECTIONS = ("requests", "limits")
_RESOURCES = ("cpu", "memory")


def _is_set(value: object) -> bool:
    return value is not None and value != ""


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    return _check(ctx, obj)


def _check(ctx: Context, obj: Resource) -> Iterator[Finding]:
    for c in containers_of(ctx, obj):
        resources = as_dict(c.obj.get("resources"))
        if not any(as_dict(resources.get(section)) for section in _SECTIONS):
            yield Finding(
                f"Set resources.requests and resources.limits for cpu and memory on {describe(c)}.",
                path=nearest(c.obj, c.path, "resources"),
            )
            continue
        limits = as_dict(resources.get("limits"))
        for section in _SECTIONS:
            values = as_dict(resources.get(section))
            missing = [
                f"resources.{section}.{r}"
                for r in _RESOURCES
                if not _is_set(values.get(r)) and not (section == "requests" and r in limits)  # defaulted
            ]
            if not missing:
                continue
            yield Finding(
                f"Set {' and '.join(missing)} on {describe(c)}.",
                path=nearest(c.obj, c.path, "resources", section),
            )
