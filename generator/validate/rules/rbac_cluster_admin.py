"""A RoleBinding or ClusterRoleBinding grants the ``cluster-admin`` ClusterRole.

``cluster-admin`` may do anything to any object of the cluster; a workload's ServiceAccount bound to it
turns any code execution in the pod into a cluster takeover. Bind a role with the verbs the workload
needs. Same check: kube-linter ``cluster-admin-role-binding``, CIS Benchmark 5.1.1.

PASS:

    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: mlflow-read}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
    subjects: [{kind: ServiceAccount, name: mlflow, namespace: mlflow}]

FAIL:

    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: mlflow-admin}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
    subjects: [{kind: ServiceAccount, name: mlflow, namespace: mlflow}]
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity

ID = "rbac-cluster-admin"
CATEGORY = "rbac"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = frozenset({"RoleBinding", "ClusterRoleBinding"})


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    ref = obj.obj.get("roleRef")
    if isinstance(ref, dict) and ref.get("kind") == "ClusterRole" and ref.get("name") == "cluster-admin":
        scope = "the whole cluster" if obj.kind == "ClusterRoleBinding" else f"namespace {obj.namespace}"
        return [
            Finding(
                f"{obj.kind} {obj.shown_name} grants cluster-admin (every verb on every resource) in {scope}",
                "/roleRef/name",
            )
        ]
    return []
