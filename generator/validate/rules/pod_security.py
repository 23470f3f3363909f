"""Pods violate the Pod Security level their Namespace enforces: admission rejects them.

A Namespace labelled ``pod-security.kubernetes.io/enforce: baseline|restricted`` (optionally
``enforce-version: v1.N``, default ``latest`` = the target Kubernetes version) makes the API server's Pod
Security admission reject every pod that breaks the level. For a Deployment, StatefulSet, Job ... the
workload object itself is accepted (templates are only checked for warn/audit), then every pod its
controller creates is rejected: the rollout never starts. The Namespace must be in the validated set.

Every control of kubernetes/pod-security-admission ``policy/check_*.go`` is evaluated
(``generator/models/pod_security/``), by check ID: baseline ``hostNamespaces``, ``privileged``,
``capabilities_baseline`` (add only the default set), ``hostPathVolumes``, ``hostPorts``,
``appArmorProfile``, ``seLinuxOptions``, ``procMount``, ``seccompProfile_baseline``, ``sysctls`` (the safe
set of the version), ``windowsHostProcess``, ``hostProbesAndHostLifecycle`` (1.34+); restricted adds
``restrictedVolumes``, ``allowPrivilegeEscalation``, ``runAsNonRoot``, ``runAsUser`` (not 0),
``seccompProfile_restricted`` (RuntimeDefault or Localhost), ``capabilities_restricted`` (drop ALL, add only
NET_BIND_SERVICE) and ``procMount_restricted`` (1.35+). Peers: kube-linter ``privileged-container``,
``privilege-escalation-container``, ``run-as-non-root``, ``host-*``; kube-score
``container-security-context-*``; checkov CKV_K8S_* — none evaluates the namespace's level. The
``pod-security-warn`` rule reports the ``warn``/``audit`` labels.

PASS:

    apiVersion: v1
    kind: Namespace
    metadata:
      name: mlflow
      labels: {pod-security.kubernetes.io/enforce: restricted}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: mlflow}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: web
          image: nginxinc/nginx-unprivileged:1.27
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}

FAIL:

    apiVersion: v1
    kind: Namespace
    metadata:
      name: mlflow
      labels: {pod-security.kubernetes.io/enforce: restricted}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: mlflow}
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._pss import breaches
from generator.validate.workloads import WORKLOAD_KINDS

ID = "pod-security"
CATEGORY = "workloads"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = WORKLOAD_KINDS


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    entry = breaches(ctx, obj).get("enforce")
    if entry is None:
        return []
    level, found = entry
    what = "Pod" if obj.kind == "Pod" else f"every pod of this {obj.kind}"
    return [
        Finding(
            f"{what} would be rejected by Pod Security admission (namespace {obj.namespace} enforces {level}): "
            f"{b.message} [{b.control}: kubernetes/pod-security-admission policy/{b.upstream}]",
            pointer(*prefix, *b.path),
        )
        for prefix, b in found
    ]
