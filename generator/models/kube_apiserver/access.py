"""PodDisruptionBudget (policy), HorizontalPodAutoscaler (autoscaling), RBAC, ConfigMap/Secret keys and the
object metadata every kind shares.

Upstream: kubernetes/kubernetes pkg/apis/policy/validation/validation.go (ValidatePodDisruptionBudgetSpec),
pkg/apis/autoscaling/validation/validation.go (validateHorizontalPodAutoscalerSpec, ValidateCrossVersionObjectReference,
validateMetrics), pkg/apis/rbac/validation/validation.go (ValidatePolicyRule, ValidateRoleBinding,
ValidateClusterRoleBinding, ValidateRoleBindingSubject), pkg/apis/core/validation/validation.go
(ValidateObjectMeta, ValidateConfigMap, ValidateSecret).
"""

from __future__ import annotations

from typing import Any

from generator.models.kube_apiserver import apimachinery as am
from generator.models.kube_apiserver.base import Path, Violation, d, lst, num, text
from generator.models.kube_apiserver.workloads import validate_int_or_percent

CORE = "pkg/apis/core/validation/validation.go:"
POLICY = "pkg/apis/policy/validation/validation.go:"
AUTOSCALING = "pkg/apis/autoscaling/validation/validation.go:"
RBAC = "pkg/apis/rbac/validation/validation.go:"
RBAC_GROUP = "rbac.authorization.k8s.io"


def validate_metadata(obj: dict[str, Any]) -> list[Violation]:
    """ValidateObjectMeta: label keys/values and annotation keys/size (names are the invalid-name rule's)."""
    meta = d(obj.get("metadata"))
    out = [
        Violation(("metadata", "labels", *p.path), p.message, CORE + "ValidateObjectMeta (ValidateLabels)")
        for p in am.validate_labels(meta.get("labels"))
    ]
    out += [
        Violation(("metadata", "annotations", *p.path), p.message, CORE + "ValidateObjectMeta (ValidateAnnotations)")
        for p in am.validate_annotations(meta.get("annotations"))
    ]
    return out


def validate_pdb(obj: dict[str, Any]) -> list[Violation]:
    spec = d(obj.get("spec"))
    out: list[Violation] = []
    upstream = POLICY + "ValidatePodDisruptionBudgetSpec"
    if spec.get("minAvailable") is not None and spec.get("maxUnavailable") is not None:
        out.append(Violation(("spec",), "minAvailable and maxUnavailable cannot be both set", upstream))
    validate_int_or_percent(spec.get("minAvailable"), ("spec", "minAvailable"), upstream, out)
    validate_int_or_percent(spec.get("maxUnavailable"), ("spec", "maxUnavailable"), upstream, out)
    for p in am.validate_label_selector(spec.get("selector")):
        out.append(Violation(("spec", "selector", *p.path), p.message, upstream))
    policy = spec.get("unhealthyPodEvictionPolicy")
    if policy is not None and policy not in ("IfHealthyBudget", "AlwaysAllow"):
        out.append(
            Violation(
                ("spec", "unhealthyPodEvictionPolicy"),
                f'unsupported value "{policy}": IfHealthyBudget or AlwaysAllow',
                upstream,
            )
        )
    return out


_METRIC_TYPES = {
    "Object": "object",
    "Pods": "pods",
    "Resource": "resource",
    "ContainerResource": "containerResource",
    "External": "external",
}


def validate_hpa(obj: dict[str, Any]) -> list[Violation]:
    spec = d(obj.get("spec"))
    out: list[Violation] = []
    upstream = AUTOSCALING + "validateHorizontalPodAutoscalerSpec"
    low, high = num(spec.get("minReplicas")), num(spec.get("maxReplicas"))
    if low is not None and low < 1:
        out.append(
            Violation(
                ("spec", "minReplicas"),
                "must be greater than or equal to 1 (0 needs the alpha HPAScaleToZero feature)",
                upstream,
            )
        )
    if high is None:
        out.append(Violation(("spec", "maxReplicas"), "maxReplicas is required", upstream))
    elif high < 1:
        out.append(Violation(("spec", "maxReplicas"), "must be greater than 0", upstream))
    elif high < (low if low is not None else 1):
        out.append(
            Violation(("spec", "maxReplicas"), f"must be greater than or equal to `minReplicas` ({low})", upstream)
        )
    ref = d(spec.get("scaleTargetRef"))
    for field in ("kind", "name"):
        value = text(ref.get(field))
        if not value:
            out.append(
                Violation(
                    ("spec", "scaleTargetRef", field),
                    f"scaleTargetRef.{field} is required",
                    AUTOSCALING + "ValidateCrossVersionObjectReference",
                )
            )
        elif field == "name" and ("/" in value or "%" in value):
            out.append(
                Violation(
                    ("spec", "scaleTargetRef", "name"),
                    "may not contain '/' or '%'",
                    AUTOSCALING + "ValidateCrossVersionObjectReference",
                )
            )
    for i, metric in enumerate(lst(spec.get("metrics"))):
        mtype = d(metric).get("type")
        where: Path = ("spec", "metrics", i)
        if mtype not in _METRIC_TYPES:
            out.append(
                Violation(
                    (*where, "type"),
                    f'unsupported metric type "{mtype}": ' + ", ".join(_METRIC_TYPES),
                    AUTOSCALING + "validateMetricSpec",
                )
            )
            continue
        key = _METRIC_TYPES[str(mtype)]
        if d(metric).get(key) is None:
            out.append(
                Violation(
                    where,
                    f"must populate information for the given metric source ({key})",
                    AUTOSCALING + "validateMetricSpec",
                )
            )
        others = [k for k in _METRIC_TYPES.values() if k != key and d(metric).get(k) is not None]
        if others:
            out.append(
                Violation(
                    where,
                    f"must populate the given metric source only ({key}, not {others[0]})",
                    AUTOSCALING + "validateMetricSpec",
                )
            )
    return out


def validate_role(obj: dict[str, Any], *, cluster: bool) -> list[Violation]:
    """ValidatePolicyRule for every rule of a Role or ClusterRole."""
    out: list[Violation] = []
    upstream = RBAC + "ValidatePolicyRule"
    for i, rule in enumerate(lst(obj.get("rules"))):
        rule = d(rule)
        where: Path = ("rules", i)
        if not lst(rule.get("verbs")):
            out.append(Violation((*where, "verbs"), "verbs must contain at least one value", upstream))
        urls = lst(rule.get("nonResourceURLs"))
        if urls:
            if not cluster:
                out.append(
                    Violation(
                        (*where, "nonResourceURLs"), "namespaced rules cannot apply to non-resource URLs", upstream
                    )
                )
            if lst(rule.get("apiGroups")) or lst(rule.get("resources")) or lst(rule.get("resourceNames")):
                out.append(
                    Violation(
                        (*where, "nonResourceURLs"),
                        "rules cannot apply to both regular resources and non-resource URLs",
                        upstream,
                    )
                )
            continue
        if not lst(rule.get("apiGroups")):
            out.append(Violation((*where, "apiGroups"), "resource rules must supply at least one api group", upstream))
        if not lst(rule.get("resources")):
            out.append(Violation((*where, "resources"), "resource rules must supply at least one resource", upstream))
    return out


def validate_binding(obj: dict[str, Any], *, cluster: bool) -> list[Violation]:
    """ValidateRoleBinding / ValidateClusterRoleBinding and ValidateRoleBindingSubject."""
    out: list[Violation] = []
    fn = RBAC + ("ValidateClusterRoleBinding" if cluster else "ValidateRoleBinding")
    ref = d(obj.get("roleRef"))
    kinds = ("ClusterRole",) if cluster else ("Role", "ClusterRole")
    # Defaulting runs before validation (pkg/apis/rbac/v1/defaults.go): SetDefaults_RoleBinding and
    # SetDefaults_ClusterRoleBinding make an empty roleRef.apiGroup rbac.authorization.k8s.io, and
    # SetDefaults_Subject an empty apiGroup of a User or Group subject.
    if ref.get("apiGroup") not in (None, "", RBAC_GROUP):
        out.append(Violation(("roleRef", "apiGroup"), f'unsupported value "{ref.get("apiGroup")}": {RBAC_GROUP}', fn))
    if ref.get("kind") not in kinds:
        out.append(Violation(("roleRef", "kind"), f'unsupported value "{ref.get("kind")}": ' + " or ".join(kinds), fn))
    if not text(ref.get("name")):
        out.append(Violation(("roleRef", "name"), "roleRef.name is required", fn))
    for i, subject in enumerate(lst(obj.get("subjects"))):
        subject = d(subject)
        where: Path = ("subjects", i)
        kind, name = subject.get("kind"), text(subject.get("name"))
        sfn = RBAC + "ValidateRoleBindingSubject"
        if not name:
            out.append(Violation((*where, "name"), "subject name is required", sfn))
        if kind == "ServiceAccount":
            if subject.get("apiGroup") not in (None, ""):
                out.append(Violation((*where, "apiGroup"), 'must be "" for ServiceAccount subjects', sfn))
            for msg in am.is_dns1123_subdomain(name) if name else []:
                out.append(Violation((*where, "name"), f'"{name}": {msg}', sfn))
            if cluster and not text(subject.get("namespace")):
                out.append(
                    Violation(
                        (*where, "namespace"), "a ServiceAccount subject of a ClusterRoleBinding needs a namespace", sfn
                    )
                )
        elif kind in ("User", "Group"):
            if subject.get("apiGroup") not in (None, "", RBAC_GROUP):
                out.append(Violation((*where, "apiGroup"), f'must be "{RBAC_GROUP}" for {kind} subjects', sfn))
        else:
            out.append(Violation((*where, "kind"), f'unsupported value "{kind}": ServiceAccount, User or Group', sfn))
    return out


def validate_data_keys(obj: dict[str, Any]) -> list[Violation]:
    """ValidateConfigMap / ValidateSecret: keys are IsConfigMapKey and not in both data and binaryData."""
    out: list[Violation] = []
    fn = CORE + ("ValidateConfigMap" if obj.get("kind") == "ConfigMap" else "ValidateSecret")
    sections = ("data", "binaryData") if obj.get("kind") == "ConfigMap" else ("data", "stringData")
    seen: set[str] = set()
    for section in sections:
        for key in d(obj.get(section)):
            k = str(key)
            for msg in am.is_config_map_key(k):
                out.append(Violation((section, k), f'key "{k}": {msg}', fn))
            if k in seen and obj.get("kind") == "ConfigMap":
                out.append(Violation((section, k), f'duplicate of key "{k}" in data', fn))
            seen.add(k)
    return out
