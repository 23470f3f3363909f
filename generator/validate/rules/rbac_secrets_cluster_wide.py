"""A ClusterRoleBinding lets its subjects read every Secret of every namespace.

A ClusterRole allowing ``get``, ``list`` or ``watch`` on ``secrets`` (or the defaults ``cluster-admin``,
``admin``, ``edit``), bound by a ClusterRoleBinding, reads every password and token of the cluster,
including ServiceAccount tokens of more privileged workloads. Bind it with a RoleBinding in the namespaces
that need it, or name the Secrets (``resourceNames``). The ClusterRole must be in the validated set or be
one of those defaults (kubernetes/kubernetes ``plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go``).
Same check: kube-linter ``access-to-secrets`` (which also flags namespaced bindings), CIS Benchmark 5.1.2.

PASS:

    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: readers}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
    subjects: [{kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}]

FAIL:

    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: secret-reader}
    rules:
      - {apiGroups: [""], resources: [secrets], verbs: [get, list]}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: secret-readers}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
    subjects: [{kind: ServiceAccount, name: backup, namespace: ops}]
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.models.rbac import BUILT_IN_CLUSTER_ROLES, grants
from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity

ID = "rbac-secrets-cluster-wide"
CATEGORY = "rbac"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = frozenset({"ClusterRoleBinding"})


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    ref = obj.obj.get("roleRef")
    if not isinstance(ref, dict) or ref.get("kind") != "ClusterRole" or not isinstance(ref.get("name"), str):
        return []
    name = ref["name"]
    role = ctx.get("ClusterRole", "", name)
    rules = role.obj.get("rules") if role is not None else BUILT_IN_CLUSTER_ROLES.get(name)
    verbs = [v for v in ("get", "list", "watch") if grants(rules, v, "", "secrets")]
    if not verbs:
        return []
    return [
        Finding(
            f"ClusterRoleBinding {obj.shown_name} lets its subjects {'/'.join(verbs)} Secrets in every namespace "
            f"(ClusterRole {name}); use a RoleBinding per namespace",
            "/roleRef/name",
        )
    ]
