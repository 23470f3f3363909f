"""duplicate-resource: one group/kind/namespace/name defined twice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import duplicate_resource as rule


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources for f in rule.check(ctx, res)]


def _svc(name: str, namespace: str | None = None, api: str = "v1", kind: str = "Service") -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return {"apiVersion": api, "kind": kind, "metadata": meta}


def test_fires_once_on_the_second_copy() -> None:
    [finding] = _findings(_svc("web"), _svc("other"), _svc("web"))
    assert finding.path == "/metadata/name"
    assert "Service default/web" in finding.message and "document 1" in finding.message


def test_fires_when_namespace_is_implicit_default() -> None:
    assert len(_findings(_svc("web"), _svc("web", "default"))) == 1


def test_passes_same_name_in_other_namespace_kind_or_group() -> None:
    assert _findings(_svc("web", "a"), _svc("web", "b")) == []
    assert _findings(_svc("web"), _svc("web", kind="ConfigMap")) == []
    assert _findings(_svc("x", api="example.com/v1", kind="Thing"), _svc("x", api="other.io/v1", kind="Thing")) == []


# ---------------------------------------------------------------- which files are applied together (CLI, real files)

_SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: team\nspec:\n  ports:\n  - port: 80\n"


def _duplicates(root: Path, *targets: str, jobs: str = "1") -> list[tuple[str, int]]:
    args = ["validate", "--repo", str(root), "--format", "json", "--jobs", jobs]
    result = CliRunner().invoke(app, [*args, *(targets or (str(root),))])
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.output)
    return sorted((f["file"], f["line"]) for f in report["findings"] if f["rule"] == "duplicate-resource")


def _write(root: Path, *files: str) -> None:
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(_SERVICE)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_fires_on_copies_in_one_directory_and_in_a_directory_below_it(tmp_path: Path, jobs: str) -> None:
    _write(tmp_path, "apps/a.yaml", "apps/b.yaml", "apps/web/c.yaml")
    # Flux applies apps/ with everything below it: b.yaml and web/c.yaml repeat a.yaml
    assert _duplicates(tmp_path, jobs=jobs) == [("apps/b.yaml", 4), ("apps/web/c.yaml", 4)]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_passes_copies_in_sibling_directories(tmp_path: Path, jobs: str) -> None:
    _write(tmp_path, "clusters/staging/web.yaml", "clusters/production/web.yaml", "examples/one/web.yaml")
    assert _duplicates(tmp_path, jobs=jobs) == []
    # named one by one on the command line (a pre-commit hook's changed files), the same
    named = [str(tmp_path / "clusters" / env / "web.yaml") for env in ("staging", "production")]
    assert _duplicates(tmp_path, *named) == []


def test_a_directory_name_that_starts_like_another_is_no_subdirectory(tmp_path: Path) -> None:
    _write(tmp_path, "app/web.yaml", "app-v2/web.yaml")
    assert _duplicates(tmp_path) == []


def test_json_files_count_by_their_directory_too(tmp_path: Path) -> None:
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "team"}}
    for name in ("one/web.json", "two/web.json", "two/copy.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(json.dumps(service))
    assert _duplicates(tmp_path) == [("two/web.json", 1)]


def test_stdin_is_applied_with_every_plain_file(tmp_path: Path) -> None:
    _write(tmp_path, "apps/web.yaml")
    args = ["validate", "--repo", str(tmp_path), "--format", "json", str(tmp_path / "apps" / "web.yaml"), "-"]
    result = CliRunner().invoke(app, args, input=_SERVICE)
    assert result.exit_code == 1, result.output
    assert [f["rule"] for f in json.loads(result.output)["findings"] if f["severity"] == "error"] == [
        "duplicate-resource"
    ]


# ---------------------------------------------------------------- kuttl and chainsaw tests apply one file at a time


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_passes_the_steps_of_a_chainsaw_or_kuttl_test(tmp_path: Path, jobs: str) -> None:
    """open-telemetry/opentelemetry-operator tests/e2e-prometheuscr/create-sm-prometheus-exporters: each step's
    NN-install.yaml updates the collector of 01-install.yaml, applied one after the other by chainsaw (kyverno/
    chainsaw pkg/discovery/discovery.go, load.go: one Apply per file), as kuttl applies one step per index
    (kudobuilder/kuttl pkg/test/case.go). 58 duplicate-resource errors on that repository's tests/."""
    chainsaw = "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: t}\nspec: {steps: []}\n"
    _write(tmp_path, "chainsaw/01-install.yaml", "chainsaw/02-install.yaml", "chainsaw/resources/other.yaml")
    (tmp_path / "chainsaw" / "chainsaw-test.yaml").write_text(chainsaw)
    _write(tmp_path, "kuttl/00-install.yaml", "kuttl/01-update.yaml")
    (tmp_path / "kuttl" / "01-assert.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: web}\n")
    assert _duplicates(tmp_path, jobs=jobs) == []
    # a copy within one file is still one (chainsaw applies the file as one operation)
    (tmp_path / "chainsaw" / "01-install.yaml").write_text(_SERVICE + "---\n" + _SERVICE)
    assert _duplicates(tmp_path, jobs=jobs) == [("chainsaw/01-install.yaml", 13)]


def test_numbered_manifests_without_an_assertion_are_no_test(tmp_path: Path) -> None:
    _write(tmp_path, "apps/00-namespace.yaml", "apps/01-web.yaml", "test/00-namespace.yaml", "test/01-web.yaml")
    (tmp_path / "test" / "02-assert.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: web}\n")
    assert _duplicates(tmp_path) == [("apps/01-web.yaml", 4)]


def test_a_test_above_the_repository_does_not_count(tmp_path: Path) -> None:
    (tmp_path / "00-assert.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: web}\n")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    _write(tmp_path / "repo", "apps/a.yaml", "apps/b.yaml")
    assert _duplicates(tmp_path / "repo") == [("apps/b.yaml", 4)]
