"""The two-phase pipeline (generator.validate.pipeline) against the single-pass engine (engine.run)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import SimpleNamespace

import pytest

from generator.validate import engine, pipeline
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


@pytest.mark.parametrize("processes", [1, 2])
def test_pending_pairs_give_the_single_pass_result(monkeypatch: pytest.MonkeyPatch, processes: int) -> None:
    rules = {rid: RULES[rid] for rid in ("schema-invalid", "missing-pdb", "duplicate-resource")} | FAKE
    monkeypatch.setattr(pipeline, "RULES", rules)
    monkeypatch.setattr(pipeline, "_PARALLEL_CROSS_MIN", 1)  # phase 2 forks too, with its warm-up
    texts = [(_stream(0, 300), "a.yaml"), (_stream(300, 300), "b.yaml")]
    items: list[InputItem] = [TextItem(text, name, "default") for text, name in texts]
    store = SchemaStore("1.33.0")
    job = pipeline.UnitJob(items, Settings(), store)
    got = sort_findings(pipeline.run_units([job], processes=processes).findings)

    resources = [res for text, name in texts for res in load_text(text, name, default_namespace="default")]
    ctx = Context(resources, kubernetes_version=store.kubernetes_version, schemas=store)
    want = engine.run(ctx, Settings(), rules=rules)
    assert got == want
    assert {f.rule for f in got} >= {"fake-sometimes", "fake-always"}
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
