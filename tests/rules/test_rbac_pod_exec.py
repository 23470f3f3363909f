from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import rbac_pod_exec as rule

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


def test_fires_on_create_pods_and_exec() -> None:
    [f] = _run(_role({"apiGroups": [""], "resources": ["pods", "pods/exec"], "verbs": ["create"]}))
    assert "creating pods" in f.message and "pods/exec" in f.message
    assert _run(_role({"apiGroups": [""], "resources": ["pods/*"], "verbs": ["get"]}))


def test_passes_read_only_pods() -> None:
    assert _run(_role({"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list", "watch"]})) == []
    assert _run(_role({"apiGroups": ["apps"], "resources": ["pods"], "verbs": ["create"]})) == []


def test_fires_on_creating_workloads_whose_controllers_create_pods() -> None:
    [f] = _run(_role({"apiGroups": ["apps"], "resources": ["deployments", "statefulsets"], "verbs": ["create"]}))
    assert "creating pods through deployments, statefulsets" in f.message
    [g] = _run(_role({"apiGroups": ["batch"], "resources": ["*"], "verbs": ["*"]}))
    assert "creating pods through cronjobs, jobs" in g.message
    [h] = _run(_role({"apiGroups": [""], "resources": ["pods", "replicationcontrollers"], "verbs": ["create"]}))
    assert "allows creating pods and creating pods through replicationcontrollers:" in h.message


def test_passes_workloads_without_create_or_in_the_wrong_group() -> None:
    assert _run(_role({"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "list", "patch"]})) == []
    # the authorizer matches the group too: there are no deployments in the core group
    assert _run(_role({"apiGroups": [""], "resources": ["deployments", "jobs"], "verbs": ["create"]})) == []
    # kube-linter's singular `cronjob` names no real resource
    assert _run(_role({"apiGroups": ["batch"], "resources": ["cronjob"], "verbs": ["create"]})) == []


def test_get_on_exec_and_attach_counts_only_before_1_35() -> None:
    # from 1.35 a WebSocket exec/attach also needs create: the AuthorizePodWebsocketUpgradeCreatePermission
    # gate (kubernetes pkg/features/kube_features.go, beta and on from 1.35; ExecREST.Connect)
    get_only = _role({"apiGroups": [""], "resources": ["pods/exec", "pods/attach"], "verbs": ["get"]})
    for version in ("1.33", "1.34.2"):
        ctx = Context.from_objects([get_only], kubernetes_version=version)
        [f] = rule.check(ctx, ctx.resources[0])
        assert "pods/attach and pods/exec" in f.message
    for version in ("1.35", "1.37.0"):
        ctx = Context.from_objects([get_only], kubernetes_version=version)
        assert list(rule.check(ctx, ctx.resources[0])) == []
    create = _role({"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]})
    ctx = Context.from_objects([create], kubernetes_version="1.35")
    assert len(list(rule.check(ctx, ctx.resources[0]))) == 1
