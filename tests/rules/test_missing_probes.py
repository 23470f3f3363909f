from __future__ import annotations

from typing import Any

import pytest

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import missing_probes as rule

PROBE = {"httpGet": {"path": "/health", "port": 5000}}


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _workload(kind: str, **probes: Any) -> dict[str, Any]:
    pod = {
        "initContainers": [{"name": "init", "image": "busybox:1.36"}],
        "containers": [
            {"name": "sidecar", "image": "s:1", "readinessProbe": PROBE, "livenessProbe": PROBE},
            {"name": "app", "image": "a:1", **probes},
        ],
    }
    if kind == "CronJob":
        spec: dict[str, Any] = {"jobTemplate": {"spec": {"template": {"spec": pod}}}}
    else:
        spec = {"template": {"spec": pod}}
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "x"}, "spec": spec}


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet", "DaemonSet"])
def test_fires_on_long_running_workload_without_probes(kind: str) -> None:
    [finding] = _findings(_workload(kind))
    assert finding.path == "/spec/template/spec/containers/1"
    assert 'container "app"' in finding.message
    assert "readinessProbe" in finding.message and "livenessProbe" in finding.message


def test_fires_on_missing_liveness_only() -> None:
    [finding] = _findings(_workload("Deployment", readinessProbe=PROBE))
    assert "livenessProbe" in finding.message and "readinessProbe" not in finding.message


def test_passes_with_both_probes() -> None:
    assert _findings(_workload("Deployment", readinessProbe=PROBE, livenessProbe=PROBE)) == []


@pytest.mark.parametrize("kind", ["Job", "CronJob"])
def test_passes_jobs_and_cronjobs(kind: str) -> None:
    ctx = Context.from_objects([_workload(kind)])
    assert list(rule.check(ctx, ctx.resources[0])) == []  # even when called without the KINDS filter
