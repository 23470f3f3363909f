"""Pods violate the Pod Security level their Namespace warns or audits at.

``pod-security.kubernetes.io/warn: baseline|restricted`` makes the API server return a warning for every
pod (and workload template) that breaks the level; ``audit`` writes it to the audit log. The objects are
accepted, so this is a warning; breaches the enforced level already reports (rule ``pod-security``) are not
repeated. Same controls and model as ``pod-security`` (kubernetes/pod-security-admission
``policy/check_*.go``, ``generator/models/pod_security/``).

PASS:

    apiVersion: v1
    kind: Namespace
    metadata:
      name: jobs
      labels: {pod-security.kubernetes.io/warn: baseline}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: jobs}
    spec:
      containers: [{name: web, image: nginx:1.27}]

FAIL:

    apiVersion: v1
    kind: Namespace
    metadata:
      name: jobs
      labels: {pod-security.kubernetes.io/warn: baseline}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: jobs}
    spec:
      hostNetwork: true
      containers: [{name: web, image: nginx:1.27}]
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._pss import breaches
from generator.validate.workloads import WORKLOAD_KINDS

ID = "pod-security-warn"
CATEGORY = "workloads"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = WORKLOAD_KINDS


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    modes = breaches(ctx, obj)
    enforced = {(b.control, b.path) for _p, b in modes.get("enforce", ("", []))[1]}
    seen: set[tuple[str, tuple[str | int, ...]]] = set(enforced)
    out: list[Finding] = []
    for mode in ("warn", "audit"):
        if mode not in modes:
            continue
        level, found = modes[mode]
        for prefix, b in found:
            if (b.control, b.path) in seen:
                continue
            seen.add((b.control, b.path))
            out.append(
                Finding(
                    f"breaks Pod Security {level} (namespace {obj.namespace} {mode}s at it): {b.message} "
                    f"[{b.control}: kubernetes/pod-security-admission policy/{b.upstream}]",
                    pointer(*prefix, *b.path),
                )
            )
    return out
