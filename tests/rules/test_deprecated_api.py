"""deprecated-api: removed and deprecated apiVersions relative to the target Kubernetes version."""

from __future__ import annotations

import pytest

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import deprecated_api as rule


def _findings(api_version: str, kind: str, target: str) -> list[Finding]:
    obj = {"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}}
    ctx = Context.from_objects([obj], kubernetes_version=target)
    return [f for res in ctx.resources for f in rule.check(ctx, res)]


@pytest.mark.parametrize(
    ("api_version", "kind", "removed", "replacement"),
    [
        ("extensions/v1beta1", "Ingress", "1.22", "networking.k8s.io/v1"),
        ("policy/v1beta1", "PodDisruptionBudget", "1.25", "policy/v1"),
        ("batch/v1beta1", "CronJob", "1.25", "batch/v1"),
        ("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26", "autoscaling/v2"),
        ("rbac.authorization.k8s.io/v1beta1", "Role", "1.22", "rbac.authorization.k8s.io/v1"),
    ],
)
def test_fires_on_removed_api(api_version: str, kind: str, removed: str, replacement: str) -> None:
    [finding] = _findings(api_version, kind, "1.33")
    assert finding.path == "/apiVersion"
    assert f"removed in Kubernetes {removed}" in finding.message
    assert replacement in finding.message


def test_fires_on_deprecated_but_still_served_api() -> None:
    [finding] = _findings("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.24")
    assert "deprecated since Kubernetes 1.23" in finding.message and "removed in 1.26" in finding.message


def test_passes_before_deprecation_and_for_current_apis() -> None:
    assert _findings("batch/v1beta1", "CronJob", "1.20") == []
    assert _findings("batch/v1", "CronJob", "1.33") == []
    assert _findings("networking.k8s.io/v1", "Ingress", "1.33") == []


@pytest.mark.parametrize(
    ("api_version", "kind", "target"),
    [
        # v1beta1 kinds added after the 1.22 removals of their group version (found on kyverno's tests)
        ("admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicy", "1.34"),
        ("admissionregistration.k8s.io/v1beta1", "ValidatingAdmissionPolicyBinding", "1.30"),
        ("certificates.k8s.io/v1beta1", "ClusterTrustBundle", "1.33"),
        ("coordination.k8s.io/v1beta1", "LeaseCandidate", "1.33"),
    ],
)
def test_kinds_added_later_to_a_removed_group_version_are_not_removed(api_version: str, kind: str, target: str) -> None:
    assert _findings(api_version, kind, target) == []


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"),
        ("authorization.k8s.io/v1beta1", "SubjectAccessReview"),
        ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"),
        ("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration"),
    ],
)
def test_the_kinds_the_guide_names_stay_removed(api_version: str, kind: str) -> None:
    [finding] = _findings(api_version, kind, "1.33")
    assert "was removed in Kubernetes" in finding.message
