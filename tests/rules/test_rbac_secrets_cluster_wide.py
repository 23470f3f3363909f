from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import rbac_secrets_cluster_wide as rule

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


def test_fires_on_cluster_role_in_the_set_reading_secrets() -> None:
    role = _role({"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}, kind="ClusterRole")
    [f] = _run(role, _binding("r"))
    assert "list Secrets in every namespace" in f.message


def test_fires_on_built_in_edit_and_wildcards() -> None:
    assert _run(_binding("edit"))
    role = _role({"apiGroups": ["*"], "resources": ["*"], "verbs": ["get"]}, kind="ClusterRole")
    assert _run(role, _binding("r"))


def test_passes_namespaced_binding_view_and_write_only() -> None:
    role = _role({"apiGroups": [""], "resources": ["secrets"], "verbs": ["create"]}, kind="ClusterRole")
    assert _run(role, _binding("r"), _binding("view"), _binding("edit", kind="RoleBinding")) == []
    assert _run(_binding("unknown-role")) == []
