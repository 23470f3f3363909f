"""hpa-conflict: two HorizontalPodAutoscalers on one workload (the HPA controller's AmbiguousSelector)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from generator.cli import app
from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import documentation
from generator.validate.rules import hpa_conflict as rule


def _run(*objs: dict[str, Any]) -> list[tuple[str, Finding]]:
    ctx = Context.from_objects(list(objs))
    assert rule.KINDS is not None
    return [(res.name, f) for res in ctx.resources if res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _hpa(
    name: str, target: str = "web", kind: str = "Deployment", api: str | None = "apps/v1", namespace: str | None = None
) -> dict[str, Any]:
    ref: dict[str, Any] = {"kind": kind, "name": target}
    if api is not None:
        ref["apiVersion"] = api
    metadata: dict[str, Any] = {"name": name}
    if namespace is not None:
        metadata["namespace"] = namespace
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": metadata,
        "spec": {"scaleTargetRef": ref, "maxReplicas": 3},
    }


def test_fires_on_every_hpa_of_one_target_naming_the_others() -> None:
    found = _run(_hpa("web-memory"), _hpa("web-cpu"), _hpa("other", target="api"))
    assert [name for name, _ in found] == ["web-memory", "web-cpu"]
    memory, cpu = (f for _, f in found)
    assert memory.path == cpu.path == "/spec/scaleTargetRef/name"
    assert "Deployment/web (apps) is also scaled by HorizontalPodAutoscaler web-cpu:" in memory.message
    assert "HorizontalPodAutoscaler web-memory:" in cpu.message
    assert "AmbiguousSelector" in cpu.message


def test_fires_naming_every_other_hpa_in_name_order() -> None:
    found = _run(_hpa("c"), _hpa("a"), _hpa("b"))
    assert [name for name, _ in found] == ["c", "a", "b"]
    assert "HorizontalPodAutoscalers a, b:" in found[0][1].message
    assert "HorizontalPodAutoscalers b, c:" in found[1][1].message


def test_fires_when_only_the_version_differs() -> None:
    # the controller resolves the target by group and kind (horizontal.go reconcileAutoscaler: targetGK)
    found = _run(_hpa("a", api="apps/v1"), _hpa("b", api="apps/v1beta2"))
    assert len(found) == 2


def test_fires_for_a_core_group_target_with_or_without_a_version() -> None:
    found = _run(_hpa("a", kind="ReplicationController", api="v1"), _hpa("b", kind="ReplicationController", api=None))
    assert len(found) == 2 and "ReplicationController/web is also scaled" in found[0][1].message


def test_passes_one_hpa_per_workload() -> None:
    assert _run(_hpa("web"), _hpa("api", target="api"), _hpa("ss", kind="StatefulSet")) == []


def test_passes_other_namespace_group_or_kind() -> None:
    assert _run(_hpa("a", namespace="one"), _hpa("b", namespace="two")) == []
    assert _run(_hpa("a"), _hpa("b", api="example.com/v1")) == []
    assert _run(_hpa("a"), _hpa("b", kind="StatefulSet")) == []


def test_passes_an_unparsable_api_version() -> None:
    # ParseGroupVersion fails: the controller stops at FailedGetScale, before any selector is compared
    assert _run(_hpa("a"), _hpa("b", api="apps/v1/extra")) == []


def test_passes_two_copies_of_one_hpa() -> None:
    # the same name is the same object (the last copy wins); duplicate-resource reports the copy
    assert _run(_hpa("web"), _hpa("web")) == []


def _doc_example(label: str) -> list[dict[str, Any]]:
    doc = documentation(rule)
    block = doc.split("PASS:", 1)[1].split("FAIL:", 1)[0] if label == "PASS" else doc.split("FAIL:", 1)[1]
    return [d for d in yaml.safe_load_all(textwrap.dedent(block)) if d]


def test_docstring_pass_example_passes_and_fail_example_fires() -> None:
    assert _run(*_doc_example("PASS")) == []
    assert len(_run(*_doc_example("FAIL"))) == 2


# ------------------------------------------------------------------ applied together (CLI, real files)


def _conflicts(root: Path) -> list[tuple[str, int]]:
    args = ["validate", "--repo", str(root), "--format", "json", "--jobs", "1", str(root)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.output)
    return sorted((f["file"], f["line"]) for f in report["findings"] if f["rule"] == rule.ID)


def _write(root: Path, path: str, *hpas: dict[str, Any]) -> None:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(yaml.safe_dump_all(hpas, sort_keys=False))


def test_fires_on_hpas_in_one_directory(tmp_path: Path) -> None:
    _write(tmp_path, "apps/cpu.yaml", _hpa("web-cpu", namespace="team"))
    _write(tmp_path, "apps/memory.yaml", _hpa("web-memory", namespace="team"))
    assert [file for file, _ in _conflicts(tmp_path)] == ["apps/cpu.yaml", "apps/memory.yaml"]


def test_passes_hpas_in_sibling_directories(tmp_path: Path) -> None:
    # two clusters' directories are separate applies (generator/validate/applies.py)
    _write(tmp_path, "clusters/staging/hpa.yaml", _hpa("web-staging", namespace="team"))
    _write(tmp_path, "clusters/production/hpa.yaml", _hpa("web-production", namespace="team"))
    assert _conflicts(tmp_path) == []
