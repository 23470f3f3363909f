"""A Role or ClusterRole uses ``*`` in verbs, resources or apiGroups.

A wildcard grants everything that exists today and everything added later (new subresources, CRDs,
verbs such as ``escalate``): the role's reach can't be reviewed. List the verbs, groups and resources the
workload needs. Same check: kube-linter ``wildcard-in-rules``, checkov CKV_K8S_49, CIS Benchmark 5.1.3.

PASS:

    apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata: {name: read-config}
    rules:
      - {apiGroups: [""], resources: [configmaps], verbs: [get, list, watch]}

FAIL:

    apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata: {name: everything}
    rules:
      - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer

ID = "rbac-wildcard"
CATEGORY = "rbac"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = frozenset({"Role", "ClusterRole"})


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    rules = obj.obj.get("rules")
    out: list[Finding] = []
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        if not isinstance(rule, dict):
            continue
        for field in ("verbs", "resources", "apiGroups", "nonResourceURLs"):
            values = rule.get(field)
            if isinstance(values, list) and "*" in values:
                out.append(
                    Finding(
                        f'{obj.kind} {obj.shown_name} rule {i} uses "*" in {field}; list what is needed',
                        pointer("rules", i, field),
                    )
                )
    return out
