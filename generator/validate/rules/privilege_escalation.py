"""Containers must set ``allowPrivilegeEscalation: false`` explicitly.

The field defaults to true: a setuid binary in the image (or a privileged container) can then gain more
privileges than the process started with. Setting it to false makes the kernel's ``no_new_privs`` flag
stick for the whole process tree (Pod Security Standard "restricted"). Init containers are checked too;
only an explicit ``false`` passes. The path points at the field, or at its nearest existing parent.

A privileged container, and one that adds the capability ``CAP_SYS_ADMIN``, is not reported here: the API
server rejects ``allowPrivilegeEscalation: false`` on it (kubernetes pkg/apis/core/validation/validation.go,
``ValidateSecurityContext``: "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"),
so the advice could not be followed; the ``privileged`` rule reports the container instead. Neither is a
pod with ``spec.os.name: windows``, where the API server forbids the field (``validateWindows``).

PASS:

    apiVersion: batch/v1
    kind: Job
    metadata: {name: migrate}
    spec:
      template:
        spec:
          containers:
            - name: migrate
              image: ghcr.io/mlflow/mlflow:v2.16.2
              securityContext: {allowPrivilegeEscalation: false}

FAIL:

    apiVersion: batch/v1
    kind: Job
    metadata: {name: migrate}
    spec:
      template:
        spec:
          containers:
            - name: migrate
              image: ghcr.io/mlflow/mlflow:v2.16.2
              securityContext: {runAsNonRoot: true}
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from generator.models.kube_apiserver.pods import escalation_required
from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity
from generator.validate.rules._helpers import containers_of, describe, nearest, security_context, windows_pod
from generator.validate.workloads import WORKLOAD_KINDS

ID = "privilege-escalation"
CATEGORY = "workloads"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = WORKLOAD_KINDS


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    return _check(ctx, obj)


def _check(ctx: Context, obj: Resource) -> Iterator[Finding]:
    if windows_pod(ctx, obj):
        return  # the API server forbids the field on a Windows pod (_helpers.windows_pod)
    for c in containers_of(ctx, obj):
        sc = security_context(c)
        value = sc.get("allowPrivilegeEscalation")
        if value is False or escalation_required(sc):
            continue
        if "allowPrivilegeEscalation" in sc:
            message = f"{describe(c, start=True)} sets allowPrivilegeEscalation: {value!r}; set it to false."
        else:
            message = f"Set securityContext.allowPrivilegeEscalation: false on {describe(c)} (it defaults to true)."
        yield Finding(message, path=nearest(c.obj, c.path, "securityContext", "allowPrivilegeEscalation"))
