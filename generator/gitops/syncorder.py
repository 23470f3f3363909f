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

:func:`plan` computes that order; :func:`hazards` reports every consumer that would be applied before
(or, where readiness matters, in the same step as) what it needs. Both are pure and work on
:class:`~generator.validate.model.Resource` objects, so ``gitops-gen plan`` and the ``argocd-sync-order``
rule share one implementation.
"""

from __future__ import annotations

import bisect
import re
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, pointer
from generator.validate.workloads import WORKLOAD_KINDS, containers, pod_template

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


def resource_wave(res: Resource) -> int:
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


def hook_phases(res: Resource) -> tuple[str, ...] | None:
    """The phases a hook runs in, () for a ``Skip`` hook (never applied), None for a plain resource."""
    return _hook_phases(res.annotations)


@dataclass(slots=True)
class Task:
    """One step of a sync: a resource applied (or a hook run) in a phase and wave."""

    resource: Resource
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


def _tasks(resources: Iterable[Resource]) -> list[Task]:
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
    is_dep: Callable[[Resource], str | None],
    refs_dep: Callable[[Resource], str | None],
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


def _namespace_dep(res: Resource) -> str | None:
    return res.name if res.kind == "Namespace" and res.group == "" else None


def _namespace_ref(res: Resource) -> str | None:
    return res.namespace or None


def _crd_dep(res: Resource) -> str | None:
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


def _crd_ref(res: Resource) -> str | None:
    return f"{res.group}/{res.kind}"


def plan(resources: Iterable[Resource]) -> list[Task]:
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


# ------------------------------------------------------------------------------------- dependencies


def _d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


@dataclass(frozen=True, slots=True)
class Need:
    """Something a consumer needs at start: (kind, namespace, name), found at ``path``."""

    kind: str  # Secret, ConfigMap, PersistentVolumeClaim, ServiceAccount, Service
    namespace: str
    name: str
    parts: tuple[str | int, ...]  # path parts (a JSON pointer is only built for a finding)

    @property
    def path(self) -> str:
        return pointer(*self.parts)


def _optional(ref: dict[str, Any]) -> bool:
    return ref.get("optional") is True


def pod_needs(res: Resource) -> Iterator[Need]:
    """Secrets, ConfigMaps, PVCs and the ServiceAccount a workload's pods need to start."""
    tmpl = pod_template(res)
    if tmpl is None:
        return
    ns, spec, base = res.namespace, tmpl.spec, tmpl.path
    sa = spec.get("serviceAccountName") or spec.get("serviceAccount")
    if isinstance(sa, str) and sa and sa != "default":
        key = "serviceAccountName" if "serviceAccountName" in spec else "serviceAccount"
        yield Need("ServiceAccount", ns, sa, (*base, key))
    for i, ref in enumerate(_l(spec.get("imagePullSecrets"))):
        name = _d(ref).get("name")
        if isinstance(name, str) and name:
            yield Need("Secret", ns, name, (*base, "imagePullSecrets", i, "name"))
    for i, vol in enumerate(_l(spec.get("volumes"))):
        vol = _d(vol)
        secret, cm, pvc = _d(vol.get("secret")), _d(vol.get("configMap")), _d(vol.get("persistentVolumeClaim"))
        if isinstance(secret.get("secretName"), str) and not _optional(secret):
            yield Need("Secret", ns, secret["secretName"], (*base, "volumes", i, "secret", "secretName"))
        if isinstance(cm.get("name"), str) and not _optional(cm):
            yield Need("ConfigMap", ns, cm["name"], (*base, "volumes", i, "configMap", "name"))
        if isinstance(pvc.get("claimName"), str):
            path = (*base, "volumes", i, "persistentVolumeClaim", "claimName")
            yield Need("PersistentVolumeClaim", ns, pvc["claimName"], path)
        for j, src in enumerate(_l(_d(vol.get("projected")).get("sources"))):
            for key, kind in (("secret", "Secret"), ("configMap", "ConfigMap")):
                ref = _d(_d(src).get(key))
                if isinstance(ref.get("name"), str) and not _optional(ref):
                    path = (*base, "volumes", i, "projected", "sources", j, key, "name")
                    yield Need(kind, ns, ref["name"], path)
    for c in containers(res):
        for i, env in enumerate(_l(c.obj.get("env"))):
            value_from = _d(_d(env).get("valueFrom"))
            for key, kind in (("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")):
                ref = _d(value_from.get(key))
                if isinstance(ref.get("name"), str) and not _optional(ref):
                    yield Need(kind, ns, ref["name"], (*c.path, "env", i, "valueFrom", key, "name"))
        for i, env_from in enumerate(_l(c.obj.get("envFrom"))):
            for key, kind in (("secretRef", "Secret"), ("configMapRef", "ConfigMap")):
                ref = _d(_d(env_from).get(key))
                if isinstance(ref.get("name"), str) and not _optional(ref):
                    yield Need(kind, ns, ref["name"], (*c.path, "envFrom", i, key, "name"))


_HOST = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*")


_HOST_VAR = re.compile(r"(HOST|HOSTNAME|HOSTS|SERVER|SERVICE|ENDPOINT|ADDR|ADDRESS|URL|URI)$", re.IGNORECASE)


def _host_candidates(text: str, *, bare: bool) -> Iterator[str]:
    """Tokens of ``text`` written as a host: after ``://`` or ``@``, before ``:<port>``, or (``bare``:
    the value of a variable named like ``*_HOST``/``*_URL``) a comma-separated list of hosts."""
    if bare and all(_HOST.fullmatch(part.strip()) for part in text.split(",")):
        yield from (part.strip() for part in text.split(","))
        return
    for m in _HOST.finditer(text):
        before, after = text[max(0, m.start() - 3) : m.start()], text[m.end() : m.end() + 2]
        if before.endswith("://") or before.endswith("@") or (after[:1] == ":" and after[1:2].isdigit()):
            yield m.group(0)


def _service_of(host: str, namespace: str) -> tuple[str, str] | None:
    """(namespace, name) of the Service a host names: ``svc``, ``svc.ns``, ``svc.ns.svc[.cluster.local]``."""
    parts = host.split(".")
    if len(parts) == 1:
        return (namespace, parts[0])
    if len(parts) == 2 or parts[2:] in (["svc"], ["svc", "cluster", "local"]):
        return (parts[1], parts[0])
    return None


def service_needs(res: Resource, services: set[tuple[str, str]]) -> Iterator[Need]:
    """Services (in ``services``) that a workload's env values, command or args name as a host."""
    seen: set[tuple[str, str]] = set()
    for c in containers(res):
        texts: list[tuple[str, tuple[str | int, ...], bool]] = []
        for i, env in enumerate(_l(c.obj.get("env"))):
            value, name = _d(env).get("value"), _d(env).get("name")
            if isinstance(value, str):
                bare = isinstance(name, str) and _HOST_VAR.search(name) is not None
                texts.append((value, (*c.path, "env", i, "value"), bare))
        for key in ("command", "args"):
            for i, arg in enumerate(_l(c.obj.get(key))):
                if isinstance(arg, str):
                    texts.append((arg, (*c.path, key, i), False))
        for text, path, bare in texts:
            for host in _host_candidates(text, bare=bare):
                svc = _service_of(host, res.namespace)
                if svc is not None and svc in services and svc not in seen:
                    seen.add(svc)
                    yield Need("Service", svc[0], svc[1], path)


def secret_names_produced(res: Resource) -> list[str]:
    """Names of the Secrets ``res`` makes appear (asynchronously, through its controller)."""
    spec = _d(res.obj.get("spec"))
    if res.kind == "ExternalSecret":
        target = _d(spec.get("target")).get("name")
        return [target if isinstance(target, str) and target else res.name]
    if res.kind == "SealedSecret":
        name = _d(_d(spec.get("template")).get("metadata")).get("name")
        return [name if isinstance(name, str) and name else res.name]
    if res.kind == "Certificate":
        name = spec.get("secretName")
        return [name] if isinstance(name, str) and name else []
    return []


# ------------------------------------------------------------------------------------------- hazards


@dataclass
class Analysis:
    """The order of one context and its hazards, keyed by the consumer resource (identity)."""

    tasks: list[Task]
    findings: dict[int, list[Finding]] = field(default_factory=dict)
    hazards: list[tuple[Resource, Finding]] = field(default_factory=list)

    def add(self, res: Resource, finding: Finding) -> None:
        self.findings.setdefault(id(res), []).append(finding)
        self.hazards.append((res, finding))


def _first(tasks: list[Task]) -> Task:
    return min(tasks, key=lambda t: t.position)


def _label_matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    match = {str(k): str(v) for k, v in _d(selector.get("matchLabels")).items()}
    if not match.items() <= labels.items():
        return False
    for expr in _l(selector.get("matchExpressions")):
        expr = _d(expr)
        key, op = str(expr.get("key", "")), expr.get("operator")
        values = {str(v) for v in _l(expr.get("values"))}
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def analyse(ctx: Context) -> Analysis:
    """Simulate Argo CD's order over ``ctx`` and collect every ordering hazard (cached per context)."""
    key = id(ctx)
    entry = _CACHE.get(key)
    if entry is not None and entry[0]() is ctx:
        return entry[1]
    result = _analyse(ctx)
    _CACHE[key] = (weakref.ref(ctx, _forget(key)), result)
    return result


_CACHE: dict[int, tuple[weakref.ref[Context], Analysis]] = {}


def _forget(key: int) -> Callable[[weakref.ref[Context]], None]:
    def drop(_ref: weakref.ref[Context]) -> None:
        _CACHE.pop(key, None)

    return drop


def _where(task: Task) -> str:
    return f"{task.phase} wave {task.wave}"


def _analyse(ctx: Context) -> Analysis:
    tasks = plan(ctx.resources)
    result = Analysis(tasks)
    by_res: dict[int, list[Task]] = defaultdict(list)
    for task in tasks:
        by_res[id(task.resource)].append(task)

    # Producers, indexed by (kind, namespace, name): the tasks that make each object exist.
    producers: dict[tuple[str, str, str], list[tuple[Task, bool]]] = defaultdict(list)  # (task, async)
    services: set[tuple[str, str]] = set()
    for task in tasks:
        res = task.resource
        if task.kind in _PRODUCED_KINDS:
            producers[(task.kind, res.namespace, task.name)].append((task, False))
            if task.kind == "Service":
                services.add((res.namespace, task.name))
        elif task.kind in ASYNC_SECRET_PRODUCERS:
            for name in secret_names_produced(res):
                producers[("Secret", res.namespace, name)].append((task, True))
    policies = _policy_index(ctx, by_res)

    for res in ctx.resources:
        annotations = res.metadata.get("annotations")
        wave_raw = annotations.get(SYNC_WAVE) if isinstance(annotations, dict) else None
        if wave_raw is not None and parse_wave(str(wave_raw)) is None:
            result.add(
                res,
                Finding(
                    f"sync-wave {wave_raw!r} is not an integer; Argo CD silently uses wave 0",
                    pointer("metadata", "annotations", SYNC_WAVE),
                ),
            )
        own = by_res.get(id(res))
        if not own or res.kind not in WORKLOAD_KINDS:
            continue
        consumer = _first(own)
        hook = consumer.hook
        needs: dict[tuple[str, str, str], Need] = {}
        for need in (*pod_needs(res), *service_needs(res, services)):
            needs.setdefault((need.kind, need.namespace, need.name), need)  # first reference only
        for need in needs.values():
            found = producers.get((need.kind, need.namespace, need.name))
            if not found:
                continue  # missing entirely: the missing-reference rule reports that
            prod_task, is_async = min(found, key=lambda p: p[0].position)
            producer = prod_task.resource
            if need.kind == "Service" and any(b is res for b in _backends(ctx, producer)):
                continue  # a workload naming its own Service (e.g. in an allowed-hosts list)
            what = f"{need.kind} {need.namespace}/{need.name}"
            via = "" if producer.kind == need.kind else f" (made by {producer.kind} {producer.name})"
            if prod_task.position > consumer.position:
                result.add(
                    res,
                    Finding(
                        f"{what}{via} is applied after this {res.kind} ({_where(prod_task)} vs "
                        f"{_where(consumer)}); give it an earlier sync-wave",
                        need.path,
                    ),
                )
            elif (is_async or hook) and prod_task.step == consumer.step:
                reason = (
                    "its Secret appears only once the controller reconciles it" if is_async else "hooks start at once"
                )
                result.add(
                    res,
                    Finding(
                        f"{what}{via} is applied in the same step as this {'hook' if hook else res.kind} "
                        f"({_where(consumer)}) and {reason}; give it an earlier sync-wave",
                        need.path,
                    ),
                )
            if need.kind == "Service":
                _check_backends(ctx, res, consumer, producer, need, by_res, result)
        _check_policies(res, consumer, policies.get(res.namespace), result)
    return result


def _backends(ctx: Context, svc: Resource) -> list[Resource]:
    selector = {str(k): str(v) for k, v in _d(_d(svc.obj.get("spec")).get("selector")).items()}
    return ctx.pod_owners(svc.namespace, selector)


def _check_backends(
    ctx: Context,
    res: Resource,
    consumer: Task,
    svc: Resource,
    need: Need,
    by_res: dict[int, list[Task]],
    result: Analysis,
) -> None:
    """The pods behind a Service a consumer talks to must be running first (a hook: an earlier step)."""
    for backend in _backends(ctx, svc):
        if backend is res or not by_res.get(id(backend)):
            continue
        b_task = _first(by_res[id(backend)])
        if b_task.step > consumer.step or (consumer.hook and b_task.step == consumer.step):
            result.add(
                res,
                Finding(
                    f"needs Service {svc.namespace}/{svc.name} whose {backend.kind} {backend.name} runs in "
                    f"{_where(b_task)}, not before this {'hook' if consumer.hook else res.kind} "
                    f"({_where(consumer)}); give the {backend.kind} an earlier sync-wave",
                    need.path,
                ),
            )


def _policy_index(ctx: Context, by_res: dict[int, list[Task]]) -> dict[str, tuple[list[int], list[tuple[Task, Any]]]]:
    """Per namespace, the NetworkPolicies as (first task, podSelector), sorted by step, with their steps."""
    grouped: dict[str, list[tuple[Task, Any]]] = defaultdict(list)
    for pol in ctx.by_kind("NetworkPolicy"):
        tasks = by_res.get(id(pol))
        if tasks:
            grouped[pol.namespace].append((_first(tasks), _d(_d(pol.obj.get("spec")).get("podSelector"))))
    out: dict[str, tuple[list[int], list[tuple[Task, Any]]]] = {}
    for namespace, items in grouped.items():
        items.sort(key=lambda item: item[0].step)
        out[namespace] = ([task.step for task, _ in items], items)
    return out


def _check_policies(
    res: Resource,
    consumer: Task,
    policies: tuple[list[int], list[tuple[Task, Any]]] | None,
    result: Analysis,
) -> None:
    """A NetworkPolicy selecting the pods (e.g. their allow rule) must be in place when they start."""
    if policies is None:
        return
    step_list, items = policies
    # only policies in a later step (a hook: the same step too) can be a problem: usually none
    start = (
        bisect.bisect_left(step_list, consumer.step) if consumer.hook else bisect.bisect_right(step_list, consumer.step)
    )
    if start == len(items):
        return
    tmpl = pod_template(res)
    if tmpl is None:
        return
    for p_task, selector in items[start:]:
        if not _label_matches(selector, tmpl.labels):
            continue
        pol = p_task.resource
        result.add(
            res,
            Finding(
                f"NetworkPolicy {pol.namespace}/{pol.name} selecting these pods is applied in "
                f"{_where(p_task)}, after this {'hook' if consumer.hook else res.kind} "
                f"({_where(consumer)}); its traffic is blocked or unenforced until then",
                pointer(*tmpl.path[:-1], "metadata", "labels"),
            ),
        )
