from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import privileged as rule


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _pod(init_sc: dict[str, Any], sc: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "debug"},
        "spec": {
            "initContainers": [{"name": "setup", "image": "busybox:1.36", "securityContext": init_sc}],
            "containers": [{"name": "shell", "image": "busybox:1.36", "securityContext": sc}],
        },
    }


def test_fires_on_privileged_container() -> None:
    [finding] = _findings(_pod({}, {"privileged": True}))
    assert finding.path == "/spec/containers/0/securityContext/privileged"
    assert 'Container "shell"' in finding.message and "privileged" in finding.message


def test_fires_on_privileged_init_container() -> None:
    [finding] = _findings(_pod({"privileged": True}, {}))
    assert finding.path == "/spec/initContainers/0/securityContext/privileged"
    assert 'Init container "setup"' in finding.message


def test_passes_unprivileged_or_unset() -> None:
    assert _findings(_pod({}, {"privileged": False})) == []
