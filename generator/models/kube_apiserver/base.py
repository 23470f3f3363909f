"""What every validation module of this package shares: the :class:`Violation` type, the version switch
and small accessors that tolerate malformed input (the schema rules report wrong types; this package
must never raise on them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Path = tuple[str | int, ...]
Outcome = Literal["reject", "warn", "runtime"]


@dataclass(frozen=True, slots=True)
class Violation:
    """One thing the API server would refuse (``reject``), accept with a ``Warning:`` header (``warn``), or
    accept although the object can never work (``runtime``: the kubelet or a controller fails on it).

    ``path`` points into the object; ``upstream`` names the Kubernetes function that implements the check."""

    path: Path
    message: str
    upstream: str
    outcome: Outcome = "reject"


def d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def lst(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def num(value: Any) -> int | None:
    """An integer field (booleans are not integers here)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def parse_version(version: str) -> tuple[int, int]:
    """ "1.33" -> (1, 33); anything unparsable is treated as the newest behaviour."""
    major, _, minor = version.partition(".")
    try:
        return int(major), int(minor.split(".")[0])
    except ValueError:
        return 1, 99


@dataclass(frozen=True, slots=True)
class Options:
    """Behaviour that depends on the target cluster."""

    version: tuple[int, int] = (1, 33)

    @property
    def relaxed_env_names(self) -> bool:
        # pkg/features/kube_features.go: RelaxedEnvironmentVariableValidation beta (on) in 1.32, GA 1.34.
        return self.version >= (1, 32)
