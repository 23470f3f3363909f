"""The validation pipeline as ``gitops-gen validate`` runs it, on one core or on ``--jobs N`` processes.

1. Per-resource phase, file batch by file batch (with ``--jobs N``, the batches are shared out between the
   parent and forked children: :func:`forking.share_out`): load the files, run every rule on each resource
   with a :class:`LocalContext` that holds that resource only, apply ignores, compute positions while the
   file's text is at hand. A rule that asks the context for other
   resources (``by_kind``, ``get``, ``pod_owners``...) raises :class:`CrossResourceAccess` there: that
   (rule, resource) pair is recorded as pending and its findings so far are dropped. Nothing has to be
   declared, so a new per-resource rule runs in the workers automatically, and a rule that looks at other
   resources only for some objects runs in phase 2 only for those.
2. Cross-resource phase, in the parent (with ``--jobs N``, its pairs are shared out the same way, after
   the parent built the rules' indexes: :func:`_share_pairs`): one :class:`Context` over every resource
   of the unit; every pending pair runs again with it. A pair that did not raise gave in phase 1 what it
   gives with every resource (it never looked at them: rules are pure functions of the context and the
   object), so the result is the one of the single-pass engine (:func:`engine.run`) for any N.
3. Findings are sorted (a total order), so the output is byte-identical for every N.

Workers are forked (``multiprocessing`` "fork" context): they inherit the loaded modules, schema stores
and, in phase 2, the context, without pickling it. Where fork is not available everything runs in-process.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.errors import UnreadableFile
from generator.models.argocd.directory import skips_file
from generator.models.tool_configs import may_be_tool_input
from generator.validate.context import Context, ExternalObject
from generator.validate.crdset import SCHEMA_RULES, SchemaRedo, rescope, schema_redo
from generator.validate.engine import (
    ActiveRules,
    CrossResourceAccess,
    KindRules,
    Settings,
    active_rules,
    check_all,
    check_resource,
    rules_for_kind,
)
from generator.validate.forking import share_out
from generator.validate.ksources import (
    SOURCE_KINDS,
    assertion_standin,
    ignored_yaml_standin,
    tool_config_standin,
    unloadable_standin,
)
from generator.validate.load import FailedItem, FileItem, InputItem, TextItem, file_text
from generator.validate.model import Finding, Resource, withdraw_cluster_scoped
from generator.validate.packing import (
    FindingTuple,
    ResourceTuple,
    pack_findings,
    pack_resources,
    unpack_findings,
    unpack_resources,
)
from generator.validate.positions import Locator
from generator.validate.rules import RULES
from generator.validate.schemas import SchemaStore
from generator.validate.values import ShareTable, share


class LocalContext(Context):
    """The context of the per-resource phase: settings and schemas, but no other resource."""

    def __init__(self, profile: str, kubernetes_version: str, external: frozenset[ExternalObject], schemas: Any):
        # Deliberately no Context.__init__: no indexes over resources.
        self.profile = profile
        self.kubernetes_version = kubernetes_version
        self.external = external
        self.schemas = schemas
        self.memos = {}

    @property
    def resources(self) -> list[Resource]:  # type: ignore[override]
        raise CrossResourceAccess

    def by_kind(self, kind: str) -> list[Resource]:
        raise CrossResourceAccess

    def get(self, kind: str, namespace: str, name: str) -> Resource | None:
        raise CrossResourceAccess

    def all_named(self, kind: str, namespace: str, name: str) -> list[Resource]:
        raise CrossResourceAccess

    def pod_owners(self, namespace: str, selector: dict[str, str]) -> list[Resource]:
        raise CrossResourceAccess


@dataclass
class UnitJob:
    """One unit (an overlay, or all plain inputs) ready to run: its inputs and settings."""

    items: list[InputItem]
    settings: Settings
    store: SchemaStore
    external: frozenset[ExternalObject] = frozenset()
    preloaded: list[Resource] | None = None  # resources already loaded (kustomize's duplicate-key case)
    # the kustomization files behind rendered resources (generator.validate.ksources): only the rules for
    # kustomization files see them, and they are not counted as resources
    kustomizations: list[Resource] = field(default_factory=list)


@dataclass
class BatchResult:
    findings: list[Finding]
    resources: list[Resource]  # kept for the cross-resource phase
    pending: list[_Pending]  # (resource index in ``resources``, rules to run again with every resource)
    files: int


@dataclass
class Outcome:
    resources: int
    findings: list[Finding] = field(default_factory=list)


Progress = Callable[[int, int], None]  # (files done, resources done)

# (index of a resource in its batch, or in its unit after merging; the rules that asked for other resources)
_Pending = tuple[int, tuple[str, ...]]
# A BatchResult as a child sends it (generator.validate.packing)
_Packed = tuple[list[FindingTuple], list[ResourceTuple], list[_Pending], int]

# One tuple object per distinct set of pending rules (resources of a kind mostly share theirs; tuples
# unpickled from workers are separate objects until they pass here).
_RULE_TUPLES: dict[tuple[str, ...], tuple[str, ...]] = {}


# (rule, kind) -> how many resources of that kind the rule asked for other resources in phase 1, in a row
# from the first; -1 once it did not. A rule that always asks (duplicate-resource...) is not tried again
# after _DEFER_AFTER times: its pairs are pending at once (exact either way: deferring a pair to phase 2 only
# costs the cheaper of the two; trying it costs an exception per pair).
_STREAK: dict[tuple[str, str], int] = {}
_DEFER_AFTER = 16


# kind -> (rules to try, rules deferred at once, rules that asked every time so far), for one ``active`` list
_KindPlan = dict[str, tuple[KindRules, tuple[str, ...], tuple[str, ...]]]


def _check_local(
    ctx: Context,
    resources: Sequence[Resource],
    active: ActiveRules,
    locator: Locator,
    pending: list[_Pending],
    base: int,
    cache: _KindPlan,
) -> Iterator[Finding]:
    """Phase 1 on ``resources``: findings of every (rule, resource) pair that did not look at other
    resources; the pairs that did are appended to ``pending`` as (index + ``base``, rule ids). ``cache``
    is shared by the calls of one batch (same ``active``): entries are dropped when a streak changes."""
    streak = _STREAK
    for i, res in enumerate(resources):
        kind = res.kind
        entry = cache.get(kind)
        if entry is None:
            rules = rules_for_kind(active, kind)
            runnable = [r for r in rules if streak.get((r[0], kind), 0) < _DEFER_AFTER]
            deferred = tuple(rid for rid, _, _ in rules if streak.get((rid, kind), 0) >= _DEFER_AFTER)
            watched = tuple(rid for rid, _, _ in runnable if streak.get((rid, kind), 0) > 0)
            entry = cache[kind] = (runnable, deferred, watched)
        runnable, deferred, watched = entry
        asked: list[str] = []
        yield from check_resource(ctx, res, runnable, locator, asked)
        if asked or watched:
            for rid in watched:
                if rid not in asked:
                    streak[(rid, kind)] = -1
                    cache.pop(kind, None)
            for rid in asked:
                n = streak.get((rid, kind), 0)
                if n >= 0:
                    streak[(rid, kind)] = n + 1
                    if n == 0 or n + 1 >= _DEFER_AFTER:
                        cache.pop(kind, None)
        if asked or deferred:
            ids = (*asked, *deferred)
            pending.append((base + i, _RULE_TUPLES.setdefault(ids, ids)))


def _local_batch(job: UnitJob, items: Sequence[InputItem]) -> BatchResult:
    """Phase 1 for some input items: load, per-resource rules, positions."""
    ctx = LocalContext(job.settings.profile, job.store.kubernetes_version, job.external, job.store)
    active = active_rules(job.settings, RULES)
    locator = Locator()
    resources: list[Resource] = []
    findings: list[Finding] = []
    pending: list[_Pending] = []
    kind_rules: _KindPlan = {}
    shared: ShareTable = {}
    for item in items:
        if isinstance(item, FileItem) and item.walked:
            standin = assertion_standin(item)
            if standin is not None:
                findings.extend(_standin_findings(ctx, active, locator, standin))
                continue
        try:
            loaded = item.load()
        except UnreadableFile as exc:
            if isinstance(item, TextItem) or not item.walked:
                raise  # named on the command line: the run stops with its error (exit 2)
            standin = unloadable_standin(item, exc)
            if standin is not None:
                findings.extend(_standin_findings(ctx, active, locator, standin))
            continue
        if isinstance(item, FileItem) and item.walked:
            text = file_text(item.resolved)
            if skips_file(text):
                continue  # Argo CD does not read it either
            standin = ignored_yaml_standin(item, loaded, text)
            if standin is not None:
                findings.extend(_standin_findings(ctx, active, locator, standin))
                continue
            loaded = _without_tool_configs(loaded, ctx, active, locator, findings)
        findings.extend(_check_local(ctx, loaded, active, locator, pending, len(resources), kind_rules))
        _share_values(loaded, shared)
        resources.extend(loaded)
    return BatchResult(findings, resources, pending, len(items))


# apiVersion -> whether some of its kinds are a tool's input (one test per distinct apiVersion of a run)
_TOOL_VERSIONS: dict[str, bool] = {}


def _without_tool_configs(
    loaded: list[Resource], ctx: Context, active: ActiveRules, locator: Locator, findings: list[Finding]
) -> list[Resource]:
    """``loaded`` without the documents that are a tool's input, not API objects (:func:`tool_config_standin`);
    each one's ``not-a-manifest`` finding goes to ``findings``."""
    kept = loaded
    versions = _TOOL_VERSIONS
    for i, res in enumerate(loaded):
        version = res.obj.get("apiVersion")
        maybe: bool | None = False
        if version.__class__ is str:
            maybe = versions.get(version)
            if maybe is None:
                maybe = versions[version] = may_be_tool_input(version)
        standin = tool_config_standin(res) if maybe else None
        if standin is None:
            if kept is not loaded:
                kept.append(res)
            continue
        if kept is loaded:
            kept = loaded[:i]
        findings.extend(_standin_findings(ctx, active, locator, standin))
    return kept


def _standin_findings(ctx: Context, active: ActiveRules, locator: Locator, standin: Resource) -> Iterator[Finding]:
    """The findings on what stands for an input that gave no resources (:mod:`ksources`): only the rules for
    its kind run on it; it is no resource, so no other rule sees it and it is not counted."""
    kind = standin.kind
    rules = [(rid, check, sev) for rid, check, kinds, sev in active if kinds is not None and kind in kinds]
    return check_resource(ctx, standin, rules, locator)


def _share_values(resources: Iterable[Resource], table: ShareTable) -> None:
    """Make equal sub-objects of ``resources`` one object (the first seen in ``table``), in place.

    What the parent keeps for phase 2 is mostly repetition: the same resources block, probe, security
    context, ports or selector in every workload of a batch. Objects are never mutated after loading
    (rules are pure; YAML aliases already share subtrees the same way) and nothing is keyed by a
    sub-object's identity, so sharing changes no result; it takes ~45% off the objects' memory on the
    benchmark corpora, and off what a worker pickles (pickle keeps the sharing within a batch). Top-level
    objects stay distinct (``Resource.obj`` identity is per resource). Containers holding a float or
    another scalar type, or keys that are not strings, are left alone (``1 == True == 1.0`` and
    ``0.0 == -0.0`` compare equal)."""
    for res in resources:
        obj = res.obj
        for key, value in obj.items():
            cls = value.__class__
            if cls is dict or cls is list:
                same = share(value, table)
                if same is not value:
                    obj[key] = same


def _pack(result: BatchResult) -> _Packed:
    return pack_findings(result.findings), pack_resources(result.resources), result.pending, result.files


def _unpack(packed: _Packed) -> BatchResult:
    findings, resources, pending, files = packed
    return BatchResult(unpack_findings(findings), unpack_resources(resources), pending, files)


# Input bytes per phase-1 batch: ~250 resources of 1.5 kB, ~650 of the benchmark corpora's 0.5 to 0.7 kB.
# Big enough that what a batch costs besides its resources (its process's share table, a pickled result)
# stays small; values are shared within a batch only (_share_values), so smaller batches keep more memory.
_BATCH_BYTES = 384_000
# With --jobs N, the last 2N batches are cut in _TAIL_SPLIT: the processes finish within a small batch of
# each other, not within a whole one (~0.1 s of a 20,000-resource run, when one process waits for another).
_TAIL_SPLIT = 4


def _batches(job: UnitJob, unit: int) -> list[tuple[int, int, int]]:
    """Contiguous slices of about :data:`_BATCH_BYTES` input bytes, in input order."""
    target = _BATCH_BYTES
    out: list[tuple[int, int, int]] = []
    start = 0
    weight = 0
    for i, item in enumerate(job.items):
        weight += _weight(item)
        if weight >= target:
            out.append((unit, start, i + 1))
            start, weight = i + 1, 0
    if start < len(job.items):
        out.append((unit, start, len(job.items)))
    return out


def _finer_tail(batches: list[tuple[int, int, int]], processes: int) -> list[tuple[int, int, int]]:
    """``batches`` with each of the last ``2 * processes`` cut in up to :data:`_TAIL_SPLIT` slices of items."""
    keep = max(0, len(batches) - 2 * processes)
    out = batches[:keep]
    for unit, start, stop in batches[keep:]:
        step = max(1, -(-(stop - start) // _TAIL_SPLIT))
        out.extend((unit, i, min(i + step, stop)) for i in range(start, stop, step))
    return out


def _weight(item: InputItem) -> int:
    """An item's size in bytes (what loading and checking it costs grows with it)."""
    if isinstance(item, TextItem):
        return len(item.text)
    if isinstance(item, FailedItem):
        return 1
    try:
        return os.path.getsize(item.path)
    except OSError:
        return 1


def _fork_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def run_units(
    jobs: list[UnitJob],
    *,
    processes: int = 1,
    progress: Progress | None = None,
    keep: Callable[[object], None] | None = None,
) -> Outcome:
    """Validate every unit; findings sorted by the caller. ``processes`` > 1 forks that many workers.

    A unit's resources are freed before the next unit runs; the last unit's are handed to ``keep``
    instead, when given: a caller that ends the process without freeing objects (``gitops-gen validate``:
    generator.cli_support.keep_until_exit) saves their deallocation, ~45 ms at 20,000 resources. The
    cross-resource context is freed in every case: kept through the report, its indexes and the rules'
    analyses made the report the peak of the run (200,000 resources of the findings corpus: 815 MB instead
    of the cross-resource phase's 798 MB)."""
    was_enabled = gc.isenabled()
    # Loaded manifests are acyclic and rules allocate many short-lived objects: the cyclic collector would
    # rescan every loaded object again and again (10% of the run), for no garbage.
    gc.disable()
    try:
        return _run(jobs, processes if _fork_available() else 1, progress, keep)
    finally:
        if was_enabled:
            # Everything the run allocated (the resources and findings the caller reports) is still in the
            # collector's youngest generation, which it would scan in full at the next allocations (0.65 s
            # at 200,000 resources, to free nothing). gc.freeze then gc.unfreeze moves it all to the
            # oldest generation, which only a full collection scans (CPython 3.11 Modules/gcmodule.c:
            # gc_freeze_impl merges every generation into the permanent one and zeroes their counts,
            # gc_unfreeze_impl merges the permanent generation into the oldest).
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _run(
    jobs: list[UnitJob], processes: int, progress: Progress | None, keep: Callable[[object], None] | None
) -> Outcome:
    _STREAK.clear()
    _RULE_TUPLES.clear()
    all_batches = [b for unit, job in enumerate(jobs) for b in _batches(job, unit)]
    results: list[list[BatchResult]] = [[] for _ in jobs]
    parallel = processes > 1 and len(all_batches) > 1
    if parallel:
        all_batches = _finer_tail(all_batches, processes)
    phase1 = _phase1(jobs, all_batches, processes if parallel else 1, progress)
    for (unit, _, _), result in zip(all_batches, phase1, strict=True):
        results[unit].append(result)
    del phase1
    for unit, job in enumerate(jobs):
        if job.preloaded is not None:
            results[unit].append(_preloaded(job))
    outcome = Outcome(0)
    for unit, job in enumerate(jobs):
        unit_results, results[unit] = results[unit], []
        unit_resources: list[Resource] = []
        work: list[tuple[Resource, tuple[str, ...]]] = []
        for result in unit_results:
            work.extend((result.resources[i], _RULE_TUPLES.setdefault(rules, rules)) for i, rules in result.pending)
            result.pending = []
            unit_resources.extend(result.resources)
        outcome.resources += len(unit_resources)
        crds = [res.obj for res in unit_resources if res.kind == "CustomResourceDefinition"]
        rescoped = rescope(unit_resources, crds, functools.partial(_every_rule, job))
        redo = schema_redo(job.store, unit_resources, crds, rescoped.moved if rescoped else set())
        for result in unit_results:
            if not redo and not rescoped:
                outcome.findings.extend(result.findings)  # (no test per finding: 76,431 on the findings corpus)
                continue
            outcome.findings.extend(
                f for f in result.findings if not ((redo and redo.covers(f)) or (rescoped and rescoped.covers(f)))
            )
        del unit_results
        if redo:
            outcome.findings.extend(_schema_redo_findings(job, redo))
        if rescoped:
            work = rescoped.work(work, unit_resources)
        store = redo.store if redo else job.store
        try:
            outcome.findings.extend(_cross_phase(job, unit_resources, work, processes if parallel else 1, store))
        finally:
            if rescoped:
                withdraw_cluster_scoped(rescoped.declared)
        outcome.findings.extend(_kustomization_phase(job))
        if keep is not None and unit == len(jobs) - 1:
            keep((unit_resources, work))
    return outcome


def _phase1(
    jobs: list[UnitJob], batches: list[tuple[int, int, int]], processes: int, progress: Progress | None
) -> list[BatchResult]:
    """Phase 1, batch by batch in input order, on ``processes`` processes (:func:`forking.share_out`). A
    child's result travels packed (:func:`_pack`); the parent's own needs no copy."""

    def work(index: int) -> BatchResult:
        unit, start, stop = batches[index]
        return _local_batch(jobs[unit], jobs[unit].items[start:stop])

    if progress is None:
        return share_out(len(batches), processes, work=work, ship=_pack, land=_unpack)
    show = progress
    shown = -1

    def tick(results: list[BatchResult | None]) -> None:
        nonlocal shown
        done = [r for r in results if r is not None]
        if len(done) != shown:
            shown = len(done)
            show(sum(r.files for r in done), sum(len(r.resources) for r in done))

    return share_out(len(batches), processes, work=work, ship=_pack, land=_unpack, tick=tick)


def _preloaded(job: UnitJob) -> BatchResult:
    ctx = LocalContext(job.settings.profile, job.store.kubernetes_version, job.external, job.store)
    loaded = job.preloaded or []
    pending: list[_Pending] = []
    findings = list(_check_local(ctx, loaded, active_rules(job.settings, RULES), Locator(), pending, 0, {}))
    return BatchResult(findings, loaded, pending, 0)


def _check_pending(
    ctx: Context, work: Iterable[tuple[Resource, tuple[str, ...]]], active: ActiveRules, locator: Locator
) -> Iterator[Finding]:
    """Phase 2: the (resource, rules) pairs that asked for other resources in phase 1, with every resource."""
    table = {rid: (rid, check, sev) for rid, check, _, sev in active}
    # rule tuples are few and shared (_RULE_TUPLES): each one's list of rules is made once, not per pair
    prepared: dict[tuple[str, ...], KindRules] = {}
    for res, rules in work:
        kind_rules = prepared.get(rules)
        if kind_rules is None:
            kind_rules = prepared[rules] = [table[rid] for rid in rules]
        yield from check_resource(ctx, res, kind_rules, locator)


# Below this many pending pairs, forking for phase 2 costs more than it saves.
_PARALLEL_CROSS_MIN = 2000
# Pending pairs per phase-2 task with --jobs N: enough to amortise a task's round trip, small enough to
# balance the processes' loads.
_CROSS_CHUNK = 500


def _cross_phase(
    job: UnitJob,
    resources: list[Resource],
    work: list[tuple[Resource, tuple[str, ...]]],
    processes: int,
    store: SchemaStore,
) -> list[Finding]:
    """Phase 2 of one unit; ``store``: the unit's schemas (with the CRDs in its set: :func:`_crds_in_set`)."""
    if not work:
        return []
    active = active_rules(job.settings, RULES)
    ctx = Context(
        resources,
        profile=job.settings.profile,
        kubernetes_version=store.kubernetes_version,
        external=job.external,
        schemas=store,
    )
    if processes < 2 or len(work) < _PARALLEL_CROSS_MIN:
        return list(_check_pending(ctx, work, active, Locator()))
    return _share_pairs(ctx, active, work, processes)


def _share_pairs(
    ctx: Context, active: ActiveRules, work: list[tuple[Resource, tuple[str, ...]]], processes: int
) -> list[Finding]:
    """Phase 2 on ``processes`` processes (:func:`forking.share_out`).

    What a cross-resource rule costs first is the index or analysis it builds on first use
    (:func:`crossref.memo`: the Argo CD sync plan, the NetworkPolicy evaluator...). Two kinds of tasks:

    - a rule pending for every resource of the unit (``argocd-sync-order``, ``duplicate-resource``: it looks
      at the whole set for each resource, typically through one analysis of the set) is a task of its
      own, so its analysis is built once, by the process that takes it, while the others go on;
    - the pairs of the other rules are shared out in contiguous slices, in resource order: the rules of one
      resource run one after the other, so what they share about it (its containers, its pod-security
      evaluation, its file's text for positions) is computed once, as with ``--jobs 1``. Their indexes are
      built by the parent, on one pair of each (kind, rules) combination, as the prelude of
      :func:`forking.share_out`: after the fork, while the children start on the whole rules' tasks, which
      come first. A child that goes on to slices builds the indexes they need itself (the same result,
      built twice, in parallel instead of before the fork: 1.543 s to 1.520 s, medians of 10 alternating
      ``--jobs 2`` runs on the findings corpus, 2026-12-05; no change on the realistic one). The slices are
      ranges of ``work`` that the process taking them maps to those rules, and the warm-up's findings are
      not kept (its pairs run again in their slices), so nothing passes over every pair before the fork
      (a further 1.465 s to 1.445 s on the findings corpus, medians of 16; 1.286 s to 1.275 s on the
      realistic one, medians of 10).

    Findings do not depend on which process finds them, and they are sorted afterwards."""
    # Counted per distinct rules tuple (a few dozen, shared: _RULE_TUPLES), not per pair.
    by_tuple = Counter(rules for _, rules in work)
    counts: Counter[str] = Counter()
    for rules, n in by_tuple.items():
        for rid in rules:
            counts[rid] += n
    whole = sorted(rid for rid, n in counts.items() if n == len(ctx.resources))
    others_of: dict[tuple[str, ...], tuple[str, ...]] = {}
    for rules in by_tuple:
        others = tuple(rid for rid in rules if rid not in whole)
        others_of[rules] = rules if others == rules else others  # the same object: its pairs are reused
    locator = Locator()

    def warm_up() -> None:
        # In the parent once the children are forked, while they start on the whole rules' tasks: the first
        # pair of each (kind, rules) combination builds the indexes the parent's slices share. Its findings
        # are not kept: the slices run every pair, these included. (Picking the pairs here, not before the
        # fork, keeps a pass over every pair off the serial path.)
        seen: set[tuple[str, tuple[str, ...]]] = set()
        first: list[tuple[Resource, tuple[str, ...]]] = []
        for res, rules in work:
            others = others_of[rules]
            if others and (res.kind, others) not in seen:
                seen.add((res.kind, others))
                first.append((res, others))
        for _ in _check_pending(ctx, first, active, locator):
            pass

    # a whole rule's pairs are every resource of the unit, in work order; the other rules' pairs are shared
    # out in slices of ``work`` (made by the process that takes the task)
    tasks: list[Callable[[], Iterable[tuple[Resource, tuple[str, ...]]]]] = [
        functools.partial(_every, work, (rid,)) for rid in whole
    ]
    tasks.extend(
        functools.partial(_others, work, others_of, i, i + _CROSS_CHUNK) for i in range(0, len(work), _CROSS_CHUNK)
    )
    locators = {os.getpid(): locator}  # the parent's tasks go on with the file the warm-up read last

    def task(index: int) -> list[Finding]:
        # One Locator per process, so a file is read and indexed once per process.
        own = locators.get(os.getpid())
        if own is None:
            own = locators[os.getpid()] = Locator()
        return list(_check_pending(ctx, tasks[index](), active, own))

    parts = share_out(len(tasks), processes, work=task, ship=pack_findings, land=unpack_findings, prelude=warm_up)
    return [f for part in parts for f in part]


def _every(
    work: list[tuple[Resource, tuple[str, ...]]], rules: tuple[str, ...]
) -> Iterator[tuple[Resource, tuple[str, ...]]]:
    return ((res, rules) for res, _ in work)


def _others(
    work: list[tuple[Resource, tuple[str, ...]]],
    others_of: dict[tuple[str, ...], tuple[str, ...]],
    start: int,
    stop: int,
) -> Iterator[tuple[Resource, tuple[str, ...]]]:
    """The pairs ``work[start:stop]`` with the rules that are not run as whole tasks (none: skipped)."""
    for i in range(start, min(stop, len(work))):
        res, rules = work[i]
        others = others_of[rules]
        if others:
            yield (res, others)


def _schema_redo_findings(job: UnitJob, redo: SchemaRedo) -> list[Finding]:
    """The schema findings of the custom resources whose CRD is in the unit's set, against that CRD."""
    ctx = LocalContext(job.settings.profile, redo.store.kubernetes_version, job.external, redo.store)
    active = [a for a in active_rules(job.settings, RULES) if a[0] in SCHEMA_RULES]
    return list(check_all(ctx, redo.targets, active, Locator()))


def _every_rule(job: UnitJob, kind: str) -> tuple[str, ...]:
    """Every active rule for ``kind``, as the one shared tuple (:data:`_RULE_TUPLES`)."""
    rules = tuple(rid for rid, _, _ in rules_for_kind(active_rules(job.settings, RULES), kind))
    return _RULE_TUPLES.setdefault(rules, rules)


def _kustomization_phase(job: UnitJob) -> list[Finding]:
    """The rules for source files (kustomize-deprecated on the kustomization files behind the rendered set,
    helm-chart-not-rendered on the charts left unread)."""
    if not job.kustomizations:
        return []
    rules = {rid: r for rid, r in RULES.items() if r.KINDS is not None and r.KINDS & SOURCE_KINDS}
    # the overrides were checked against every rule already; keep those for these rules
    own = {rid: sev for rid, sev in job.settings.overrides.items() if rid in rules}
    settings = dataclasses.replace(job.settings, overrides=own)
    ctx = Context(list(job.kustomizations), profile=settings.profile, kubernetes_version=job.store.kubernetes_version)
    return list(check_all(ctx, job.kustomizations, active_rules(settings, rules), Locator()))


class Timer:
    """Seconds since creation (for progress shown only on runs longer than a threshold)."""

    def __init__(self) -> None:
        self.start = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.start
