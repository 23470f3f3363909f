from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import rbac_escalation as rule

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


def test_fires_on_escalate_bind_impersonate() -> None:
    found = _run(
        _role(
            {"apiGroups": [GROUP], "resources": ["roles"], "verbs": ["bind", "escalate"]},
            {"apiGroups": [""], "resources": ["users"], "verbs": ["impersonate"]},
            kind="ClusterRole",
        )
    )
    assert [f.path for f in found] == ["/rules/0/verbs", "/rules/1/verbs"]
    assert "bind, escalate" in found[0].message or "escalate, bind" in found[0].message


def test_passes_ordinary_verbs() -> None:
    assert _run(_role({"apiGroups": [GROUP], "resources": ["roles"], "verbs": ["get", "create"]})) == []
