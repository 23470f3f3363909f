"""duplicate-key: the same key appears twice in one YAML mapping.

What it catches: a mapping such as ``env`` item or ``resources`` block where a key is written twice.
YAML parsers keep the last value silently (kubectl does too), so the first value is lost without a
word. The finding points at the second occurrence.

Why: duplicated keys are almost always a merge or copy-paste accident, and which value wins depends on
the tool that reads the file.

PASS:
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
    data:
      LOG_LEVEL: info

FAIL:
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
    data:
      LOG_LEVEL: info
      LOG_LEVEL: debug   # duplicate key
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity
from generator.validate.positions import parse_pointer

ID = "duplicate-key"
CATEGORY = "schema"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = None


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if not obj.duplicate_keys:
        return ()
    return tuple(
        Finding(message=f'duplicate key "{(parse_pointer(ptr) or [ptr])[-1]}" (the last value wins)', path=ptr)
        for ptr in obj.duplicate_keys
    )
