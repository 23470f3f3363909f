from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.rules import pod_security_warn as rule


def _run(labels: dict[str, str], pod_spec: dict[str, Any]) -> list[str]:
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "jobs", "labels": labels}}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "jobs"}, "spec": pod_spec}
    ctx = Context.from_objects([ns, pod])
    assert rule.KINDS is not None
    return [f.message for res in ctx.resources if res.kind in rule.KINDS for f in rule.check(ctx, res)]


def test_fires_on_warn_label() -> None:
    [msg] = _run(
        {"pod-security.kubernetes.io/warn": "baseline"},
        {"hostNetwork": True, "containers": [{"name": "c", "image": "x:1"}]},
    )
    assert "hostNamespaces" in msg and "warns" in msg


def test_fires_on_audit_label() -> None:
    found = _run(
        {"pod-security.kubernetes.io/audit": "baseline"},
        {"hostIPC": True, "containers": [{"name": "c", "image": "x:1"}]},
    )
    assert found and "audits" in found[0]


def test_passes_baseline_pod_under_baseline_warn() -> None:
    assert _run({"pod-security.kubernetes.io/warn": "baseline"}, {"containers": [{"name": "c", "image": "x:1"}]}) == []
