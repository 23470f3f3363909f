"""Argo CD's apply order, simulated offline, and the ordering hazards it implies.

Argo CD (gitops-engine ``pkg/sync/sync_tasks.go``) sorts sync tasks by

1. phase: PreSync, Sync, PostSync, SyncFail (hooks run in the phase named by ``argocd.argoproj.io/hook``;
   every other resource is in the Sync phase);
2. wave: ``argocd.argoproj.io/sync-wave`` (else ``helm.sh/hook-weight``; missing or not an integer: 0);
3. kind, in the fixed :data:`KIND_ORDER` list; a kind missing from it (every custom resource:
   ExternalSecret, SealedSecret, Certificate, ServiceMonitor, ...) sorts after all listed kinds;
4. name;

then moves each Namespace before the first task in that namespace and each CustomResourceDefinition
before the first custom resource of its kind (the dependant's phase and wave are taken over). Argo CD
applies one (phase, wave) step at a time and waits until that step is healthy before the next one.

:func:`plan` computes that order (pure, over :class:`~generator.models.k8s.K8sObject`); the ordering
hazards are in :mod:`.ordering`, health in :mod:`.health`, the first-sync simulation in :mod:`.simulate`.
Moved here from ``generator/gitops/syncorder.py`` so ``plan``, ``diff`` and the ``argocd-*`` rules share it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from generator.models.k8s import K8sObject

# gitops-engine pkg/sync/sync_tasks.go (argoproj/gitops-engine master, commit 88ed7d23), in that order.
KIND_ORDER: tuple[str, ...] = (
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
)
# As in Go: listed kinds get negative ranks, unknown kinds 0 (the highest), so they sort last.
_KIND_RANK: dict[str, int] = {kind: i - len(KIND_ORDER) for i, kind in enumerate(KIND_ORDER)}

PHASES: tuple[str, ...] = ("PreSync", "Sync", "PostSync", "SyncFail")
_PHASE_RANK = {"PreSync": -1, "Sync": 0, "PostSync": 1, "SyncFail": 2}

HOOK = "argocd.argoproj.io/hook"
HOOK_DELETE_POLICY = "argocd.argoproj.io/hook-delete-policy"
SYNC_WAVE = "argocd.argoproj.io/sync-wave"
HELM_HOOK = "helm.sh/hook"
HELM_HOOK_WEIGHT = "helm.sh/hook-weight"
# Argo CD maps Helm hooks onto its phases (hooks it does not support are ignored).
_HELM_PHASES = {
    "pre-install": "PreSync",
    "pre-upgrade": "PreSync",
    "post-install": "PostSync",
    "post-upgrade": "PostSync",
}
# Kinds whose Secret appears only once their controller has reconciled them (asynchronously).
ASYNC_SECRET_PRODUCERS = frozenset({"ExternalSecret", "SealedSecret", "Certificate"})
_PRODUCED_KINDS = frozenset({"Secret", "ConfigMap", "PersistentVolumeClaim", "ServiceAccount", "Service"})


def kind_rank(kind: str) -> int:
    """The position of ``kind`` in Argo CD's kind order (negative), 0 for kinds not in the list."""
    return _KIND_RANK.get(kind, 0)


def parse_wave(value: str | None) -> int | None:
    """An integer wave, or None when the annotation is not an integer (Argo CD then uses 0)."""
    if value is None:
        return 0
    text = value.strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    return None


def _wave(ann: dict[str, str]) -> int:
    raw = ann.get(SYNC_WAVE)
    if raw is None and HELM_HOOK in ann:
        raw = ann.get(HELM_HOOK_WEIGHT)
    wave = parse_wave(raw)
    return 0 if wave is None else wave


def resource_wave(res: K8sObject) -> int:
    return _wave(res.annotations)


def _hook_phases(ann: dict[str, str]) -> tuple[str, ...] | None:
    if HOOK in ann:
        names = [p.strip() for p in ann[HOOK].split(",") if p.strip()]
        if "Skip" in names:
            return ()
        return tuple(p for p in PHASES if p in names)  # PostDelete and unknown values: not part of a sync
    if HELM_HOOK in ann:
        mapped = {_HELM_PHASES[p.strip()] for p in ann[HELM_HOOK].split(",") if p.strip() in _HELM_PHASES}
        return tuple(p for p in PHASES if p in mapped)
    return None


def hook_phases(res: K8sObject) -> tuple[str, ...] | None:
    """The phases a hook runs in, () for a ``Skip`` hook (never applied), None for a plain resource."""
    return _hook_phases(res.annotations)


@dataclass(slots=True)
class Task:
    """One step of a sync: a resource applied (or a hook run) in a phase and wave."""

    resource: K8sObject
    phase: str
    wave: int
    hook: bool
    kind: str = ""
    name: str = ""
    delete_policy: str = ""  # hooks only: argocd.argoproj.io/hook-delete-policy
    position: int = 0  # 0-based position in the final order
    step: int = 0  # index of the (phase, wave) group, in order

    def sort_key(self) -> tuple[int, int, int, str]:
        return (_PHASE_RANK[self.phase], self.wave, _KIND_RANK.get(self.kind, 0), self.name)

    def describe(self) -> str:
        return f"{self.phase} wave {self.wave}"


def _tasks(resources: Iterable[K8sObject]) -> list[Task]:
    tasks: list[Task] = []
    for res in resources:
        ann = res.annotations
        phases = _hook_phases(ann)
        wave = _wave(ann)
        kind, name = res.kind, res.name
        if phases is None:
            tasks.append(Task(res, "Sync", wave, False, kind, name))
        else:
            policy = ann.get(HOOK_DELETE_POLICY, "")
            tasks.extend(Task(res, phase, wave, True, kind, name, policy) for phase in phases)
    return tasks


def _adjust_deps(
    tasks: list[Task],
    is_dep: Callable[[K8sObject], str | None],
    refs_dep: Callable[[K8sObject], str | None],
) -> None:
    """gitops-engine ``adjustDeps``: move each dependency before its first dependant, taking its step."""
    first_index: dict[str, int] = {}
    for i in range(len(tasks)):
        task = tasks[i]
        dep_key = is_dep(task.resource)
        if dep_key is not None:
            index = first_index.get(dep_key)
            if index is not None:
                task.wave = tasks[index].wave
                task.phase = tasks[index].phase
                tasks[index + 1 : i + 1] = tasks[index:i]
                tasks[index] = task
                for key, value in first_index.items():
                    if value >= index:
                        first_index[key] = value + 1
        else:
            ref = refs_dep(task.resource)
            if ref is not None and ref not in first_index:
                first_index[ref] = i


def _namespace_dep(res: K8sObject) -> str | None:
    return res.name if res.kind == "Namespace" and res.group == "" else None


def _namespace_ref(res: K8sObject) -> str | None:
    return res.namespace or None


def _crd_dep(res: K8sObject) -> str | None:
    if res.kind != "CustomResourceDefinition":
        return None
    spec = res.obj.get("spec")
    if not isinstance(spec, dict):
        return None
    names = spec.get("names")
    group, kind = spec.get("group"), names.get("kind") if isinstance(names, dict) else None
    if isinstance(group, str) and isinstance(kind, str):
        return f"{group}/{kind}"
    return None


def _crd_ref(res: K8sObject) -> str | None:
    return f"{res.group}/{res.kind}"


def plan(resources: Iterable[K8sObject]) -> list[Task]:
    """Every sync task in the order Argo CD runs them (positions and steps filled in)."""
    tasks = sorted(_tasks(resources), key=Task.sort_key)
    kinds = {task.kind for task in tasks}
    if "Namespace" in kinds:  # (adjustDeps is a no-op without a dependency of its kind)
        _adjust_deps(tasks, _namespace_dep, _namespace_ref)
    if "CustomResourceDefinition" in kinds:
        _adjust_deps(tasks, _crd_dep, _crd_ref)
    step = -1
    last: tuple[str, int] | None = None
    for position, task in enumerate(tasks):
        if (task.phase, task.wave) != last:
            step += 1
            last = (task.phase, task.wave)
        task.position = position
        task.step = step
    return tasks


def steps(tasks: Sequence[Task]) -> list[tuple[str, int, list[Task]]]:
    """The ordered tasks grouped into (phase, wave, tasks) steps."""
    out: list[tuple[str, int, list[Task]]] = []
    for task in tasks:
        if out and out[-1][0] == task.phase and out[-1][1] == task.wave:
            out[-1][2].append(task)
        else:
            out.append((task.phase, task.wave, [task]))
    return out
