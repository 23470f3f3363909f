"""schema-invalid: real Kubernetes schemas (kubernetes-validate) and bundled CRD schemas."""

from __future__ import annotations

from generator.validate.context import Context
from generator.validate.load import load_text
from generator.validate.model import Finding
from generator.validate.rules import schema_invalid as rule
from generator.validate.schemas import SchemaStore


def _findings(text: str, version: str = "1.33") -> list[Finding]:
    ctx = Context(load_text(text, "t.yaml"), kubernetes_version=version, schemas=SchemaStore(version))
    return [f for res in ctx.resources for f in rule.check(ctx, res)]


CONFIGMAP = """
apiVersion: v1
kind: ConfigMap
metadata: {name: flags}
data:
  enabled: %s
"""


def test_fires_on_yaml_11_boolean_in_configmap_data() -> None:
    [finding] = _findings(CONFIGMAP % "yes")
    assert finding.path == "/data/enabled"
    assert "true" in finding.message


def test_passes_quoted_yes() -> None:
    assert _findings(CONFIGMAP % '"yes"') == []


def test_fires_on_wrong_type_and_missing_required_field() -> None:
    text = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: "2"
  template:
    spec:
      containers: [{name: web, image: "nginx:1.27"}]
"""
    found = {(f.path, f.message) for f in _findings(text)}
    assert any(path == "/spec/replicas" and '"2" is not of types' in msg for path, msg in found)
    assert any(path == "/spec" and "selector" in msg for path, msg in found)


def test_fires_on_crd_schema_violation() -> None:
    text = """
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: mlflow}
spec:
  selector: {matchLabels: {app: mlflow}}
  endpoints: "http"
"""
    [finding] = _findings(text)
    assert finding.path == "/spec/endpoints"


def test_fires_on_document_without_kind_and_on_non_mapping_document() -> None:
    found = _findings("metadata: {name: x}\n---\n- just\n- a list\n")
    assert [f.path for f in found] == ["", ""]
    assert "no apiVersion or kind" in found[0].message
    assert "list" in found[1].message


def test_passes_valid_objects_and_ignores_unknown_fields() -> None:
    text = """
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 80, targetPort: http}]
  bogus: 1
"""
    assert _findings(text) == []  # the unknown field belongs to unknown-field
