"""A Role or ClusterRole grants ``escalate``, ``bind`` or ``impersonate``.

The RBAC authorizer normally stops a user from granting permissions they don't hold; ``escalate`` (on
roles) and ``bind`` (on roles referenced by bindings) lift exactly that check, and ``impersonate`` acts as
any user, group or ServiceAccount. Each leads to cluster-admin. Same check: CIS Benchmark 5.1.8, KICS
"RBAC Roles with Impersonate Permission"; kube-linter has none. ``*`` verbs are reported by
``rbac-wildcard``.

PASS:

    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: role-reader}
    rules:
      - {apiGroups: [rbac.authorization.k8s.io], resources: [roles, rolebindings], verbs: [get, list]}

FAIL:

    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: role-manager}
    rules:
      - {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind, escalate]}
      - {apiGroups: [""], resources: [serviceaccounts], verbs: [impersonate]}
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer

ID = "rbac-escalation"
CATEGORY = "rbac"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = frozenset({"Role", "ClusterRole"})
VERBS = ("escalate", "bind", "impersonate")


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    rules = obj.obj.get("rules")
    out: list[Finding] = []
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        verbs = rule.get("verbs") if isinstance(rule, dict) else None
        found = [v for v in VERBS if isinstance(verbs, list) and v in verbs]
        if found:
            out.append(
                Finding(
                    f"{obj.kind} {obj.shown_name} rule {i} grants {', '.join(found)}: a path to cluster-admin",
                    pointer("rules", i, "verbs"),
                )
            )
    return out
