"""kube-linter parity: its own check fixtures and e2e expectations (tests/fixtures/kube-linter/, Apache-2.0)
run through the mapped gitops-gen rules; the agreement per rule is the table in README.md."""

from __future__ import annotations

from pathlib import Path

from generator.validate.rules import RULES
from validate.kube_linter_parity import (
    FIXTURE,
    dont_fire_findings,
    expectations,
    mapping,
    markdown,
    results,
)

README = Path(__file__).resolve().parents[2] / "README.md"

# Objects kube-linter names "dont-fire" that a mapped rule reports, each a deliberate difference (README).
DELIBERATE_DONT_FIRE = {
    # no namespaceSelector: prometheus-operator looks in the ServiceMonitor's own namespace only
    # (prometheus-operator pkg/apis/monitoring/v1/types.go, NamespaceSelector: "If `matchNames` is empty
    # and `any` is false, ... selected from the current namespace"); the Service is in namespace "dontfire"
    ("dangling-servicemonitor", "dangling-servicemonitor", "ServiceMonitor dont-fire"),
}


def test_fixture_is_kube_linters_with_its_license() -> None:
    assert "Apache License" in (FIXTURE / "LICENSE").read_text()
    assert len(list((FIXTURE / "tests" / "checks").glob("*.y*ml"))) >= 60
    assert len(expectations()) >= 60


def test_every_e2e_check_is_mapped_or_explained() -> None:
    table = mapping()
    missing = sorted(set(expectations()) - set(table))
    assert missing == []
    for check, entry in table.items():
        assert entry.get("rules") or entry.get("expected") or entry.get("why"), check


def test_mapped_rules_are_registered() -> None:
    unknown = {rule for entry in mapping().values() for rule in entry.get("rules", []) if rule not in RULES}
    assert unknown == set()


def test_every_mapped_check_runs_and_agreement_is_measured() -> None:
    found = results()
    assert len(found) >= 25
    assert all(0.0 <= r.agreement <= 1.0 for r in found)
    # the rules that implement the same check as kube-linter agree on every Kubernetes kind report
    full = {r.check for r in found if r.agreement_k8s == 1.0}
    assert {"latest-tag", "dangling-service", "dangling-ingress", "run-as-non-root", "privileged-container"} <= full


def test_no_finding_on_kube_linters_negative_objects_except_the_documented_ones() -> None:
    assert set(dont_fire_findings()) == DELIBERATE_DONT_FIRE


def test_readme_reports_the_measured_agreement() -> None:
    assert markdown() in README.read_text(), "regenerate with: python3 -m tests.validate.kube_linter_parity"
