from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import host_namespace as rule


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _daemonset(**pod: Any) -> dict[str, Any]:
    spec = {"containers": [{"name": "agent", "image": "agent:1"}], **pod}
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "a"},
        "spec": {"template": {"spec": spec}},
    }


def test_fires_once_per_host_namespace() -> None:
    findings = _findings(_daemonset(hostNetwork=True, hostPID=True, hostIPC=True))
    assert [f.path for f in findings] == [
        "/spec/template/spec/hostNetwork",
        "/spec/template/spec/hostPID",
        "/spec/template/spec/hostIPC",
    ]
    assert "hostNetwork: true" in findings[0].message and "remove it" in findings[0].message


def test_passes_without_or_with_false_host_namespaces() -> None:
    assert _findings(_daemonset(), _daemonset(hostNetwork=False, hostPID=False)) == []
