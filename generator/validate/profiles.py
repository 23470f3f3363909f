"""Severity per rule per profile. A rule module carries its default severity (used by the ``default``
profile, for plain files); a profile changes some of them or turns them ``off``; an environment file's
``policy.severity`` overrides both. Rules never look at severity.
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.errors import InputError
from generator.validate.model import Severity

OFF = "off"
LEVELS = ("error", "warning", "info", OFF)
PROFILE_NAMES = ("default", "dev", "staging", "prod")

# Only differences from the rule defaults are listed. Reasons:
# - dev runs one replica on a laptop-sized cluster: availability rules do not apply, and a developer may
#   reach services without TLS or NetworkPolicies, so those are hints there.
# - staging mirrors prod but a missed PDB or anti-affinity is not worth blocking a merge.
# - prod blocks on anything that weakens availability, isolation or reproducibility.
PROFILES: dict[str, dict[str, str]] = {
    "default": {},
    "dev": {
        "min-replicas": OFF,
        "missing-pdb": OFF,
        "no-anti-affinity": OFF,
        "non-isolated-pod": "info",
        "ingress-tls": "info",
        "service-type": "warning",
        "missing-probes": "info",
        "missing-resources": "warning",
        "writable-root-fs": "warning",
        "job-ttl": "info",
    },
    "staging": {
        "min-replicas": "warning",
        "missing-pdb": "warning",
        "no-anti-affinity": "info",
        "non-isolated-pod": "warning",
    },
    "prod": {
        "latest-tag": "error",
        "missing-resources": "error",
        "missing-probes": "error",
        "run-as-root": "error",
        "writable-root-fs": "error",
        "min-replicas": "error",
        "missing-pdb": "error",
        "no-anti-affinity": "warning",
        "non-isolated-pod": "error",
        "ingress-tls": "error",
        "deprecated-api": "error",
    },
}


def parse_level(value: str, *, where: str) -> Severity | None:
    """``"error"|"warning"|"info"`` -> Severity, ``"off"`` -> None; anything else is an input error."""
    text = value.strip().lower()
    if text == OFF:
        return None
    try:
        return Severity(text)
    except ValueError:
        raise InputError(f"{where}: severity must be one of {', '.join(LEVELS)}, not '{value}'") from None


def severities(
    profile: str,
    defaults: Mapping[str, Severity],
    overrides: Mapping[str, str] | None = None,
    *,
    where: str = "policy.severity",
) -> dict[str, Severity | None]:
    """The effective severity of every rule (None = off) for a profile plus environment overrides."""
    if profile not in PROFILES:
        raise InputError(f"unknown profile '{profile}' (expected one of {', '.join(PROFILE_NAMES)})")
    table: dict[str, Severity | None] = dict(defaults)
    for rule_id, level in PROFILES[profile].items():
        if rule_id in table:
            table[rule_id] = parse_level(level, where=f"profile {profile}")
    for rule_id, level in (overrides or {}).items():
        if rule_id not in table:
            raise InputError(f"{where}: unknown rule '{rule_id}' (see `gitops-gen rules`)")
        table[rule_id] = parse_level(str(level), where=f"{where}.{rule_id}")
    return table
