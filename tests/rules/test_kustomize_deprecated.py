"""kustomize-deprecated: with real kustomize, deprecated fields render (no refusal) and each one is a
warning at its kustomization file and line; a real kustomize failure is still exit 2."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.commands import validate as validate_cmd
from generator.errors import RenderError
from generator.kustomize.render import kustomize_build, kustomize_command
from generator.validate.context import Context
from generator.validate.ksources import kustomization_sources
from generator.validate.model import Finding
from generator.validate.rules import kustomize_deprecated as rule

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n"
PATCH = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {c: d}\n"
DEPRECATED = """\
bases: [base]
commonLabels: {app: x}
patchesStrategicMerge: [p.yaml]
imageTags: []
vars: []
patchesJson6902:
- target: {version: v1, kind: ConfigMap, name: x}
  patch: '[{"op":"add","path":"/data/e","value":"f"}]'
"""
MODERN = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [base]
labels:
- pairs: {app: x}
  includeSelectors: true
patches:
- path: p.yaml
"""

# kustomize's deprecation warnings, one line each: api/types/kustomization.go (kubernetes-sigs/kustomize),
# CheckDeprecatedFields, e.g. "# Warning: 'bases' is deprecated. Please use 'resources' instead. Run
# 'kustomize edit fix' to update your Kustomization automatically." (v5.5.0 also warns on commonLabels).
DEPRECATION_WARNING = re.compile(r"^# Warning: '(\w+)' is deprecated\b.*$")


def _tree(tmp_path: Path, kustomization: str) -> Path:
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "cm.yaml").write_text(CM)
    (tmp_path / "base" / "kustomization.yaml").write_text("resources: [cm.yaml]\n")
    (tmp_path / "p.yaml").write_text(PATCH)
    (tmp_path / "kustomization.yaml").write_text(kustomization)
    return tmp_path


def _findings(tmp_path: Path) -> list[Finding]:
    ctx = Context(kustomization_sources([tmp_path], repo=tmp_path))
    return [f for res in ctx.resources if rule.KINDS and res.kind in rule.KINDS for f in rule.check(ctx, res)]


def test_fires_once_per_deprecated_field_with_the_replacement(tmp_path: Path) -> None:
    findings = _findings(_tree(tmp_path, DEPRECATED))
    assert [f.path for f in findings] == [
        "/bases", "/commonLabels", "/imageTags", "/patchesJson6902", "/patchesStrategicMerge", "/vars",
    ]  # fmt: skip
    assert all("kustomize edit fix" in f.message for f in findings)
    assert "use 'replacements'" in findings[-1].message and "experimental" in findings[-1].message


def test_passes_on_the_modern_fields_and_on_a_nil_field(tmp_path: Path) -> None:
    assert _findings(_tree(tmp_path, MODERN + "bases:\n")) == []


def test_passes_on_a_flux_kustomization_object() -> None:
    flux = {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "metadata": {"name": "a"}}
    ctx = Context.from_objects([{**flux, "spec": {"path": "./"}, "bases": ["x"]}])
    assert list(rule.check(ctx, ctx.resources[0])) == []


def test_fires_for_exactly_the_fields_kustomize_itself_warns_about(tmp_path: Path) -> None:
    """The real kustomize prints one deprecation line per field; the rule reports the same set."""
    _tree(tmp_path, DEPRECATED)
    result = subprocess.run([*kustomize_command(), str(tmp_path)], capture_output=True, text=True, check=True)
    warned = {m.group(1) for line in result.stderr.splitlines() if (m := DEPRECATION_WARNING.match(line))}
    assert warned  # kustomize did warn
    assert {f.path.lstrip("/") for f in _findings(tmp_path)} == warned


def test_fires_through_validate_at_file_and_line_and_the_target_renders(tmp_path: Path) -> None:
    _tree(tmp_path, DEPRECATED)
    out = io.StringIO()
    code = validate_cmd.run([str(tmp_path)], out=out, repo=tmp_path, fmt="text")
    text = out.getvalue()
    assert code == 0, text  # warnings only: the target is not refused
    assert "kustomization.yaml:1:1: warning [kustomize-deprecated] 'bases' is deprecated" in text
    assert "kustomization.yaml:6:1: warning [kustomize-deprecated] 'patchesJson6902'" in text
    assert "1 resource:" in text  # the ConfigMap was rendered and validated; sources are not counted
    assert kustomize_build(tmp_path, strict=False).count("kind: ConfigMap") == 1


def test_fires_for_a_deprecated_field_in_a_base_the_overlay_pulls_in(tmp_path: Path) -> None:
    _tree(tmp_path, MODERN)
    (tmp_path / "base" / "kustomization.yaml").write_text("resources: [cm.yaml]\ncommonLabels: {tier: db}\n")
    out = io.StringIO()
    validate_cmd.run([str(tmp_path)], out=out, repo=tmp_path, fmt="text")
    assert "base/kustomization.yaml:2:1: warning [kustomize-deprecated] 'commonLabels'" in out.getvalue()


def test_a_real_kustomize_failure_is_still_exit_2_with_kustomizes_message(tmp_path: Path) -> None:
    _tree(tmp_path, DEPRECATED.replace("[p.yaml]", "[missing-patch.yaml]"))
    result = CliRunner().invoke(app, ["validate", "--repo", str(tmp_path), str(tmp_path)])
    assert result.exit_code == 2
    assert "kustomize failed" in result.output and "missing-patch.yaml" in result.output
    assert "Traceback" not in result.output


UNREPLACED_VARS = """\
resources: [cm.yaml]
vars:
- name: UNUSED
  objref: {kind: ConfigMap, name: x, apiVersion: v1}
  fieldref: {fieldpath: metadata.name}
"""


def test_what_kustomize_logs_while_it_succeeds_does_not_refuse_the_target(tmp_path: Path) -> None:
    """kubernetes-sigs/kustomize's examples/transformerconfigs/crd: a var nothing uses makes kustomize log
    "well-defined vars that were never replaced" on stderr and exit 0. Argo CD syncs that render, so
    validate checks it (it refused it with exit 2 before); ``build`` stays strict on its own tree."""
    (tmp_path / "cm.yaml").write_text(CM)
    (tmp_path / "kustomization.yaml").write_text(UNREPLACED_VARS)
    logged = subprocess.run([*kustomize_command(), str(tmp_path)], capture_output=True, text=True, check=True)
    assert "never replaced: UNUSED" in logged.stderr  # the real kustomize logs it, and succeeds
    result = CliRunner().invoke(app, ["validate", "--repo", str(tmp_path), str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "kustomization.yaml:2:1: warning [kustomize-deprecated] 'vars' is deprecated" in result.output
    assert "1 resource:" in result.output
    with pytest.raises(RenderError, match=r"kustomize printed warnings: .*never replaced: UNUSED"):
        kustomize_build(tmp_path)
