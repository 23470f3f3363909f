"""TODO: missing-resources (stub; the registry test fails until this rule has docs, a firing and a passing test)."""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity

ID = "missing-resources"
CATEGORY = "workloads"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = None


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    return ()
