"""What an RBAC rule grants, as the API server's RBAC authorizer decides it.

Upstream: kubernetes/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches, APIGroupMatches,
ResourceMatches: ``*`` matches everything, ``<resource>/*`` every subresource, ``*/<sub>`` that subresource
of any resource) and the default ClusterRoles of plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go
(``cluster-admin`` grants everything; ``admin`` and ``edit`` read and write Secrets and create pods and
pods/exec; ``view`` excludes Secrets).
"""

from __future__ import annotations

from typing import Any

STAR = "*"
# The aggregated defaults a binding may name without the ClusterRole being in the repository.
_ALL = [{"apiGroups": [STAR], "resources": [STAR], "verbs": [STAR]}]
_EDIT = [
    {
        "apiGroups": [""],
        "resources": ["secrets", "pods", "pods/exec", "pods/attach", "pods/portforward"],
        "verbs": ["get", "list", "watch", "create", "delete", "deletecollection", "patch", "update"],
    },
]
BUILT_IN_CLUSTER_ROLES: dict[str, list[dict[str, Any]]] = {"cluster-admin": _ALL, "admin": _EDIT, "edit": _EDIT}


def _strs(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def verb_matches(rule: dict[str, Any], verb: str) -> bool:
    verbs = _strs(rule.get("verbs"))
    return STAR in verbs or verb in verbs


def group_matches(rule: dict[str, Any], group: str) -> bool:
    groups = _strs(rule.get("apiGroups"))
    return STAR in groups or group in groups


def resource_matches(rule: dict[str, Any], resource: str) -> bool:
    """ResourceMatches: exact, ``*``, ``pods/*`` for subresources of pods, ``*/exec`` for any resource's exec."""
    base, _, sub = resource.partition("/")
    for r in _strs(rule.get("resources")):
        if r in (STAR, resource):
            return True
        if sub and (r == f"{base}/*" or r == f"*/{sub}"):
            return True
    return False


def grants(rules: Any, verb: str, group: str, resource: str) -> bool:
    """True when one of ``rules`` allows ``verb`` on ``group``/``resource`` (resourceNames ignored: a rule
    limited to names still grants them)."""
    return any(
        isinstance(r, dict) and verb_matches(r, verb) and group_matches(r, group) and resource_matches(r, resource)
        for r in (rules if isinstance(rules, list) else [])
    )
