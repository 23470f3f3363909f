"""A Job must clean up after itself: set ``spec.ttlSecondsAfterFinished``.

Finished Jobs and their pods stay in the cluster forever otherwise: they pile up with every sync, keep
their logs and volumes pinned, and Argo CD cannot re-create a Job with the same name (its pod template
is immutable) until the old one is gone. The TTL controller deletes the Job that many seconds after it
completes.

Decision: a Job that is an Argo CD resource hook (annotation ``argocd.argoproj.io/hook``, any phase but
``Skip``) together with an ``argocd.argoproj.io/hook-delete-policy`` passes without a TTL, because Argo CD
itself deletes it (``HookSucceeded``/``HookFailed`` after it ends, ``BeforeHookCreation`` before the
next run, so at most one finished copy remains). CronJobs are not checked here: their Jobs are bounded
by the history limits (see cronjob-concurrency). The path is ``/spec`` (or the document root).

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
HOOK_DELETE_POLICY = "argocd.argoproj.io/hook-delete-policy"


def _is_deleted_hook(obj: Resource) -> bool:
    annotations = obj.annotations
    phases = {p.strip() for p in annotations.get(HOOK, "").split(",") if p.strip()}
    return bool(phases - {"Skip"}) and bool(annotations.get(HOOK_DELETE_POLICY, "").strip())


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if obj.kind != "Job":
        return ()
    spec = as_dict(obj.obj.get("spec"))
    ttl = spec.get("ttlSecondsAfterFinished")
    if isinstance(ttl, int) and not isinstance(ttl, bool):
        return ()
    if _is_deleted_hook(obj):
        return ()
    where = pointer("spec") if "spec" in obj.obj else ""
    return (
        Finding(
            f'Set spec.ttlSecondsAfterFinished on Job "{obj.name}" (or make it an Argo CD hook with a '
            "hook-delete-policy) so finished Jobs are deleted.",
            path=where,
        ),
    )
