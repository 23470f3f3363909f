"""False findings the surveys of session 18 left (2026-12-05, session 19): each test fails on the code before
its fix and keeps a firing twin, so the rule is still alive."""

from __future__ import annotations

import pytest

from generator.models.flux import as_substituted, with_stand_ins
from generator.validate.engine import validate_resources
from generator.validate.load import load_text

# bjw-s/home-ops kubernetes/main/templates/volsync/minio/externalsecret.yaml (a component that Flux
# Kustomizations include with postBuild.substitute: {APP: ...})
FLUX_TEMPLATE = """apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: "${APP}-volsync-minio"
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: onepassword}
  target:
    name: "${APP}-volsync-minio-secret"
    template:
      data:
        RESTIC_REPOSITORY: "s3:http://minio/volsync/${APP}"
  dataFrom:
    - extract: {key: minio}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: "${VOLSYNC_CLAIM:-${APP}}"
  namespace: "${NS:=media}"
spec:
  accessModes: ["${VOLSYNC_ACCESSMODES:-ReadWriteOnce}"]
  resources: {requests: {storage: "${VOLSYNC_CAPACITY:-5Gi}"}}
"""


def _findings(text: str, *rules: str) -> list[tuple[str, str, str]]:
    resources = load_text(text, "s.yaml")
    report = validate_resources(resources, kubernetes_version="1.33", only=frozenset(rules))
    return [(f.rule, f.path, f.message) for f in report.findings]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${APP}", "x"),
        ("${APP}-volsync-minio", "x-volsync-minio"),
        ("${VOLSYNC_CLAIM:-${APP}}", "x"),  # a default holding a reference: innermost first
        ("${NS:=media}", "media"),
        ("${NS-media}", "media"),
        ("${NS:-}", "x"),  # an empty default: the stand-in, the value Flux may be given
        ("${1NS}", "${1NS}"),  # not a variable name Flux accepts (kustomize_varsub.go varsubRegex)
        ("plain", "plain"),
    ],
)
def test_stand_ins_follow_envsubst_defaults(text: str, expected: str) -> None:
    assert with_stand_ins(text) == expected


def test_flux_post_build_variables_are_not_invalid_names_or_patterns() -> None:
    """Flux substitutes ${...} before it applies (fluxcd/pkg kustomize/kustomize_varsub.go); the text around
    them is still checked."""
    assert _findings(FLUX_TEMPLATE, "invalid-name", "schema-invalid") == []
    # the firing twins: what stays invalid once substituted
    broken = FLUX_TEMPLATE.replace('"${APP}-volsync-minio"\n', '"${APP}_Volsync"\n', 1)
    broken = broken.replace('"${APP}-volsync-minio-secret"', '"${APP}_secret"')
    found = _findings(broken, "invalid-name", "schema-invalid")
    assert [(rule, path) for rule, path, _ in found] == [
        ("invalid-name", "/metadata/name"),
        ("schema-invalid", "/spec/target/name"),
    ]
    assert '"${APP}_Volsync"' in found[0][2]


def test_substitution_disabled_keeps_the_reference_as_written() -> None:
    """An object labelled kustomize.toolkit.fluxcd.io/substitute: disabled is applied as written."""
    disabled = FLUX_TEMPLATE.replace(
        'name: "${APP}-volsync-minio"\n',
        'name: "${APP}-volsync-minio"\n  labels: {kustomize.toolkit.fluxcd.io/substitute: disabled}\n',
        1,
    )
    found = _findings(disabled, "invalid-name", "schema-invalid")
    assert [(rule, path) for rule, path, _ in found] == [
        ("invalid-name", "/metadata/name"),
        ("schema-invalid", "/spec/target/name"),
    ]
    obj = {"metadata": {"annotations": {"kustomize.toolkit.fluxcd.io/substitute": "disabled"}}}
    assert as_substituted(obj, "${APP}") == "${APP}"
    assert as_substituted({}, "${APP}") == "x"
