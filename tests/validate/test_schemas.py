"""The offline schema store: versions, bundled CRDs, --crd conversion, --schema-location templates,
Go-only regexes, compile-once, and verdict parity between jsonschema-rs and python-jsonschema."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from generator.errors import InputError
from generator.validate import crd as crd_convert
from generator.validate.inputs import load_file
from generator.validate.load import load_text
from generator.validate.model import Resource
from generator.validate.schemas import (
    BUNDLED_CRDS,
    Compiled,
    SchemaStore,
    available_versions,
    k8s_file_name,
    python_regex_ok,
    resolve_version,
    rust_regex_ok,
    sanitize_patterns,
)

CRD_YAML = Path(__file__).resolve().parents[1] / "fixtures" / "crd-yaml"  # real CRDs, see its PROVENANCE.md
ROOT = Path(__file__).resolve().parents[2]


def _obj(text: str) -> dict[str, Any]:
    return load_text(text, "t.yaml")[0].obj


def test_versions_are_resolved_to_bundled_schema_sets() -> None:
    versions = available_versions()
    assert "1.33" in versions and versions == tuple(sorted(versions, key=lambda v: tuple(map(int, v.split(".")))))
    assert resolve_version("1.33") == "1.33"
    assert resolve_version("v1.33.4") == "1.33"
    assert resolve_version("1.99") == versions[-1]
    assert resolve_version(None) == versions[-1]
    with pytest.raises(InputError, match="no bundled schemas"):
        resolve_version("1.10")
    with pytest.raises(InputError, match="not a version"):
        resolve_version("latest")


def test_kubernetes_file_names() -> None:
    assert k8s_file_name("apps/v1", "Deployment") == "deployment-apps-v1.json"
    assert k8s_file_name("v1", "ConfigMap") == "configmap-v1.json"
    assert k8s_file_name("networking.k8s.io/v1", "Ingress") == "ingress-networking-v1.json"


def test_kubernetes_version_selects_schemas() -> None:
    hpa = "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
    res = load_text(hpa, "t.yaml")[0]
    assert not SchemaStore("1.25").check(res).missing
    assert SchemaStore("1.33").check(res).missing


def test_validator_is_compiled_once_per_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    real = jsonschema_rs.validator_for

    def counting(schema: Any, **kw: Any) -> Any:
        calls.append(schema)
        return real(schema, **kw)

    monkeypatch.setattr(jsonschema_rs, "validator_for", counting)
    store = SchemaStore("1.33")
    text = "---\n".join(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n" for i in range(50))
    for res in load_text(text, "t.yaml"):
        assert store.check(res).errors == ()
    assert len(calls) == 1


def test_bundled_crd_root_is_strict() -> None:
    store = SchemaStore("1.33")
    text = (
        "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\n"
        "spec: {secretName: s, issuerRef: {name: i}}\nextra: 1\n"
    )
    res = load_text(text, "t")[0]
    assert [(e.rule, e.path) for e in store.check(res).errors] == [("unknown-field", "/extra")]


# ---------------------------------------------------------------------------------------- --crd


def _servicemonitor_crd() -> Path:
    return CRD_YAML / "prometheus-operator-v0.89.0_monitoring.coreos.com_servicemonitors.yaml"


def test_crd_conversion_honours_int_or_string_and_preserve_unknown_fields() -> None:
    openapi = {
        "type": "object",
        "properties": {
            "port": {"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "string"}]},
            "values": {
                "type": "object",
                "x-kubernetes-preserve-unknown-fields": True,
                "properties": {"a": {"type": "string"}},
            },
            "opt": {"type": "string", "nullable": True},
            "nested": {"type": "object", "properties": {"b": {"type": "integer"}}},
        },
    }
    schema = crd_convert.convert(openapi)
    assert schema["additionalProperties"] is False
    assert schema["properties"]["port"] == {"oneOf": [{"type": "string"}, {"type": "integer"}]}
    assert "additionalProperties" not in schema["properties"]["values"]
    assert schema["properties"]["opt"]["type"] == ["string", "null"]
    assert schema["properties"]["nested"]["additionalProperties"] is False
    assert "additionalProperties" not in crd_convert.convert(openapi, strict=False)


def test_crd_file_gives_servicemonitor_schema_with_the_same_verdicts_as_the_bundled_one() -> None:
    derived = SchemaStore("1.33", crd_files=[_servicemonitor_crd()])
    bundled = SchemaStore("1.33")
    assert derived.lookup("monitoring.coreos.com/v1", "ServiceMonitor").source.startswith("--crd")  # type: ignore[union-attr]
    samples = [
        "spec: {selector: {matchLabels: {app: x}}, endpoints: [{port: http, interval: 30s}]}",
        "spec: {selector: {}, endpoints: [{targetPort: 8080}]}",
        "spec: {selector: {}, endpoints: [{targetPort: metrics}]}",
        "spec: {selector: {}, endpoints: [{targetPort: true}]}",
        "spec: {selector: {}, endpoints: [{port: http, bogus: 1}]}",
        "spec: {selector: {}, endpoints: http}",
        "spec: {endpoints: []}",
    ]
    verdicts = []
    for body in samples:
        res = load_text(
            f"apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {{name: m}}\n{body}\n", "t"
        )[0]
        a, b = derived.check(res), bundled.check(res)
        assert (a.errors == ()) == (b.errors == ()), body
        verdicts.append(a.errors == ())
    assert verdicts == [True, True, True, False, False, False, False]


def test_crd_files_of_argo_cd_convert_and_validate() -> None:
    files = sorted(CRD_YAML.glob("argo-cd-*.yaml"))
    assert files
    store = SchemaStore("1.33", crd_files=files)
    app = load_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: p}\n"
        "spec: {sourceRepos: ['*'], destinations: [{server: '*', namespace: '*'}]}\n",
        "t",
    )[0]
    assert store.check(app).errors == ()
    assert store.lookup("argoproj.io/v1alpha1", "AppProject").source.startswith("--crd")  # type: ignore[union-attr]


def test_crd_file_without_crd_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    with pytest.raises(InputError, match="no CustomResourceDefinition"):
        SchemaStore("1.33", crd_files=[path])


GO_CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
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
                host: {type: string, pattern: '^\\Q.\\E[a-z]+$'}
                mode: {type: string, pattern: 'mode-(?i)fast'}
"""


def test_go_only_regex_in_a_crd_does_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "crd.yaml"
    path.write_text(GO_CRD)
    assert not rust_regex_ok(r"^\Q.\E[a-z]+$") and not python_regex_ok("mode-(?i)fast")
    store = SchemaStore("1.33", crd_files=[path])

    def verdict(spec: str) -> bool:
        res = load_text(f"apiVersion: example.com/v1\nkind: Widget\nmetadata: {{name: w}}\nspec: {spec}\n", "t")[0]
        return store.check(res).errors == ()

    assert verdict("{host: .abc, mode: mode-FAST}")
    assert not verdict("{host: xabc}")  # \Q.\E is a literal dot, translated, not dropped
    compiled = store.lookup("example.com/v1", "Widget")
    assert compiled is not None and compiled.dropped_patterns == []
    python = store.python_validator("example.com/v1", "Widget")
    assert python.is_valid(_obj("apiVersion: example.com/v1\nkind: Widget\nspec: {host: .abc, mode: mode-FAST}\n"))


def test_untranslatable_pattern_is_dropped() -> None:
    dropped: list[str] = []
    out = sanitize_patterns({"properties": {"a": {"pattern": r"\C+"}}}, rust_regex_ok, dropped)
    assert out == {"properties": {"a": {}}} and dropped == [r"\C+"]


# ---------------------------------------------------------------------------------------- locations


def test_schema_location_templates(tmp_path: Path) -> None:
    (tmp_path / "example.com").mkdir()
    (tmp_path / "example.com" / "widget_v1.json").write_text(json.dumps({"type": "object", "required": ["spec"]}))
    (tmp_path / "v1.33.0-standalone-strict").mkdir()
    (tmp_path / "v1.33.0-standalone-strict" / "gadget-example-v2.json").write_text('{"type": "object"}')
    store = SchemaStore(
        "1.33",
        locations=[str(tmp_path / "{{ .Group }}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json"), str(tmp_path)],
    )
    widget = load_text("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n", "t")[0]
    assert [e.message for e in store.check(widget).errors] == ['"spec" is a required property']
    gadget = load_text("apiVersion: example.com/v2\nkind: Gadget\nmetadata: {name: g}\n", "t")[0]
    assert not store.check(gadget).missing
    # without "default", built-in kinds are not found
    cm = load_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", "t")[0]
    assert store.check(cm).missing
    assert not SchemaStore("1.33", locations=["default", str(tmp_path)]).check(cm).missing


def test_template_variables_follow_kubeconform(tmp_path: Path) -> None:
    store = SchemaStore("1.33", strict=True)
    tpl = (
        "{{.NormalizedKubernetesVersion}}/{{.StrictSuffix}}/{{.ResourceKind}}/{{.KindSuffix}}/"
        "{{.Group}}/{{.ResourceAPIVersion}}"
    )
    assert (
        store._template_path(tpl, "apps/v1", "Deployment").as_posix() == "v1.33.0/-strict/deployment/-apps-v1/apps/v1"
    )
    assert store._template_path(tpl, "v1", "Service").as_posix() == "v1.33.0/-strict/service/-v1/v1/v1"
    with pytest.raises(InputError, match="unknown template variable"):
        store._template_path("{{.Nope}}", "v1", "Service")


def test_remote_locations_are_refused() -> None:
    with pytest.raises(InputError, match="offline"):
        SchemaStore("1.33", locations=["https://raw.githubusercontent.com/x/{{.ResourceKind}}.json"])


def test_remote_ref_is_never_fetched(tmp_path: Path) -> None:
    (tmp_path / "widget.json").write_text(
        json.dumps({"type": "object", "properties": {"spec": {"$ref": "https://example.invalid/x.json"}}})
    )
    store = SchemaStore("1.33", locations=[str(tmp_path / "{{.ResourceKind}}.json")])
    res = load_text("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n", "t")[0]
    result = store.check(res)
    assert result.missing and "refusing to fetch" in result.note


# ---------------------------------------------------------------------------------------- parity


def _parity_documents() -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from validate_bench import app_documents
    finally:
        sys.path.pop(0)
    docs = [_obj(text) for i in (1, 7, 37, 57) for text in app_documents(i)]
    head = "apiVersion: {}\nkind: {}\nmetadata: {{name: x}}\nspec: {}\n"
    docs += [
        _obj("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {a: 1}}\n"),
        _obj(head.format("v1", "Service", "{ports: [{port: '80'}], type: Weird}")),
        _obj(
            head.format(
                "apps/v1",
                "Deployment",
                "{selector: {}, template: {spec: {containers: [{name: a, resources: {limits: {cpu: true}}}]}}}",
            )
        ),
        _obj(head.format("monitoring.coreos.com/v1", "ServiceMonitor", "{selector: {}, endpoints: [{port: http}]}")),
        _obj(head.format("argoproj.io/v1alpha1", "Application", "{project: p, destination: {}, source: {repoURL: r}}")),
        _obj(
            head.format(
                "external-secrets.io/v1",
                "ExternalSecret",
                "{secretStoreRef: {name: s, kind: ClusterSecretStore}, target: {name: t}}",
            )
        ),
    ]
    return docs


def test_jsonschema_rs_and_python_jsonschema_agree() -> None:
    store = SchemaStore("1.33")
    verdicts = []
    for obj in _parity_documents():
        compiled = store.lookup(obj["apiVersion"], obj["kind"])
        assert compiled is not None, obj["kind"]
        python = store.python_validator(obj["apiVersion"], obj["kind"])
        rust_ok = compiled.validator.is_valid(obj)
        assert rust_ok == python.is_valid(obj), (obj["kind"], obj["metadata"])
        verdicts.append(rust_ok)
    assert True in verdicts and False in verdicts  # the corpus exercises both outcomes


def test_error_paths_agree_with_python_jsonschema() -> None:
    store = SchemaStore("1.33")
    obj = _obj("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {enabled: yes, m: 1}\n")
    python = store.python_validator("v1", "ConfigMap")
    py_paths = sorted("/" + "/".join(map(str, e.absolute_path)) for e in python.iter_errors(obj))
    rs_paths = sorted(e.path for e in store.lookup("v1", "ConfigMap").errors(obj))  # type: ignore[union-attr]
    assert py_paths == rs_paths == ["/data/enabled", "/data/m"]


def test_bundled_schemas_match_their_checksums() -> None:
    import hashlib

    base = ROOT / "generator" / "schemas"
    for line in (base / "SHA256SUMS").read_text().splitlines():
        digest, name = re.split(r"\s+\*?", line.strip(), maxsplit=1)
        assert hashlib.sha256((base / name).read_bytes()).hexdigest() == digest, name
    assert (base / "LICENSES").is_dir() and "gitops-gen bundles" in (base / "PROVENANCE.md").read_text()


def test_load_file_reads_crd_yaml() -> None:
    assert load_file(_servicemonitor_crd())[0].kind == "CustomResourceDefinition"


# Every (group/version, kind) that the standard-channel CRDs of Gateway API v1.6.1 serve (``served: true`` in
# kubernetes-sigs/gateway-api config/crd/standard/gateway.networking.k8s.io_*.yaml at tag v1.6.1), and the
# ones they no longer serve (``served: false``): the API server refuses those.
GATEWAY_API_SERVED = [
    ("gateway.networking.k8s.io/v1", kind)
    for kind in (
        "BackendTLSPolicy",
        "Gateway",
        "GatewayClass",
        "GRPCRoute",
        "HTTPRoute",
        "ListenerSet",
        "ReferenceGrant",
        "TCPRoute",
        "TLSRoute",
        "UDPRoute",
    )
] + [("gateway.networking.k8s.io/v1beta1", kind) for kind in ("Gateway", "GatewayClass", "HTTPRoute", "ReferenceGrant")]
GATEWAY_API_NOT_SERVED = [
    ("gateway.networking.k8s.io/v1alpha3", "BackendTLSPolicy"),
    ("gateway.networking.k8s.io/v1alpha2", "TCPRoute"),
    ("gateway.networking.k8s.io/v1alpha2", "TLSRoute"),
    ("gateway.networking.k8s.io/v1alpha3", "TLSRoute"),
    ("gateway.networking.k8s.io/v1alpha2", "UDPRoute"),
]  # fmt: skip


@pytest.mark.parametrize(("api_version", "kind"), GATEWAY_API_SERVED)
def test_every_version_gateway_api_serves_has_a_bundled_schema(api_version: str, kind: str) -> None:
    assert SchemaStore("1.33.0").lookup(api_version, kind) is not None


@pytest.mark.parametrize(("api_version", "kind"), GATEWAY_API_NOT_SERVED)
def test_a_version_gateway_api_no_longer_serves_has_none(api_version: str, kind: str) -> None:
    assert SchemaStore("1.33.0").lookup(api_version, kind) is None


def test_a_field_the_api_server_defaults_before_validating_is_not_required() -> None:
    """RoleRef.apiGroup is required in the Kubernetes OpenAPI, but defaulted first (kubernetes
    pkg/apis/rbac/v1/defaults.go): a binding without it is accepted. kind and name stay required."""
    store = SchemaStore("1.33")
    binding = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": {"name": "b"},
        "roleRef": {"kind": "ClusterRole", "name": "view"},
    }
    assert store.check(Resource(binding, "b.yaml")).errors == ()
    nameless = {**binding, "roleRef": {"kind": "ClusterRole"}}
    (error,) = store.check(Resource(nameless, "b.yaml")).errors
    assert error.path == "/roleRef" and error.message == '"name" is a required property'


SEALED_SECRET = {  # as kubeseal writes it (bitnami-labs/sealed-secrets docs/examples)
    "apiVersion": "bitnami.com/v1alpha1",
    "kind": "SealedSecret",
    "metadata": {"name": "mysecret", "namespace": "default", "creationTimestamp": None},
    "spec": {
        "encryptedData": {"foo": "AgBy3i4OJSWK"},
        "template": {"metadata": {"name": "mysecret", "namespace": "default", "creationTimestamp": None}},
    },
}


def test_preserve_unknown_fields_keeps_a_bundled_object_open() -> None:
    """The bundled SealedSecret schema has additionalProperties: false beside
    x-kubernetes-preserve-unknown-fields: true at spec.template.metadata; the API server keeps unknown
    fields there (apiextensions-apiserver pruning/algorithm.go skipPrune). Elsewhere they stay errors."""
    store = SchemaStore("1.33")
    assert store.check(Resource(SEALED_SECRET, "s.yaml")).errors == ()
    stray = {**SEALED_SECRET, "spec": {**SEALED_SECRET["spec"], "encryptedDatas": {}}}  # type: ignore[dict-item]
    (error,) = store.check(Resource(stray, "s.yaml")).errors
    assert error.rule == "unknown-field" and "encryptedDatas" in error.message


def test_a_property_with_a_default_is_not_required() -> None:
    """Flux ImageUpdateAutomation: spec.sourceRef.kind is required and defaults to GitRepository; the API
    server's structural defaulter fills it in before validation (apiextensions-apiserver
    customresource_handler.go, schema/defaulting/algorithm.go). sourceRef.name has no default."""
    store = SchemaStore("1.33")
    automation = {
        "apiVersion": "image.toolkit.fluxcd.io/v1",
        "kind": "ImageUpdateAutomation",
        "metadata": {"name": "apps", "namespace": "flux-system"},
        "spec": {"interval": "30m", "sourceRef": {"name": "flux-system"}},
    }
    assert store.check(Resource(automation, "a.yaml")).errors == ()
    nameless = {**automation, "spec": {"interval": "30m", "sourceRef": {}}}
    (error,) = store.check(Resource(nameless, "a.yaml")).errors
    assert error.path == "/spec/sourceRef" and error.message == '"name" is a required property'


def test_crd_conversion_does_not_require_a_defaulted_property() -> None:
    schema = crd_convert.convert(
        {
            "type": "object",
            "properties": {"spec": {"type": "object", "required": ["mode", "size"], "properties": {
                "mode": {"type": "string", "default": "fast"}, "size": {"type": "integer"}}}},
        }
    )  # fmt: skip
    assert schema["properties"]["spec"]["required"] == ["size"]


def test_a_schema_location_crd_schema_is_read_as_the_api_server_does(tmp_path: Path) -> None:
    """The same two rules for schemas from --schema-location (datreeio/CRDs-catalog's files have both)."""
    folder = tmp_path / "bitnami.com"
    folder.mkdir()
    bundled = json.loads((BUNDLED_CRDS / "bitnami.com" / "sealedsecret_v1alpha1.json").read_text())
    (folder / "sealedsecret_v1alpha1.json").write_text(json.dumps(bundled))
    store = SchemaStore(
        "1.33", locations=[str(tmp_path / "{{.Group}}" / "{{.ResourceKind}}_{{.ResourceAPIVersion}}.json")]
    )
    assert store.check(Resource(SEALED_SECRET, "s.yaml")).errors == ()


def _sealed(**spec: Any) -> Resource:
    return Resource({**SEALED_SECRET, "spec": {**SEALED_SECRET["spec"], **spec}}, "s.yaml")  # type: ignore[dict-item]


def test_a_nullable_field_of_a_bundled_schema_may_be_null() -> None:
    """SealedSecret's spec.template.metadata is ``nullable: true`` in the bundled catalog file; kube-openapi
    passes a nil value of a nullable schema (pkg/validation/validate/type.go, typeValidator.Validate)."""
    store = SchemaStore("1.33")
    assert store.check(_sealed(template={"metadata": None})).errors == ()


def test_a_null_field_of_a_custom_resource_is_checked_as_the_api_server_decodes_it() -> None:
    """A null without nullable is removed before validation (apiextensions-apiserver
    schema/defaulting/prunenulls.go) in a map of properties and of additionalProperties alike; a null
    list item is not, and an unknown null field stays unknown."""
    store = SchemaStore("1.33")
    ok = _sealed(
        encryptedData={"foo": "AgBy3i4OJSWK", "bar": None},  # additionalProperties: {type: string}
        template={"type": None, "metadata": {"labels": None, "creationTimestamp": None}},
    )
    assert store.check(ok).errors == ()
    in_list = _sealed(template={"metadata": {"finalizers": ["a", None]}})
    (error,) = store.check(in_list).errors
    assert error.path == "/spec/template/metadata/finalizers/1" and error.rule == "schema-invalid"
    unknown = _sealed(templates=None)
    (error,) = store.check(unknown).errors
    assert error.rule == "unknown-field" and "templates" in error.message
    # the loaded object is not changed (objects are shared between rules)
    assert ok.obj["spec"]["encryptedData"] == {"foo": "AgBy3i4OJSWK", "bar": None}


def test_as_decoded_prunes_and_defaults_as_upstream() -> None:
    schema = crd_convert.convert(
        {
            "type": "object",
            "properties": {"spec": {"type": "object", "properties": {
                "mode": {"type": "string", "default": "fast"},
                "size": {"type": "integer"},
                "note": {"type": "string", "nullable": True},
                "ports": {"type": "array", "items": {"type": "integer", "default": 80}},
                "tags": {"type": "array", "items": {"type": "string"}},
                "tls": {"type": "object", "default": {}, "properties": {"mode": {"type": "string", "default": "On"}}},
            }}},
        }
    )  # fmt: skip
    spec = {"mode": None, "size": None, "note": None, "ports": [None, 8080], "tags": ["a", None], "x": None}
    value = {"spec": spec}
    decoded = crd_convert.as_decoded(value, schema)
    assert decoded == {
        "spec": {
            "mode": "fast",  # a non-nullable null with a default: defaulted
            "note": None,  # nullable: kept
            "ports": [80, 8080],  # a null item whose items have a default
            "tags": ["a", None],  # no default: the null item stays (and fails the type)
            "x": None,  # no schema: an unknown field, left to unknown-field
            "tls": {"mode": "On"},  # absent with a default, then defaulted in turn
        }
    }
    assert value["spec"] is spec and spec["size"] is None  # the loaded object is not changed
    untouched = {"spec": {"size": 3, "mode": "slow", "tls": {"mode": "Off"}}}
    assert crd_convert.as_decoded(untouched, schema) is untouched


def test_a_custom_resource_is_checked_with_its_defaults_applied() -> None:
    """Gateway API's GatewaySpecAddress: type defaults to IPAddress, and a oneOf tells IPAddress values from
    others. Without the default, an address with a value only matches both branches (a false error in
    gateway-api's examples/standard/gateway-addresses.yaml); the API server defaults first
    (apiextensions-apiserver schema/defaulting/algorithm.go)."""
    store = SchemaStore("1.33")
    gateway = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "gw", "namespace": "default"},
        "spec": {
            "gatewayClassName": "example",
            "listeners": [{"name": "http", "protocol": "HTTP", "port": 80}],
            "addresses": [{"value": "1.2.3.4"}, {"type": "Hostname", "value": "gw.example.com"}],
        },
    }
    assert store.check(Resource(gateway, "g.yaml")).errors == ()
    # what is written is still checked: a value longer than maxLength, beside the defaulted type
    bad = {**gateway, "spec": {**gateway["spec"], "addresses": [{"value": "1" * 254}]}}  # type: ignore[dict-item]
    assert [e.path for e in store.check(Resource(bad, "g.yaml")).errors] == ["/spec/addresses/0/value"]


def test_a_null_field_of_a_built_in_kind_is_not_pruned_as_a_custom_resource_is() -> None:
    """The Kubernetes schemas are not walked as structural ones: a Deployment's verdicts do not change."""
    store = SchemaStore("1.33")
    compiled = store.lookup("apps/v1", "Deployment")
    assert compiled is not None and not compiled.custom
    sealed = store.lookup("bitnami.com/v1alpha1", "SealedSecret")
    assert sealed is not None and sealed.custom


def test_only_schemas_with_defaults_decode_every_object() -> None:
    item = {"type": "object", "properties": {"x": {"type": "string"}}}
    spec = {"type": "object", "properties": {"items": {"type": "array", "items": item}}}
    schema = crd_convert.convert({"type": "object", "properties": {"spec": spec}})
    assert not crd_convert.sets_defaults(schema)
    schema["properties"]["spec"]["properties"]["items"]["items"]["properties"]["x"]["default"] = "a"
    assert crd_convert.sets_defaults(schema)
    store = SchemaStore("1.33")
    gateway = store.lookup("gateway.networking.k8s.io/v1", "Gateway")
    sealed = store.lookup("bitnami.com/v1alpha1", "SealedSecret")
    assert gateway is not None and gateway.defaults
    assert sealed is not None and sealed.custom and not sealed.defaults


def test_a_network_policy_without_pod_selector_is_valid_in_every_version() -> None:
    """podSelector was required in the OpenAPI until 1.34 but never by the API server (a struct: missing is
    the empty selector; kubernetes/kubernetes#131354)."""
    policy = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "deny", "namespace": "ml"},
        "spec": {"policyTypes": ["Ingress"]},
    }
    for version in ("1.33", "1.34"):
        assert SchemaStore(version).check(Resource(policy, "np.yaml")).errors == ()
    bad = {**policy, "spec": {"podSelector": {"matchLabels": "x"}}}
    assert SchemaStore("1.33").check(Resource(bad, "np.yaml")).errors


def test_an_int_or_string_field_says_so_when_it_gets_another_type() -> None:
    """x-kubernetes-int-or-string becomes a oneOf of string and integer (crd.INT_OR_STRING); a float there
    reads as what it is, not as jsonschema's "not valid under any of the schemas listed in 'oneOf'"."""
    openapi = {
        "type": "object",
        "properties": {
            "cpu": {"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "string"}]},
            "either": {"oneOf": [{"type": "boolean"}, {"type": "integer"}]},
        },
    }
    compiled = Compiled(jsonschema_rs.validator_for(crd_convert.convert(openapi)), "test", crd_convert.convert(openapi))
    [cpu] = compiled.errors({"cpu": 0.1})
    assert (cpu.path, cpu.message) == ("/cpu", "0.1 is neither an integer nor a string (an int-or-string field)")
    [other] = compiled.errors({"either": "x"})
    assert "oneOf" in other.message  # another oneOf keeps jsonschema's words


def test_a_built_in_int_or_string_field_says_so_too() -> None:
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"selector": {"app": "s"}, "ports": [{"port": 80, "targetPort": 1.5}]},
    }
    [error] = SchemaStore("1.33").check(Resource(service, "s.yaml")).errors
    assert (error.path, error.message) == (
        "/spec/ports/0/targetPort",
        "1.5 is neither an integer nor a string (an int-or-string field)",
    )


def test_a_version_that_is_no_kubernetes_version_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no Kubernetes version"):
        resolve_version("9.99")
    with pytest.raises(InputError, match="no Kubernetes version"):
        resolve_version("2.0")


def test_a_newer_version_than_bundled_is_validated_with_the_newest_and_said_so_on_stderr(tmp_path: Path) -> None:
    """The CLI as a user runs it: stdout holds the report alone, stderr says which schemas were used."""
    newest = available_versions()[-1]
    newer = f"1.{int(newest.split('.')[1]) + 3}"
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    args = [sys.executable, "-m", "generator.cli", "validate", "--format", "json", str(tmp_path)]
    done = subprocess.run([*args, "--kubernetes-version", newer], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["errors"] == 0
    assert f"Kubernetes {newer} is newer than the bundled schemas; validating against {newest}" in done.stderr
    same = subprocess.run([*args, "--kubernetes-version", newest], capture_output=True, text=True, check=False)
    assert same.returncode == 0 and same.stderr == ""
    wrong = subprocess.run([*args, "--kubernetes-version", "9.99"], capture_output=True, text=True, check=False)
    assert wrong.returncode == 2 and "no Kubernetes version" in wrong.stderr and wrong.stdout == ""


def test_a_schema_location_folder_that_does_not_exist_is_an_input_error(tmp_path: Path) -> None:
    """A typo in --schema-location made every resource a missing-schema error; now it exits 2 at once."""
    missing = tmp_path / "schemas"
    with pytest.raises(InputError, match="no such directory"):
        SchemaStore("1.33", locations=[str(missing)])
    with pytest.raises(InputError, match=f"no such directory {missing}"):
        SchemaStore("1.33", locations=[f"file://{missing}/{{{{ .Group }}}}/{{{{.ResourceKind}}}}.json"])
    missing.mkdir()
    SchemaStore("1.33", locations=[str(missing), f"{missing}/{{{{ .Group }}}}/{{{{.ResourceKind}}}}.json"])
    SchemaStore("1.33", locations=["{{ .Group }}/{{.ResourceKind}}.json"])  # relative to a folder per group
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    args = [sys.executable, "-m", "generator.cli", "validate", str(tmp_path / "cm.yaml")]
    done = subprocess.run([*args, "--schema-location", str(tmp_path / "typo")], capture_output=True, text=True)
    assert done.returncode == 2 and "no such directory" in done.stderr and "Traceback" not in done.stderr
