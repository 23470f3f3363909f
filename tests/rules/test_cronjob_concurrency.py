from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import cronjob_concurrency as rule


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _cronjob(**spec: Any) -> dict[str, Any]:
    pod = {"restartPolicy": "Never", "containers": [{"name": "t", "image": "train:1"}]}
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "nightly"},
        "spec": {"schedule": "0 2 * * *", "jobTemplate": {"spec": {"template": {"spec": pod}}}, **spec},
    }


def test_fires_on_defaults_twice_at_spec() -> None:
    findings = _findings(_cronjob())
    assert [f.path for f in findings] == ["/spec", "/spec"]
    assert "concurrencyPolicy" in findings[0].message and 'CronJob "nightly"' in findings[0].message
    assert "startingDeadlineSeconds" in findings[1].message


def test_fires_on_explicit_allow_at_field() -> None:
    [finding] = _findings(_cronjob(concurrencyPolicy="Allow", startingDeadlineSeconds=300))
    assert finding.path == "/spec/concurrencyPolicy"
    assert "'Allow'" in finding.message and "Forbid or Replace" in finding.message


def test_passes_forbid_or_replace_with_deadline() -> None:
    assert _findings(_cronjob(concurrencyPolicy="Forbid", startingDeadlineSeconds=600)) == []
    assert _findings(_cronjob(concurrencyPolicy="Replace", startingDeadlineSeconds=60)) == []
