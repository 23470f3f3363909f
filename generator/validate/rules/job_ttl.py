"""A Job must clean up after itself: set ``spec.ttlSecondsAfterFinished``.

Finished Jobs and their pods stay in the cluster forever otherwise: they pile up with every sync, keep
their logs and volumes pinned, and Argo CD cannot re-create a Job with the same name (its pod template
is immutable) until the old one is gone. The TTL controller deletes the Job that many seconds after it
completes.

Decision: a Job that is an Argo CD resource hook passes without a TTL, because Argo CD itself deletes
it: annotation ``argocd.argoproj.io/hook`` with any phase but ``Skip`` (or a Helm ``helm.sh/hook``, which
Argo CD runs as a hook too). Its ``argocd.argoproj.io/hook-delete-policy`` says when (``HookSucceeded``
or ``HookFailed`` after it ends, ``BeforeHookCreation`` before the next run, so at most one finished copy
remains); without the annotation Argo CD applies ``BeforeHookCreation`` (gitops-engine's default), so a
hook is never left to pile up. The generator still spells the policy out. CronJobs are not checked here:
their Jobs are bounded by the history limits (see cronjob-concurrency). The path is ``/spec`` (or the
document root).

PASS:

    apiVersion: batch/v1
    kind: Job
    metadata:
      name: mlflow-db-migrate
      annotations:
        argocd.argoproj.io/hook: Sync
        argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - {name: migrate, image: "ghcr.io/mlflow/mlflow:v2.16.2"}

FAIL:

    apiVersion: batch/v1
    kind: Job
    metadata: {name: train}
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - {name: train, image: "registry.example.com/train:1.4.0"}
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._helpers import as_dict

ID = "job-ttl"
CATEGORY = "workloads"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = frozenset({"Job"})

HOOK = "argocd.argoproj.io/hook"
HELM_HOOK = "helm.sh/hook"


def is_argocd_hook(obj: Resource) -> bool:
    """Whether Argo CD runs (and so deletes, by its hook-delete-policy) this object as a resource hook."""
    annotations = obj.metadata.get("annotations")
    if not isinstance(annotations, dict):
        return False
    phases = {p.strip() for p in str(annotations.get(HOOK) or "").split(",") if p.strip()}
    return bool(phases - {"Skip"}) or bool(str(annotations.get(HELM_HOOK) or "").strip())


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if obj.kind != "Job":
        return ()
    spec = as_dict(obj.obj.get("spec"))
    ttl = spec.get("ttlSecondsAfterFinished")
    if isinstance(ttl, int) and not isinstance(ttl, bool):
        return ()
    if is_argocd_hook(obj):
        return ()
    where = pointer("spec") if "spec" in obj.obj else ""
    return (
        Finding(
            f'Set spec.ttlSecondsAfterFinished on Job "{obj.shown_name}" so finished Jobs and their pods are deleted.',
            path=where,
        ),
    )
