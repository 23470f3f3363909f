from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import missing_pdb as rule

LABELS = {"app.kubernetes.io/name": "mlflow", "app.kubernetes.io/component": "server"}


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _deployment(replicas: int | None, name: str = "mlflow", labels: dict[str, str] = LABELS) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "selector": {"matchLabels": labels},
        "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "m", "image": "m:1"}]}},
    }
    if replicas is not None:
        spec["replicas"] = replicas
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name}, "spec": spec}


def _pdb(selector: dict[str, Any] | None, namespace: str = "default") -> dict[str, Any]:
    spec: dict[str, Any] = {"maxUnavailable": 1}
    if selector is not None:
        spec["selector"] = selector
    meta = {"name": "pdb", "namespace": namespace}
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta, "spec": spec}


def test_fires_on_multi_replica_without_pdb() -> None:
    [finding] = _findings(_deployment(3))
    assert finding.path == "/spec/replicas"
    assert 'Deployment "mlflow"' in finding.message and "PodDisruptionBudget" in finding.message


def test_fires_when_pdb_selects_other_pods_or_namespace_or_nothing() -> None:
    objs = [
        _deployment(2),
        _pdb({"matchLabels": {"app.kubernetes.io/name": "minio"}}),
        _pdb({"matchLabels": {"app.kubernetes.io/name": "mlflow"}}, namespace="other"),
        _pdb(
            {
                "matchLabels": {"app.kubernetes.io/name": "mlflow"},
                "matchExpressions": [{"key": "app.kubernetes.io/component", "operator": "NotIn", "values": ["server"]}],
            }
        ),
        _pdb(None),  # a null selector selects nothing in policy/v1
    ]
    assert [f.path for f in _findings(*objs)] == ["/spec/replicas"]


def test_fires_on_hpa_driven_replicas_at_name() -> None:
    hpa = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "mlflow"},
        "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "mlflow"}, "minReplicas": 2, "maxReplicas": 4},
    }
    [finding] = _findings(_deployment(None), hpa)
    assert finding.path == "/metadata/name"


def test_passes_with_matching_pdb() -> None:
    assert _findings(_deployment(2), _pdb({"matchLabels": {"app.kubernetes.io/name": "mlflow"}})) == []


def test_passes_with_expression_only_or_empty_selector() -> None:
    expr = {"matchExpressions": [{"key": "app.kubernetes.io/name", "operator": "In", "values": ["mlflow", "x"]}]}
    assert _findings(_deployment(2), _pdb(expr)) == []
    assert _findings(_deployment(2), _pdb({})) == []  # policy/v1: empty selector = every pod of the namespace


def test_passes_single_replica() -> None:
    assert _findings(_deployment(1), _deployment(None, name="other")) == []
