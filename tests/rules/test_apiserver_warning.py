from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import apiserver_warning as rule


def _run(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources for f in rule.check(ctx, res)]


def _pod(*ports: tuple[int, str]) -> dict[str, Any]:
    containers = [
        {"name": f"c{i}", "image": "nginx:1.27", "ports": [{"containerPort": p, "protocol": proto}]}
        for i, (p, proto) in enumerate(ports)
    ]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": containers}}


def test_fires_on_duplicate_container_port_across_containers() -> None:
    [finding] = _run(_pod((80, "TCP"), (80, "TCP")))
    assert finding.path == "/spec/containers/1/ports/0/containerPort"
    assert "duplicate port definition" in finding.message and "warnings.go" in finding.message


def test_passes_same_port_other_protocol_or_other_number() -> None:
    assert _run(_pod((53, "TCP"), (53, "UDP"))) == []
    assert _run(_pod((80, "TCP"), (81, "TCP"))) == []
