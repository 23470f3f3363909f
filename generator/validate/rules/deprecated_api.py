"""deprecated-api: an apiVersion that the target Kubernetes version no longer serves, or has deprecated.

What it catches: for example ``extensions/v1beta1`` or ``networking.k8s.io/v1beta1`` Ingress (removed in
1.22), ``batch/v1beta1`` CronJob and ``policy/v1beta1`` PodDisruptionBudget (removed in 1.25),
``autoscaling/v2beta2`` HorizontalPodAutoscaler (removed in 1.26), ``flowcontrol.apiserver.k8s.io/v1beta3``
(removed in 1.32). The target version is ``--kubernetes-version`` or the environment's
``kubernetesVersion``. An API that is deprecated but still served is reported too, with the release that
removes it. The message names the replacement apiVersion.

Why: the API server of the target release rejects removed versions outright, and a deprecated one
breaks the next upgrade.

PASS:
    apiVersion: policy/v1
    kind: PodDisruptionBudget
    metadata:
      name: mlflow
    spec:
      minAvailable: 1
      selector:
        matchLabels: {app: mlflow}

FAIL:
    apiVersion: policy/v1beta1   # removed in Kubernetes 1.25
    kind: PodDisruptionBudget
    metadata:
      name: mlflow
    spec:
      minAvailable: 1
      selector:
        matchLabels: {app: mlflow}
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity

ID = "deprecated-api"
CATEGORY = "schema"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = None

# (apiVersion, kind) -> (deprecated in, removed in, replacement apiVersion); Kubernetes' deprecated API
# migration guide (kubernetes/website content/en/docs/reference/using-api/deprecation-guide.md).
_V116 = ((1, 9), (1, 16))
DEPRECATIONS: dict[tuple[str, str], tuple[tuple[int, int], tuple[int, int], str]] = {
    **{("extensions/v1beta1", k): (*_V116, "apps/v1") for k in ("Deployment", "DaemonSet", "ReplicaSet")},
    ("extensions/v1beta1", "NetworkPolicy"): ((1, 9), (1, 16), "networking.k8s.io/v1"),
    ("extensions/v1beta1", "PodSecurityPolicy"): ((1, 10), (1, 16), "policy/v1beta1 (itself removed in 1.25)"),
    **{("apps/v1beta1", k): (*_V116, "apps/v1") for k in ("Deployment", "StatefulSet", "ReplicaSet")},
    **{("apps/v1beta2", k): (*_V116, "apps/v1") for k in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")},
    ("extensions/v1beta1", "Ingress"): ((1, 14), (1, 22), "networking.k8s.io/v1"),
    ("networking.k8s.io/v1beta1", "Ingress"): ((1, 19), (1, 22), "networking.k8s.io/v1"),
    ("networking.k8s.io/v1beta1", "IngressClass"): ((1, 19), (1, 22), "networking.k8s.io/v1"),
    # v1.22: each group's v1beta1 of the kinds the guide names. Not the whole group version: it serves kinds
    # added since (ValidatingAdmissionPolicy 1.28, MutatingAdmissionPolicy 1.34, ClusterTrustBundle and
    # LeaseCandidate 1.33, SelfSubjectReview 1.27), which the bundled schemas of those releases hold.
    **{
        ("admissionregistration.k8s.io/v1beta1", k): ((1, 16), (1, 22), "admissionregistration.k8s.io/v1")
        for k in ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")
    },
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"): ((1, 16), (1, 22), "apiextensions.k8s.io/v1"),
    ("apiregistration.k8s.io/v1beta1", "APIService"): ((1, 19), (1, 22), "apiregistration.k8s.io/v1"),
    ("authentication.k8s.io/v1beta1", "TokenReview"): ((1, 19), (1, 22), "authentication.k8s.io/v1"),
    **{
        ("authorization.k8s.io/v1beta1", k): ((1, 19), (1, 22), "authorization.k8s.io/v1")
        for k in ("LocalSubjectAccessReview", "SelfSubjectAccessReview", "SubjectAccessReview")
    },
    ("certificates.k8s.io/v1beta1", "CertificateSigningRequest"): ((1, 19), (1, 22), "certificates.k8s.io/v1"),
    ("coordination.k8s.io/v1beta1", "Lease"): ((1, 19), (1, 22), "coordination.k8s.io/v1"),
    **{
        ("rbac.authorization.k8s.io/v1beta1", k): ((1, 17), (1, 22), "rbac.authorization.k8s.io/v1")
        for k in ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")
    },
    ("scheduling.k8s.io/v1beta1", "PriorityClass"): ((1, 14), (1, 22), "scheduling.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSIDriver"): ((1, 19), (1, 22), "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSINode"): ((1, 17), (1, 22), "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "StorageClass"): ((1, 19), (1, 22), "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "VolumeAttachment"): ((1, 19), (1, 22), "storage.k8s.io/v1"),
    ("batch/v1beta1", "CronJob"): ((1, 21), (1, 25), "batch/v1"),
    ("discovery.k8s.io/v1beta1", "EndpointSlice"): ((1, 21), (1, 25), "discovery.k8s.io/v1"),
    ("events.k8s.io/v1beta1", "Event"): ((1, 19), (1, 25), "events.k8s.io/v1"),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler"): ((1, 22), (1, 25), "autoscaling/v2"),
    ("policy/v1beta1", "PodDisruptionBudget"): ((1, 21), (1, 25), "policy/v1"),
    ("policy/v1beta1", "PodSecurityPolicy"): ((1, 21), (1, 25), "Pod Security Admission"),
    ("node.k8s.io/v1beta1", "RuntimeClass"): ((1, 20), (1, 25), "node.k8s.io/v1"),
    **{
        ("flowcontrol.apiserver.k8s.io/v1beta1", k): ((1, 23), (1, 26), "flowcontrol.apiserver.k8s.io/v1")
        for k in ("FlowSchema", "PriorityLevelConfiguration")
    },
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"): ((1, 23), (1, 26), "autoscaling/v2"),
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity"): ((1, 24), (1, 27), "storage.k8s.io/v1"),
    **{
        ("flowcontrol.apiserver.k8s.io/v1beta2", k): ((1, 26), (1, 29), "flowcontrol.apiserver.k8s.io/v1")
        for k in ("FlowSchema", "PriorityLevelConfiguration")
    },
    **{
        ("flowcontrol.apiserver.k8s.io/v1beta3", k): ((1, 29), (1, 32), "flowcontrol.apiserver.k8s.io/v1")
        for k in ("FlowSchema", "PriorityLevelConfiguration")
    },
}


def parse_minor(version: str) -> tuple[int, int]:
    parts = version.lstrip("v").split(".")
    try:
        return int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        return (1, 99)


def lookup(api_version: str, kind: str) -> tuple[tuple[int, int], tuple[int, int], str] | None:
    return DEPRECATIONS.get((api_version, kind))


def is_removed(api_version: str, kind: str, kubernetes_version: str) -> bool:
    entry = lookup(api_version, kind)
    return entry is not None and parse_minor(kubernetes_version) >= entry[1]


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    entry = lookup(obj.api_version, obj.kind)
    if entry is None:
        return ()
    deprecated, removed, replacement = entry
    target = parse_minor(ctx.kubernetes_version)
    if target < deprecated:
        return ()
    removed_text = f"{removed[0]}.{removed[1]}"
    if target >= removed:
        message = (
            f"{obj.api_version} {obj.kind} was removed in Kubernetes {removed_text} "
            f"(target {ctx.kubernetes_version}); use {replacement}"
        )
    else:
        message = (
            f"{obj.api_version} {obj.kind} is deprecated since Kubernetes {deprecated[0]}.{deprecated[1]} "
            f"and removed in {removed_text}; use {replacement}"
        )
    return (Finding(message=message, path="/apiVersion"),)
