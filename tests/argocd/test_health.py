"""Each Argo CD health rule (generator.models.argocd.health) with a healthy and an unhealthy live object."""

from __future__ import annotations

from typing import Any

import pytest

from generator.models.argocd import health


def _obj(api: str, kind: str, spec: dict[str, Any] | None = None, status: Any = None, **meta: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {"apiVersion": api, "kind": kind, "metadata": {"name": "x", **meta}, "spec": spec or {}}
    if status is not None:
        obj["status"] = status
    return obj


def _cond(type_: str, status: str = "True", reason: str = "", message: str = "") -> dict[str, str]:
    return {"type": type_, "status": status, "reason": reason, "message": message}


CASES: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    (
        "Deployment",
        _obj(
            "apps/v1",
            "Deployment",
            {"replicas": 2},
            {"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 2},
            generation=1,
        ),
        _obj(
            "apps/v1",
            "Deployment",
            {"replicas": 2},
            {
                "observedGeneration": 1,
                "updatedReplicas": 2,
                "replicas": 2,
                "conditions": [_cond("Progressing", "False", "ProgressDeadlineExceeded")],
            },
            generation=1,
        ),
        health.DEGRADED,
    ),
    (
        "StatefulSet",
        _obj(
            "apps/v1",
            "StatefulSet",
            {"replicas": 1},
            {"observedGeneration": 1, "readyReplicas": 1, "currentRevision": "a", "updateRevision": "a"},
            generation=1,
        ),
        _obj("apps/v1", "StatefulSet", {"replicas": 1}, {"observedGeneration": 1, "readyReplicas": 0}, generation=1),
        health.PROGRESSING,
    ),
    (
        "Job",
        _obj("batch/v1", "Job", status={"conditions": [_cond("Complete")]}),
        _obj("batch/v1", "Job", status={"conditions": [_cond("Failed", message="BackoffLimitExceeded")]}),
        health.DEGRADED,
    ),
    (
        "PersistentVolumeClaim",
        _obj("v1", "PersistentVolumeClaim", status={"phase": "Bound"}),
        _obj("v1", "PersistentVolumeClaim", status={"phase": "Lost"}),
        health.DEGRADED,
    ),
    (
        "HorizontalPodAutoscaler",
        _obj(
            "autoscaling/v2",
            "HorizontalPodAutoscaler",
            status={"conditions": [_cond("AbleToScale", reason="SucceededRescale")]},
        ),
        _obj(
            "autoscaling/v2",
            "HorizontalPodAutoscaler",
            status={"conditions": [_cond("ScalingActive", "False", "FailedGetResourceMetric")]},
        ),
        health.DEGRADED,
    ),
    (
        "Service",
        _obj("v1", "Service", {"type": "ClusterIP"}),
        _obj("v1", "Service", {"type": "LoadBalancer"}, {"loadBalancer": {}}),
        health.PROGRESSING,
    ),
    (
        "Ingress",
        _obj("networking.k8s.io/v1", "Ingress", status={"loadBalancer": {"ingress": [{"ip": "10.0.0.1"}]}}),
        _obj("networking.k8s.io/v1", "Ingress", status={"loadBalancer": {}}),
        health.PROGRESSING,
    ),
    (
        "Pod",
        _obj("v1", "Pod", status={"phase": "Running", "conditions": [_cond("Ready")]}),
        _obj(
            "v1",
            "Pod",
            status={"phase": "Running", "containerStatuses": [{"state": {"waiting": {"reason": "CrashLoopBackOff"}}}]},
        ),
        health.DEGRADED,
    ),
    (
        "PodDisruptionBudget",
        _obj(
            "policy/v1",
            "PodDisruptionBudget",
            status={"conditions": [_cond("DisruptionAllowed", "False", "InsufficientPods")]},
        ),
        _obj(
            "policy/v1",
            "PodDisruptionBudget",
            status={"conditions": [_cond("DisruptionAllowed", "False", "SyncFailed")]},
        ),
        health.DEGRADED,
    ),
    (
        "CronJob",
        _obj(
            "batch/v1",
            "CronJob",
            status={"lastScheduleTime": "2026-01-02T00:00:00Z", "lastSuccessfulTime": "2026-01-02T00:05:00Z"},
        ),
        _obj(
            "batch/v1",
            "CronJob",
            status={"lastScheduleTime": "2026-01-03T00:00:00Z", "lastSuccessfulTime": "2026-01-02T00:05:00Z"},
        ),
        health.DEGRADED,
    ),
    (
        "ExternalSecret",
        _obj("external-secrets.io/v1", "ExternalSecret", status={"conditions": [_cond("Ready")]}),
        _obj(
            "external-secrets.io/v1",
            "ExternalSecret",
            status={"conditions": [_cond("Ready", "False", message="store not ready")]},
        ),
        health.DEGRADED,
    ),
    (
        "SealedSecret",
        _obj("bitnami.com/v1alpha1", "SealedSecret", status={"conditions": [_cond("Synced")]}),
        _obj("bitnami.com/v1alpha1", "SealedSecret", status={"conditions": [_cond("Synced", "False")]}),
        health.DEGRADED,
    ),
    (
        "Certificate",
        _obj("cert-manager.io/v1", "Certificate", status={"conditions": [_cond("Ready")]}),
        _obj("cert-manager.io/v1", "Certificate", status={"conditions": [_cond("Issuing"), _cond("Ready", "False")]}),
        health.PROGRESSING,
    ),
]


def test_every_rule_has_a_case() -> None:
    assert {kind for kind, *_ in CASES} == {kind for _group, kind in health.RULES}


@pytest.mark.parametrize(("kind", "good", "bad", "expected"), CASES, ids=[c[0] for c in CASES])
def test_healthy_and_unhealthy(kind: str, good: dict[str, Any], bad: dict[str, Any], expected: str) -> None:
    ok, ko = health.assess(good), health.assess(bad)
    assert ok is not None and ok.status == health.HEALTHY, kind
    assert ko is not None and ko.status == expected, kind


def test_kinds_without_health_and_deletion() -> None:
    assert health.assess(_obj("v1", "ConfigMap")) is None
    assert health.assess(_obj("monitoring.coreos.com/v1", "ServiceMonitor")) is None  # no Lua customization
    gone = _obj("v1", "Service", deletionTimestamp="2026-01-01T00:00:00Z")
    assert health.assess(gone) == health.Health(health.PROGRESSING, "Pending deletion")
    assert health.worst([health.HEALTHY, health.PROGRESSING, health.DEGRADED]) == health.DEGRADED
    assert health.worst([health.HEALTHY, health.PROGRESSING]) == health.PROGRESSING
