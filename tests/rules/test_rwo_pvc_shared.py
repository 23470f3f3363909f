from __future__ import annotations

from typing import Any

from generator.validate.context import Context, ExternalObject
from generator.validate.model import Finding
from generator.validate.rules import rwo_pvc_shared as rule


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


def _pvc(*modes: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data"},
        "spec": {"accessModes": list(modes), "resources": {"requests": {"storage": "1Gi"}}},
    }


VOL = [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]


def test_fires_on_rolling_update_single_replica() -> None:
    [f] = _run(_pvc("ReadWriteOnce"), _deploy(volumes=VOL))
    assert f.path == "/spec/template/spec/volumes/0/persistentVolumeClaim/claimName" and "RollingUpdate" in f.message


def test_fires_on_multiple_replicas_even_with_recreate() -> None:
    obj = _deploy(replicas=2, volumes=VOL)
    obj["spec"]["strategy"] = {"type": "Recreate"}
    [f] = _run(_pvc("ReadWriteOncePod"), obj)
    assert "2 replicas" in f.message


def test_passes_recreate_single_replica_and_rwx() -> None:
    obj = _deploy(volumes=VOL)
    obj["spec"]["strategy"] = {"type": "Recreate"}
    assert _run(_pvc("ReadWriteOnce"), obj) == []
    assert _run(_pvc("ReadWriteMany"), _deploy(replicas=3, volumes=VOL)) == []
    assert _run(_deploy(volumes=VOL)) == []  # claim not in the set: unknown access mode
