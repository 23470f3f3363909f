"""Pods must not share the node's network, PID or IPC namespace.

``hostNetwork: true`` puts the pod on the node's network stack (it can bind node ports and reach
services listening on localhost, bypassing NetworkPolicies); ``hostPID`` lets it see and signal every
process on the node; ``hostIPC`` lets it read other processes' shared memory. One finding per field set
to true in the pod template.

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

FAIL:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      template:
        spec:
          hostNetwork: true
          containers:
            - name: mlflow
              image: ghcr.io/mlflow/mlflow:v2.16.2
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._helpers import template_of
from generator.validate.workloads import WORKLOAD_KINDS

ID = "host-namespace"
CATEGORY = "workloads"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = WORKLOAD_KINDS

_FIELDS = (
    ("hostNetwork", "network namespace"),
    ("hostPID", "process namespace"),
    ("hostIPC", "IPC namespace"),
)


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    return _check(ctx, obj)


def _check(ctx: Context, obj: Resource) -> Iterator[Finding]:
    tmpl = template_of(ctx, obj)
    if tmpl is None:
        return
    for field, what in _FIELDS:
        if tmpl.spec.get(field) is True:
            yield Finding(
                f"The pod template sets {field}: true, sharing the node's {what}; remove it.",
                path=pointer(*tmpl.path, field),
            )
