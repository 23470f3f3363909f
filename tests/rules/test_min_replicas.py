from __future__ import annotations

from typing import Any

import pytest

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import min_replicas as rule


def _findings(*objs: dict[str, Any], profile: str) -> list[Finding]:
    ctx = Context.from_objects(list(objs), profile=profile)
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _workload(replicas: int | None, kind: str = "Deployment") -> dict[str, Any]:
    spec: dict[str, Any] = {"template": {"spec": {"containers": [{"name": "m", "image": "m:1"}]}}}
    if replicas is not None:
        spec["replicas"] = replicas
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "mlflow"}, "spec": spec}


def _hpa(min_replicas: int | None, target: str = "mlflow", namespace: str = "default") -> dict[str, Any]:
    spec: dict[str, Any] = {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
        "maxReplicas": 5,
    }
    if min_replicas is not None:
        spec["minReplicas"] = min_replicas
    meta = {"name": "mlflow", "namespace": namespace}
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": meta, "spec": spec}


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet"])
def test_fires_on_single_replica_in_prod(kind: str) -> None:
    [finding] = _findings(_workload(1, kind), profile="prod")
    assert finding.path == "/spec/replicas"
    assert f'{kind} "mlflow"' in finding.message and "at least 2" in finding.message


def test_fires_on_omitted_replicas_in_prod_at_spec() -> None:
    [finding] = _findings(_workload(None), profile="prod")
    assert finding.path == "/spec"
    assert "omitted" in finding.message


def test_fires_on_zero_replicas_elsewhere() -> None:
    [finding] = _findings(_workload(0), profile="dev")
    assert "at least 1" in finding.message


@pytest.mark.parametrize("hpa", [_hpa(1), _hpa(None)])
def test_fires_when_hpa_may_scale_below_minimum(hpa: dict[str, Any]) -> None:
    [finding] = _findings(_workload(3), hpa, profile="prod")
    assert "HorizontalPodAutoscaler" in finding.message and "minReplicas" in finding.message


def test_passes_two_replicas_in_prod_and_one_elsewhere() -> None:
    assert _findings(_workload(2), profile="prod") == []
    for profile in ("dev", "staging", "default"):
        assert _findings(_workload(None), profile=profile) == []


def test_passes_hpa_with_enough_min_replicas_in_prod() -> None:
    assert _findings(_workload(1), _hpa(2), profile="prod") == []


def test_fires_when_hpa_targets_another_name_or_namespace() -> None:
    findings = _findings(_workload(1), _hpa(2, target="other"), _hpa(2, namespace="elsewhere"), profile="prod")
    assert [f.path for f in findings] == ["/spec/replicas"]
