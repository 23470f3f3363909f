"""False and repeated findings from the survey of 14 more public repositories (2026-12-05, session 18):
each test fails on the code before its fix and keeps a firing twin, so the rule is still alive."""

from __future__ import annotations

import io
import json
from pathlib import Path

from generator.commands.validate import run
from generator.validate.engine import validate_resources
from generator.validate.load import load_text

SOPS_SECRET = """apiVersion: v1
kind: Secret
metadata:
  name: cluster-secrets
  namespace: flux-system
stringData:
  CLUSTER_DOMAIN: ENC[AES256_GCM,data:9Ew=,iv:8Q==,tag:Jw==,type:str]
  PUBLIC_NAME_unencrypted: hello
sops:
  age:
    - recipient: age1qwwzsz6z2mmu6hpmjt2he7nepmnhutmhehvkva7l5zy5xzf08d5s5n4d6n
      enc: |
        -----BEGIN AGE ENCRYPTED FILE-----
        -----END AGE ENCRYPTED FILE-----
  lastmodified: "2024-01-01T00:00:00Z"
  mac: ENC[AES256_GCM,data:bfx=,iv:oc=,tag:lO==,type:str]
  unencrypted_suffix: _unencrypted
  version: 3.8.1
"""


def _findings(text: str, *rules: str) -> list[tuple[str, str, str]]:
    resources = load_text(text, "s.yaml")
    report = validate_resources(resources, kubernetes_version="1.33", only=frozenset(rules))
    return [(f.rule, f.path, f.message) for f in report.findings]


def test_a_sops_encrypted_secret_is_neither_plaintext_nor_an_unknown_field() -> None:
    """onedr0p-style home-ops (bjw-s/home-ops kubernetes/main/flux/vars/cluster-secrets.sops.yaml): Flux
    decrypts it before the apply; only the value SOPS left in clear (unencrypted_suffix) is reported."""
    found = _findings(SOPS_SECRET, "plaintext-secret", "unknown-field")
    assert [(rule, path) for rule, path, _ in found] == [("plaintext-secret", "/stringData")]
    assert "PUBLIC_NAME_unencrypted" in found[0][2] and "CLUSTER_DOMAIN" not in found[0][2]
    # the firing twin: the same Secret without SOPS's metadata is plaintext, every value
    plain = SOPS_SECRET[: SOPS_SECRET.index("sops:")] + "unknown: 1\n"
    found = _findings(plain, "plaintext-secret", "unknown-field")
    assert sorted(rule for rule, _, _ in found) == ["plaintext-secret", "unknown-field"]
    assert "CLUSTER_DOMAIN" in next(m for r, _, m in found if r == "plaintext-secret")


CONSTRAINT_CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: k8srequiredlabels.constraints.gatekeeper.sh}
spec:
  group: constraints.gatekeeper.sh
  names: {kind: K8sRequiredLabels, plural: k8srequiredlabels}
  scope: Cluster
  versions:
    - name: v1beta1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            metadata:
              type: object
              properties:
                name: {type: string, maxLength: 63}
            spec:
              type: object
              properties:
                enforcementAction: {type: string}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata:
  name: {name}
  labels: {gatekeeper.sh/tests: "yes"}
  annotations: {note: x}
spec:
  enforcementAction: deny
"""


def test_a_crd_that_restricts_metadata_name_leaves_labels_and_annotations_alone() -> None:
    """open-policy-agent/gatekeeper: constraint CRDs declare ``metadata: {properties: {name: {maxLength: 63}}}``
    and every label was an unknown field; the API server validates metadata as ObjectMeta, and only the
    name rules apply."""
    ok = CONSTRAINT_CRD.replace("{name}", "cm-must-have-gk")
    assert _findings(ok, "unknown-field", "schema-invalid") == []
    too_long = CONSTRAINT_CRD.replace("{name}", "x" * 64)
    assert [(rule, path) for rule, path, _ in _findings(too_long, "unknown-field", "schema-invalid")] == [
        ("schema-invalid", "/metadata/name")
    ]


def test_a_base_pulled_in_by_several_overlays_is_reported_once(tmp_path: Path) -> None:
    """rancher/local-path-provisioner: 15 kustomize directories include deploy/local-path-storage.yaml, and
    each of its findings was printed 15 times; identical findings are reported once, and findings that
    differ (another namespace) stay."""
    base = tmp_path / "base"
    base.mkdir()
    (base / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nbogus: 1\n")
    (base / "kustomization.yaml").write_text("resources: [cm.yaml]\n")
    for env, namespace in (("a", "one"), ("b", "one"), ("c", "two")):
        (tmp_path / env).mkdir()
        (tmp_path / env / "kustomization.yaml").write_text(f"namespace: {namespace}\nresources: [../base]\n")
    out = io.StringIO()
    run([str(tmp_path / e) for e in "abc"], out=out, repo=tmp_path, fmt="json", kubernetes_version="1.33.0", jobs=1)
    report = json.loads(out.getvalue())
    unknown = [f for f in report["findings"] if f["rule"] == "unknown-field"]
    assert [(f["file"], f["line"], f["resource"]["namespace"]) for f in unknown] == [
        ("base/cm.yaml", 5, "one"),
        ("base/cm.yaml", 5, "two"),
    ]
    assert report["summary"]["findings"] == len(report["findings"])
    assert report["summary"]["resources"] == 3
