"""What every Pod Security control shares: the :class:`Breach` type and tolerant accessors
(kubernetes/pod-security-admission policy/visitor.go and helpers.go)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

LABEL_PREFIX = "pod-security.kubernetes.io/"
LEVELS = ("privileged", "baseline", "restricted")
MODES = ("enforce", "warn", "audit")
REPO = "kubernetes/pod-security-admission policy/"

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Breach:
    control: str  # upstream check ID, e.g. "capabilities_restricted"
    message: str
    path: Path  # relative to the pod (template) root: ("spec", ...) or ("metadata", ...)
    upstream: str  # file of the check


def _d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def parse_policy_version(value: str, default: tuple[int, int]) -> tuple[int, int]:
    """``latest`` (or unset/unparsable) -> ``default`` (the target cluster); ``v1.29`` -> (1, 29)."""
    text = value.strip().lstrip("v")
    major, _, minor = text.partition(".")
    if major.isdigit() and minor.isdigit():
        return int(major), int(minor)
    return default


def _containers(spec: dict[str, Any]) -> Iterator[tuple[Path, dict[str, Any]]]:
    """visitContainers: init, regular, ephemeral."""
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for i, c in enumerate(_l(spec.get(key))):
            if isinstance(c, dict):
                yield ("spec", key, i), c


def _csc(c: dict[str, Any]) -> dict[str, Any]:
    return _d(c.get("securityContext"))


def _name(c: dict[str, Any]) -> str:
    return str(c.get("name", ""))


def _windows(spec: dict[str, Any]) -> bool:
    return _d(spec.get("os")).get("name") == "windows"


def _user_ns(spec: dict[str, Any], version: tuple[int, int]) -> bool:
    """relaxPolicyForUserNamespacePod, used by runAsNonRoot/runAsUser/procMount from 1.35."""
    return version >= (1, 35) and spec.get("hostUsers") is False
