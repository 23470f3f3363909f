"""Long-running workloads need a readiness and a liveness probe on every main container.

Without a readiness probe a Service sends traffic to a pod before it can answer (and during a rolling
update to pods that are not up yet); without a liveness probe a hung process is never restarted.
Applies to Deployments, StatefulSets and DaemonSets; Jobs and CronJobs run to completion and are not
checked, nor are init containers (they finish before the pod is ready). A startupProbe does not replace
either probe. One finding per container, at the container.

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
              readinessProbe: {httpGet: {path: /health, port: http}}
              livenessProbe: {httpGet: {path: /health, port: http}}

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
              readinessProbe: {httpGet: {path: /health, port: http}}
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity
from generator.validate.rules._helpers import LONG_RUNNING_KINDS, containers_of, describe

ID = "missing-probes"
CATEGORY = "workloads"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = LONG_RUNNING_KINDS

_PROBES = ("readinessProbe", "livenessProbe")


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if obj.kind not in LONG_RUNNING_KINDS:
        return ()
    return _check(ctx, obj)


def _check(ctx: Context, obj: Resource) -> Iterator[Finding]:
    for c in containers_of(ctx, obj, include_init=False):
        missing = [p for p in _PROBES if not isinstance(c.obj.get(p), dict)]
        if missing:
            yield Finding(f"Add a {' and a '.join(missing)} to {describe(c)}.", path=c.pointer())
