"""PodSpec scheduling and miscellaneous fields: DNS policy, tolerations, pod (anti-)affinity terms, topology
spread constraints and the pod security context, as ``ValidatePodSpec`` checks them.

Upstream: kubernetes/kubernetes pkg/apis/core/validation/validation.go (function named per check).
"""

from __future__ import annotations

from typing import Any

from generator.models.kube_apiserver import apimachinery as am
from generator.models.kube_apiserver.base import Path, Violation, d, lst, num, text

V = "pkg/apis/core/validation/validation.go:"
_DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
_TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
_TOLERATION_EFFECTS = (None, "", *_TAINT_EFFECTS)  # a toleration may leave the effect empty: every effect


def dns(spec: dict[str, Any], base: Path, out: list[Violation]) -> None:
    """validateDNSPolicy / validatePodDNSConfig: a known policy; None needs dnsConfig.nameservers."""
    policy = spec.get("dnsPolicy")
    if policy is not None and policy not in _DNS_POLICIES:
        out.append(
            Violation(
                (*base, "dnsPolicy"),
                f'unsupported value "{policy}": ' + ", ".join(_DNS_POLICIES),
                V + "validateDNSPolicy",
            )
        )
    if policy == "None" and not lst(d(spec.get("dnsConfig")).get("nameservers")):
        out.append(
            Violation(
                (*base, "dnsConfig"),
                "must provide at least one DNS nameserver when DNSPolicy is None",
                V + "validatePodDNSConfig",
            )
        )


def tolerations(spec: dict[str, Any], base: Path, out: list[Violation]) -> None:
    """ValidateTolerations."""
    for i, tol in enumerate(lst(spec.get("tolerations"))):
        if not isinstance(tol, dict):
            continue
        tw = (*base, "tolerations", i)
        key, op, value, effect = (
            text(tol.get("key")),
            tol.get("operator", "Equal"),
            text(tol.get("value")),
            tol.get("effect"),
        )
        for msg in am.is_qualified_name(key) if key else []:
            out.append(Violation((*tw, "key"), f'"{key}": {msg}', V + "ValidateTolerations"))
        if not key and op != "Exists":
            out.append(
                Violation((*tw, "operator"), "operator must be Exists when `key` is empty", V + "ValidateTolerations")
            )
        if tol.get("tolerationSeconds") is not None and effect != "NoExecute":
            out.append(
                Violation(
                    (*tw, "effect"),
                    "effect must be 'NoExecute' when `tolerationSeconds` is set",
                    V + "ValidateTolerations",
                )
            )
        if op == "Exists" and value:
            out.append(
                Violation(
                    (*tw, "operator"), "value must be empty when `operator` is 'Exists'", V + "ValidateTolerations"
                )
            )
        elif op not in ("Equal", "Exists"):
            out.append(
                Violation((*tw, "operator"), f'unsupported operator "{op}": Equal or Exists', V + "ValidateTolerations")
            )
        if effect not in _TOLERATION_EFFECTS:
            out.append(Violation((*tw, "effect"), f'unsupported effect "{effect}"', V + "validateTaintEffect"))


def affinity(spec: dict[str, Any], base: Path, out: list[Violation]) -> None:
    """validateAffinity -> validatePodAffinityTerm: topologyKey required and a qualified name; selectors valid."""
    aff = d(spec.get("affinity"))
    for kind in ("podAffinity", "podAntiAffinity"):
        section = d(aff.get(kind))
        terms: list[tuple[Path, Any]] = []
        for i, t in enumerate(lst(section.get("requiredDuringSchedulingIgnoredDuringExecution"))):
            terms.append(((*base, "affinity", kind, "requiredDuringSchedulingIgnoredDuringExecution", i), t))
        for i, t in enumerate(lst(section.get("preferredDuringSchedulingIgnoredDuringExecution"))):
            terms.append(
                (
                    (*base, "affinity", kind, "preferredDuringSchedulingIgnoredDuringExecution", i, "podAffinityTerm"),
                    d(t).get("podAffinityTerm"),
                )
            )
        for tw, term in terms:
            term = d(term)
            key = text(term.get("topologyKey"))
            if not key:
                out.append(Violation((*tw, "topologyKey"), "can not be empty", V + "validatePodAffinityTerm"))
            else:
                for msg in am.is_qualified_name(key):
                    out.append(Violation((*tw, "topologyKey"), f'"{key}": {msg}', V + "validatePodAffinityTerm"))
            for p in am.validate_label_selector(term.get("labelSelector")):
                out.append(Violation((*tw, "labelSelector", *p.path), p.message, V + "validatePodAffinityTerm"))


def spread(spec: dict[str, Any], base: Path, out: list[Violation]) -> None:
    """validateTopologySpreadConstraints: maxSkew > 0, topologyKey set, whenUnsatisfiable known, and each
    (topologyKey, whenUnsatisfiable) pair once."""
    pairs: set[tuple[str, str]] = set()
    for i, tsc in enumerate(lst(spec.get("topologySpreadConstraints"))):
        if not isinstance(tsc, dict):
            continue
        tw = (*base, "topologySpreadConstraints", i)
        skew = num(tsc.get("maxSkew"))
        if skew is not None and skew <= 0:
            out.append(
                Violation((*tw, "maxSkew"), "must be greater than zero", V + "validateTopologySpreadConstraints")
            )
        key, when = text(tsc.get("topologyKey")), text(tsc.get("whenUnsatisfiable"))
        if not key:
            out.append(Violation((*tw, "topologyKey"), "can not be empty", V + "validateTopologySpreadConstraints"))
        if when not in ("DoNotSchedule", "ScheduleAnyway"):
            out.append(
                Violation(
                    (*tw, "whenUnsatisfiable"),
                    f'unsupported value "{when}": DoNotSchedule or ScheduleAnyway',
                    V + "validateTopologySpreadConstraints",
                )
            )
        if (key, when) in pairs:
            out.append(
                Violation(
                    tw,
                    f"duplicate {{topologyKey: {key}, whenUnsatisfiable: {when}}}",
                    V + "validateTopologySpreadConstraints",
                )
            )
        pairs.add((key, when))
        for p in am.validate_label_selector(tsc.get("labelSelector")):
            out.append(Violation((*tw, "labelSelector", *p.path), p.message, V + "validateTopologySpreadConstraints"))


def pod_security_context(spec: dict[str, Any], base: Path, out: list[Violation]) -> None:
    """ValidatePodSecurityContext: non-negative ids, and sysctl names (validateSysctls: IsQualifiedName-like
    dotted/slashed names, each once)."""
    sc = d(spec.get("securityContext"))
    for field in ("runAsUser", "runAsGroup", "fsGroup"):
        value = num(sc.get(field))
        if value is not None and not 0 <= value <= 2**31 - 1:
            out.append(
                Violation(
                    (*base, "securityContext", field),
                    "must be between 0 and 2147483647, inclusive",
                    V + "ValidatePodSecurityContext (ValidateNonnegativeField)",
                )
            )
    names: set[str] = set()
    for i, sysctl in enumerate(lst(sc.get("sysctls"))):
        name = text(d(sysctl).get("name"))
        sw = (*base, "securityContext", "sysctls", i, "name")
        if not name:
            out.append(Violation(sw, "sysctl name is required", V + "validateSysctls"))
        elif name in names:
            out.append(Violation(sw, f'duplicate sysctl "{name}"', V + "validateSysctls"))
        names.add(name)
