from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import run_as_root as rule

POD = "/spec/template/spec"


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _deployment(pod_sc: dict[str, Any] | None, *container_scs: dict[str, Any] | None) -> dict[str, Any]:
    containers: list[dict[str, Any]] = []
    for i, sc in enumerate(container_scs):
        c: dict[str, Any] = {"name": f"c{i}", "image": "app:1"}
        if sc is not None:
            c["securityContext"] = sc
        containers.append(c)
    pod: dict[str, Any] = {"containers": containers}
    if pod_sc is not None:
        pod["securityContext"] = pod_sc
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "x"},
        "spec": {"template": {"spec": pod}},
    }


def test_fires_when_nothing_is_set_at_container() -> None:
    [finding] = _findings(_deployment(None, None))
    assert finding.path == f"{POD}/containers/0"
    assert 'Container "c0"' in finding.message and "runAsNonRoot: true" in finding.message


def test_fires_at_container_security_context_when_present_without_the_field() -> None:
    [finding] = _findings(_deployment(None, {"readOnlyRootFilesystem": True}))
    assert finding.path == f"{POD}/containers/0/securityContext"


def test_fires_on_container_run_as_user_zero_despite_pod_non_root() -> None:
    [finding] = _findings(_deployment({"runAsNonRoot": True}, {"runAsUser": 0}))
    assert finding.path == f"{POD}/containers/0/securityContext/runAsUser"
    assert "runAsUser: 0" in finding.message


def test_fires_on_pod_run_as_user_zero_unless_the_container_overrides_it() -> None:
    findings = _findings(_deployment({"runAsUser": 0, "runAsNonRoot": True}, None, {"runAsUser": 1000}))
    assert [f.path for f in findings] == [f"{POD}/securityContext/runAsUser"]
    assert '"c0"' in findings[0].message and "the pod's" in findings[0].message


def test_fires_when_container_overrides_pod_non_root_with_false() -> None:
    [finding] = _findings(_deployment({"runAsNonRoot": True}, {"runAsNonRoot": False}))
    assert finding.path == f"{POD}/containers/0/securityContext/runAsNonRoot"
    assert "runAsNonRoot: false" in finding.message


def test_fires_with_non_zero_user_but_no_run_as_non_root() -> None:
    [finding] = _findings(_deployment({"runAsUser": 1000}, None))
    assert finding.path == f"{POD}/containers/0"
    # not root: the message says what restricted requires instead (it said "may run as root")
    assert "runs as user 1000 (the pod's runAsUser) without runAsNonRoot: true" in finding.message
    assert "may run as root" not in finding.message


def test_passes_with_pod_level_non_root() -> None:
    assert _findings(_deployment({"runAsNonRoot": True, "runAsUser": 10001}, None, {"runAsUser": 1000})) == []


def test_passes_with_container_level_non_root() -> None:
    assert _findings(_deployment(None, {"runAsNonRoot": True})) == []
