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


# kyverno cmd/cli/kubectl-kyverno/_testdata/apply/test-3: "properties:" with only a comment under it
NULL_PROPERTIES_CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: foos.example.com}
spec:
  group: example.com
  names: {plural: foos, singular: foo, kind: Foo}
  scope: Namespaced
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
              properties:
                size: {type: integer}
                extra:
            status:
              type: object
              properties:
                # nothing yet
---
apiVersion: example.com/v1
kind: Foo
metadata: {name: test-foo}
spec: {size: 3, extra: {anything: [1, 2]}}
"""


def test_a_null_keyword_in_a_crd_schema_is_absent_as_the_api_server_decodes_it() -> None:
    """JSONSchemaProps decodes null into a nil map or pointer: the CRD compiles, its custom resources are
    checked against it (a null property schema admits anything)."""
    assert _findings(NULL_PROPERTIES_CRD, "missing-schema", "schema-invalid", "unknown-field") == []
    # the firing twin: the schema is in force
    wrong = NULL_PROPERTIES_CRD.replace("spec: {size: 3,", "spec: {size: three,")
    assert [(r, p) for r, p, _ in _findings(wrong, "missing-schema", "schema-invalid")] == [
        ("schema-invalid", "/spec/size")
    ]


def test_a_crd_of_the_set_that_cannot_be_compiled_is_not_named_as_a_crd_flag() -> None:
    broken = NULL_PROPERTIES_CRD.replace("size: {type: integer}", "size: {type: integer, minimum: x}")
    messages = [m for r, _, m in _findings(broken, "missing-schema") if r == "missing-schema"]
    origin = "the set's CustomResourceDefinition for example.com/Foo v1"
    assert messages and all("--crd" not in m and origin in m for m in messages)


def test_admission_policies_and_trust_bundles_are_cluster_scoped() -> None:
    """Their registry strategies say NamespaceScoped() false (kubernetes pkg/registry/admissionregistration
    validatingadmissionpolicy/strategy.go): no default namespace in findings (kyverno's test manifests)."""
    text = """apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: Bad_Name}
spec: {}
---
apiVersion: certificates.k8s.io/v1beta1
kind: ClusterTrustBundle
metadata: {name: Bad_Name}
spec: {trustBundle: x}
"""
    resources = load_text(text, "s.yaml", default_namespace="default")  # as plain files are loaded
    assert [r.namespace for r in resources] == ["", ""]
    report = validate_resources(resources, kubernetes_version="1.34", only=frozenset({"invalid-name"}))
    assert [f.resource.namespace if f.resource else None for f in report.findings] == ["", ""]


def test_a_cluster_scoped_object_has_no_namespace_even_when_its_manifest_names_one() -> None:
    """BeforeCreate clears it (k8s.io/apiserver pkg/registry/rest/create.go): two ValidatingAdmissionPolicies of
    one name in two "namespaces" are one object (kyverno's test manifests)."""
    one = """apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: demo, namespace: NS}
spec: {}
"""
    text = one.replace("NS", "a") + "---\n" + one.replace("NS", "b")
    resources = load_text(text, "s.yaml", default_namespace="default")
    assert [r.namespace for r in resources] == ["", ""]
    found = validate_resources(resources, kubernetes_version="1.34", only=frozenset({"duplicate-resource"})).findings
    assert [f.path for f in found] == ["/metadata/name"]


WINDOWS_POD = """apiVersion: v1
kind: Pod
metadata: {name: win}
spec:
  os: {name: windows}
  nodeSelector: {kubernetes.io/os: windows}
  securityContext: {runAsNonRoot: true}
  containers:
    - name: app
      image: mcr.microsoft.com/windows/nanoserver:ltsc2022
"""


def test_a_windows_pod_is_not_asked_for_fields_the_api_server_forbids_it() -> None:
    """validateWindows (kubernetes pkg/apis/core/validation/validation.go) forbids allowPrivilegeEscalation and
    readOnlyRootFilesystem on a pod with spec.os.name windows (secrets-store-csi-driver's Windows DaemonSet)."""
    assert _findings(WINDOWS_POD, "privilege-escalation", "writable-root-fs") == []
    # the firing twin: a node selector alone does not make Pod Security exempt the pod
    linux_os = WINDOWS_POD.replace("  os: {name: windows}\n", "")
    assert sorted(r for r, _, _ in _findings(linux_os, "privilege-escalation", "writable-root-fs")) == [
        "privilege-escalation",
        "writable-root-fs",
    ]


DEPLOYMENT_WITH_VARIABLES = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: REPLICAS
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27"}]
"""


@pytest.mark.parametrize(
    ("value", "reported"),
    [
        ('"${REPLICAS:=2}"', False),  # the default, decoded after substitution: the integer 2
        ('"${WORKER_MACHINE_COUNT}"', False),  # one reference without a default: whatever it holds
        ('"${REPLICAS:=two}"', True),  # the default is no integer
        ('"${REPLICAS}x"', True),  # text around the reference stays: no integer
        ("two", True),  # no variable at all
    ],
)
def test_a_typed_field_holding_a_variable_is_checked_as_substituted(value: str, reported: bool) -> None:
    """cluster-api's clusterctl templates and Flux repositories write `replicas: ${REPLICAS:=2}`; the text
    is substituted before it is decoded (fluxcd/pkg kustomize/kustomize_varsub.go), so it is an integer then
    (found by survey helper G: about 40 schema-invalid errors at cluster-api's root)."""
    found = _findings(DEPLOYMENT_WITH_VARIABLES.replace("REPLICAS", value, 1), "schema-invalid")
    assert bool(found) is reported, found
