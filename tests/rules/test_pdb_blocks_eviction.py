from __future__ import annotations

from typing import Any

from generator.validate.context import Context, ExternalObject
from generator.validate.model import Finding
from generator.validate.rules import pdb_blocks_eviction as rule


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


def _pdb(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "p"},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, **spec},
    }


def test_fires_on_max_unavailable_zero() -> None:
    for zero in (0, "0%"):
        [f] = _run(_pdb(maxUnavailable=zero))
        assert f.path == "/spec/maxUnavailable"


def test_fires_on_min_available_reaching_replicas() -> None:
    assert _run(_deploy(replicas=2), _pdb(minAvailable=2))
    assert _run(_deploy(replicas=3), _pdb(minAvailable="100%"))
    assert _run(_deploy(replicas=3), _pdb(minAvailable="90%"))  # ceil(2.7) = 3


def test_passes_budgets_that_allow_an_eviction() -> None:
    assert _run(_deploy(replicas=3), _pdb(minAvailable=2)) == []
    assert _run(_deploy(replicas=3), _pdb(minAvailable="50%")) == []
    assert _run(_deploy(replicas=1), _pdb(maxUnavailable=1)) == []
    assert _run(_deploy(replicas=3), _pdb(maxUnavailable="10%")) == []
