"""Ordering hazards of a sync: every consumer Argo CD would apply before (or, where readiness matters, in
the same step as) what it needs. Pure, over :class:`~generator.models.k8s.K8sObject`; the
``argocd-sync-order`` rule turns each :class:`Hazard` into a finding, ``gitops-gen plan`` prints them.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from generator.models.argocd.syncorder import (
    _PRODUCED_KINDS,
    ASYNC_SECRET_PRODUCERS,
    SYNC_WAVE,
    Task,
    parse_wave,
    plan,
)
from generator.models.k8s import WORKLOAD_KINDS, K8sObject, containers, label_matches, pod_template, pointer


@dataclass(frozen=True, slots=True)
class Hazard:
    """One problem on one resource: a message and the JSON pointer of the field that causes it."""

    message: str
    path: str = ""


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


def pod_needs(res: K8sObject) -> Iterator[Need]:
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
    if "@" not in text and ":" not in text:
        return  # each candidate below has "://" or "@" before it or ":<port>" after it (no regex scan)
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


def service_needs(res: K8sObject, services: set[tuple[str, str]]) -> Iterator[Need]:
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


def secret_names_produced(res: K8sObject) -> list[str]:
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
    findings: dict[int, list[Hazard]] = field(default_factory=dict)
    hazards: list[tuple[K8sObject, Hazard]] = field(default_factory=list)

    def add(self, res: K8sObject, finding: Hazard) -> None:
        self.findings.setdefault(id(res), []).append(finding)
        self.hazards.append((res, finding))


def _first(tasks: list[Task]) -> Task:
    return min(tasks, key=lambda t: t.position)


class Objects:
    """The objects of one sync with the indexes the analysis needs (no pairwise scans)."""

    def __init__(self, resources: Sequence[K8sObject]) -> None:
        self.resources = list(resources)
        self._by_kind: dict[str, list[K8sObject]] = defaultdict(list)
        self._templates: dict[tuple[str, str, str], list[tuple[K8sObject, dict[str, str]]]] = defaultdict(list)
        for res in self.resources:
            self._by_kind[res.kind].append(res)
            tmpl = pod_template(res)
            if tmpl is not None:
                for k, v in tmpl.labels.items():
                    self._templates[(res.namespace, k, v)].append((res, tmpl.labels))

    def by_kind(self, kind: str) -> list[K8sObject]:
        return self._by_kind.get(kind, [])

    def pod_owners(self, namespace: str, selector: dict[str, str]) -> list[K8sObject]:
        """Workloads in ``namespace`` whose pod template labels match every key of ``selector``."""
        if not selector:
            return []
        buckets = [self._templates.get((namespace, k, v), []) for k, v in selector.items()]
        items = selector.items()
        return [res for res, labels in min(buckets, key=len) if items <= labels.items()]


class IndexedObjects(Objects):
    """:class:`Objects` over a set that already has the same indexes (``by_kind``, ``pod_owners``: the
    validation Context), so the analysis does not build them a second time."""

    def __init__(self, indexed: Indexed) -> None:  # deliberately no Objects.__init__
        self.resources = indexed.resources
        self._indexed = indexed

    def by_kind(self, kind: str) -> list[K8sObject]:
        found: list[K8sObject] = self._indexed.by_kind(kind)
        return found

    def pod_owners(self, namespace: str, selector: dict[str, str]) -> list[K8sObject]:
        found: list[K8sObject] = self._indexed.pod_owners(namespace, selector)
        return found


class Indexed(Protocol):
    """What :class:`IndexedObjects` needs: the same answers as :class:`Objects`' methods."""

    @property
    def resources(self) -> list[Any]: ...

    def by_kind(self, kind: str) -> list[Any]: ...  # list[K8sObject], but list is invariant (list[Resource])

    def pod_owners(self, namespace: str, selector: dict[str, str]) -> list[Any]: ...


def analyse(resources: Sequence[K8sObject] | Objects) -> Analysis:
    """Simulate Argo CD's order over ``resources`` and collect every ordering hazard."""
    return _analyse(resources if isinstance(resources, Objects) else Objects(resources))


def _where(task: Task) -> str:
    return f"{task.phase} wave {task.wave}"


def _analyse(ctx: Objects) -> Analysis:
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
                Hazard(
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
                    Hazard(
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
                    Hazard(
                        f"{what}{via} is applied in the same step as this {'hook' if hook else res.kind} "
                        f"({_where(consumer)}) and {reason}; give it an earlier sync-wave",
                        need.path,
                    ),
                )
            if need.kind == "Service":
                _check_backends(ctx, res, consumer, producer, need, by_res, result)
        _check_policies(res, consumer, policies.get(res.namespace), result)
    return result


def _backends(ctx: Objects, svc: K8sObject) -> list[K8sObject]:
    selector = {str(k): str(v) for k, v in _d(_d(svc.obj.get("spec")).get("selector")).items()}
    return ctx.pod_owners(svc.namespace, selector)


def _check_backends(
    ctx: Objects,
    res: K8sObject,
    consumer: Task,
    svc: K8sObject,
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
                Hazard(
                    f"needs Service {svc.namespace}/{svc.name} whose {backend.kind} {backend.name} runs in "
                    f"{_where(b_task)}, not before this {'hook' if consumer.hook else res.kind} "
                    f"({_where(consumer)}); give the {backend.kind} an earlier sync-wave",
                    need.path,
                ),
            )


def _policy_index(ctx: Objects, by_res: dict[int, list[Task]]) -> dict[str, tuple[list[int], list[tuple[Task, Any]]]]:
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
    res: K8sObject,
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
        if not label_matches(selector, tmpl.labels):
            continue
        pol = p_task.resource
        result.add(
            res,
            Hazard(
                f"NetworkPolicy {pol.namespace}/{pol.name} selecting these pods is applied in "
                f"{_where(p_task)}, after this {'hook' if consumer.hook else res.kind} "
                f"({_where(consumer)}); its traffic is blocked or unenforced until then",
                pointer(*tmpl.path[:-1], "metadata", "labels"),
            ),
        )
