"""A resource that Argo CD would apply before what it needs (the first sync fails or hangs).

Argo CD applies resources by phase (PreSync, Sync, PostSync), then ``argocd.argoproj.io/sync-wave``, then
a fixed kind order, then name, and waits for each (phase, wave) step to be healthy before the next.
Every custom resource (ExternalSecret, SealedSecret, Certificate, ...) sorts after all built-in kinds of
its wave. This rule simulates that order over the validated set (the same simulation as
``gitops-gen plan``) and reports, on the consumer:

- a workload whose Secret, ConfigMap, PersistentVolumeClaim, ServiceAccount or Service (named as a host in
  its env, command or args) is applied after it;
- a workload in the same step as the ExternalSecret, SealedSecret or Certificate that makes its Secret
  (the Secret only appears once the controller has reconciled it: put the producer in an earlier wave);
- a workload that talks to a Service whose pods start in a later step (the wave can never become healthy);
- a hook (``argocd.argoproj.io/hook``) whose needs — Secret, ServiceAccount, the pods behind a Service it
  calls, a NetworkPolicy selecting it — are not in an earlier step: a hook starts at once and fails;
- a NetworkPolicy selecting a workload that is applied in a later step than the workload;
- a ``sync-wave`` annotation that is not an integer (Argo CD silently treats it as wave 0).

Objects absent from the set are not reported here (``missing-reference`` does that).

Only objects Argo CD syncs are checked: the overlays of an environment (profiles dev, staging, prod,
which Argo CD Applications deploy), or a set that shows Argo CD is involved: an ``argoproj.io``
Application or ApplicationSet, or any object with an ``argocd.argoproj.io/`` annotation (sync wave,
hook, sync options). Plain manifests applied with ``kubectl`` are not ordered by Argo CD, so the rule
is silent on them. The default severity is a warning: Argo CD retries a failed sync and the controllers
reconcile once the Secret exists, so a wrong order delays the first sync rather than breaking it.

PASS:
    apiVersion: external-secrets.io/v1
    kind: ExternalSecret
    metadata: {name: db, annotations: {argocd.argoproj.io/sync-wave: "-1"}}
    spec: {target: {name: db}}
    ---
    apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: postgres}
    spec:
      template:
        spec:
          containers:
            - name: postgres
              env: [{name: PGPASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}]

FAIL:
    apiVersion: external-secrets.io/v1
    kind: ExternalSecret
    metadata:
      name: db                    # wave 0, and custom kinds sort last: applied after the StatefulSet
      annotations: {argocd.argoproj.io/sync-wave: "0"}
    spec: {target: {name: db}}
    ---
    apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: postgres}
    spec:
      template:
        spec:
          containers:
            - name: postgres
              env: [{name: PGPASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}]
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.models.argocd.ordering import IndexedObjects, analyse
from generator.validate.context import Context
from generator.validate.crossref import memo
from generator.validate.model import Finding, Resource, Severity

ID = "argocd-sync-order"
CATEGORY = "argocd"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = None  # workloads, plus any object with a malformed sync-wave


ARGOCD_ANNOTATION_PREFIX = "argocd.argoproj.io/"
ENVIRONMENT_PROFILES = frozenset({"dev", "staging", "prod"})


def synced_by_argocd(ctx: Context) -> bool:
    """Whether Argo CD applies this set (see the module docs)."""

    def build() -> bool:
        if ctx.profile in ENVIRONMENT_PROFILES:
            return True
        for res in ctx.resources:
            if res.group == "argoproj.io" and res.kind in ("Application", "ApplicationSet"):
                return True
            annotations = res.metadata.get("annotations")
            if isinstance(annotations, dict) and any(str(k).startswith(ARGOCD_ANNOTATION_PREFIX) for k in annotations):
                return True
        return False

    return memo(ctx, "synced_by_argocd", build)


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if not synced_by_argocd(ctx):
        return []
    # the context's by_kind and pod_owners index the same as ordering.Objects: not built a second time.
    # Only the hazards by resource are kept: the plan (one Task per resource) is not needed afterwards.
    hazards = memo(ctx, "argocd_sync_order", lambda: analyse(IndexedObjects(ctx)).findings)
    return [Finding(h.message, h.path) for h in hazards.get(id(obj), [])]
