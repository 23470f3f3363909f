"""The offline schema store: Kubernetes schemas from the ``kubernetes-validate`` package, the CRD schemas
bundled in ``generator/schemas/crds``, schemas derived from ``--crd`` manifests, and kubeconform-style
``--schema-location`` templates for local folders. Never touches the network.

Each validator is compiled once per (apiVersion, kind) with jsonschema-rs and reused; ``$ref`` into the
Kubernetes ``_definitions.json`` resolves through one in-memory registry per Kubernetes version. A pattern
that the regex engine rejects (Go-only syntax such as ``\\Q...\\E`` or a mid-pattern ``(?i)`` for Python's
``re``) is translated when possible, else dropped, instead of crashing the run.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from generator.errors import InputError
from generator.models.flux import as_substituted, only_reference, substitution_disabled
from generator.models.removed_crd_versions import removal
from generator.validate import crd as crd_convert
from generator.validate.model import Resource, pointer

BUNDLED_CRDS = Path(__file__).resolve().parent.parent / "schemas" / "crds"
K8S_DEFINITIONS_URI = "https://kubernetes.io/api/_definitions.json"
_DEFAULT_SUFFIX = (
    "{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
)
_TEMPLATE_VAR = re.compile(r"\{\{\s*\.(\w+)\s*\}\}")


# Fields the Kubernetes OpenAPI marks required that the API server's defaulting fills in before it validates,
# so an object without them is accepted: definition in _definitions.json -> those fields.
DEFAULTED_BEFORE_VALIDATION: dict[str, tuple[str, ...]] = {
    # kubernetes pkg/apis/rbac/v1/defaults.go: SetDefaults_RoleBinding and SetDefaults_ClusterRoleBinding set
    # an empty roleRef.apiGroup to rbac.authorization.k8s.io
    "io.k8s.api.rbac.v1.RoleRef": ("apiGroup",),
    # NetworkPolicySpec.PodSelector is a LabelSelector struct, not a pointer: a policy without it decodes to
    # the empty selector, every pod of the namespace, and ValidateNetworkPolicySpec
    # (pkg/apis/networking/validation/validation.go) only checks the selector's syntax. The OpenAPI marked
    # it required until kubernetes/kubernetes#131354 (1.34) made it optional, as it always was.
    "io.k8s.api.networking.v1.NetworkPolicySpec": ("podSelector",),
}


# The Flux Operator (controlplaneio-fluxcd/flux-operator), the common way to install Flux now, patches the
# notification-controller's CRDs whenever it installs that controller: its own kinds join the enum of
# Alert ``spec.eventSources[].kind`` and Receiver ``spec.resources[].kind`` in every served version
# (internal/builder/templates.go ``notificationPatchTmpl``, added to the kustomize patches by
# internal/builder/components.go when ``HasNotificationController()``; tag v0.58.1, commit
# b3b36020aca1f8d2172c76949c0bcb6bbf688dde). The bundled Flux schemas are the unpatched CRDs, so the same
# patch is applied when one is loaded: an Alert on a FluxInstance is valid on such a cluster, and its
# FluxInstance is often not in the validated set (the flux-instance Helm chart makes it, as on
# onedr0p/home-ops). A CRD of the set or from ``--crd`` is what the cluster has and is used as written.
FLUX_OPERATOR_KINDS = ("FluxInstance", "ResourceSet", "ResourceSetInputProvider")
FLUX_OPERATOR_ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("notification.toolkit.fluxcd.io", "Alert"): ("spec", "eventSources", "kind"),
    ("notification.toolkit.fluxcd.io", "Receiver"): ("spec", "resources", "kind"),
}


def with_flux_operator_kinds(group: str, kind: str, schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (a bundled CRD schema, changed in place) with :data:`FLUX_OPERATOR_KINDS` added to the
    enum that the Flux Operator's CRD patch extends, when ``group``/``kind`` has one; else unchanged."""
    fields = FLUX_OPERATOR_ENUMS.get((group, kind))
    node: Any = schema
    for name in fields or ():
        node = node.get("properties", {}).get(name) if isinstance(node, dict) else None
        if isinstance(node, dict) and node.get("type") == "array":
            node = node.get("items")
    if fields and isinstance(node, dict) and isinstance(node.get("enum"), list):
        node["enum"] = [*node["enum"], *(k for k in FLUX_OPERATOR_KINDS if k not in node["enum"])]
    return schema


def k8s_definitions(directory: Path) -> dict[str, Any]:
    """The ``_definitions.json`` of a Kubernetes schema folder, without the required fields that the API
    server defaults before validating (:data:`DEFAULTED_BEFORE_VALIDATION`)."""
    defs: dict[str, Any] = json.loads((directory / "_definitions.json").read_text(encoding="utf-8"))
    for name, fields in DEFAULTED_BEFORE_VALIDATION.items():
        definition = defs.get("$defs", {}).get(name)
        if isinstance(definition, dict) and isinstance(definition.get("required"), list):
            definition["required"] = [f for f in definition["required"] if f not in fields]
    return defs


def k8s_schema_root() -> Path:
    """kubernetes-validate's bundled schema folder, found without importing the package: its
    ``__init__`` imports python-jsonschema (~0.1 s on every run), which validate never uses."""
    import importlib.util

    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or spec.origin is None:
        raise InputError("the kubernetes-validate package is not installed (pip install kubernetes-validate)")
    return Path(spec.origin).resolve().parent / "kubernetes-json-schema"


@cache
def available_versions() -> tuple[str, ...]:
    """Kubernetes minor versions with bundled schemas, oldest first (e.g. ``("1.25", ..., "1.37")``)."""
    found = set()
    for entry in k8s_schema_root().iterdir():
        m = re.fullmatch(r"v(\d+)\.(\d+)\.\d+-local-strict", entry.name)
        if m:
            found.add((int(m.group(1)), int(m.group(2))))
    return tuple(f"{a}.{b}" for a, b in sorted(found))


def _minor(version: str) -> tuple[int, int]:
    m = re.fullmatch(r"v?(\d+)\.(\d+)(?:\.\d+)?", version.strip())
    if not m:
        raise InputError(f"--kubernetes-version: '{version}' is not a version like 1.33")
    if int(m.group(1)) != 1:
        raise InputError(f"--kubernetes-version: '{version}' is no Kubernetes version (they are 1.x, like 1.33)")
    return int(m.group(1)), int(m.group(2))


def _fixed_folder(location: str) -> str:
    """The folder a ``--schema-location`` names before its first template variable ("" when none): a plain
    folder, or the directory part of a template (``schemas/{{.Group}}/...`` -> ``schemas``)."""
    path = location[len("file://") :] if location.startswith("file://") else location
    if "{{" not in path and not path.endswith(".json"):
        return path
    return os.path.dirname(path.split("{{", 1)[0])


def newer_than_bundled(requested: str | None, used: str) -> bool:
    """Whether ``requested`` is a newer Kubernetes version than the schemas ``used`` for it (the newest
    bundled): a field that a newer version added is then unknown to them."""
    return bool(requested) and _minor(str(requested)) > _minor(used)


def resolve_version(requested: str | None) -> str:
    """The bundled schema version for a requested Kubernetes version (newest not newer than it)."""
    versions = available_versions()
    if not requested:
        return versions[-1]
    want = _minor(requested)
    usable = [v for v in versions if _minor(v) <= want]
    if not usable:
        raise InputError(f"--kubernetes-version: no bundled schemas for {requested} (oldest is {versions[0]})")
    return usable[-1]


def is_builtin_group(group: str) -> bool:
    """API groups served by Kubernetes itself (core, ``apps``, ``*.k8s.io``)."""
    return "." not in group or group.endswith(".k8s.io")


_KUBE_VERSION = re.compile(r"v([0-9]+)(?:(alpha|beta)([0-9]+))?")
_STABILITY = {None: 2, "beta": 1, "alpha": 0}


def kube_version_order(version: str) -> tuple[int, int, int, int, str]:
    """Sort key putting ``version`` where Kubernetes does, highest first: v2, v1, v1beta2, v1beta1, v1alpha1,
    then anything else by name (kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/version/helpers.go
    ``CompareKubeAwareVersionStrings``, the order of a CRD's versions in discovery)."""
    m = _KUBE_VERSION.fullmatch(version)
    if m is None:
        return (1, 0, 0, 0, version)
    return (0, -_STABILITY[m.group(2)], -int(m.group(1)), -int(m.group(3) or 0), "")


@cache
def _bundled_versions() -> dict[tuple[str, str], tuple[str, ...]]:
    """(group, lower-case kind) -> the versions of the bundled CRD schemas, highest first."""
    found: dict[tuple[str, str], list[str]] = {}
    for group, stem, version in bundled_kinds():
        found.setdefault((group, stem), []).append(version)
    return {key: tuple(sorted(versions, key=kube_version_order)) for key, versions in found.items()}


def k8s_file_name(api_version: str, kind: str) -> str:
    """``deployment-apps-v1.json`` for apps/v1 Deployment, ``configmap-v1.json`` for v1 ConfigMap."""
    group, _, version = api_version.rpartition("/")
    short = group.split(".")[0]
    return f"{kind.lower()}-{short}-{version}.json" if group else f"{kind.lower()}-{version}.json"


# ------------------------------------------------------------------------------------------ patterns


def _translate_go_regex(pattern: str) -> str:
    """Rewrite RE2-only syntax into the common subset: ``\\Q..\\E`` literals, mid-pattern ``(?i)``, ``\\z``."""
    out = re.sub(r"\\Q(.*?)(?:\\E|$)", lambda m: re.escape(m.group(1)), pattern)
    out = out.replace(r"\z", r"\Z") if "\\z" in out else out
    m = re.search(r"\(\?([imsU]+)\)", out)
    if m and m.start() > 0:
        flags = m.group(1).replace("U", "")
        rest = out[m.end() :]
        out = out[: m.start()] + (f"(?{flags}:{rest})" if flags else rest)
    return out


def sanitize_patterns(schema: Any, ok: Callable[[str], bool], dropped: list[str] | None = None) -> Any:
    """A copy of ``schema`` where every ``pattern`` (and ``patternProperties`` key) passes ``ok``:
    translated from Go syntax when that is enough, otherwise removed (recorded in ``dropped``)."""
    if isinstance(schema, list):
        return [sanitize_patterns(item, ok, dropped) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "pattern" and isinstance(value, str):
            if ok(value):
                out[key] = value
            else:
                fixed = _translate_go_regex(value)
                if ok(fixed):
                    out[key] = fixed
                elif dropped is not None:
                    dropped.append(value)
        elif key == "patternProperties" and isinstance(value, dict):
            props = {}
            for pat, sub in value.items():
                fixed = pat if ok(pat) else _translate_go_regex(pat)
                if ok(fixed):
                    props[fixed] = sanitize_patterns(sub, ok, dropped)
                elif dropped is not None:
                    dropped.append(pat)
            out[key] = props
        elif key in ("enum", "const", "default", "example", "examples"):
            out[key] = value
        else:
            out[key] = sanitize_patterns(value, ok, dropped)
    return out


@cache
def rust_regex_ok(pattern: str) -> bool:
    try:
        jsonschema_rs.validator_for({"pattern": pattern})
    except (ValueError, jsonschema_rs.ValidationError):
        return False
    return True


@cache
def python_regex_ok(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


# ------------------------------------------------------------------------------------------ results


@dataclass(frozen=True, slots=True)
class SchemaError:
    rule: str  # "unknown-field" or "schema-invalid"
    path: str  # JSON pointer
    message: str


@dataclass(frozen=True, slots=True)
class SchemaResult:
    missing: bool = False
    errors: tuple[SchemaError, ...] = ()
    note: str = ""  # why the schema is missing or unusable


OK = SchemaResult()


@dataclass(slots=True)
class Compiled:
    validator: Any  # a jsonschema_rs validator
    source: str  # where the schema came from (for messages and tests)
    schema: dict[str, Any]  # the (sanitized) schema as compiled
    base_uri: str | None = None
    dropped_patterns: list[str] = field(default_factory=list)
    # A custom resource's schema: the object is checked as the API server decodes it, its null fields pruned
    # or defaulted and its absent fields with a default set (crd.as_decoded). A built-in kind's are decoded
    # into Go structs, where a null is the zero value; the Kubernetes schemas admit them already.
    custom: bool = False
    defaults: bool = False  # crd.sets_defaults: a custom resource's object may change by more than its nulls

    def errors(self, obj: dict[str, Any]) -> tuple[SchemaError, ...]:
        # A schema without defaults only has nulls pruned: an object valid as written needs no decoding
        # (as_decoded is pure Python, ~16 us for the custom resources of tests/fixtures/real; is_valid ~1.4).
        if self.custom and (self.defaults or not self.validator.is_valid(obj)):
            # paths stay those of the manifest: only null fields are removed, and defaults only added
            obj = crd_convert.as_decoded(obj, self.schema)
        if self.validator.is_valid(obj):
            return ()
        out: list[SchemaError] = []
        for err in self.validator.iter_errors(obj):
            where = list(err.instance_path)
            unexpected = getattr(err.kind, "unexpected", None)
            if isinstance(err.kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties) and unexpected:
                for name in unexpected:
                    out.append(SchemaError("unknown-field", pointer(*where, name), f'unknown field "{name}"'))
            elif isinstance(err.kind, jsonschema_rs.ValidationErrorKind.OneOfNotValid) and self._int_or_string(
                err.schema_path
            ):
                # the schemas spell x-kubernetes-int-or-string as a oneOf (crd.INT_OR_STRING): say what it means
                value = json.dumps(err.instance)
                message = f"{value} is neither an integer nor a string (an int-or-string field)"
                out.append(SchemaError("schema-invalid", pointer(*where), _short(message)))
            elif not _substituted_matches(err, obj):
                out.append(SchemaError("schema-invalid", pointer(*where), _short(err.message)))
        return tuple(out)

    def _int_or_string(self, schema_path: Sequence[str | int]) -> bool:
        """Whether the ``oneOf`` at ``schema_path`` is the int-or-string pair (string, integer): the Kubernetes
        schemas' IntOrString definition (its path starts in the shared definitions), or a CRD's
        x-kubernetes-int-or-string as crd.convert spells it (its path is in this schema)."""
        if list(schema_path[-2:]) == [_INT_OR_STRING_DEFINITION, "oneOf"]:
            return True
        node: Any = self.schema
        for part in schema_path:
            if isinstance(node, dict) and isinstance(part, str):
                node = node.get(part)
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                return False
        if not isinstance(node, list):
            return False
        types = sorted(str(o.get("type")) for o in node if isinstance(o, dict))
        return len(node) == 2 and types == ["integer", "string"]


_INT_OR_STRING_DEFINITION = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"


def _substituted_matches(err: Any, obj: dict[str, Any]) -> bool:
    """Whether a ``pattern`` error is on a string holding Flux post-build variables that matches the pattern
    once they are replaced by their defaults or stand-ins (generator.models.flux): Flux substitutes them
    before it applies the object (``${APP}-volsync`` as an ExternalSecret's ``spec.target.name``). Likewise
    a ``type`` error on such a string (:func:`_substituted_type_matches`)."""
    instance = err.instance
    if isinstance(err.kind, jsonschema_rs.ValidationErrorKind.Type):
        return _substituted_type_matches(instance, list(err.kind.types), obj)
    if not isinstance(err.kind, jsonschema_rs.ValidationErrorKind.Pattern) or not isinstance(instance, str):
        return False
    substituted = as_substituted(obj, instance)
    if substituted == instance:
        return False
    try:
        # JSON Schema's "pattern" is unanchored (draft 2020-12, 6.3.3); the API server's patterns are anchored
        return re.search(err.kind.pattern, substituted) is not None
    except re.error:
        return False


# JSON Schema type -> whether a YAML-decoded value has it (bool is no integer or number there)
_JSON_TYPES: dict[str, Callable[[Any], bool]] = {
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "string": lambda v: isinstance(v, str),
}


def _substituted_type_matches(instance: Any, types: list[str], obj: dict[str, Any]) -> bool:
    """Whether a string holding variables has one of ``types`` once substituted: Flux (and clusterctl, with
    the same syntax) substitutes the YAML text before it is decoded, so ``replicas: ${REPLICAS:=2}`` is the
    integer 2 when applied (fluxcd/pkg kustomize/kustomize_varsub.go: the substituted text is unmarshalled
    again). A value that is one reference without a default (``${WORKER_MACHINE_COUNT}``) takes whatever the
    variable holds, unknown offline: not reported. Text around a reference stays (``${X}Gi`` is no integer)."""
    if not isinstance(instance, str) or "${" not in instance or substitution_disabled(obj):
        return False
    if only_reference(instance):
        return True
    import yaml  # (only on this rare path)

    try:
        value = yaml.safe_load(as_substituted(obj, instance))
    except yaml.YAMLError:
        return False
    return any(_JSON_TYPES.get(t, lambda v: False)(value) for t in types)


def _short(message: str) -> str:
    first = message.strip().splitlines()[0] if message.strip() else "invalid"
    return first if len(first) <= 300 else first[:297] + "..."


# ------------------------------------------------------------------------------------------ the store


class SchemaStore:
    """Finds and compiles schemas; one compiled validator per (apiVersion, kind), reused for every object."""

    def __init__(
        self,
        kubernetes_version: str | None = None,
        *,
        locations: Sequence[str] = (),
        crd_files: Sequence[Path] = (),
        strict: bool = True,
    ) -> None:
        self.kubernetes_version = resolve_version(kubernetes_version)
        self.strict = strict
        self.locations = list(locations) or ["default"]
        for loc in self.locations:
            if loc != "default" and re.match(r"^[a-z][a-z0-9+.-]*://", loc) and not loc.startswith("file://"):
                raise InputError(f"--schema-location {loc}: only local folders are supported (validation is offline)")
            if loc != "default":
                folder = _fixed_folder(loc)
                if folder and not os.path.isdir(folder):
                    # a typo would otherwise make every resource a missing-schema error
                    raise InputError(f"--schema-location {loc}: no such directory {folder}")
        self._crds: dict[tuple[str, str, str], dict[str, Any]] = {}
        # what gave a CRD schema, for messages: "--crd", unless the validated set did (extended)
        self._crd_origin: dict[tuple[str, str, str], str] = {}
        # (group, kind) of the --crd CRDs that say ``scope: Cluster`` (model.declare_cluster_scoped)
        self.cluster_scoped: set[tuple[str, str]] = set()
        for path in crd_files:
            self._add_crd_file(path)
        self._cache: dict[tuple[str, str], Compiled | None] = {}
        self._notes: dict[tuple[str, str], str] = {}
        self._registry: Any = None
        self._last: tuple[int, SchemaResult] | None = None
        self._last_obj: Any = None

    # -- sources

    def _add_crd_file(self, path: Path) -> None:
        from generator.validate.inputs import load_file

        try:
            docs = [res.obj for res in load_file(path)]
        except InputError as exc:
            raise InputError(f"--crd {exc}") from None
        found = crd_convert.schemas_from_documents(docs, strict=self.strict)
        if not found:
            raise InputError(f"--crd {path}: no CustomResourceDefinition with an openAPIV3Schema")
        self.cluster_scoped |= crd_convert.cluster_scoped_kinds(docs)
        for item in found:
            self._crds[(item.group, item.kind, item.version)] = item.schema

    def extended(self, documents: Iterable[Any]) -> SchemaStore:
        """This store plus the schemas of the CustomResourceDefinitions among ``documents`` (the validated
        set): a CRD in the set is what the cluster will serve, so it wins over a bundled schema. Returns
        ``self`` when there is none; otherwise a copy sharing the Kubernetes registry, so other units of
        the run do not see these CRDs."""
        found = crd_convert.schemas_from_documents(documents, strict=self.strict)
        if not found:
            return self
        clone = copy.copy(self)
        added = {(item.group, item.kind, item.version): item.schema for item in found}
        clone._crds = {**self._crds, **added}
        clone._crd_origin = {**self._crd_origin, **dict.fromkeys(added, "the set's CustomResourceDefinition for")}
        stale = {(f"{g}/{v}" if g else v, k) for g, k, v in added}
        clone._cache = {key: value for key, value in self._cache.items() if key not in stale}
        clone._notes = {key: value for key, value in self._notes.items() if key not in stale}
        clone._last = None
        clone._last_obj = None
        return clone

    @property
    def k8s_dir(self) -> Path:
        suffix = "-local-strict" if self.strict else "-local"
        return k8s_schema_root() / f"v{self.kubernetes_version}.0{suffix}"

    def _k8s_registry(self) -> Any:
        if self._registry is None:
            defs = k8s_definitions(self.k8s_dir)
            self._registry = jsonschema_rs.Registry([(K8S_DEFINITIONS_URI, defs)])
        return self._registry

    def _template_path(self, template: str, api_version: str, kind: str) -> Path:
        if template.startswith("file://"):
            template = template[len("file://") :]
        if "{{" not in template and not template.endswith(".json"):
            template = template.rstrip("/") + "/" + _DEFAULT_SUFFIX
        group, _, version = api_version.rpartition("/")
        group_part = group or version  # kubeconform: the first part of apiVersion
        kind_suffix = "-" + group_part.split(".")[0].lower() + (f"-{version.lower()}" if group else "")
        values = {
            "NormalizedKubernetesVersion": f"v{self.kubernetes_version}.0",
            "StrictSuffix": "-strict" if self.strict else "",
            "ResourceKind": kind.lower(),
            "ResourceAPIVersion": version,
            "Group": group_part,
            "KindSuffix": kind_suffix,
        }

        def sub(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in values:
                raise InputError(f"--schema-location {template}: unknown template variable .{name}")
            return values[name]

        return Path(_TEMPLATE_VAR.sub(sub, template))

    def _find(self, api_version: str, kind: str) -> tuple[dict[str, Any], str, str | None] | None:
        """(schema, source description, base URI) for the first location that has one."""
        group, _, version = api_version.rpartition("/")
        crd = self._crds.get((group, kind, version))
        if crd is not None:
            origin = self._crd_origin.get((group, kind, version), "--crd")
            return crd, f"{origin} {group}/{kind} {version}", None
        for loc in self.locations:
            if loc == "default":
                found = self._find_default(api_version, kind)
            else:
                path = self._template_path(loc, api_version, kind)
                found = None
                if path.is_file():
                    schema = self._read_json(path)
                    if not is_builtin_group(group):  # a CRD's schema, converted by another tool
                        schema = crd_convert.for_custom_resources(schema)
                    found = schema, str(path), path.resolve().as_uri()
            if found is not None:
                return found
        return None

    def _find_default(self, api_version: str, kind: str) -> tuple[dict[str, Any], str, str | None] | None:
        group, _, version = api_version.rpartition("/")
        if is_builtin_group(group):
            path = self.k8s_dir / k8s_file_name(api_version, kind)
            if path.is_file():
                return self._read_json(path), f"kubernetes v{self.kubernetes_version}", "k8s"
            # some *.k8s.io groups are CRDs (e.g. snapshot.storage.k8s.io): try the bundled CRDs too
        path = BUNDLED_CRDS / group / f"{kind.lower()}_{version}.json"
        if path.is_file():
            schema = with_flux_operator_kinds(group, kind, self._read_json(path))
            if self.strict and isinstance(schema.get("properties"), dict):
                schema.setdefault("additionalProperties", False)
                # some catalog files (Istio's) describe only spec/status: every object has these three
                for key, value in (("apiVersion", "string"), ("kind", "string"), ("metadata", "object")):
                    schema["properties"].setdefault(key, {"type": value})
            # after closing the root, so that a root marked x-kubernetes-preserve-unknown-fields stays open too
            return crd_convert.for_custom_resources(schema), f"bundled {group}/{path.name}", None
        return None

    @staticmethod
    def _read_json(path: Path) -> dict[str, Any]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{path}: not a readable JSON schema: {exc}") from None
        if not isinstance(data, dict):
            raise InputError(f"{path}: a JSON schema must be an object")
        return data

    # -- compile

    def _compile(self, schema: dict[str, Any], source: str, base: str | None) -> Compiled:
        kwargs: dict[str, Any] = {"validate_formats": False, "retriever": _local_retriever}
        if base == "k8s":
            kwargs["registry"] = self._k8s_registry()
        elif base:
            kwargs["base_uri"] = base
        try:
            return Compiled(jsonschema_rs.validator_for(schema, **kwargs), source, schema, base)
        except (ValueError, jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError):
            dropped: list[str] = []
            fixed = sanitize_patterns(schema, rust_regex_ok, dropped)
            # A schema that still fails is not usable: the caller reports it as missing, with the reason.
            compiled = Compiled(jsonschema_rs.validator_for(fixed, **kwargs), source, fixed, base)
            compiled.dropped_patterns = dropped
            return compiled

    def lookup(self, api_version: str, kind: str) -> Compiled | None:
        key = (api_version, kind)
        if key in self._cache:
            return self._cache[key]
        found = self._find(api_version, kind)
        compiled: Compiled | None = None
        if found is not None:
            schema, source, base = found
            try:
                compiled = self._compile(schema, source, base)
                # bundled CRDs and --crd have no base URI; a --schema-location file of a custom kind has one
                group = api_version.rpartition("/")[0]
                compiled.custom = base is None or (base != "k8s" and not is_builtin_group(group))
                compiled.defaults = compiled.custom and crd_convert.sets_defaults(compiled.schema)
            except (ValueError, jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError) as exc:
                self._notes[key] = f"schema from {source} cannot be compiled: {_short(str(exc))}"
        self._cache[key] = compiled
        return compiled

    def check(self, res: Resource) -> SchemaResult:
        """Schema verdict for one resource (memoised for the resource seen last: the schema rules of one
        resource run back to back, so the object is validated once)."""
        if self._last is not None and self._last_obj is res.obj:
            return self._last[1]
        result = self._check(res)
        self._last = (id(res.obj), result)
        self._last_obj = res.obj
        return result

    def _check(self, res: Resource) -> SchemaResult:
        api_version, kind = res.api_version, res.kind
        if not api_version or not kind:
            return OK  # schema-invalid reports the shape problem itself
        compiled = self.lookup(api_version, kind)
        if compiled is None:
            note = (
                self._notes.get((api_version, kind))
                or self._unserved_version_note(api_version, kind)
                or (
                    f"no schema for {kind} {api_version} (Kubernetes {self.kubernetes_version}, "
                    f"locations: {', '.join(self.locations)})"
                )
            )
            return SchemaResult(missing=True, note=note)
        errors = compiled.errors(res.obj)
        return SchemaResult(errors=errors) if errors else OK

    def served_versions(self, group: str, kind: str) -> tuple[str, tuple[str, ...]] | None:
        """What defines ``kind`` of ``group`` and the versions it serves, highest first: a CRD given with
        ``--crd`` or in the validated set (what the cluster will serve), else a bundled CRD; None if neither."""
        if not group:
            return None
        given = sorted({v for g, k, v in self._crds if g == group and k == kind}, key=kube_version_order)
        if given:
            origin = self._crd_origin.get((group, kind, given[0]), "--crd")
            what = "the --crd CustomResourceDefinition" if origin == "--crd" else "the set's CustomResourceDefinition"
            return f"{what} of {kind}", tuple(given)
        if "default" not in self.locations:
            return None  # the bundled catalogue is not searched
        bundled = _bundled_versions().get((group, kind.lower()))
        return (f"the bundled CRD of {kind}", bundled) if bundled else None

    def _unserved_version_note(self, api_version: str, kind: str) -> str:
        """For a kind known in other versions only: which versions are served and, where the project removed
        this one (generator.models.removed_crd_versions), in which release. Empty when the kind is unknown."""
        group, _, version = api_version.rpartition("/")
        served = self.served_versions(group, kind)
        if served is None:
            return ""
        what, versions = served
        note = f"{api_version} is not served by {what}, which serves {', '.join(versions)}"
        gone = removal(api_version, kind)
        if gone is not None:
            note += f"; {version} was removed in {gone.release} ({gone.component}): use {group}/{versions[0]}"
            return note + (f" ({gone.hint})" if gone.hint else "")
        if what.startswith("the set's"):  # what the cluster will serve: the CRD itself must list the version
            return note + f": use {group}/{versions[0]}, or add {version} to that CRD's versions"
        return note + f": use {group}/{versions[0]}, or give the CRD that serves {version} with --crd"

    # -- python-jsonschema, for cross-checking verdicts in tests

    def python_validator(self, api_version: str, kind: str) -> Any:
        """The same schema as a python-jsonschema validator (patterns sanitized for Python's ``re``)."""
        import jsonschema  # type: ignore[import-untyped]
        from referencing import Registry
        from referencing import Resource as RefResource

        found = self._find(api_version, kind)
        if found is None:
            return None
        schema, _, base = found
        schema = sanitize_patterns(schema, python_regex_ok)
        registry: Any = Registry()
        if base == "k8s":
            defs = sanitize_patterns(k8s_definitions(self.k8s_dir), python_regex_ok)
            registry = registry.with_resource(K8S_DEFINITIONS_URI, RefResource.from_contents(defs))
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        return cls(schema, registry=registry)


def _local_retriever(uri: str) -> Any:
    """$ref retrieval for --schema-location files: local files only, never the network."""
    if not uri.startswith("file://"):
        raise ValueError(f"refusing to fetch {uri} (offline)")
    return json.loads(Path(uri[len("file://") :]).read_text(encoding="utf-8"))


@cache
def default_store(kubernetes_version: str | None = None) -> SchemaStore:
    """A shared store with the default locations (used when a Context carries none, e.g. in rule tests)."""
    return SchemaStore(kubernetes_version)


def store_for(ctx_schemas: Any, kubernetes_version: str) -> SchemaStore:
    if isinstance(ctx_schemas, SchemaStore):
        return ctx_schemas
    return default_store(kubernetes_version)


def bundled_kinds() -> Iterable[tuple[str, str, str]]:
    """(group, kind file stem, version) of every bundled CRD schema, sorted."""
    for path in sorted(BUNDLED_CRDS.glob("*/*.json")):
        stem, _, version = path.stem.rpartition("_")
        yield path.parent.name, stem, version
