from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import missing_resources as rule

FULL = {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}}


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _deployment(resources: dict[str, Any] | None, init_resources: dict[str, Any] | None = None) -> dict[str, Any]:
    main: dict[str, Any] = {"name": "mlflow", "image": "mlflow:2"}
    if resources is not None:
        main["resources"] = resources
    init: dict[str, Any] = {"name": "wait", "image": "busybox:1.36", "resources": init_resources or FULL}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "mlflow"},
        "spec": {"template": {"spec": {"initContainers": [init], "containers": [main]}}},
    }


def test_fires_once_without_resources_at_container() -> None:
    [finding] = _findings(_deployment(None))
    assert finding.path == "/spec/template/spec/containers/0"
    assert "resources.requests and resources.limits for cpu and memory" in finding.message
    assert 'container "mlflow"' in finding.message


def test_fires_once_on_empty_resources_at_resources() -> None:
    [finding] = _findings(_deployment({}))
    assert finding.path == "/spec/template/spec/containers/0/resources"


def test_fires_per_section_when_only_some_are_set() -> None:
    findings = _findings(_deployment({"requests": {"memory": "1Gi"}, "limits": {"memory": "1Gi"}}))
    assert [f.path for f in findings] == [
        "/spec/template/spec/containers/0/resources/requests",
        "/spec/template/spec/containers/0/resources/limits",
    ]
    assert "resources.requests.cpu" in findings[0].message and "memory" not in findings[0].message


def test_fires_on_missing_memory_limit_at_limits() -> None:
    [finding] = _findings(_deployment({"requests": FULL["requests"], "limits": {"cpu": "1"}}))
    assert finding.path == "/spec/template/spec/containers/0/resources/limits"
    assert "resources.limits.memory" in finding.message and "cpu" not in finding.message


def test_fires_on_missing_limits_section_at_resources() -> None:
    [finding] = _findings(_deployment({"requests": FULL["requests"]}))
    assert finding.path == "/spec/template/spec/containers/0/resources"


def test_fires_on_init_container() -> None:
    [finding] = _findings(_deployment(FULL, init_resources={"requests": FULL["requests"]}))
    assert finding.path == "/spec/template/spec/initContainers/0/resources"
    assert 'init container "wait"' in finding.message


def test_passes_with_all_requests_and_limits() -> None:
    assert _findings(_deployment(FULL)) == []


def test_a_limit_is_also_the_request_the_api_server_defaults_from_it() -> None:
    # kubernetes pkg/apis/core/v1/defaults.go SetDefaults_Pod: a missing request is set to its limit
    # (open-telemetry demo's Grafana sidecars set only limits: Guaranteed QoS)
    assert _findings(_deployment({"limits": FULL["limits"]}, init_resources={"limits": FULL["limits"]})) == []
    requests, limits = _findings(_deployment({"limits": {"memory": "1Gi"}}))
    # requests.memory comes from the limit; cpu has neither
    assert requests.message.startswith("Set resources.requests.cpu on") and "memory" not in requests.message
    assert limits.message.startswith("Set resources.limits.cpu on")
    requests, limits = _findings(_deployment({"requests": {"memory": "1Gi"}, "limits": {"memory": "2Gi"}}))
    assert "resources.requests.cpu" in requests.message and "resources.limits.cpu" in limits.message
