"""The engine: rule scoping, profile severities, env overrides, ignores, positions, ordering."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from generator.errors import InputError
from generator.validate.context import Context
from generator.validate.engine import (
    Settings,
    effective_severities,
    ignored_rules,
    run,
    sort_findings,
    validate_overlay,
    validate_resources,
)
from generator.validate.load import load_text
from generator.validate.model import Finding, Resource, ResourceRef, Severity
from generator.validate.profiles import PROFILES, severities
from generator.validate.rules import RULES

BAD_SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: web
  annotations: %s
spec:
  type: LoadBalancer
  ports:
    - port: 80
      targetport: 8080
"""


def _rules(text: str, **kw: Any) -> list[tuple[str, str]]:
    report = validate_resources(load_text(text, "t.yaml"), kubernetes_version="1.33", **kw)
    return [(f.rule, f.severity.value) for f in report.findings]


def test_findings_are_filled_positioned_and_sorted() -> None:
    text = (BAD_SERVICE % "{}") + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n"
    report = validate_resources(load_text(text, "t.yaml", default_namespace="default"), kubernetes_version="1.33")
    assert report.resources == 2
    unknown = next(f for f in report.findings if f.rule == "unknown-field")
    assert unknown.resource is not None and unknown.resource.to_dict() == {
        "apiVersion": "v1",
        "kind": "Service",
        "namespace": "default",
        "name": "web",
    }
    assert (unknown.file, unknown.line, unknown.column, unknown.path) == ("t.yaml", 10, 7, "/spec/ports/0/targetport")
    keys = [(f.file, f.line, f.column, f.rule) for f in report.findings]
    assert keys == sorted(keys)
    assert any(f.rule == "invalid-name" and f.line == 14 for f in report.findings)


def test_findings_sort_by_file_line_column_rule_resource_path_message_whatever_the_input_order() -> None:
    import random

    rng = random.Random(7)
    refs = [None, ResourceRef("v1", "Service", "a", "web"), ResourceRef("v1", "ConfigMap", "", "web")]
    findings = [
        Finding(
            rng.choice(["m1", "m2"]),
            rng.choice(["", "/spec", "/metadata/name"]),
            rng.choice(["unknown-field", "invalid-name"]),
            Severity.ERROR,
            rng.choice(refs),
            rng.choice(["", "b.yaml", "a.yaml", "a/b.yaml", "a.yaml.bak"]),
            rng.randrange(3),
            rng.randrange(3),
        )
        for _ in range(2000)
    ]

    def key(f: Finding) -> tuple[object, ...]:
        ref = (f.resource.kind, f.resource.namespace, f.resource.name) if f.resource else ("", "", "")
        return (f.file, f.line, f.column, f.rule, ref, f.path, f.message)

    want = [key(f) for f in sorted(findings, key=key)]
    for _ in range(3):
        rng.shuffle(findings)
        assert [key(f) for f in sort_findings(findings)] == want


def test_profile_changes_severity_and_turns_rules_off() -> None:
    defaults = {rid: rule.SEVERITY for rid, rule in RULES.items()}
    assert severities("dev", defaults)["missing-pdb"] is None
    assert severities("prod", defaults)["latest-tag"] is Severity.ERROR
    assert severities("default", defaults) == defaults
    assert all(rule_id in RULES for table in PROFILES.values() for rule_id in table)


def test_environment_overrides_win_and_unknown_rules_or_levels_are_input_errors() -> None:
    assert ("service-type", "info") in _rules(BAD_SERVICE % "{}", overrides={"service-type": "info"})
    assert "service-type" not in {r for r, _ in _rules(BAD_SERVICE % "{}", overrides={"service-type": "off"})}
    with pytest.raises(InputError, match="unknown rule 'nope'"):
        _rules(BAD_SERVICE % "{}", overrides={"nope": "off"})
    with pytest.raises(InputError, match="severity must be one of"):
        _rules(BAD_SERVICE % "{}", overrides={"service-type": "fatal"})


def test_ignore_with_reason_is_honoured() -> None:
    annotations = '{gitops-gen.io/ignore: "service-type,unknown-field", gitops-gen.io/ignore-reason: "cloud LB"}'
    rules = {r for r, _ in _rules(BAD_SERVICE % annotations)}
    assert "service-type" not in rules and "unknown-field" not in rules
    assert "ignore-without-reason" not in rules


def test_ignore_without_reason_is_not_honoured_and_is_reported() -> None:
    rules = {r for r, _ in _rules(BAD_SERVICE % '{gitops-gen.io/ignore: "unknown-field"}')}
    assert {"unknown-field", "ignore-without-reason"} <= rules


def test_ignored_rules_parsing() -> None:
    res = Resource(
        {"metadata": {"annotations": {"gitops-gen.io/ignore": " a, b ,", "gitops-gen.io/ignore-reason": "x"}}}, "f"
    )
    assert ignored_rules(res) == frozenset({"a", "b"})


def test_kinds_scope_and_only_setting() -> None:
    calls: list[str] = []

    def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
        calls.append(obj.kind)
        yield Finding("seen", "/metadata/name")

    fake = SimpleNamespace(
        ID="fake", CATEGORY="test", SEVERITY=Severity.WARNING, KINDS=frozenset({"Service"}), check=check
    )
    ctx = Context(load_text(BAD_SERVICE % "{}" + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", "t"))
    findings = run(ctx, Settings(), rules={"fake": fake})
    assert calls == ["Service"]
    assert [(f.rule, f.severity, f.line) for f in findings] == [("fake", Severity.WARNING, 4)]
    assert run(ctx, Settings(only=frozenset({"other"})), rules={"fake": fake}) == []


def test_a_crashing_rule_becomes_a_finding_not_a_crash() -> None:
    def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
        raise KeyError("boom")

    fake = SimpleNamespace(ID="fake", CATEGORY="test", SEVERITY=Severity.ERROR, KINDS=None, check=check)
    ctx = Context(load_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", "t"))
    [finding] = run(ctx, Settings(), rules={"fake": fake})
    assert "internal error in rule fake" in finding.message


def test_ignore_missing_schemas_and_effective_severities() -> None:
    table = effective_severities(Settings(ignore_missing_schemas=True))
    assert table["missing-schema"] is None and table["schema-invalid"] is Severity.ERROR


def test_validate_overlay_uses_the_environment(env_repo: Path) -> None:
    from generator.config.load import load_by_name

    env = load_by_name(env_repo, "dev")
    report = validate_overlay(env_repo, env)
    assert report.resources == 2
    by_rule = {f.rule: f for f in report.findings}
    assert by_rule["unknown-field"].file == "base/service.yaml"
    assert by_rule["schema-invalid"].file == "overlays/dev/patch.yaml"
    assert "missing-pdb" not in by_rule  # the dev profile turns it off
    assert all(f.resource is not None and f.resource.namespace == "team" for f in report.findings)
