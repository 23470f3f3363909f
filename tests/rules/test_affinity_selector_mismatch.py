from __future__ import annotations

from typing import Any

from generator.validate.context import Context, ExternalObject
from generator.validate.model import Finding
from generator.validate.rules import affinity_selector_mismatch as rule


def _run(*objs: dict[str, Any], external: frozenset[ExternalObject] = frozenset()) -> list[Finding]:
    ctx = Context.from_objects(list(objs), external=external)
    assert rule.KINDS is not None
    return [f for res in ctx.resources if res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _deploy(name: str = "web", replicas: int = 1, labels: dict[str, str] | None = None, **pod: Any) -> dict[str, Any]:
    labels = labels or {"app": name}
    spec: dict[str, Any] = {"containers": [{"name": "c", "image": "x:1"}]}
    spec.update(pod)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": spec},
        },
    }


def _spread(selector: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "maxSkew": 1,
            "topologyKey": "kubernetes.io/hostname",
            "whenUnsatisfiable": "DoNotSchedule",
            "labelSelector": {"matchLabels": selector},
        }
    ]


def _anti(selector: dict[str, str]) -> dict[str, Any]:
    term = {"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": selector}}
    return {
        "podAntiAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": term}]
        }
    }


def test_fires_on_spread_selector_missing_own_pods() -> None:
    [f] = _run(_deploy(replicas=3, topologySpreadConstraints=_spread({"app": "web-server"})))
    assert f.path == "/spec/template/spec/topologySpreadConstraints/0/labelSelector"


def test_fires_on_anti_affinity_selecting_nothing() -> None:
    [f] = _run(_deploy(replicas=3, affinity=_anti({"app": "typo"})))
    assert f.path.endswith("/podAffinityTerm/labelSelector") and "not even this workload" in f.message


def test_passes_own_selector_and_anti_affinity_to_another_app() -> None:
    assert (
        _run(_deploy(replicas=3, topologySpreadConstraints=_spread({"app": "web"}), affinity=_anti({"app": "web"})))
        == []
    )
    assert _run(_deploy(replicas=3, affinity=_anti({"app": "db"})), _deploy("db")) == []
