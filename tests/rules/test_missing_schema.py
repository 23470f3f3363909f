"""missing-schema: kinds without a schema in any configured location."""

from __future__ import annotations

from pathlib import Path

from generator.validate.context import Context
from generator.validate.engine import validate_resources
from generator.validate.load import load_text
from generator.validate.model import Finding
from generator.validate.rules import missing_schema as rule
from generator.validate.schemas import SchemaStore


def _findings(text: str, store: SchemaStore | None = None) -> list[Finding]:
    ctx = Context(load_text(text, "t.yaml"), schemas=store or SchemaStore("1.33"))
    return [f for res in ctx.resources for f in rule.check(ctx, res)]


def test_fires_on_misspelt_kind() -> None:
    [finding] = _findings("apiVersion: apps/v1\nkind: Deployement\nmetadata: {name: x}\n")
    assert finding.path == "/kind"
    assert "Deployement" in finding.message and "1.33" in finding.message


def test_fires_on_unknown_custom_resource() -> None:
    [finding] = _findings("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: x}\n")
    assert "example.com/v1" in finding.message


def test_passes_builtin_and_bundled_crd_kinds() -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n"
        "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\n"
        "spec: {secretName: s, issuerRef: {name: i}}\n"
    )
    assert _findings(text) == []


def test_passes_removed_api_which_deprecated_api_reports() -> None:
    assert _findings("apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: x}\n") == []


def test_passes_kind_found_through_schema_location(tmp_path: Path) -> None:
    folder = tmp_path / "schemas" / "example.com"
    folder.mkdir(parents=True)
    (folder / "widget_v1.json").write_text('{"type": "object"}')
    store = SchemaStore(
        "1.33", locations=[str(tmp_path / "schemas/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json")]
    )
    assert _findings("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: x}\n", store) == []


def test_passes_with_ignore_missing_schemas_setting() -> None:
    resources = load_text("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: x}\n", "t.yaml")
    report = validate_resources(resources, kubernetes_version="1.33", ignore_missing_schemas=True)
    assert [f.rule for f in report.findings] == []
    report = validate_resources(resources, kubernetes_version="1.33")
    assert [f.rule for f in report.findings] == ["missing-schema"]
