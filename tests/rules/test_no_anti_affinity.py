from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import no_anti_affinity as rule

ANTI = {
    "podAntiAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            {
                "weight": 100,
                "podAffinityTerm": {
                    "topologyKey": "kubernetes.io/hostname",
                    "labelSelector": {"matchLabels": {"app": "mlflow"}},
                },
            }
        ]
    }
}
SPREAD = [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway"}]


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _sts(replicas: int, **pod: Any) -> dict[str, Any]:
    spec = {"containers": [{"name": "m", "image": "m:1"}], **pod}
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "pg"},
        "spec": {"replicas": replicas, "template": {"metadata": {"labels": {"app": "pg"}}, "spec": spec}},
    }


def test_fires_on_multi_replica_without_spreading_at_pod_spec() -> None:
    [finding] = _findings(_sts(3))
    assert finding.path == "/spec/template/spec"
    assert 'StatefulSet "pg"' in finding.message and "podAntiAffinity" in finding.message


def test_fires_with_node_affinity_only_at_affinity() -> None:
    [finding] = _findings(_sts(2, affinity={"nodeAffinity": {}}))
    assert finding.path == "/spec/template/spec/affinity"


def test_passes_with_anti_affinity_or_spread_constraints() -> None:
    assert _findings(_sts(3, affinity=ANTI), _sts(3, topologySpreadConstraints=SPREAD)) == []


def test_passes_single_replica() -> None:
    assert _findings(_sts(1)) == []
