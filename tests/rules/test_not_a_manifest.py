"""not-a-manifest: a YAML file found while walking a directory that Argo CD's directory source ignores (its
first document has no kind and its text lacks apiVersion:, kind: or metadata:, argo-cd
reposerver/repository/repository.go getObjsFromYAMLOrJSON) is a warning, not a schema error; what Argo CD
fails on stays an error; a file holding +argocd:skip-file-rendering is not read (real files, the CLI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.validate.inputs import load_path

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {a: b}\n"
SETTINGS = "# tool settings\nsite_name: docs\nnav:\n  - index.md\n"


def _run(root: Path, *paths: str, jobs: str = "1") -> tuple[int, dict[str, Any]]:
    args = ["validate", "--repo", str(root), "--format", "json", "--jobs", jobs, *(paths or (str(root),))]
    result = CliRunner().invoke(app, args)
    return result.exit_code, json.loads(result.output)


def _rules(report: dict[str, Any]) -> list[tuple[str, str, str, int]]:
    return sorted((f["rule"], f["severity"], f["file"], f["line"]) for f in report["findings"])


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_fires_as_a_warning_on_a_walked_yaml_file_argocd_ignores(tmp_path: Path, jobs: str) -> None:
    (tmp_path / "cm.yaml").write_text(CM)
    (tmp_path / "mkdocs.yml").write_text(SETTINGS)
    code, report = _run(tmp_path, jobs=jobs)
    assert code == 0  # a warning: the sync succeeds, the file is left out
    assert _rules(report) == [("not-a-manifest", "warning", "mkdocs.yml", 2)]
    [finding] = report["findings"]
    assert "Argo CD" in finding["message"] and finding["column"] == 1
    assert report["summary"]["resources"] == 1


def test_fires_on_a_manifest_whose_author_forgot_the_kind(tmp_path: Path) -> None:
    # no "kind:" in the text: Argo CD leaves the whole file out, silently; the warning says so
    (tmp_path / "deploy.yaml").write_text("apiVersion: apps/v1\nmetadata: {name: web}\nspec: {replicas: 2}\n")
    code, report = _run(tmp_path)
    assert (code, _rules(report)) == (0, [("not-a-manifest", "warning", "deploy.yaml", 1)])


def test_fires_on_invalid_yaml_without_any_kind(tmp_path: Path) -> None:
    (tmp_path / "cm.yaml").write_text(CM)
    (tmp_path / "notes.yaml").write_text("title: x\n  bad: indent\n")
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   y: z\n")
    code, report = _run(tmp_path)
    assert code == 1
    assert _rules(report) == [
        ("not-a-manifest", "warning", "notes.yaml", 2),
        ("unreadable-input", "error", "broken.yaml", 5),  # "kind" in it: Argo CD may fail on it
    ]


def test_passes_where_argocd_fails_the_sync_the_schema_error_stays(tmp_path: Path) -> None:
    # all three markers in the text: Argo CD fails on the first document instead of ignoring the file
    (tmp_path / "mixed.yaml").write_text("replicas: 1\n---\n" + CM)
    # an object first, then a document without a kind: Argo CD fails ("Failed to unmarshal")
    (tmp_path / "tail.yaml").write_text(CM.replace("app", "other") + "---\nreplicas: 1\n")
    # a .json file that is no object: Argo CD has no allowance for JSON
    (tmp_path / "package.json").write_text('{"name": "ui"}\n')
    code, report = _run(tmp_path)
    assert code == 1
    assert [r for r in _rules(report) if r[0] == "not-a-manifest"] == []
    assert {(f["rule"], f["file"]) for f in report["findings"] if f["severity"] == "error"} == {
        ("schema-invalid", "mixed.yaml"), ("schema-invalid", "tail.yaml"), ("schema-invalid", "package.json"),
    }  # fmt: skip


def test_passes_on_a_file_named_on_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(SETTINGS)
    code, report = _run(tmp_path, str(tmp_path / "mkdocs.yml"))
    assert (code, [f["rule"] for f in report["findings"]]) == (1, ["schema-invalid"])


def test_a_file_with_argocds_skip_marker_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "cm.yaml").write_text(CM)
    (tmp_path / "template.yaml").write_text("# +argocd:skip-file-rendering\napiVersion: v1\nkind: {{ .Kind }}\n")
    (tmp_path / "draft.yaml").write_text("# +argocd:skip-file-rendering\n" + CM.replace("a: b", "a: 1"))
    code, report = _run(tmp_path)
    assert (code, report["findings"], report["summary"]["resources"]) == (0, [], 1)


# ------------------------------------------- files Argo CD leaves out unread: FIFOs, devices, dangling links


def _cli(root: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    """The CLI as a process with a time limit: the code before these tests opened a FIFO and waited for ever."""
    args = [sys.executable, "-m", "generator.cli", "validate", "--repo", str(root), "--format", "json", *extra]
    done = subprocess.run([*args, str(root)], capture_output=True, text=True, timeout=120, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_fires_on_a_fifo_without_opening_it(tmp_path: Path, jobs: str) -> None:
    (tmp_path / "cm.yaml").write_text(CM)
    os.mkfifo(tmp_path / "pipe.yaml")  # no writer: opening it would block
    code, report = _cli(tmp_path, "--jobs", jobs)
    assert code == 0
    assert _rules(report) == [("not-a-manifest", "warning", "pipe.yaml", 0)]
    assert "not a regular file" in report["findings"][0]["message"]
    assert report["summary"]["resources"] == 1


def test_fires_on_a_link_to_a_device_and_on_a_dangling_link(tmp_path: Path) -> None:
    (tmp_path / "cm.yaml").write_text(CM)
    (tmp_path / "null.yaml").symlink_to("/dev/null")
    (tmp_path / "gone.yml").symlink_to(tmp_path / "removed.yml")
    code, report = _run(tmp_path)
    assert code == 0  # warnings: Argo CD leaves both out and syncs the rest
    assert _rules(report) == [
        ("not-a-manifest", "warning", "gone.yml", 0),
        ("not-a-manifest", "warning", "null.yaml", 0),
    ]
    messages = {f["file"]: f["message"] for f in report["findings"]}
    assert "destination is missing" in messages["gone.yml"]
    assert "not a regular file" in messages["null.yaml"]


def test_a_dangling_link_named_on_the_command_line_still_ends_the_run(tmp_path: Path) -> None:
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "removed.yaml")
    result = CliRunner().invoke(app, ["validate", "--repo", str(tmp_path), str(tmp_path / "gone.yaml")])
    assert result.exit_code == 2
    assert "gone.yaml" in result.output


def test_a_sibling_directory_reads_past_files_argo_cd_leaves_out(tmp_path: Path) -> None:
    (tmp_path / "cm.yaml").write_text(CM)
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "removed.yaml")
    assert [res.name for res in load_path(tmp_path, repo=tmp_path)] == ["app"]


# kuttl's and chainsaw's assertions: a Deployment's expected status, no spec (partial on purpose)
ASSERTION = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nstatus: {readyReplicas: 1}\n"
STEP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: step}\ndata: {a: b}\n"


def test_fires_as_a_warning_on_kuttl_and_chainsaw_assertion_files(tmp_path: Path) -> None:
    kuttl = tmp_path / "tests" / "e2e" / "install"
    kuttl.mkdir(parents=True)
    (kuttl / "00-install.yaml").write_text(STEP)
    (kuttl / "00-assert.yaml").write_text(ASSERTION)
    (kuttl / "01-errors.yaml").write_text(ASSERTION)
    (kuttl / "02-Assert-ready.yaml").write_text(ASSERTION)  # kuttl lower-cases the name element
    code, report = _run(tmp_path)
    assert code == 0, report
    assert _rules(report) == [
        ("not-a-manifest", "warning", "tests/e2e/install/00-assert.yaml", 1),
        ("not-a-manifest", "warning", "tests/e2e/install/01-errors.yaml", 1),
        ("not-a-manifest", "warning", "tests/e2e/install/02-Assert-ready.yaml", 1),
    ]
    assert "kuttl or chainsaw reads this file as test assertions" in report["findings"][0]["message"]
    assert report["summary"]["resources"] == 1  # the step file is validated


def test_fires_on_the_assertion_files_a_chainsaw_test_names(tmp_path: Path) -> None:
    test = tmp_path / "policy"
    test.mkdir()
    (test / "chainsaw-test.yaml").write_text(
        "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: policy}\nspec:\n  steps:\n"
        "    - try:\n        - apply: {file: resource.yaml}\n        - assert: {file: policy-ready.yaml}\n"
        "        - error: {file: bad.yaml}\n"
    )
    (test / "resource.yaml").write_text(STEP)
    (test / "policy-ready.yaml").write_text(ASSERTION)
    (test / "bad.yaml").write_text(ASSERTION)
    code, report = _run(tmp_path)
    assert code == 0, report
    rules = _rules(report)
    assert ("not-a-manifest", "warning", "policy/policy-ready.yaml", 1) in rules
    assert ("not-a-manifest", "warning", "policy/bad.yaml", 1) in rules
    assert not [r for r in rules if r[0] != "not-a-manifest"], rules
    assert report["summary"]["resources"] == 1


def test_passes_an_assertion_file_named_on_the_command_line_is_validated(tmp_path: Path) -> None:
    (tmp_path / "00-assert.yaml").write_text(ASSERTION)
    code, report = _run(tmp_path, str(tmp_path / "00-assert.yaml"))
    assert code == 1  # named, it is meant to be applied: the Deployment lacks its spec
    assert "not-a-manifest" not in {f["rule"] for f in report["findings"]}
