from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import writable_root_fs as rule

C0 = "/spec/template/spec/containers/0"


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _sts(sc: dict[str, Any] | None) -> dict[str, Any]:
    c: dict[str, Any] = {"name": "postgres", "image": "postgres:16.4"}
    if sc is not None:
        c["securityContext"] = sc
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "pg"},
        "spec": {"template": {"spec": {"containers": [c]}}},
    }


def test_fires_without_security_context_at_container() -> None:
    [finding] = _findings(_sts(None))
    assert finding.path == C0
    assert 'container "postgres"' in finding.message and "readOnlyRootFilesystem: true" in finding.message


def test_fires_when_false_at_field() -> None:
    [finding] = _findings(_sts({"readOnlyRootFilesystem": False}))
    assert finding.path == f"{C0}/securityContext/readOnlyRootFilesystem"


def test_passes_read_only_root() -> None:
    assert _findings(_sts({"readOnlyRootFilesystem": True})) == []
