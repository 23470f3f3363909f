"""unreadable-input: a file or kustomize directory found while walking a directory that cannot be read is
reported at its file:line:column and every other input is still validated; the same input named on the
command line still ends the run with exit 2 (real files, real kustomize, through the CLI)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from generator.cli import app

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata: {{a: b}}\n"
# `labels:` indented one space deeper than `name:`: libyaml stops at line 5, column 10
BROKEN = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n   labels: {app: web}\n"
# `patches` holds patch objects, not file names (the argoproj/argocd-example-apps plugins/kustomized-helm
# kustomization): kustomize refuses the directory
PATCHES_AS_NAMES = "resources:\n  - cm.yaml\npatches:\n  - patch.yaml\n"


def _validate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", *args])
    return result.exit_code, result.output


def _report(root: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code, out = _validate("--repo", str(root), "--format", "json", *extra, str(root))
    return code, json.loads(out)


def _unreadable(report: dict[str, Any]) -> list[tuple[str, int, int, str]]:
    return [
        (f["file"], f["line"], f["column"], f["message"]) for f in report["findings"] if f["rule"] == "unreadable-input"
    ]


def _kustomization(directory: Path, text: str) -> None:
    directory.mkdir(parents=True)
    (directory / "kustomization.yaml").write_text(text)
    (directory / "cm.yaml").write_text(CM.format(name=directory.name))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_fires_at_the_syntax_error_of_a_walked_file_and_the_rest_is_validated(tmp_path: Path, jobs: str) -> None:
    (tmp_path / "a.yaml").write_text(CM.format(name="a"))
    (tmp_path / "b.yaml").write_text(BROKEN)
    (tmp_path / "c.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: c}\nspec: {containers: []}\n")
    code, report = _report(tmp_path, "--jobs", jobs)
    assert code == 1
    assert _unreadable(report) == [
        ("b.yaml", 5, 10, "not validated: invalid YAML: mapping values are not allowed in this context")
    ]
    assert report["summary"]["resources"] == 2  # a.yaml and c.yaml; the broken file is no resource
    assert any(f["file"] == "c.yaml" and f["rule"] != "unreadable-input" for f in report["findings"])


def test_the_report_is_the_same_for_every_jobs(tmp_path: Path) -> None:
    for i in range(40):
        (tmp_path / f"f{i:02}.yaml").write_text(BROKEN if i % 7 == 3 else CM.format(name=f"f{i}"))
    _kustomization(tmp_path / "apps" / "web", PATCHES_AS_NAMES)
    outputs = {
        jobs: _validate("--repo", str(tmp_path), "--format", "json", "--jobs", jobs, str(tmp_path)) for jobs in "12"
    }
    assert outputs["1"] == outputs["2"]
    assert outputs["1"][0] == 1 and len(_unreadable(json.loads(outputs["1"][1]))) == 6 + 1


def test_fires_at_the_key_kustomize_names_in_a_walked_kustomization(tmp_path: Path) -> None:
    _kustomization(tmp_path / "apps" / "web", PATCHES_AS_NAMES)
    _kustomization(tmp_path / "apps" / "api", "resources:\n  - cm.yaml\n")
    code, report = _report(tmp_path)
    assert code == 1
    [(file, line, column, message)] = _unreadable(report)
    assert (file, line, column) == ("apps/web/kustomization.yaml", 3, 1)
    # kustomize's own error, without klog's time stamp and process id: the same text on every run
    assert message == (
        "not validated: kustomize cannot build apps/web: invalid Kustomization: json: cannot unmarshal string "
        "into Go struct field Kustomization.patches of type types.Patch"
    )
    assert {f["resource"]["name"] for f in report["findings"] if f["rule"] != "unreadable-input"} <= {"api"}
    assert report["summary"]["resources"] == 1  # apps/api rendered and validated


def test_fires_at_line_one_when_kustomize_names_no_key(tmp_path: Path) -> None:
    _kustomization(tmp_path / "apps" / "web", "resources:\n  - cm.yaml\n  - missing.yaml\n")
    code, report = _report(tmp_path)
    [(file, line, column, message)] = _unreadable(report)
    assert (code, file, line, column) == (1, "apps/web/kustomization.yaml", 1, 1)
    assert message.startswith("not validated: kustomize cannot build apps/web: ") and "missing.yaml" in message


def test_fires_at_a_duplicate_key_that_stops_a_walked_kustomization(tmp_path: Path) -> None:
    _kustomization(tmp_path / "apps" / "web", "resources:\n  - cm.yaml\n")
    (tmp_path / "apps" / "web" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  name: web2\n"
    )
    _kustomization(tmp_path / "apps" / "api", "resources:\n  - cm.yaml\n")
    code, report = _report(tmp_path)
    assert code == 1
    [(file, line, column, message)] = _unreadable(report)
    assert (file, line, column) == ("apps/web/cm.yaml", 5, 3)
    assert message == "not validated: duplicate key /metadata/name: kustomize cannot build apps/web"
    assert report["summary"]["resources"] == 1  # apps/api is still rendered and validated, with every rule


def test_fires_without_a_line_for_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(CM.format(name="a"))
    (tmp_path / "latin1.yaml").write_bytes("data: {a: caf\xe9}\n".encode("latin-1"))
    code, report = _report(tmp_path)
    assert (code, _unreadable(report)) == (1, [("latin1.yaml", 0, 0, "not validated: not UTF-8 text")])


def test_passes_on_readable_inputs(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(CM.format(name="a"))
    _kustomization(tmp_path / "apps" / "web", "resources:\n  - cm.yaml\npatches:\n  - path: patch.yaml\n")
    (tmp_path / "apps" / "web" / "patch.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {b: c}\n"
    )
    code, report = _report(tmp_path)
    assert (code, _unreadable(report)) == (0, [])
    assert report["summary"]["resources"] == 2


def test_an_input_named_on_the_command_line_still_ends_the_run(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text(BROKEN)
    _kustomization(tmp_path / "web", PATCHES_AS_NAMES)
    code, out = _validate("--repo", str(tmp_path), str(tmp_path / "b.yaml"))
    assert (code, out.strip()) == (
        2,
        "gitops-gen: error: b.yaml:5:10: invalid YAML: mapping values are not allowed in this context",
    )
    code, out = _validate("--repo", str(tmp_path), str(tmp_path / "web"))
    assert code == 2 and "kustomize failed: invalid Kustomization: json: cannot unmarshal string" in out, out
    assert "run.go" not in out  # klog's prefix is not part of the message


def test_can_be_turned_off_like_any_rule(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(CM.format(name="a"))
    (tmp_path / "b.yaml").write_text(BROKEN)
    (tmp_path / ".gitops-gen.yaml").write_text("severity: {unreadable-input: 'off'}\n")
    code, report = _report(tmp_path)
    assert (code, _unreadable(report), report["summary"]["resources"]) == (0, [], 1)


def test_fires_at_the_remote_entry_of_a_walked_kustomization_without_allow_remote(tmp_path: Path) -> None:
    # fluxcd/flux2's manifests/bases/*: a release asset among the resources; validating the repository
    # stopped there (exit 2) before
    _kustomization(tmp_path / "apps" / "web", "resources:\n  - cm.yaml\n  - https://example.com/crds.yaml\n")
    _kustomization(tmp_path / "apps" / "api", "resources:\n  - cm.yaml\n")
    code, report = _report(tmp_path)
    assert code == 1
    [(file, line, column, message)] = _unreadable(report)
    assert (file, line, column) == ("apps/web/kustomization.yaml", 3, 5)
    assert message == (
        "not validated: apps/web: resources entry 'https://example.com/crds.yaml' is remote; validation is offline "
        "and never fetches it (vendor it into the repository, or pass --allow-remote)"
    )
    assert report["summary"]["resources"] == 1
    code, out = _validate("--repo", str(tmp_path), str(tmp_path / "apps" / "web"))
    assert code == 2 and "is remote" in out, out


def _deny_listing(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    """Listing ``denied`` fails as it does for a user without read permission on it. (The suite runs as root
    in CI, where permission bits do not stop a listing, so the refusal is made here.)"""
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if os.path.realpath(path) == os.path.realpath(denied):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_fires_on_a_walked_directory_that_cannot_be_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Argo CD's walk stops the manifest generation at an unreadable directory; it was left out silently."""
    (tmp_path / "cm.yaml").write_text(CM.format(name="a"))
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "cm.yaml").write_text(CM.format(name="b"))
    _deny_listing(monkeypatch, tmp_path / "locked")
    code, report = _report(tmp_path)
    assert code == 1
    assert _unreadable(report) == [("locked", 0, 0, "not validated: cannot read the directory: Permission denied")]
    assert report["summary"]["resources"] == 1


def test_a_named_directory_that_cannot_be_listed_ends_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "locked").mkdir()
    _deny_listing(monkeypatch, tmp_path / "locked")
    code, out = _validate("--repo", str(tmp_path), str(tmp_path / "locked"))
    assert code == 2 and "cannot read the directory: Permission denied" in out


def test_an_error_of_several_lines_loses_klog_s_time_stamp_and_the_warnings_before_it(tmp_path: Path) -> None:
    """kubectl prints an error with line breaks as klog's multi-line value (``err=<`` ... `` >``), after
    kustomize's deprecation warnings: the whole of stderr, time stamp and process id included, was the
    message, so two runs over Gatekeeper's config/overlays/dev gave different reports (2026-12-05)."""
    _kustomization(tmp_path / "apps" / "web", "patchesStrategicMerge:\n  - missing.yaml\n")
    _kustomization(tmp_path / "apps" / "api", "resources:\n  - cm.yaml\n")
    messages = [_unreadable(_report(tmp_path)[1])[0][3] for _ in range(2)]
    assert messages[0] == messages[1]
    assert messages[0].startswith(
        "not validated: kustomize cannot build apps/web: trouble configuring builtin PatchStrategicMergeTransformer"
    )
    assert "missing.yaml: no such file or directory" in messages[0]
    assert "run.go" not in messages[0] and "# Warning" not in messages[0]
