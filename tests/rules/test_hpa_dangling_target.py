from __future__ import annotations

from typing import Any

from generator.validate.context import Context, ExternalObject
from generator.validate.model import Finding
from generator.validate.rules import hpa_dangling_target as rule


def _run(
    *objs: dict[str, Any], external: frozenset[ExternalObject] = frozenset(), namespace: str = "default"
) -> list[Finding]:
    ctx = Context.from_objects(list(objs), external=external, namespace=namespace)
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


def _hpa(kind: str, name: str) -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "h"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": name}, "maxReplicas": 3},
    }


def test_fires_on_wrong_name_or_kind() -> None:
    [f] = _run(_deploy("web"), _hpa("Deployment", "web-server"))
    assert f.path == "/spec/scaleTargetRef/name" and "Deployment/web-server" in f.message
    assert _run(_deploy("web"), _hpa("StatefulSet", "web"))


def test_fires_naming_the_namespace_the_hpa_lands_in() -> None:
    # a plain file without metadata.namespace (no overlay namespace): kubectl apply puts it in "default"
    [f] = _run(_hpa("Deployment", "gone"), namespace="")
    assert "is not in the default namespace (" in f.message and "namespace  " not in f.message
    hpa = _hpa("Deployment", "gone")
    hpa["metadata"]["namespace"] = "apps"
    [f] = _run(hpa, namespace="")
    assert "is not in namespace apps (" in f.message


def test_passes_existing_or_external_target() -> None:
    assert _run(_deploy("web"), _hpa("Deployment", "web")) == []
    assert _run(_hpa("Deployment", "elsewhere"), external=frozenset({ExternalObject("Deployment", "elsewhere")})) == []
