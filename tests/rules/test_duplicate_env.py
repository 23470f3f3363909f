from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import duplicate_env as rule


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _deployment(*envs: list[dict[str, Any]]) -> dict[str, Any]:
    containers = [{"name": f"c{i}", "image": "app:1", "env": env} for i, env in enumerate(envs)]
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "x"},
        "spec": {"template": {"spec": {"containers": containers}}},
    }


def test_fires_on_repeated_name_at_second_entry() -> None:
    env = [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}, {"name": "A", "value": "3"}]
    [finding] = _findings(_deployment(env))
    assert finding.path == "/spec/template/spec/containers/0/env/2/name"
    assert 'Container "c0"' in finding.message and '"A"' in finding.message and "env[0]" in finding.message


def test_fires_for_every_extra_occurrence() -> None:
    env: list[dict[str, Any]] = [
        {"name": "A", "value": "1"},
        {"name": "A", "value": "2"},
        {"name": "A", "valueFrom": {}},
    ]
    assert [f.path for f in _findings(_deployment(env))] == [
        "/spec/template/spec/containers/0/env/1/name",
        "/spec/template/spec/containers/0/env/2/name",
    ]


def test_passes_same_name_in_different_containers() -> None:
    assert _findings(_deployment([{"name": "A", "value": "1"}], [{"name": "A", "value": "1"}])) == []
