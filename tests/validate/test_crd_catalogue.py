"""The bundled CRD catalogue: every listed operator kind has a schema that compiles and validates real
objects (clean ones pass, a misspelt field fails); a CustomResourceDefinition in the validated set is
used for its custom resources."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.validate.engine import validate_resources
from generator.validate.load import load_text
from generator.validate.schemas import BUNDLED_CRDS, SchemaStore

# (apiVersion, kind) the issue asks for: every prometheus-operator kind, cert-manager, external-secrets,
# sealed-secrets, Argo CD, Argo Rollouts, Istio networking, Kyverno policies (Gateway API: the auth branch).
REQUIRED = [
    ("monitoring.coreos.com/v1", k) for k in
    ("Prometheus", "Alertmanager", "ServiceMonitor", "PodMonitor", "Probe", "PrometheusRule", "ThanosRuler")
] + [
    ("monitoring.coreos.com/v1alpha1", k) for k in ("AlertmanagerConfig", "PrometheusAgent", "ScrapeConfig")
] + [
    ("cert-manager.io/v1", k) for k in ("Certificate", "CertificateRequest", "Issuer", "ClusterIssuer")
] + [("acme.cert-manager.io/v1", "Order"), ("acme.cert-manager.io/v1", "Challenge")] + [
    ("external-secrets.io/v1", k)
    for k in ("ExternalSecret", "SecretStore", "ClusterSecretStore", "ClusterExternalSecret")
] + [("external-secrets.io/v1alpha1", "PushSecret"), ("bitnami.com/v1alpha1", "SealedSecret")] + [
    ("argoproj.io/v1alpha1", k) for k in (
        "Application", "ApplicationSet", "AppProject",
        "Rollout", "AnalysisTemplate", "ClusterAnalysisTemplate", "AnalysisRun", "Experiment",
    )
] + [
    (f"networking.istio.io/{v}", k)
    for v in ("v1", "v1beta1", "v1alpha3")
    for k in ("VirtualService", "DestinationRule", "Gateway", "ServiceEntry", "Sidecar", "WorkloadEntry")
] + [("networking.istio.io/v1alpha3", "EnvoyFilter"), ("security.istio.io/v1", "AuthorizationPolicy")] + [
    ("kyverno.io/v1", "ClusterPolicy"), ("kyverno.io/v1", "Policy"), ("kyverno.io/v2", "PolicyException"),
    ("kyverno.io/v2", "CleanupPolicy"), ("kyverno.io/v2", "ClusterCleanupPolicy"),
]  # fmt: skip

STORE = SchemaStore("1.33")


@pytest.mark.parametrize(("api_version", "kind"), REQUIRED)
def test_every_required_kind_has_a_compiling_bundled_schema(api_version: str, kind: str) -> None:
    compiled = STORE.lookup(api_version, kind)
    assert compiled is not None, (api_version, kind)
    assert "bundled" in compiled.source


EXAMPLES = """
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec:
  replicas: 2
  serviceMonitorSelector: {}
  podMetadata: {labels: {team: obs}}
  resources: {requests: {memory: 400Mi}}
---
apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata: {name: main, namespace: monitoring}
spec: {replicas: 3}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.27"}]}
  strategy: {canary: {steps: [{setWeight: 20}, {pause: {duration: 10m}}]}}
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: web}
spec:
  hosts: [web.example.com]
  gateways: [web]
  http: [{route: [{destination: {host: web, port: {number: 80}}}]}]
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: require-labels}
spec:
  validationFailureAction: Enforce
  rules:
    - name: check-team
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate: {message: "label team is required", pattern: {metadata: {labels: {team: "?*"}}}}
---
apiVersion: cert-manager.io/v1
kind: CertificateRequest
metadata: {name: web}
spec: {request: "LS0t", issuerRef: {name: letsencrypt, kind: ClusterIssuer}}
"""


def _schema_findings(text: str, **kw: Any) -> list[tuple[str, str, str]]:
    resources = load_text(textwrap.dedent(text), "x.yaml")
    report = validate_resources(
        resources, schemas=STORE, only=frozenset({"schema-invalid", "unknown-field", "missing-schema"}), **kw
    )
    return [(f.rule, f.resource.kind if f.resource else "", f.path) for f in report.findings]


def test_passes_real_objects_of_the_catalogue_kinds() -> None:
    assert _schema_findings(EXAMPLES) == []


def test_fires_on_a_misspelt_field_and_a_wrong_type() -> None:
    bad = EXAMPLES.replace("replicas: 2\n  serviceMonitorSelector", "replica: 2\n  serviceMonitorSelector", 1)
    bad = bad.replace("spec: {replicas: 3}", "spec: {replicas: three}")
    found = _schema_findings(bad)
    assert ("unknown-field", "Prometheus", "/spec/replica") in found
    assert ("schema-invalid", "Alertmanager", "/spec/replicas") in found


WIDGET_CRD = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties: {size: {type: integer}}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec: {size: SIZE}
"""


def test_a_crd_in_the_validated_set_is_used_for_its_custom_resources() -> None:
    only_cr = WIDGET_CRD.split("---", 1)[1]
    assert [r for r, *_ in _schema_findings(only_cr.replace("SIZE", "3"))] == ["missing-schema"]
    assert _schema_findings(WIDGET_CRD.replace("SIZE", "3")) == []
    assert ("schema-invalid", "Widget", "/spec/size") in _schema_findings(WIDGET_CRD.replace("SIZE", "big"))
    # the shared store did not learn the set's CRD: the next unit without it still misses the schema
    assert [r for r, *_ in _schema_findings(only_cr.replace("SIZE", "3"))] == ["missing-schema"]


def test_added_catalogue_files_are_compact_and_description_free() -> None:
    provenance = (BUNDLED_CRDS.parent / "PROVENANCE.md").read_text()
    section = provenance.split("## CRD catalogue additions", 1)[1].split("\n## ", 1)[0]  # up to the next section
    names = [line.split("|")[1].strip() for line in section.splitlines() if line.startswith("| ") and ".json" in line]
    # the seven prometheus-operator files of that table, since refreshed from upstream, keep the layout
    refreshed = provenance.split("## prometheus-operator v0.93.0", 1)[1].split("\n## ", 1)[0]
    names += [line.split("|")[1].strip() for line in refreshed.splitlines() if "| compact |" in line]
    assert len(names) >= 50

    def descriptions(node: Any) -> int:
        if isinstance(node, dict):
            own = isinstance(node.get("description"), str)
            return own + sum(descriptions(value) for value in node.values())
        if isinstance(node, list):
            return sum(descriptions(value) for value in node)
        return 0

    for name in names:
        text = (BUNDLED_CRDS / name).read_text()
        assert text.count("\n") == 1, name  # one compact line
        assert descriptions(json.loads(text)) == 0, name
    licenses = {p.name for p in (BUNDLED_CRDS.parent / "LICENSES").iterdir()}
    assert {
        "istio_istio.Apache-2.0.txt",
        "kyverno_kyverno.Apache-2.0.txt",
        "argoproj_argo-rollouts.Apache-2.0.txt",
    } <= licenses


def test_examples_are_yaml() -> None:
    assert len(list(yaml.safe_load_all(EXAMPLES))) == 6 and Path(BUNDLED_CRDS).is_dir()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_cli_uses_a_crd_of_the_validated_files_for_its_custom_resources(tmp_path: Path, jobs: str) -> None:
    """Through the CLI's worker pipeline (resources are checked before the whole set is known): the CRD in
    one file validates the custom resource in another, whatever the number of workers."""
    crd, cr = WIDGET_CRD.split("---", 1)
    (tmp_path / "a-crd.yaml").write_text(textwrap.dedent(crd))

    def findings(size: str, *files: str) -> list[tuple[str, str]]:
        (tmp_path / "widget.yaml").write_text(textwrap.dedent(cr).replace("SIZE", size))
        proc = subprocess.run(
            [sys.executable, "-m", "generator.cli", "validate", *files, "--format", "json", "--jobs", jobs],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode in (0, 1), proc.stderr
        report = json.loads(proc.stdout)
        return [(f["rule"], f["path"]) for f in report["findings"] if f["resource"]["kind"] == "Widget"]

    widget_rules = {"schema-invalid", "unknown-field", "missing-schema"}
    assert [r for r, _ in findings("3", "widget.yaml") if r in widget_rules] == ["missing-schema"]
    assert [f for f in findings("3", "a-crd.yaml", "widget.yaml") if f[0] in widget_rules] == []
    assert ("schema-invalid", "/spec/size") in findings("big", "a-crd.yaml", "widget.yaml")
