from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import rbac_cluster_admin as rule

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


def test_fires_on_cluster_and_namespaced_bindings_to_cluster_admin() -> None:
    assert len(_run(_binding("cluster-admin"))) == 1
    [f] = _run(_binding("cluster-admin", kind="RoleBinding"))
    assert f.path == "/roleRef/name" and "namespace" in f.message


def test_passes_other_roles() -> None:
    assert _run(_binding("view"), _binding("cluster-admin", kind="RoleBinding", role_kind="Role")) == []
