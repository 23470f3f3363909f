"""unknown-field: strict schemas report keys the schema does not define."""

from __future__ import annotations

from generator.validate.context import Context
from generator.validate.load import load_text
from generator.validate.model import Finding
from generator.validate.rules import unknown_field as rule
from generator.validate.schemas import SchemaStore


def _findings(text: str) -> list[Finding]:
    ctx = Context(load_text(text, "t.yaml"), schemas=SchemaStore("1.33"))
    return [f for res in ctx.resources for f in rule.check(ctx, res)]


SERVICE = """
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports:
    - port: 80
      %s: 5000
"""


def test_fires_on_misspelt_field() -> None:
    [finding] = _findings(SERVICE % "targetport")
    assert finding.path == "/spec/ports/0/targetport"
    assert finding.message == 'unknown field "targetport"'


def test_passes_known_field() -> None:
    assert _findings(SERVICE % "targetPort") == []


def test_fires_on_unknown_top_level_field_of_bundled_crd() -> None:
    text = """
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: m}
spec:
  selector: {}
  endpoints: [{port: http, scrapeEvery: 30s}]
specs: {}
"""
    assert sorted(f.path for f in _findings(text)) == ["/spec/endpoints/0/scrapeEvery", "/specs"]


def test_passes_preserve_unknown_fields_objects() -> None:
    # Argo CD Application: spec.source.helm.valuesObject keeps unknown fields (x-kubernetes-preserve-unknown-fields)
    text = """
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: app, namespace: argocd}
spec:
  project: default
  destination: {server: "https://kubernetes.default.svc", namespace: mlflow}
  source:
    repoURL: https://example.com/repo.git
    path: overlays/dev
    helm:
      valuesObject: {anything: {goes: here}}
"""
    assert _findings(text) == []
