"""Argo CD 3.x resource health, ported from its sources: one rule per kind we emit.

Each rule maps a *live* object (with ``status``) to a :class:`Health` exactly as Argo CD does, so the tests
can feed it healthy and unhealthy objects; :data:`RULES` is the registry and :func:`assess` the lookup. A
kind without a rule has no health (``None``): Argo CD treats it as done as soon as it is applied
(gitops-engine ``pkg/sync/sync_context.go``: "some objects (e.g. secret) do not have health, and they
automatically success").

Sources (argoproj/gitops-engine ``pkg/health/``, argoproj/argo-cd ``resource_customizations/``) are named in
each rule's docstring. Statuses are ordered as in gitops-engine ``pkg/health/health.go`` ``healthOrder``;
an Application's health is the worst status of its (non-hook) resources.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.models.k8s import d, lst

HEALTHY, SUSPENDED, PROGRESSING, MISSING, DEGRADED, UNKNOWN = (
    "Healthy",
    "Suspended",
    "Progressing",
    "Missing",
    "Degraded",
    "Unknown",
)
# gitops-engine pkg/health/health.go healthOrder: most healthy first.
ORDER: tuple[str, ...] = (HEALTHY, SUSPENDED, PROGRESSING, MISSING, DEGRADED, UNKNOWN)


@dataclass(frozen=True, slots=True)
class Health:
    status: str
    message: str = ""


def worst(statuses: list[str]) -> str:
    """The application-level status: the worst of its non-hook resources (argo-cd ``controller/health.go``
    ``setApplicationHealth`` with gitops-engine health.go ``IsWorse``)."""
    return max(statuses, key=ORDER.index, default=HEALTHY)


def _conditions(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return [d(c) for c in lst(d(obj.get("status")).get("conditions"))]


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def deployment(obj: dict[str, Any]) -> Health:
    """apps/Deployment — gitops-engine ``pkg/health/health_deployment.go`` (getAppsv1DeploymentHealth):
    paused: Suspended; observed generation behind: Progressing; condition Progressing with reason
    ProgressDeadlineExceeded: Degraded; fewer updated or available replicas than wanted: Progressing;
    else Healthy. A pod that never becomes Ready therefore turns its Deployment Degraded only through the
    progress deadline (``spec.progressDeadlineSeconds``, default 600 s)."""
    spec, status = d(obj.get("spec")), d(obj.get("status"))
    if spec.get("paused") is True:
        return Health(SUSPENDED, "Deployment is paused")
    if _int(d(obj.get("metadata")).get("generation")) > _int(status.get("observedGeneration")):
        return Health(PROGRESSING, "observed deployment generation less than desired generation")
    for cond in _conditions(obj):
        if cond.get("type") == "Progressing" and cond.get("reason") == "ProgressDeadlineExceeded":
            return Health(DEGRADED, "exceeded its progress deadline")
    replicas = spec.get("replicas", 1)
    updated, total, available = (_int(status.get(k)) for k in ("updatedReplicas", "replicas", "availableReplicas"))
    if isinstance(replicas, int) and updated < replicas:
        return Health(PROGRESSING, f"{updated} out of {replicas} new replicas have been updated")
    if total > updated:
        return Health(PROGRESSING, f"{total - updated} old replicas are pending termination")
    if available < updated:
        return Health(PROGRESSING, f"{available} of {updated} updated replicas are available")
    return Health(HEALTHY)


def statefulset(obj: dict[str, Any]) -> Health:
    """apps/StatefulSet — gitops-engine ``pkg/health/health_statefulset.go`` (getAppsv1StatefulSetHealth):
    spec not observed yet: Progressing; fewer ready replicas than wanted: Progressing (never Degraded: a
    StatefulSet whose pod cannot start holds a waited-on wave forever); update revision behind: Progressing."""
    spec, status = d(obj.get("spec")), d(obj.get("status"))
    observed = _int(status.get("observedGeneration"))
    if observed == 0 or _int(d(obj.get("metadata")).get("generation")) > observed:
        return Health(PROGRESSING, "Waiting for statefulset spec update to be observed")
    replicas = spec.get("replicas", 1)
    if isinstance(replicas, int) and _int(status.get("readyReplicas")) < replicas:
        return Health(PROGRESSING, f"Waiting for {replicas - _int(status.get('readyReplicas'))} pods to be ready")
    strategy = d(spec.get("updateStrategy"))
    if strategy.get("type") == "OnDelete":
        return Health(HEALTHY)
    if status.get("updateRevision") != status.get("currentRevision") and not d(strategy.get("rollingUpdate")):
        return Health(PROGRESSING, "waiting for statefulset rolling update to complete")
    return Health(HEALTHY)


def job(obj: dict[str, Any]) -> Health:
    """batch/Job — gitops-engine ``pkg/health/health_job.go`` (getBatchv1JobHealth): condition Failed:
    Degraded; Complete: Healthy; otherwise Progressing. As a hook it is waited on until it completes."""
    failed = complete = False
    for cond in _conditions(obj):
        if cond.get("type") == "Failed" and cond.get("status", "True") == "True":
            failed = complete = True
        elif cond.get("type") == "Complete" and cond.get("status", "True") == "True":
            complete = True
    if not complete:
        return Health(PROGRESSING)
    return Health(DEGRADED, "job failed") if failed else Health(HEALTHY)


def pvc(obj: dict[str, Any]) -> Health:
    """v1/PersistentVolumeClaim — gitops-engine ``pkg/health/health_pvc.go``: Bound: Healthy; Pending:
    Progressing (no StorageClass provisions it, or WaitForFirstConsumer without a consumer yet); Lost:
    Degraded; anything else: Unknown."""
    phase = d(obj.get("status")).get("phase")
    return Health({"Bound": HEALTHY, "Pending": PROGRESSING, "Lost": DEGRADED}.get(str(phase), UNKNOWN))


# gitops-engine pkg/health/health_hpa.go isDegraded / isHealthy
_HPA_DEGRADED = {
    ("AbleToScale", "FailedGetScale"),
    ("AbleToScale", "FailedUpdateScale"),
    ("ScalingActive", "FailedGetResourceMetric"),
    ("ScalingActive", "InvalidSelector"),
}
_HPA_HEALTHY = {
    ("AbleToScale", "SucceededRescale"),
    ("ScalingLimited", "DesiredWithinRange"),
    ("ScalingLimited", "TooFewReplicas"),
    ("ScalingLimited", "TooManyReplicas"),
}


def hpa(obj: dict[str, Any]) -> Health:
    """autoscaling/HorizontalPodAutoscaler — gitops-engine ``pkg/health/health_hpa.go`` (checkConditions):
    the first condition that is ScalingActive/FailedGetResourceMetric (pods without metrics yet, or no
    metrics-server), ScalingActive/InvalidSelector or AbleToScale/FailedGet|UpdateScale makes it Degraded;
    AbleToScale/SucceededRescale or ScalingLimited/* Healthy; else Progressing ("Waiting to Autoscale").
    Fresh pods report no CPU metrics for a while, so an HPA must never sit in a waited-on wave."""
    for cond in _conditions(obj):
        key = (str(cond.get("type")), str(cond.get("reason")))
        if key in _HPA_DEGRADED:
            return Health(DEGRADED, str(cond.get("message", "")))
        if key in _HPA_HEALTHY:
            return Health(HEALTHY, str(cond.get("message", "")))
    return Health(PROGRESSING, "Waiting to Autoscale")


def service(obj: dict[str, Any]) -> Health:
    """v1/Service — gitops-engine ``pkg/health/health_service.go``: Healthy, except a LoadBalancer
    without ``status.loadBalancer.ingress`` (Progressing)."""
    if d(obj.get("spec")).get("type") == "LoadBalancer" and not lst(
        d(d(obj.get("status")).get("loadBalancer")).get("ingress")
    ):
        return Health(PROGRESSING)
    return Health(HEALTHY)


def ingress(obj: dict[str, Any]) -> Health:
    """networking.k8s.io/Ingress — gitops-engine ``pkg/health/health_ingress.go``: Healthy once the
    ingress controller of its class has written ``status.loadBalancer.ingress``, else Progressing (no
    controller for the class: the wave waits forever)."""
    if lst(d(d(obj.get("status")).get("loadBalancer")).get("ingress")):
        return Health(HEALTHY)
    return Health(PROGRESSING)


def pod(obj: dict[str, Any]) -> Health:
    """v1/Pod — gitops-engine ``pkg/health/health_pod.go`` (getCorev1PodHealth): restartPolicy Always and a
    container waiting with a reason starting with Err or ending in Error/BackOff: Degraded; Pending:
    Progressing; Succeeded: Healthy; Failed: Degraded; Running: Healthy when Ready (restartPolicy Always)."""
    spec, status = d(obj.get("spec")), d(obj.get("status"))
    always = spec.get("restartPolicy", "Always") == "Always"
    if always:
        for cs in lst(status.get("containerStatuses")):
            reason = str(d(d(d(cs).get("state")).get("waiting")).get("reason", ""))
            if reason and (reason.startswith("Err") or reason.endswith(("Error", "BackOff"))):
                return Health(DEGRADED, reason)
    phase = status.get("phase")
    if phase == "Pending":
        return Health(PROGRESSING)
    if phase == "Succeeded":
        return Health(HEALTHY)
    if phase == "Failed":
        return Health(DEGRADED)
    if phase == "Running":
        ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in _conditions(obj))
        return Health(HEALTHY) if always and ready else Health(PROGRESSING)
    return Health(UNKNOWN)


def pdb(obj: dict[str, Any]) -> Health:
    """policy/PodDisruptionBudget — argo-cd ``resource_customizations/policy/PodDisruptionBudget/health.lua``:
    no status: Progressing ("Waiting for status"); a False condition other than InsufficientPods: Degraded;
    otherwise Healthy (InsufficientPods while the pods start is Healthy)."""
    conditions = _conditions(obj)
    if not obj.get("status"):
        return Health(PROGRESSING, "Waiting for status")
    result = Health(PROGRESSING, "Waiting for status")
    for cond in conditions:
        if cond.get("status") == "False" and cond.get("reason") != "InsufficientPods":
            return Health(DEGRADED, f"PodDisruptionBudget has {cond.get('reason')}")
        result = Health(HEALTHY, f"PodDisruptionBudget has {cond.get('reason')}")
    return result


def cronjob(obj: dict[str, Any]) -> Health:
    """batch/CronJob — argo-cd ``resource_customizations/batch/CronJob/health.lua``: suspended: Suspended;
    no status: Progressing; never scheduled yet: Healthy; last successful run older than the last schedule
    with nothing active: Degraded; else Healthy."""
    if d(obj.get("spec")).get("suspend") is True:
        return Health(SUSPENDED, "CronJob is Suspended")
    status = obj.get("status")
    if not isinstance(status, dict):
        return Health(PROGRESSING, "Waiting for CronJob")
    scheduled, succeeded = status.get("lastScheduleTime"), status.get("lastSuccessfulTime")
    if scheduled is None or succeeded is None or lst(status.get("active")):
        return Health(HEALTHY)
    if str(succeeded) < str(scheduled):
        return Health(DEGRADED, "CronJob has not completed its last execution successfully")
    return Health(HEALTHY)


def _ready_condition(obj: dict[str, Any], kind: str) -> Health | None:
    for cond in _conditions(obj):
        if cond.get("type") == kind:
            if cond.get("status") == "True":
                return Health(HEALTHY, str(cond.get("message", "")))
            if cond.get("status") == "False":
                return Health(DEGRADED, str(cond.get("message", "")))
    return None


def external_secret(obj: dict[str, Any]) -> Health:
    """external-secrets.io/ExternalSecret — argo-cd
    ``resource_customizations/external-secrets.io/ExternalSecret/health.lua``: condition Ready True: Healthy,
    False: Degraded (store not ready, key or property missing, access denied); no condition yet: Progressing
    ("Waiting for ExternalSecret")."""
    return _ready_condition(obj, "Ready") or Health(PROGRESSING, "Waiting for ExternalSecret")


def sealed_secret(obj: dict[str, Any]) -> Health:
    """bitnami.com/SealedSecret — argo-cd ``resource_customizations/bitnami.com/SealedSecret/health.lua``:
    condition Synced True: Healthy, False: Degraded (cannot decrypt: wrong controller key); else Progressing
    ("Waiting for Sealed Secret to be decrypted": no controller installed)."""
    return _ready_condition(obj, "Synced") or Health(PROGRESSING, "Waiting for Sealed Secret to be decrypted")


def certificate(obj: dict[str, Any]) -> Health:
    """cert-manager.io/Certificate — argo-cd ``resource_customizations/cert-manager.io/Certificate/health.lua``:
    condition Issuing True: Progressing (checked first); Ready False: Degraded; Ready True: Healthy; else
    Progressing ("Waiting for certificate"). An HTTP-01 challenge whose solver pod is unreachable keeps it
    Issuing, i.e. Progressing, for ever."""
    for cond in _conditions(obj):
        if cond.get("type") == "Issuing" and cond.get("status") == "True":
            return Health(PROGRESSING, str(cond.get("message", "")))
    return _ready_condition(obj, "Ready") or Health(PROGRESSING, "Waiting for certificate")


HealthFn = Callable[[dict[str, Any]], Health]


@dataclass(frozen=True, slots=True)
class HealthRule:
    group: str
    kind: str
    check: HealthFn


# (group, kind) -> rule. gitops-engine pkg/health/health.go GetHealthCheckFunc for the built-in kinds,
# argo-cd resource_customizations/<group>/<kind>/health.lua for the others. ServiceMonitor has no entry in
# resource_customizations/monitoring.coreos.com/ (only Alertmanager, Prometheus, PrometheusAgent,
# ThanosRuler), so it has no health and is done once applied.
RULES: dict[tuple[str, str], HealthRule] = {
    (r.group, r.kind): r
    for r in (
        HealthRule("apps", "Deployment", deployment),
        HealthRule("apps", "StatefulSet", statefulset),
        HealthRule("batch", "Job", job),
        HealthRule("", "PersistentVolumeClaim", pvc),
        HealthRule("autoscaling", "HorizontalPodAutoscaler", hpa),
        HealthRule("", "Service", service),
        HealthRule("networking.k8s.io", "Ingress", ingress),
        HealthRule("", "Pod", pod),
        HealthRule("policy", "PodDisruptionBudget", pdb),
        HealthRule("batch", "CronJob", cronjob),
        HealthRule("external-secrets.io", "ExternalSecret", external_secret),
        HealthRule("bitnami.com", "SealedSecret", sealed_secret),
        HealthRule("cert-manager.io", "Certificate", certificate),
    )
}


def rule_for(group: str, kind: str) -> HealthRule | None:
    return RULES.get((group, kind))


def assess(obj: dict[str, Any]) -> Health | None:
    """The health Argo CD computes for a live object; None for kinds without health (done once applied).
    ``metadata.deletionTimestamp`` set: Progressing ("Pending deletion", health.go GetResourceHealth)."""
    if d(obj.get("metadata")).get("deletionTimestamp"):
        return Health(PROGRESSING, "Pending deletion")
    api = obj.get("apiVersion")
    group = api.rpartition("/")[0] if isinstance(api, str) else ""
    rule = rule_for(group, str(obj.get("kind", "")))
    return rule.check(obj) if rule is not None else None
