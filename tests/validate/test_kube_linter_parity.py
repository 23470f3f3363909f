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
    reported_objects,
    results,
)

README = Path(__file__).resolve().parents[2] / "README.md"

# Objects kube-linter names "dont-fire" that a mapped rule reports, each a deliberate difference (README).
DELIBERATE_DONT_FIRE = {
    # no namespaceSelector: prometheus-operator looks in the ServiceMonitor's own namespace only
    # (prometheus-operator pkg/apis/monitoring/v1/types.go, NamespaceSelector: "If `matchNames` is empty
    # and `any` is false, ... selected from the current namespace"); the Service is in namespace "dontfire"
    ("dangling-servicemonitor", "dangling-servicemonitor", "ServiceMonitor dont-fire"),
    # restartPolicy: we report what the API server rejects, kube-linter accepts Always and OnFailure for every
    # kind (stackrox/kube-linter pkg/templates/restartpolicy/template.go, acceptedRestartPolicies).
    # A Job's pods may not restart Always (kubernetes pkg/apis/batch/validation/validation.go, validateJobSpec);
    # Deployment, DaemonSet and ReplicaSet templates allow Always only (pkg/apis/apps/validation/validation.go,
    # ValidatePodTemplateSpecForReplicaSet, used for all three), a ReplicationController's likewise
    # (pkg/apis/core/validation/validation.go, ValidatePodTemplateSpecForRC).
    ("restart-policy", "apiserver-invalid", "Job dont-fire-job-always"),
    ("restart-policy", "apiserver-invalid", "CronJob dont-fire-cronjob-always"),
    ("restart-policy", "apiserver-invalid", "Deployment dont-fire-deployment-on-failure"),
    ("restart-policy", "apiserver-invalid", "DaemonSet dont-fire-daemonset-on-failure"),
    ("restart-policy", "apiserver-invalid", "ReplicaSet dont-fire-replicaset-on-failure"),
    ("restart-policy", "apiserver-invalid", "ReplicationController dont-fire-replicationcontroller-on-failure"),
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


def test_every_e2e_check_is_measured_or_explained_why_not() -> None:
    """No check waits for a rule any more: each one with e2e expectations is measured (``rules``) unless
    ``why`` explains that nothing maps."""
    table, exps = mapping(), expectations()
    assert [c for c, e in table.items() if e.get("expected")] == []
    assert sorted(c for c in exps if not table[c].get("rules") and not table[c].get("why")) == []
    assert {r.check for r in results()} == {c for c in exps if table[c].get("rules")}


def test_e2e_expectations_are_read_as_the_bats_file_asserts_them() -> None:
    exps = expectations()
    # "${actual_messages[i]}" assertions (invalid-target-ports) give the kind of each report
    assert exps["invalid-target-ports"].kinds == ("Service", "Service", "Deployment", "Deployment")
    # "Kind name: message" assertions (restart-policy) give the object of each report
    restart = exps["restart-policy"]
    assert restart.count == 7 and restart.names is not None and "fire-pod-never" in restart.names
    # no count asserted (pdb-max-unavailable): its one asserted report is the expectation
    pdb = exps["pdb-max-unavailable"]
    assert (pdb.count, pdb.kinds, pdb.count_asserted) == (1, ("PodDisruptionBudget",), False)
    # "Kind: message" only: kinds, no names
    assert exps["access-to-create-pods"].kinds == ("RoleBinding",) and exps["access-to-create-pods"].names is None


def test_a_finding_on_a_role_counts_on_the_bindings_that_bind_it() -> None:
    entry = mapping()["access-to-create-pods"]
    assert entry.get("report_on_bindings") is True
    assert reported_objects(expectations()["access-to-create-pods"], entry) == [("RoleBinding", "role-binding1")]
    unbound = {**entry, "report_on_bindings": False}
    assert reported_objects(expectations()["access-to-create-pods"], unbound) == [("Role", "role1")]


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
