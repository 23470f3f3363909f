"""ignore-without-reason: a ``gitops-gen.io/ignore`` annotation without ``gitops-gen.io/ignore-reason``.

What it catches: an object that tries to silence rules without saying why. Such an ignore is not
honoured (the findings it names are still reported) and this rule reports the annotation itself. Also
reported: rule ids in the annotation that do not exist.

Why: every exception to a policy must be explained where it is made, so a reviewer can judge it.

PASS:
    apiVersion: v1
    kind: Service
    metadata:
      name: mlflow
      annotations:
        gitops-gen.io/ignore: service-type
        gitops-gen.io/ignore-reason: "the cloud load balancer is the only ingress in this cluster"

FAIL:
    apiVersion: v1
    kind: Service
    metadata:
      name: mlflow
      annotations:
        gitops-gen.io/ignore: service-type   # no gitops-gen.io/ignore-reason
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer

ID = "ignore-without-reason"
CATEGORY = "policy"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = None

IGNORE = "gitops-gen.io/ignore"
IGNORE_REASON = "gitops-gen.io/ignore-reason"


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    annotations = obj.metadata.get("annotations")
    if not isinstance(annotations, dict) or IGNORE not in annotations:
        return ()
    return list(_check(annotations))


def _check(annotations: dict[str, object]) -> Iterable[Finding]:
    reason = annotations.get(IGNORE_REASON)
    if not isinstance(reason, str) or not reason.strip():
        yield Finding(
            message=f"{IGNORE} is not honoured without a non-empty {IGNORE_REASON} annotation",
            path=pointer("metadata", "annotations", IGNORE),
        )
    from generator.validate.rules import RULES

    value = annotations.get(IGNORE)
    for rule_id in str(value).split(",") if value is not None else []:
        rule_id = rule_id.strip()
        if rule_id and rule_id not in RULES:
            yield Finding(
                message=f'{IGNORE} names unknown rule "{rule_id}"', path=pointer("metadata", "annotations", IGNORE)
            )
