from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import privilege_escalation as rule

C0 = "/spec/template/spec/containers/0"


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _job(container: dict[str, Any]) -> dict[str, Any]:
    c = {"name": "migrate", "image": "mlflow:2", **container}
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "m"},
        "spec": {"template": {"spec": {"containers": [c]}}},
    }


def test_fires_when_unset_at_container() -> None:
    [finding] = _findings(_job({}))
    assert finding.path == C0
    assert 'container "migrate"' in finding.message and "allowPrivilegeEscalation: false" in finding.message


def test_fires_when_unset_at_security_context() -> None:
    [finding] = _findings(_job({"securityContext": {"runAsNonRoot": True}}))
    assert finding.path == f"{C0}/securityContext"


def test_fires_when_explicitly_true_at_field() -> None:
    [finding] = _findings(_job({"securityContext": {"allowPrivilegeEscalation": True}}))
    assert finding.path == f"{C0}/securityContext/allowPrivilegeEscalation"
    assert "set it to false" in finding.message


def test_passes_when_explicitly_false() -> None:
    assert _findings(_job({"securityContext": {"allowPrivilegeEscalation": False}})) == []


def test_passes_privileged_containers_where_false_would_be_refused() -> None:
    # the API server refuses allowPrivilegeEscalation: false on these (ValidateSecurityContext); the
    # privileged rule reports the first one
    assert _findings(_job({"securityContext": {"privileged": True}})) == []
    assert _findings(_job({"securityContext": {"capabilities": {"add": ["NET_ADMIN", "CAP_SYS_ADMIN"]}}})) == []


def test_fires_when_privileged_is_false_or_the_capability_is_spelt_without_its_prefix() -> None:
    assert len(_findings(_job({"securityContext": {"privileged": False}}))) == 1
    assert len(_findings(_job({"securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}))) == 1
