"""Containers should run with a read-only root filesystem.

A writable root filesystem lets an attacker (or a bug) drop binaries and change the image at run time,
and hides state that disappears on restart. Set ``securityContext.readOnlyRootFilesystem: true`` and
mount an ``emptyDir`` (or a volume) where the process must write, e.g. ``/tmp``. Init containers are
checked too; only an explicit ``true`` passes. The path points at the field or its nearest parent.

A pod with ``spec.os.name: windows`` is not reported: the API server forbids the field there
(kubernetes pkg/apis/core/validation/validation.go, ``validateWindows``).

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
              securityContext: {readOnlyRootFilesystem: true}
              volumeMounts: [{name: tmp, mountPath: /tmp}]
          volumes: [{name: tmp, emptyDir: {}}]

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
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity
from generator.validate.rules._helpers import containers_of, describe, nearest, security_context, windows_pod
from generator.validate.workloads import WORKLOAD_KINDS

ID = "writable-root-fs"
CATEGORY = "workloads"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = WORKLOAD_KINDS


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    return _check(ctx, obj)


def _check(ctx: Context, obj: Resource) -> Iterator[Finding]:
    if windows_pod(ctx, obj):
        return  # the API server forbids the field on a Windows pod (_helpers.windows_pod)
    for c in containers_of(ctx, obj):
        if security_context(c).get("readOnlyRootFilesystem") is True:
            continue
        yield Finding(
            f"Set securityContext.readOnlyRootFilesystem: true on {describe(c)} and mount an emptyDir where it writes.",
            path=nearest(c.obj, c.path, "securityContext", "readOnlyRootFilesystem"),
        )
