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
    metadata: {name: db}          # wave 0, and custom kinds sort last: applied after the StatefulSet
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

import weakref
from collections.abc import Callable, Iterable

from generator.models.argocd.ordering import Analysis, analyse
from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity

ID = "argocd-sync-order"
CATEGORY = "argocd"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = None  # workloads, plus any object with a malformed sync-wave


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    return [Finding(h.message, h.path) for h in _analysis(ctx).findings.get(id(obj), [])]


# One simulation per validated set (the rule runs once per object), dropped with the context.
_CACHE: dict[int, tuple[weakref.ref[Context], Analysis]] = {}


def _analysis(ctx: Context) -> Analysis:
    key = id(ctx)
    entry = _CACHE.get(key)
    if entry is not None and entry[0]() is ctx:
        return entry[1]
    result = analyse(ctx.resources)
    _CACHE[key] = (weakref.ref(ctx, _forget(key)), result)
    return result


def _forget(key: int) -> Callable[[weakref.ref[Context]], None]:
    def drop(_ref: weakref.ref[Context]) -> None:
        _CACHE.pop(key, None)

    return drop
