"""No container may run privileged.

``securityContext.privileged: true`` gives the container every capability and every device of the node:
it is root on the host. Nothing in an MLflow platform needs it. Init containers are checked too.

PASS:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: minio}
    spec:
      template:
        spec:
          containers:
            - name: minio
              image: minio/minio:RELEASE.2024-06-13T22-53-53Z
              securityContext: {privileged: false}

FAIL:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: minio}
    spec:
      template:
        spec:
          containers:
            - name: minio
              image: minio/minio:RELEASE.2024-06-13T22-53-53Z
              securityContext: {privileged: true}
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity
from generator.validate.rules._helpers import containers_of, describe, security_context
from generator.validate.workloads import WORKLOAD_KINDS

ID = "privileged"
CATEGORY = "workloads"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = WORKLOAD_KINDS


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    return _check(ctx, obj)


def _check(ctx: Context, obj: Resource) -> Iterator[Finding]:
    for c in containers_of(ctx, obj):
        if security_context(c).get("privileged") is True:
            yield Finding(
                f"{describe(c, start=True)} runs privileged (root on the node); remove securityContext.privileged.",
                path=c.pointer("securityContext", "privileged"),
            )
