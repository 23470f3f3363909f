from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import rbac_wildcard as rule

GROUP = "rbac.authorization.k8s.io"


def _run(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    assert rule.KINDS is not None
    return [f for res in ctx.resources if res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _role(*rules: dict[str, Any], kind: str = "Role") -> dict[str, Any]:
    return {"apiVersion": f"{GROUP}/v1", "kind": kind, "metadata": {"name": "r"}, "rules": list(rules)}


def _binding(role: str, kind: str = "ClusterRoleBinding", role_kind: str = "ClusterRole") -> dict[str, Any]:
    return {
        "apiVersion": f"{GROUP}/v1",
        "kind": kind,
        "metadata": {"name": "b"},
        "roleRef": {"apiGroup": GROUP, "kind": role_kind, "name": role},
        "subjects": [{"kind": "ServiceAccount", "name": "sa", "namespace": "x"}],
    }


def test_fires_on_each_wildcard_field() -> None:
    found = _run(_role({"apiGroups": ["*"], "resources": ["pods"], "verbs": ["*"]}, kind="ClusterRole"))
    assert sorted(f.path for f in found) == ["/rules/0/apiGroups", "/rules/0/verbs"]


def test_passes_explicit_lists() -> None:
    assert _run(_role({"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]})) == []
