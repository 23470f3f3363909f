"""`gitops-gen validate` and `gitops-gen rules` end to end: inputs, exit codes, formats, --env."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.commands import rules as rules_cmd
from generator.commands import validate as validate_cmd
from generator.errors import InputError
from generator.validate.model import Finding, Severity
from generator.validate.pipeline import Outcome
from generator.validate.rules import RULES

CLEAN = """apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  enabled: "true"
"""
BAD = CLEAN.replace('"true"', "yes")


def _run(paths: list[str], **kw: object) -> tuple[int, str]:
    out = io.StringIO()
    code = validate_cmd.run(paths, out=out, **kw)  # type: ignore[arg-type]
    return code, out.getvalue()


def test_clean_file_exits_0(tmp_path: Path) -> None:
    (tmp_path / "cm.yaml").write_text(CLEAN)
    code, out = _run([str(tmp_path / "cm.yaml")], repo=tmp_path)
    assert code == 0
    assert out.strip() == "1 resource: 0 errors, 0 warnings, 0 infos"


def test_yaml_11_boolean_is_a_schema_error_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "cm.yaml").write_text(BAD)
    code, out = _run([str(tmp_path / "cm.yaml")], repo=tmp_path, fmt="json")
    assert code == 1
    [finding] = json.loads(out)["findings"]
    assert (finding["rule"], finding["file"], finding["line"], finding["column"]) == ("schema-invalid", "cm.yaml", 6, 3)


def test_paths_are_relative_to_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cm.yaml").write_text(BAD)
    monkeypatch.chdir(tmp_path)
    code, out = _run(["cm.yaml"])
    assert code == 1 and out.startswith("cm.yaml:6:3: error [schema-invalid]")


@pytest.mark.parametrize(
    ("worst", "fail_on", "expected"),
    [
        ("warning", "error", 0),
        ("warning", "warning", 1),
        ("info", "warning", 0),
        ("info", "info", 1),
        ("error", "error", 1),
        (None, "info", 0),
    ],
)
def test_fail_on_threshold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worst: str | None, fail_on: str, expected: int
) -> None:
    (tmp_path / "cm.yaml").write_text(CLEAN)
    findings = [Finding("m", rule="latest-tag", severity=Severity(worst), file="cm.yaml")] if worst else []
    monkeypatch.setattr(validate_cmd, "run_units", lambda jobs, **kw: Outcome(1, findings))
    code, out = _run([str(tmp_path / "cm.yaml")], repo=tmp_path, fail_on=fail_on)
    assert code == expected
    summary = out.splitlines()[-1]
    assert summary.startswith("1 resource: ") and (f"1 {worst}" in summary if worst else "0 errors" in summary)


def test_stdin_and_missing_schema_flag(tmp_path: Path) -> None:
    text = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"
    code, out = _run(["-"], repo=tmp_path, stdin=io.StringIO(text))
    assert code == 1 and out.startswith("<stdin>:2:1: error [missing-schema]")
    code, _ = _run(["-"], repo=tmp_path, stdin=io.StringIO(text), ignore_missing_schemas=True)
    assert code == 0


def test_input_errors_raise(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("a: [\n")
    with pytest.raises(InputError, match=r"broken\.yaml:2:1: invalid YAML"):
        _run([str(tmp_path / "broken.yaml")], repo=tmp_path)
    with pytest.raises(InputError, match="no overlays"):
        _run([], repo=tmp_path)


def test_crd_and_schema_location_options(tmp_path: Path) -> None:
    crd = Path(__file__).resolve().parents[1] / "fixtures" / "crd-yaml"
    sm = (
        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: m}\n"
        "spec: {selector: {}, endpoints: [{port: http, nope: 1}]}\n"
    )
    (tmp_path / "sm.yaml").write_text(sm)
    crd_file = crd / "prometheus-operator-v0.89.0_monitoring.coreos.com_servicemonitors.yaml"
    code, out = _run([str(tmp_path / "sm.yaml")], repo=tmp_path, crds=[crd_file])
    assert code == 1 and "[unknown-field]" in out
    (tmp_path / "nothing").mkdir()  # a folder without the schema (one that does not exist exits 2)
    code, out = _run([str(tmp_path / "sm.yaml")], repo=tmp_path, schema_locations=[str(tmp_path / "nothing")])
    assert "[missing-schema]" in out


def test_no_arguments_validates_every_overlay_with_kustomize(kustomize_repo: Path) -> None:
    code, out = _run([], repo=kustomize_repo, fmt="json")
    doc = json.loads(out)
    assert code == 1 and doc["summary"]["resources"] == 2
    files = {f["file"] for f in doc["findings"]}
    assert "base/service.yaml" in files and "overlays/dev/patch.yaml" in files


def test_env_option_uses_the_environment_profile_and_policy(env_repo: Path) -> None:
    code, out = _run([], repo=env_repo, env="dev", fmt="json")
    assert code == 1
    doc = json.loads(out)
    rules = {f["rule"] for f in doc["findings"]}
    assert "unknown-field" in rules and "schema-invalid" in rules
    assert "missing-pdb" not in rules  # off in the dev profile
    env_file = env_repo / "environments" / "dev.yaml"
    env_file.write_text(env_file.read_text() + 'policy:\n  severity:\n    unknown-field: "off"\n')
    rules = {f["rule"] for f in json.loads(_run([], repo=env_repo, env="dev", fmt="json")[1])["findings"]}
    assert "unknown-field" not in rules and "schema-invalid" in rules


def test_cli_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    (tmp_path / "ok.yaml").write_text(CLEAN)
    (tmp_path / "bad.yaml").write_text(BAD)
    (tmp_path / "broken.yaml").write_text("a: [\n")
    assert runner.invoke(app, ["validate", str(tmp_path / "ok.yaml")]).exit_code == 0
    assert runner.invoke(app, ["validate", str(tmp_path / "bad.yaml"), "--format", "github"]).exit_code == 1
    broken = runner.invoke(app, ["validate", str(tmp_path / "broken.yaml")])
    assert broken.exit_code == 2 and "invalid YAML" in broken.output
    assert runner.invoke(app, ["validate", "--format", "yaml", str(tmp_path / "ok.yaml")]).exit_code == 2
    assert runner.invoke(app, ["validate", "-"], input=BAD).exit_code == 1


def test_kustomize_missing_is_a_render_error(kustomize_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not shutil.which("kubectl"):
        pytest.skip("kubectl not installed")
    monkeypatch.setenv("PATH", str(kustomize_repo / "empty-bin"))
    result = CliRunner().invoke(app, ["validate", "--repo", str(kustomize_repo)], env={"PATH": os.environ["PATH"]})
    assert result.exit_code == 2
    assert "kustomize" in result.output


def test_rules_catalogue_text_and_markdown() -> None:
    out = io.StringIO()
    assert rules_cmd.run(out=out, fmt="text") == 0
    text = out.getvalue()
    for rule_id, rule in RULES.items():
        assert f"{rule_id}  [{rule.CATEGORY}, {rule.SEVERITY.value}]" in text
    out = io.StringIO()
    rules_cmd.run(out=out, fmt="markdown")
    md = out.getvalue()
    assert md.startswith("# gitops-gen validation rules")
    assert all(f"\n## {rule_id}\n" in md for rule_id in RULES)
    assert md.count("```yaml") >= 2 * len(RULES)
    result = CliRunner().invoke(app, ["rules", "--format", "markdown"])
    assert result.exit_code == 0 and result.output == md


def test_kubernetes_version_option_selects_removals_and_schemas(tmp_path: Path) -> None:
    hpa = (
        "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
        "spec: {scaleTargetRef: {kind: Deployment, name: d}, maxReplicas: 3}\n"
    )
    (tmp_path / "hpa.yaml").write_text(hpa)
    code, out = _run([str(tmp_path / "hpa.yaml")], repo=tmp_path, kubernetes_version="1.33", fmt="json")
    # (the lone HPA's target is not in the input either: hpa-dangling-target reports that too)
    [finding] = [f for f in json.loads(out)["findings"] if f["rule"] != "hpa-dangling-target"]
    assert code == 1 and finding["rule"] == "deprecated-api" and "was removed in Kubernetes 1.26" in finding["message"]
    code, out = _run([str(tmp_path / "hpa.yaml")], repo=tmp_path, kubernetes_version="1.25", fmt="json")
    [finding] = [
        f for f in json.loads(out)["findings"] if f["rule"] != "hpa-dangling-target"
    ]  # still served: its schema exists, only the deprecation is reported
    assert finding["rule"] == "deprecated-api" and "deprecated since Kubernetes 1.23" in finding["message"]
    with pytest.raises(InputError, match="no bundled schemas"):
        _run([str(tmp_path / "hpa.yaml")], repo=tmp_path, kubernetes_version="1.10")


def test_duplicate_keys_that_kustomize_refuses_are_findings_at_the_source(kustomize_repo: Path) -> None:
    service = kustomize_repo / "base" / "service.yaml"
    service.write_text(service.read_text().replace("  name: mlflow\n", "  name: mlflow\n  name: mlflow\n", 1))
    code, out = _run([], repo=kustomize_repo, fmt="json")
    assert code == 1
    [finding] = json.loads(out)["findings"]
    assert (finding["rule"], finding["file"], finding["line"], finding["column"]) == (
        "duplicate-key",
        "base/service.yaml",
        5,
        3,
    )


def test_other_kustomize_failures_are_render_errors(kustomize_repo: Path) -> None:
    (kustomize_repo / "overlays" / "dev" / "kustomization.yaml").write_text("resources:\n  - missing.yaml\n")
    result = CliRunner().invoke(app, ["validate", "--repo", str(kustomize_repo)])
    assert result.exit_code == 2
    assert "kustomize failed" in result.output and "missing.yaml" in result.output


def test_env_and_overlay_runs_find_the_project_from_a_subdirectory(
    env_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`validate --env dev` and `validate` in overlays/ validate the project above (as `build dev` works
    there); a PATH stays relative to the current directory."""
    monkeypatch.chdir(env_repo / "overlays")
    for args in (["--env", "dev"], []):
        result = CliRunner().invoke(app, ["validate", "--format", "json", *args])
        assert result.exit_code in (0, 1), result.output
        report = json.loads(result.output)
        assert report["summary"]["resources"] == 2
        assert {f["file"] for f in report["findings"]} >= {"base/service.yaml"}
    result = CliRunner().invoke(app, ["validate", "--format", "json", "dev"])
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.output)["summary"]["resources"] == 2
