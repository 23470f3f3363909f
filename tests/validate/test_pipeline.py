"""The two-phase pipeline (generator.validate.pipeline) against the single-pass engine (engine.run)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from generator.validate import engine, forking, pipeline
from generator.validate.context import Context
from generator.validate.engine import Settings, sort_findings
from generator.validate.load import InputItem, TextItem, load_text
from generator.validate.model import Finding, Resource, Severity
from generator.validate.rules import RULES
from generator.validate.schemas import SchemaStore


def _sometimes(ctx: Context, obj: Resource) -> Iterator[Finding]:
    """Looks at other resources only for ConfigMaps labelled ``peek``; yields before looking for some."""
    yield Finding(f"local {obj.name}", "/metadata/name")
    if obj.labels.get("peek") == "yes":
        secrets = ctx.by_kind("Secret")
        yield Finding(f"{obj.name} sees {len(secrets)} Secrets", "/metadata/labels/peek")


def _always(ctx: Context, obj: Resource) -> Iterable[Finding]:
    same = ctx.all_named(obj.kind, obj.namespace, obj.name)
    return [Finding(f"{obj.name} named {len(same)} times", "/metadata/name")] if len(same) > 1 else []


FAKE = {
    "fake-sometimes": SimpleNamespace(ID="fake-sometimes", SEVERITY=Severity.WARNING, KINDS=None, check=_sometimes),
    "fake-always": SimpleNamespace(ID="fake-always", SEVERITY=Severity.ERROR, KINDS=None, check=_always),
}


def _stream(first: int, count: int) -> str:
    docs = []
    for i in range(first, first + count):
        kind = "Secret" if i % 3 == 0 else "ConfigMap"
        peek = "yes" if i % 5 == 0 else "no"
        name = f"obj-{i % 40}"  # some names repeat: fake-always finds duplicates
        docs.append(f"apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n  labels:\n    peek: '{peek}'\n")
    return "---\n".join(docs)


# With duplicate-resource and fake-always, every resource is pending for a rule that looks at the whole set
# (a task of its own in phase 2 with --jobs N); without them, the pending pairs are shared out unchanged.
WITH_WHOLE_SET_RULES = ("schema-invalid", "missing-pdb", "duplicate-resource", "fake-sometimes", "fake-always")
WITHOUT_WHOLE_SET_RULES = ("schema-invalid", "missing-pdb", "fake-sometimes")


@pytest.mark.parametrize("rule_ids", [WITH_WHOLE_SET_RULES, WITHOUT_WHOLE_SET_RULES], ids=["whole", "pairs"])
@pytest.mark.parametrize("processes", [1, 2, 3])
def test_pending_pairs_give_the_single_pass_result(
    monkeypatch: pytest.MonkeyPatch, processes: int, rule_ids: tuple[str, ...]
) -> None:
    rules = {rid: (RULES | FAKE)[rid] for rid in rule_ids}
    monkeypatch.setattr(pipeline, "RULES", rules)
    monkeypatch.setattr(pipeline, "_BATCH_BYTES", 2_000)  # many batches: phase 1 forks
    monkeypatch.setattr(pipeline, "_PARALLEL_CROSS_MIN", 1)  # phase 2 forks too, its pairs shared out
    monkeypatch.setattr(pipeline, "_CROSS_CHUNK", 37)  # in many slices, the last one shorter
    shared_out: list[int] = []
    real_share_out = forking.share_out

    def spy(count: int, processes: int, **kwargs: Any) -> Any:
        shared_out.append(processes)
        return real_share_out(count, processes, **kwargs)

    monkeypatch.setattr(pipeline, "share_out", spy)
    texts = [(_stream(first, 50), f"{first:03d}.yaml") for first in range(0, 600, 50)]
    items: list[InputItem] = [TextItem(text, name, "default") for text, name in texts]
    store = SchemaStore("1.33.0")
    job = pipeline.UnitJob(items, Settings(), store)
    got = sort_findings(pipeline.run_units([job], processes=processes).findings)

    resources = [res for text, name in texts for res in load_text(text, name, default_namespace="default")]
    ctx = Context(resources, kubernetes_version=store.kubernetes_version, schemas=store)
    want = engine.run(ctx, Settings(), rules=rules)
    assert got == want
    assert {f.rule for f in got} >= {"fake-sometimes", "fake-always"} & set(rule_ids)
    # both phases ran on ``processes`` processes (with one, phase 2 runs in place)
    assert shared_out == ([processes] * 2 if processes > 1 else [1])
    assert sum(1 for f in got if "sees" in f.message) == sum(1 for r in resources if r.labels["peek"] == "yes")


def test_only_the_pairs_that_looked_at_other_resources_run_again(monkeypatch: pytest.MonkeyPatch) -> None:
    full_calls: list[str] = []

    def spy(ctx: Context, obj: Resource) -> Iterator[Finding]:
        if not isinstance(ctx, pipeline.LocalContext):
            full_calls.append(obj.name)
        yield from _sometimes(ctx, obj)

    rules = {"fake-sometimes": SimpleNamespace(ID="x", SEVERITY=Severity.WARNING, KINDS=None, check=spy)}
    monkeypatch.setattr(pipeline, "RULES", rules)
    job = pipeline.UnitJob([TextItem(_stream(0, 50), "a.yaml", "default")], Settings(), SchemaStore("1.33.0"))
    outcome = pipeline.run_units([job], processes=1)
    peeking = [f"obj-{i % 40}" for i in range(50) if i % 5 == 0]
    assert full_calls == peeking
    # every resource keeps its phase-1 finding exactly once, the peeking ones get theirs from phase 2
    assert sum(1 for f in outcome.findings if f.message.startswith("local ")) == 50
    assert sum(1 for f in outcome.findings if "sees" in f.message) == len(peeking)


def test_a_rule_that_always_asks_is_deferred_after_a_few_tries(monkeypatch: pytest.MonkeyPatch) -> None:
    local_calls: list[str] = []

    def spy(ctx: Context, obj: Resource) -> Iterable[Finding]:
        if isinstance(ctx, pipeline.LocalContext):
            local_calls.append(obj.kind)
        return _always(ctx, obj)

    rules = {"fake-always": SimpleNamespace(ID="x", SEVERITY=Severity.ERROR, KINDS=None, check=spy)}
    monkeypatch.setattr(pipeline, "RULES", rules)
    job = pipeline.UnitJob([TextItem(_stream(0, 200), "a.yaml", "default")], Settings(), SchemaStore("1.33.0"))
    outcome = pipeline.run_units([job], processes=1)
    # tried _DEFER_AFTER times per kind in phase 1, then pending at once; phase 2 still sees every resource
    assert sorted(local_calls) == ["ConfigMap"] * pipeline._DEFER_AFTER + ["Secret"] * pipeline._DEFER_AFTER
    resources = load_text(_stream(0, 200), "a.yaml", default_namespace="default")
    want = engine.run(Context(resources), Settings(), rules=rules)
    assert sort_findings(outcome.findings) == want
    assert len(want) > 100  # most (kind, name) pairs repeat


def test_sharing_keeps_every_object_equal_and_shares_equal_subtrees() -> None:
    pod = """\
apiVersion: v1
kind: Pod
metadata: {name: %s, labels: {app: x}}
spec:
  containers:
    - {name: c, image: i, resources: {limits: {cpu: %s}}, securityContext: {runAsNonRoot: %s}}
"""
    # a and b are equal but for their names; c differs only in types (true vs 1, 1 vs true)
    text = "---\n".join(pod % values for values in (("a", 1, "true"), ("b", 1, "true"), ("c", "true", 1)))
    resources = load_text(text, "pods.yaml")
    before = [repr(r.obj) for r in resources]
    pipeline._share_values(resources, {})
    assert [repr(r.obj) for r in resources] == before  # same values, same key order, same types
    a, b, c = (r.obj for r in resources)
    assert a is not b  # top-level objects stay one per resource
    assert a["spec"] is b["spec"]  # equal subtrees are one object
    assert a["metadata"]["labels"] is b["metadata"]["labels"] is c["metadata"]["labels"]
    # True == 1 in Python: shared only with what is equal *and* of the same type
    assert a["spec"] is not c["spec"]
    assert c["spec"]["containers"][0]["resources"]["limits"]["cpu"] is True
    assert c["spec"]["containers"][0]["securityContext"]["runAsNonRoot"] == 1
    assert type(c["spec"]["containers"][0]["securityContext"]["runAsNonRoot"]) is int


def test_sharing_leaves_floats_and_odd_keys_alone() -> None:
    objs: list[dict[str, Any]] = [
        {"kind": "ConfigMap", "data": {"x": 0.0}, "spec": {1: "a"}, "other": {True: "a"}},
        {"kind": "ConfigMap", "data": {"x": -0.0}, "spec": {1: "a"}, "other": {True: "a"}},
    ]
    resources = [Resource(o, "<memory>", i) for i, o in enumerate(objs)]
    pipeline._share_values(resources, {})
    assert str(objs[1]["data"]["x"]) == "-0.0"
    assert objs[0]["data"] is not objs[1]["data"]
    assert objs[0]["spec"] is not objs[1]["spec"]  # int and bool keys compare equal: never shared
    assert [type(k) for k in objs[1]["other"]] == [bool]


def test_per_resource_caches_are_bounded() -> None:
    from generator.validate.crossref import cache
    from generator.validate.rules import _helpers, _pss

    docs = [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": f"d{i}", "namespace": "ns"},
            "spec": {"template": {"metadata": {"labels": {"app": f"d{i}"}}, "spec": {"containers": [{"name": "c"}]}}},
        }
        for i in range(_helpers.PER_RESOURCE_CACHE * 2 + 3)
    ]
    ctx = Context.from_objects([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns"}}, *docs])
    for res in ctx.by_kind("Deployment"):
        assert _helpers.template_of(ctx, res) is not None
        _pss.breaches(ctx, res)
    store = cache(ctx)
    assert 0 < len(store["rules._helpers.walked"]) <= _helpers.PER_RESOURCE_CACHE
    assert 0 < len(store["rules._pss"]) <= _helpers.PER_RESOURCE_CACHE


def test_context_lookups_with_and_without_duplicates() -> None:
    one = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a", "namespace": "ns"}}
    ctx = Context.from_objects([one, dict(one), {**one, "metadata": {"name": "b", "namespace": "ns"}}])
    first, second, other = ctx.resources
    assert ctx.get("Service", "ns", "a") is first
    assert ctx.all_named("Service", "ns", "a") == [first, second]
    assert ctx.all_named("Service", "ns", "b") == [other]
    assert ctx.get("Service", "ns", "c") is None and ctx.all_named("Service", "ns", "c") == []


def test_the_collector_is_paused_during_the_run_and_does_not_rescan_its_objects_after() -> None:
    seen: list[bool] = []
    objects: list[dict[str, Any]] = []
    rules = {"spy": SimpleNamespace(ID="spy", SEVERITY=Severity.INFO, KINDS=None, check=_spy(seen, objects))}
    items: list[InputItem] = [TextItem(_stream(0, 2000), "a.yaml", "default")]
    job = pipeline.UnitJob(items, Settings(), SchemaStore("1.33.0"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "RULES", rules)
        assert pipeline.run_units([job], processes=1).resources == 2000
    assert len(seen) == 2000 and not any(seen)  # paused while the rules ran
    assert gc.isenabled()
    # What the run made is in the oldest generation, not in a young one that every collection scans.
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert all(id(obj) in oldest for obj in objects)


def _spy(seen: list[bool], objects: list[dict[str, Any]]) -> Callable[[Context, Resource], Iterable[Finding]]:
    def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
        seen.append(gc.isenabled())
        objects.append(obj.obj)
        return ()

    return check


@pytest.mark.parametrize("processes", [1, 2])
def test_keep_gets_the_last_units_resources_and_nothing_of_the_others(
    monkeypatch: pytest.MonkeyPatch, processes: int
) -> None:
    """``gitops-gen validate`` exits without freeing what the last unit loaded (generator.cli_support): the
    pipeline hands its resources over instead of dropping them; the earlier units' are freed before the
    next one runs, and no context is kept (it would raise the peak RSS of the report)."""
    monkeypatch.setattr(pipeline, "RULES", FAKE)
    store = SchemaStore("1.33.0")
    units = [
        pipeline.UnitJob([TextItem(_stream(n * 100, 100), f"{n}.yaml", "default")], Settings(), store) for n in (0, 1)
    ]
    kept: list[object] = []
    outcome = pipeline.run_units(units, processes=processes, keep=kept.append)
    assert outcome.resources == 200
    assert not any(isinstance(obj, Context) for obj in kept)
    held = [res for obj in kept if isinstance(obj, tuple) for res in obj[0]]
    assert len(held) == 100 and {res.file for res in held} == {"1.yaml"}
    assert pipeline.run_units(units, processes=processes).resources == 200  # keep is optional


def test_the_last_batches_are_cut_finer_and_every_item_stays_in_order() -> None:
    batches = [(0, 0, 40), (0, 40, 80), (0, 80, 83), (1, 0, 50), (1, 50, 51), (1, 51, 90)]
    cut = pipeline._finer_tail(batches, 2)
    assert cut[:2] == batches[:2]  # all but the last 2 * 2 stay whole
    assert [(u, a) for u, a, _ in cut[2:]] == [(0, 80), (0, 81), (0, 82), (1, 0), (1, 13), (1, 26), (1, 39),
                                              (1, 50), (1, 51), (1, 61), (1, 71), (1, 81)]  # fmt: skip
    for unit in (0, 1):  # each unit's items, exactly once, in order
        slices = [(a, b) for u, a, b in cut if u == unit]
        assert [i for a, b in slices for i in range(a, b)] == list(range(max(b for _, b in slices)))
    assert pipeline._finer_tail(batches[:1], 2) == [(0, 0, 10), (0, 10, 20), (0, 20, 30), (0, 30, 40)]
