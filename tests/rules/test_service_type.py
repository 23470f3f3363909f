from __future__ import annotations

from typing import Any

import pytest

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import service_type as rule


def _findings(*objs: dict[str, Any], profile: str) -> list[Finding]:
    ctx = Context.from_objects(list(objs), profile=profile)
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _service(kind: str | None) -> dict[str, Any]:
    spec: dict[str, Any] = {"selector": {"app": "minio"}, "ports": [{"port": 9000}]}
    if kind is not None:
        spec["type"] = kind
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "minio"}, "spec": spec}


@pytest.mark.parametrize("profile", ["prod", "staging", "default", "dev"])
@pytest.mark.parametrize("kind", ["LoadBalancer", "NodePort"])
def test_fires_on_external_types_in_every_profile(profile: str, kind: str) -> None:
    [finding] = _findings(_service(kind), profile=profile)
    assert finding.path == "/spec/type"
    assert 'Service "minio"' in finding.message and kind in finding.message and "ClusterIP" in finding.message


@pytest.mark.parametrize("kind", [None, "ClusterIP", "ExternalName"])
def test_passes_internal_types_in_prod(kind: str | None) -> None:
    assert _findings(_service(kind), profile="prod") == []


def test_passes_non_services() -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "x"},
        "spec": {"type": "NodePort"},
    }
    ctx = Context.from_objects([deployment])
    assert list(rule.check(ctx, ctx.resources[0])) == []
