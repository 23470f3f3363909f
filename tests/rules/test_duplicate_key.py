"""duplicate-key: keys written twice in one mapping, reported at the second occurrence."""

from __future__ import annotations

from generator.validate.context import Context
from generator.validate.engine import Settings, run
from generator.validate.load import load_text
from generator.validate.model import Finding
from generator.validate.rules import duplicate_key as rule


def _findings(text: str) -> list[Finding]:
    ctx = Context(load_text(text, "t.yaml"))
    return [f for res in ctx.resources for f in rule.check(ctx, res)]


TEXT = """apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  LOG_LEVEL: info
  LOG_LEVEL: debug
"""


def test_fires_on_duplicate_key_with_its_pointer() -> None:
    [finding] = _findings(TEXT)
    assert finding.path == "/data/LOG_LEVEL"
    assert '"LOG_LEVEL"' in finding.message


def test_fires_at_the_line_of_the_second_occurrence() -> None:
    ctx = Context(load_text(TEXT, "t.yaml"))
    [finding] = [f for f in run(ctx, Settings(only=frozenset({rule.ID})))]
    assert (finding.file, finding.line, finding.column) == ("t.yaml", 7, 3)


def test_fires_inside_lists_and_list_items() -> None:
    text = """apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      containers:
        - name: a
          image: x:1
          image: x:2
"""
    [finding] = _findings(text)
    assert finding.path == "/spec/containers/0/image"


def test_passes_distinct_keys() -> None:
    assert _findings(TEXT.replace("  LOG_LEVEL: debug\n", "  LOG_FORMAT: json\n")) == []
