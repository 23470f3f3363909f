"""Bundled CRD schemas that lagged behind what real repositories use (onedr0p/home-ops, 2026-12-05): each test
fails on the schemas or code before its fix and keeps a firing twin, so the check is still alive."""

from __future__ import annotations

import json
from typing import Any

from generator.validate.engine import validate_resources
from generator.validate.load import load_text
from generator.validate.schemas import BUNDLED_CRDS, SchemaStore

STORE = SchemaStore("1.33")
SCHEMA_RULES = frozenset({"schema-invalid", "unknown-field", "missing-schema"})


def _schema_findings(text: str) -> list[tuple[str, str, str]]:
    report = validate_resources(load_text(text, "x.yaml"), schemas=STORE, only=SCHEMA_RULES)
    return [(f.rule, f.resource.kind if f.resource else "", f.path) for f in report.findings]


# onedr0p/home-ops kubernetes/apps/observability/kube-prometheus-stack/app/alertmanagerconfig.yaml (shortened),
# with the pushover receiver's `monospace`, a field prometheus-operator v0.87.0 added to the AlertmanagerConfig
# v1alpha1 CRD (the bundled schema came from v0.85.0 and called it an unknown field).
ALERTMANAGER_CONFIG = """apiVersion: monitoring.coreos.com/v1alpha1
kind: AlertmanagerConfig
metadata: {name: alertmanager, namespace: observability}
spec:
  route:
    groupBy: ["alertname", "job"]
    receiver: pushover
    routes:
      - receiver: "null"
        matchers: [{name: alertname, value: InfoInhibitor, matchType: =}]
  receivers:
    - name: "null"
    - name: pushover
      pushoverConfigs:
        - html: true
          MONOSPACE: true
          priority: |-
            {{ if eq .Status "firing" }}1{{ else }}0{{ end }}
          sendResolved: true
          sound: gamelan
          ttl: 86400s
          token: {name: alertmanager-secret, key: ALERTMANAGER_PUSHOVER_TOKEN}
          userKey: {name: alertmanager-secret, key: PUSHOVER_USER_KEY}
          urlTitle: View in Alertmanager
"""


def test_an_alertmanagerconfig_pushover_receiver_may_set_monospace() -> None:
    assert _schema_findings(ALERTMANAGER_CONFIG.replace("MONOSPACE", "monospace")) == []


def test_a_misspelt_pushover_field_is_still_an_unknown_field() -> None:
    found = _schema_findings(ALERTMANAGER_CONFIG.replace("MONOSPACE", "monospaced"))
    assert found == [("unknown-field", "AlertmanagerConfig", "/spec/receivers/1/pushoverConfigs/0/monospaced")]
    wrong_type = _schema_findings(ALERTMANAGER_CONFIG.replace("MONOSPACE: true", "monospace: sometimes"))
    assert wrong_type == [("schema-invalid", "AlertmanagerConfig", "/spec/receivers/1/pushoverConfigs/0/monospace")]


def test_every_prometheus_operator_file_is_the_refreshed_one_in_its_layout() -> None:
    """PROVENANCE.md's prometheus-operator section lists each bundled monitoring.coreos.com file with its layout
    and size: the full ones (indent=2, with descriptions, as the catalog writes them) and the compact ones."""
    provenance = (BUNDLED_CRDS.parent / "PROVENANCE.md").read_text()
    section = provenance.split("## prometheus-operator v0.93.0", 1)[1].split("\n## ", 1)[0]
    rows = [[cell.strip() for cell in line.split("|")[1:-1]] for line in section.splitlines() if ".json |" in line]
    listed = {name: (layout, int(size)) for name, layout, size, *_ in rows}
    on_disk = {f"monitoring.coreos.com/{p.name}" for p in (BUNDLED_CRDS / "monitoring.coreos.com").glob("*.json")}
    assert set(listed) == on_disk and len(on_disk) == 10
    for name, (layout, size) in listed.items():
        text = (BUNDLED_CRDS / name).read_text(encoding="utf-8")
        assert len(text.encode()) == size, name
        assert (text.count("\n") == 1) == (layout == "compact"), name
        assert (_descriptions(json.loads(text)) > 0) == (layout == "full"), name


def _descriptions(node: Any) -> int:
    """String-valued ``description`` keywords (a property named ``description`` is an object and is not one)."""
    if isinstance(node, dict):
        own = isinstance(node.get("description"), str)
        return own + sum(_descriptions(value) for value in node.values())
    if isinstance(node, list):
        return sum(_descriptions(value) for value in node)
    return 0


# A Flux Alert as onedr0p/home-ops writes it: its eventSources include the FluxInstance that the Flux Operator
# reconciles. The Flux Operator adds its kinds to this enum when it installs Flux (flux-operator
# internal/builder/templates.go, notificationPatchTmpl); the bundled schema is the unpatched CRD.
FLUX_ALERT = """apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata: {name: alertmanager, namespace: flux-system}
spec:
  providerRef: {name: alertmanager}
  eventSeverity: error
  eventSources:
    - {kind: FluxInstance, name: flux}
    - {kind: Kustomization, name: "*"}
    - {kind: ResourceSet, name: "*"}
    - {kind: ResourceSetInputProvider, name: "*"}
"""

FLUX_RECEIVER = """apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {name: github-webhook, namespace: flux-system}
spec:
  type: github
  events: [ping, push]
  secretRef: {name: github-webhook-token-secret}
  resources:
    - {apiVersion: fluxcd.controlplane.io/v1, kind: FluxInstance, name: flux}
    - {kind: GitRepository, name: flux-system}
"""

# The notification-controller's own Alert CRD, unpatched (cut down to the enum): what a cluster installed
# with flux bootstrap serves.
UNPATCHED_ALERT_CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: alerts.notification.toolkit.fluxcd.io}
spec:
  group: notification.toolkit.fluxcd.io
  scope: Namespaced
  names: {kind: Alert, plural: alerts}
  versions:
    - name: v1beta3
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-preserve-unknown-fields: true
              properties:
                eventSources:
                  type: array
                  items:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
                    properties:
                      kind: {type: string, enum: [GitRepository, HelmRelease, Kustomization, OCIRepository]}
---
"""


def test_a_flux_alert_and_receiver_may_name_the_flux_operator_kinds() -> None:
    assert _schema_findings(FLUX_ALERT) == []
    assert _schema_findings(FLUX_RECEIVER) == []


def test_a_kind_neither_flux_nor_the_flux_operator_serves_is_still_invalid() -> None:
    alert = FLUX_ALERT.replace("kind: ResourceSet,", "kind: Deployment,")
    assert _schema_findings(alert) == [("schema-invalid", "Alert", "/spec/eventSources/2/kind")]
    receiver = FLUX_RECEIVER.replace("kind: FluxInstance", "kind: FluxInstances")
    assert _schema_findings(receiver) == [("schema-invalid", "Receiver", "/spec/resources/0/kind")]


def test_an_alert_crd_in_the_set_is_used_as_written() -> None:
    """A cluster whose Alert CRD is in the repository (flux bootstrap's gotk-components.yaml) serves that enum:
    the Flux Operator's kinds are errors there, as the API server would say."""
    found = _schema_findings(UNPATCHED_ALERT_CRD + FLUX_ALERT)
    assert sorted(found) == [
        ("schema-invalid", "Alert", "/spec/eventSources/0/kind"),
        ("schema-invalid", "Alert", "/spec/eventSources/2/kind"),
        ("schema-invalid", "Alert", "/spec/eventSources/3/kind"),
    ]
