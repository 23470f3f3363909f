"""ignore-without-reason: ignores must say why; unexplained ones are reported and not honoured."""

from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import ignore_without_reason as rule


def _findings(annotations: dict[str, Any]) -> list[Finding]:
    obj = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "annotations": annotations}}
    ctx = Context.from_objects([obj])
    return [f for res in ctx.resources for f in rule.check(ctx, res)]


def test_fires_without_reason() -> None:
    [finding] = _findings({"gitops-gen.io/ignore": "service-type"})
    assert finding.path == "/metadata/annotations/gitops-gen.io~1ignore"


def test_fires_with_blank_reason_and_unknown_rule() -> None:
    found = _findings({"gitops-gen.io/ignore": "service-type,no-such-rule", "gitops-gen.io/ignore-reason": " "})
    assert len(found) == 2
    assert any("no-such-rule" in f.message for f in found)


def test_passes_with_reason_or_without_ignore() -> None:
    assert _findings({"gitops-gen.io/ignore": "service-type", "gitops-gen.io/ignore-reason": "cloud LB"}) == []
    assert _findings({"other": "x"}) == []
