"""Meta-test of the rule registry.

Convention (checked here for every rule in RULES):
- the module docstring documents the rule and contains a ``PASS:`` and a ``FAIL:`` section, each followed
  by an indented YAML example that parses;
- ``tests/rules/test_<id with underscores>.py`` exists and defines at least one test function whose name
  contains ``fires`` (the rule reports something) and one whose name contains ``passes`` (it does not);
- ID, CATEGORY, SEVERITY, KINDS and check have the types the engine expects, and the registry key is the ID.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from generator.validate.model import Severity
from generator.validate.rules import RULES, documentation

TESTS = Path(__file__).resolve().parent

REQUIRED = {
    "schema-invalid", "unknown-field", "duplicate-key", "missing-schema", "deprecated-api", "duplicate-resource",
    "invalid-name", "latest-tag", "missing-resources", "missing-probes", "run-as-root", "privileged",
    "privilege-escalation", "host-namespace", "writable-root-fs", "duplicate-env", "job-ttl",
    "cronjob-concurrency", "plaintext-secret", "secret-in-env", "service-type", "ingress-tls", "min-replicas",
    "missing-pdb", "no-anti-affinity", "dangling-service", "dangling-ingress", "dangling-servicemonitor",
    "dangling-route", "missing-reference", "port-mismatch", "non-isolated-pod", "network-blocked",
}  # fmt: skip


def _example(doc: str, label: str) -> str:
    lines = doc.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == label)
    block: list[str] = []
    for line in lines[start + 1 :]:
        if line.strip() in ("PASS:", "FAIL:"):
            break
        if line.strip() and not line.startswith("    "):
            break
        block.append(line)
    return "\n".join(block)


def test_every_required_rule_is_registered() -> None:
    assert set(RULES) >= REQUIRED


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_module_shape(rule_id: str) -> None:
    rule = RULES[rule_id]
    assert rule_id == rule.ID
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule_id)
    assert isinstance(rule.SEVERITY, Severity)
    assert isinstance(rule.CATEGORY, str) and rule.CATEGORY
    assert rule.KINDS is None or (isinstance(rule.KINDS, frozenset) and rule.KINDS)
    assert callable(rule.check)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_docstring_has_pass_and_fail_examples(rule_id: str) -> None:
    doc = documentation(RULES[rule_id])
    assert "TODO" not in doc.splitlines()[0] if doc else False, f"{rule_id}: docstring missing or a stub"
    for label in ("PASS:", "FAIL:"):
        assert any(line.strip() == label for line in doc.splitlines()), f"{rule_id}: no {label} section"
        example = _example(doc, label)
        assert example.strip(), f"{rule_id}: empty {label} example"
        docs = [d for d in yaml.safe_load_all(example.replace("\n    ", "\n").removeprefix("    ")) if d]
        assert docs and all(isinstance(d, dict) for d in docs), f"{rule_id}: {label} example is not YAML objects"


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_has_firing_and_passing_tests(rule_id: str) -> None:
    path = TESTS / f"test_{rule_id.replace('-', '_')}.py"
    assert path.is_file(), f"missing {path.name}"
    names = [
        node.name
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    ]
    assert any("fires" in n for n in names), f"{path.name}: no test_*fires* function"
    assert any("passes" in n for n in names), f"{path.name}: no test_*passes* function"
