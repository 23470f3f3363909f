"""`.gitops-gen.yaml`: external objects, siblings, severities and ignores; errors are file:line:col: key."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.commands import validate as validate_cmd
from generator.errors import InputError
from generator.validate.repoconfig import find_config, load_config

MONITOR = """\
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: coredns, namespace: monitoring}
spec:
  namespaceSelector: {matchNames: [kube-system]}
  selector: {matchLabels: {k8s-app: kube-dns}}
  endpoints: [{port: metrics}]
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: ml}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
        - name: app
          image: app:latest
          env: [{name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}]
"""


def _json(tmp_path: Path, *paths: str, **kw: Any) -> list[dict[str, Any]]:
    out = io.StringIO()
    validate_cmd.run([str(tmp_path / p) for p in paths], out=out, repo=tmp_path, fmt="json", **kw)
    findings: list[dict[str, Any]] = json.loads(out.getvalue())["findings"]
    return findings


def _rules(findings: list[dict[str, Any]]) -> set[str]:
    return {f["rule"] for f in findings}


def test_external_service_with_labels_satisfies_a_servicemonitor_on_plain_files(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(MONITOR)
    assert "dangling-servicemonitor" in _rules(_json(tmp_path, "m.yaml"))
    (tmp_path / ".gitops-gen.yaml").write_text(
        "external:\n"
        "  - {kind: Service, name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns},\n"
        "     reason: CoreDNS is part of the cluster}\n"
    )
    assert "dangling-servicemonitor" not in _rules(_json(tmp_path, "m.yaml"))


def test_external_pods_satisfy_a_service_selector(tmp_path: Path) -> None:
    svc = "apiVersion: v1\nkind: Service\nmetadata: {name: pg-rw, namespace: data}\n"
    svc += "spec: {selector: {cnpg.io/cluster: pg, cnpg.io/instanceRole: primary}, ports: [{port: 5432}]}\n"
    (tmp_path / "s.yaml").write_text(svc)
    assert "dangling-service" in _rules(_json(tmp_path, "s.yaml"))
    (tmp_path / ".gitops-gen.yaml").write_text(
        "external:\n  - kind: Pod\n    namespace: data\n"
        "    labels: {cnpg.io/cluster: pg, cnpg.io/instanceRole: primary}\n    reason: platform repo's CNPG\n"
    )
    assert "dangling-service" not in _rules(_json(tmp_path, "s.yaml"))


def test_siblings_provide_objects_to_missing_reference(tmp_path: Path) -> None:
    app = tmp_path / "apps" / "app"
    app.mkdir(parents=True)
    (app / "deploy.yaml").write_text(DEPLOYMENT)
    (app / "kustomization.yaml").write_text("resources: [deploy.yaml]\n")
    assert "missing-reference" in _rules(_json(tmp_path, "apps/app"))
    sibling = tmp_path / "apps" / "secrets"
    sibling.mkdir()
    (sibling / "db.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: ml}\nstringData: {password: x}\n"
    )
    (sibling / "kustomization.yaml").write_text("resources: [db.yaml]\n")
    (tmp_path / ".gitops-gen.yaml").write_text("siblings: [apps/secrets]\n")
    assert "missing-reference" not in _rules(_json(tmp_path, "apps/app"))


def test_severity_and_ignores_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "d.yaml").write_text(DEPLOYMENT)
    before = _json(tmp_path, "d.yaml")
    assert {"latest-tag", "missing-reference"} <= _rules(before)
    (tmp_path / ".gitops-gen.yaml").write_text(
        "severity: {latest-tag: 'off'}\n"
        "ignore:\n  - {rule: [missing-reference], kind: Deployment, name: 'ap*', reason: secret made by hand}\n"
    )
    after = _json(tmp_path, "d.yaml")
    assert not {"latest-tag", "missing-reference"} & _rules(after)
    assert _rules(after) == _rules(before) - {"latest-tag", "missing-reference"}


def test_config_is_found_in_an_ancestor_and_with_the_option(tmp_path: Path) -> None:
    (tmp_path / ".gitops-gen.yaml").write_text("severity: {latest-tag: error}\n")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_config(nested) == tmp_path / ".gitops-gen.yaml"
    other = tmp_path / "other.yaml"
    other.write_text("severity: {latest-tag: 'off'}\n")
    (nested / "d.yaml").write_text(DEPLOYMENT)
    out = io.StringIO()
    validate_cmd.run([str(nested / "d.yaml")], out=out, repo=nested, fmt="json", config=other)
    assert "latest-tag" not in _rules(json.loads(out.getvalue())["findings"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("externals: []\n", ".gitops-gen.yaml:1:1: externals: unknown key"),
        ("external:\n  - {kind: Service, name: x}\n", ".gitops-gen.yaml:2:5: external[0].reason: required key"),
        ("external:\n  - kind: Pod\n    reason: r\n", ".gitops-gen.yaml:2:5: external[0]: needs a name or labels"),
        ("severity:\n  no-such-rule: error\n", ".gitops-gen.yaml:2:3: severity.no-such-rule: unknown rule"),
        ("severity:\n  latest-tag: loud\n", ".gitops-gen.yaml:2:3: severity.latest-tag: expected one of"),
        ("ignore:\n  - {rule: latest-tag}\n", ".gitops-gen.yaml:2:5: ignore[0].reason: required key"),
        ("ignore:\n  - {rule: nope, reason: x}\n", ".gitops-gen.yaml:2:6: ignore[0].rule: unknown rule 'nope'"),
        ("siblings: [missing/dir]\n", ".gitops-gen.yaml:1:12: siblings[0]: no such file or directory"),
        ("external: {kind: x}\n", ".gitops-gen.yaml:1:1: external: expected a list"),
        ("severity: [\n", ".gitops-gen.yaml:2:1: invalid YAML"),
        ("severity: {a: 1, a: 2}\n", ".gitops-gen.yaml:1:"),
        ("exclude: docs\n", ".gitops-gen.yaml:1:1: exclude: expected a list"),
        ("exclude: [docs, 3]\n", ".gitops-gen.yaml:1:17: exclude[1]: expected a path or glob"),
        ("exclude:\n  - ../other\n", ".gitops-gen.yaml:2:5: exclude[0]: expected a path relative to"),
    ],
)
def test_errors_are_one_line_with_file_line_and_key_and_exit_2(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / ".gitops-gen.yaml").write_text(text)
    (tmp_path / "d.yaml").write_text(DEPLOYMENT)
    with pytest.raises(InputError) as err:
        load_config(tmp_path / ".gitops-gen.yaml", display=".gitops-gen.yaml")
    assert str(err.value).startswith(expected) and "\n" not in str(err.value)
    result = CliRunner().invoke(app, ["validate", "--repo", str(tmp_path), str(tmp_path / "d.yaml")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert expected in result.output


BROKEN = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   labels: {a: b}\n"
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata: {{a: b}}\n"


def _walk_report(root: Path, *paths: Path) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = validate_cmd.run([str(p) for p in paths or (root,)], out=out, repo=root, fmt="json", jobs=1)
    return code, json.loads(out.getvalue())


def _tree(root: Path) -> None:
    (root / "apps" / "testdata").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "apps" / "cm.yaml").write_text(CM.format(name="app"))
    (root / "apps" / "testdata" / "broken.yaml").write_text(BROKEN)  # a parser's test input, say
    (root / "docs" / "mkdocs.yml").write_text("site_name: docs\nnav: [index.md]\n")
    (root / "renovate.json").write_text('{"extends": ["config:recommended"]}\n')


def test_exclude_skips_matching_files_and_directories_while_walking(tmp_path: Path) -> None:
    _tree(tmp_path)
    code, report = _walk_report(tmp_path)
    assert code == 1 and report["summary"]["resources"] == 2  # cm and renovate.json
    assert {(f["file"], f["rule"]) for f in report["findings"] if f["severity"] != "info"} >= {
        ("apps/testdata/broken.yaml", "unreadable-input"), ("docs/mkdocs.yml", "not-a-manifest"),
        ("renovate.json", "schema-invalid"),
    }  # fmt: skip
    (tmp_path / ".gitops-gen.yaml").write_text("exclude:\n  - docs/\n  - '*/testdata'\n  - renovate.json\n")
    code, report = _walk_report(tmp_path)
    assert (code, report["summary"]["resources"]) == (0, 1)
    assert {f["file"] for f in report["findings"]} <= {"apps/cm.yaml"}


def test_exclude_is_relative_to_the_config_file_and_spares_inputs_named_on_the_command_line(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / ".gitops-gen.yaml").write_text("exclude: ['apps/testdata']\n")
    code, report = _walk_report(tmp_path, tmp_path / "apps")  # walking a subdirectory: same base
    assert (code, report["summary"]["resources"]) == (0, 1)
    # the excluded directory named on the command line is read: its broken file is reported
    code, report = _walk_report(tmp_path, tmp_path / "apps" / "testdata")
    assert code == 1 and [f["rule"] for f in report["findings"]] == ["unreadable-input"]
    # and the file named on the command line ends the run
    result = CliRunner().invoke(app, ["validate", "--repo", str(tmp_path), str(tmp_path / "apps/testdata/broken.yaml")])
    assert result.exit_code == 2 and "apps/testdata/broken.yaml:5:" in result.output
