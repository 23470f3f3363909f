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


# fluxcd/flux2-multi-tenancy infrastructure/kyverno/source.yaml: an OCIRepository still in v1beta2, which
# source-controller v1.8.0 (Flux v2.8.0) removed from its CRD
FLUX_OCI_V1BETA2 = """\
apiVersion: source.toolkit.fluxcd.io/v1beta2
kind: OCIRepository
metadata: {name: kyverno-controller, namespace: flux-system}
spec:
  interval: 10m
  url: oci://ghcr.io/kyverno/manifests/kyverno
  ref: {semver: 1.x}
"""


def test_a_version_the_bundled_crd_no_longer_serves_names_the_served_ones_and_the_removal() -> None:
    [finding] = _findings(FLUX_OCI_V1BETA2)
    assert finding.path == "/kind"
    assert finding.message.startswith(
        "source.toolkit.fluxcd.io/v1beta2 is not served by the bundled CRD of OCIRepository, which serves v1; "
        "v1beta2 was removed in Flux v2.8.0 (source-controller v1.8.0): use source.toolkit.fluxcd.io/v1"
    )
    assert "flux migrate -f" in finding.message


def test_a_version_not_in_the_removal_table_still_names_the_served_ones() -> None:
    # Alert never had a v1 (the bundled CRD serves v1beta3); a made-up v9 of a known kind is no removal
    [alert] = _findings("apiVersion: notification.toolkit.fluxcd.io/v1beta2\nkind: Alert\nmetadata: {name: a}\n")
    assert "which serves v1beta3; v1beta2 was removed in Flux v2.9.0" in alert.message
    [other] = _findings("apiVersion: cert-manager.io/v9\nkind: Certificate\nmetadata: {name: c}\n")
    assert other.message == (
        "cert-manager.io/v9 is not served by the bundled CRD of Certificate, which serves v1: use "
        "cert-manager.io/v1, or give the CRD that serves v9 with --crd"
    )


def test_an_unknown_group_or_kind_keeps_the_old_message() -> None:
    [finding] = _findings("apiVersion: example.com/v1beta2\nkind: OCIRepository\nmetadata: {name: x}\n")
    assert finding.message == "no schema for OCIRepository example.com/v1beta2 (Kubernetes 1.33, locations: default)"
    [kind] = _findings("apiVersion: source.toolkit.fluxcd.io/v1beta2\nkind: Widget\nmetadata: {name: x}\n")
    assert kind.message.startswith("no schema for Widget source.toolkit.fluxcd.io/v1beta2")


def test_a_crd_given_with_crd_is_named_instead_of_the_bundled_one(tmp_path: Path) -> None:
    crd = tmp_path / "crd.yaml"
    crd.write_text(
        """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - {name: v1beta1, served: true, storage: false, schema: {openAPIV3Schema: {type: object}}}
    - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}
"""
    )
    store = SchemaStore("1.33", crd_files=[crd])
    [finding] = _findings("apiVersion: example.com/v2\nkind: Widget\nmetadata: {name: x}\n", store)
    assert finding.message.startswith(
        "example.com/v2 is not served by the --crd CustomResourceDefinition of Widget, which serves v1, v1beta1"
    )


def test_versions_in_kubernetes_order() -> None:
    from generator.validate.schemas import kube_version_order

    versions = ["v1alpha1", "v1", "v1beta2", "v2", "v1beta10", "v1beta1", "latest", "v2beta1"]
    assert sorted(versions, key=kube_version_order) == [
        "v2",
        "v1",
        "v2beta1",
        "v1beta10",
        "v1beta2",
        "v1beta1",
        "v1alpha1",
        "latest",
    ]


def test_the_removal_table_agrees_with_the_bundled_catalogue() -> None:
    # each removed version has no bundled file, and each of its kinds is bundled in another version, so that
    # the message names a version to move to
    from generator.models.removed_crd_versions import REMOVED
    from generator.validate.schemas import bundled_kinds

    bundled = {(group, stem): version for group, stem, version in bundled_kinds()}
    versions = {(group, stem, version) for group, stem, version in bundled_kinds()}
    for (group, version), gone in REMOVED.items():
        for kind in gone.kinds:
            assert (group, kind.lower()) in bundled, (group, kind)
            assert (group, kind.lower(), version) not in versions, (group, kind, version)


def test_a_crd_in_the_validated_set_is_named_with_its_versions() -> None:
    text = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}
---
apiVersion: example.com/v2
kind: Widget
metadata: {name: x, namespace: default}
"""
    report = validate_resources(load_text(text, "t.yaml"), kubernetes_version="1.33")
    [finding] = [f for f in report.findings if f.rule == "missing-schema"]
    assert finding.message == (
        "example.com/v2 is not served by the set's CustomResourceDefinition of Widget, which serves v1: use "
        "example.com/v1, or add v2 to that CRD's versions"
    )
