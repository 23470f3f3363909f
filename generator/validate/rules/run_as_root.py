"""Containers must be required to run as a non-root user.

A process running as UID 0 inside a container is root on the node as soon as it escapes (a kernel or
runtime bug, a writable hostPath, a mounted socket). Following the Pod Security Standard "restricted",
every container (init containers too) must end up with ``runAsNonRoot: true``, set on the container or
inherited from the pod's ``securityContext`` (a container-level value overrides the pod's); an explicit
``runAsUser: 0`` fails as well (the kubelet would refuse to start it anyway). A non-zero ``runAsUser``
without ``runAsNonRoot`` does not pass: only ``runAsNonRoot`` makes the kubelet verify the image's user.
The path points at the offending field, or at the container's securityContext (or the container) when
nothing is set.

PASS:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      template:
        spec:
          securityContext: {runAsNonRoot: true, runAsUser: 10001}
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
          containers:
            - name: mlflow
              image: ghcr.io/mlflow/mlflow:v2.16.2
              securityContext: {runAsUser: 0}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._helpers import (
    containers_of,
    describe,
    nearest,
    pod_security_context,
    security_context,
    template_of,
)
from generator.validate.workloads import WORKLOAD_KINDS, Container, PodTemplate

ID = "run-as-root"
CATEGORY = "workloads"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = WORKLOAD_KINDS


def _effective(
    key: str, own: dict[str, Any], c: Container, pod: dict[str, Any], tmpl: PodTemplate
) -> tuple[Any, str | None, str]:
    """(value, pointer, whose) of a securityContext field, the container's value overriding the pod's."""
    if key in own:
        return own[key], c.pointer("securityContext", key), "its"
    if key in pod:
        return pod[key], pointer(*tmpl.path, "securityContext", key), "the pod's"
    return None, None, ""


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    return _check(ctx, obj)


def _check(ctx: Context, obj: Resource) -> Iterator[Finding]:
    tmpl = template_of(ctx, obj)
    if tmpl is None:
        return
    pod_sc = pod_security_context(tmpl)
    for c in containers_of(ctx, obj):
        own = security_context(c)
        # fast path: the usual compliant shape needs no pointer
        user = own["runAsUser"] if "runAsUser" in own else pod_sc.get("runAsUser")
        non_root = own["runAsNonRoot"] if "runAsNonRoot" in own else pod_sc.get("runAsNonRoot")
        if non_root is True and user != 0:
            continue
        user, user_path, where = _effective("runAsUser", own, c, pod_sc, tmpl)
        if user == 0 and not isinstance(user, bool) and user_path is not None:
            yield Finding(
                f"{describe(c, start=True)} runs as root through {where} runAsUser: 0; "
                "set a non-zero runAsUser and runAsNonRoot: true.",
                path=user_path,
            )
            continue
        non_root, non_root_path, _ = _effective("runAsNonRoot", own, c, pod_sc, tmpl)
        if non_root is True:
            continue
        if isinstance(user, int) and not isinstance(user, bool) and user > 0:
            # not root, but Pod Security "restricted" requires runAsNonRoot all the same: say so, not "may
            # run as root" (open-telemetry demo's Jaeger pod sets runAsUser: 10001 only)
            yield Finding(
                f"{describe(c, start=True)} runs as user {user} ({where} runAsUser) without runAsNonRoot: true, "
                'which Pod Security "restricted" requires; set securityContext.runAsNonRoot: true.',
                path=non_root_path or nearest(c.obj, c.path, "securityContext"),
            )
            continue
        if non_root_path is not None:
            yield Finding(
                f"{describe(c, start=True)} may run as root (runAsNonRoot: {json.dumps(non_root)}); "
                "set runAsNonRoot: true.",
                path=non_root_path,
            )
        else:
            yield Finding(
                f"{describe(c, start=True)} may run as root; set securityContext.runAsNonRoot: true "
                "on the pod or the container.",
                path=nearest(c.obj, c.path, "securityContext"),
            )
