from __future__ import annotations

from typing import Any

from generator.validate.context import Context, ExternalObject
from generator.validate.model import Finding
from generator.validate.rules import statefulset_headless_service as rule


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


def _sts(service: str) -> dict[str, Any]:
    obj = _deploy("pg")
    obj["kind"] = "StatefulSet"
    obj["spec"]["serviceName"] = service
    return obj


def _svc(name: str, headless: bool) -> dict[str, Any]:
    spec: dict[str, Any] = {"selector": {"app": "pg"}, "ports": [{"port": 5432}]}
    if headless:
        spec["clusterIP"] = "None"
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": spec}


def test_fires_on_missing_or_clusterip_service() -> None:
    [f] = _run(_sts("pg-headless"))
    assert f.path == "/spec/serviceName" and "names no Service" in f.message
    [f] = _run(_sts("pg"), _svc("pg", headless=False))
    assert "not headless" in f.message


def test_passes_headless_service_or_none_named() -> None:
    assert _run(_sts("pg-headless"), _svc("pg-headless", headless=True)) == []
    obj = _sts("x")
    del obj["spec"]["serviceName"]
    assert _run(obj) == []
