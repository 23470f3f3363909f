"""The PASS and FAIL examples in the docstrings of the per-object policy rules are true: the PASS example
yields no finding of its rule and the FAIL example at least one (``gitops-gen rules`` shows these docs)."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
import yaml

from generator.validate.context import Context
from generator.validate.rules import RULES

POLICY_RULES = [
    "latest-tag",
    "missing-resources",
    "missing-probes",
    "run-as-root",
    "privileged",
    "privilege-escalation",
    "host-namespace",
    "writable-root-fs",
    "duplicate-env",
    "job-ttl",
    "cronjob-concurrency",
    "plaintext-secret",
    "secret-in-env",
    "service-type",
    "ingress-tls",
    "min-replicas",
    "missing-pdb",
    "no-anti-affinity",
]


def _example(rule_id: str, label: str) -> tuple[list[dict[str, Any]], str]:
    doc = RULES[rule_id].__doc__ or ""
    assert doc.count("PASS:") == 1 and doc.count("FAIL:") == 1, rule_id
    passing, failing = doc.split("PASS:", 1)[1].split("FAIL:", 1)
    block = textwrap.dedent(passing if label == "PASS" else failing)
    profile = "prod" if "# in the prod profile" in block else "default"
    return [d for d in yaml.safe_load_all(block) if d], profile


def _findings(rule_id: str, objs: list[dict[str, Any]], profile: str) -> int:
    rule = RULES[rule_id]
    ctx = Context.from_objects(objs, profile=profile)
    return sum(len(list(rule.check(ctx, res))) for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS)


@pytest.mark.parametrize("rule_id", POLICY_RULES)
def test_docstring_pass_example_passes(rule_id: str) -> None:
    objs, profile = _example(rule_id, "PASS")
    assert objs, f"{rule_id}: empty PASS example"
    assert _findings(rule_id, objs, profile) == 0


@pytest.mark.parametrize("rule_id", POLICY_RULES)
def test_docstring_fail_example_fires(rule_id: str) -> None:
    objs, profile = _example(rule_id, "FAIL")
    assert _findings(rule_id, objs, profile) >= 1


@pytest.mark.parametrize("rule_id", POLICY_RULES)
def test_rule_metadata(rule_id: str) -> None:
    rule = RULES[rule_id]
    assert rule_id == rule.ID
    assert rule.CATEGORY in {"workloads", "secrets", "exposure", "availability"}
    assert rule.KINDS is not None and rule.KINDS  # every policy rule names the kinds it applies to
    summary = (rule.__doc__ or "").strip().splitlines()[0]
    assert summary.endswith(".") and "TODO" not in summary
