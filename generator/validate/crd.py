"""CustomResourceDefinition -> JSON schema, like kubeconform's ``openapi2jsonschema`` but closer to what the
API server enforces:

- ``x-kubernetes-int-or-string: true`` (or ``format: int-or-string``) becomes ``oneOf: [string, integer]``;
- ``x-kubernetes-preserve-unknown-fields: true`` keeps an object open (no ``additionalProperties: false``),
  which is how the API server treats it (no pruning there);
- in strict mode every other object with ``properties`` (the root included) gets
  ``additionalProperties: false``, so unknown fields are reported;
- ``nullable: true`` adds ``"null"`` to the type (:func:`_allow_null`);
- ``apiVersion``, ``kind`` and ``metadata`` are always allowed at the root, as the API server does, and the
  root's ``metadata`` keeps only its ``name`` and ``generateName`` rules (:func:`for_custom_resources`);
- a property with a ``default`` is not ``required``: the API server fills it in before it validates;
- a custom resource is checked as the API server decodes it (:func:`as_decoded`): null fields removed or
  defaulted (kept when nullable), absent fields with a default set.
Pure functions on plain data; reading files is :mod:`generator.validate.schemas`' job.

:func:`as_the_api_server_sees` applies the preserve-unknown-fields, nullable and defaulted-not-required
rules to schemas converted elsewhere: the bundled CRD schemas (datreeio/CRDs-catalog's conversion puts
``additionalProperties: false`` next to ``x-kubernetes-preserve-unknown-fields: true``, 54 nodes in 34 files,
SealedSecret's ``spec.template.metadata`` among them, and keeps ``nullable: true`` as it is) and
``--schema-location`` folders. :func:`as_decoded` applies to the objects, whatever their schema's source
(``generator.validate.schemas.Compiled``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class CrdSchema:
    group: str
    kind: str
    version: str
    schema: dict[str, Any]

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


INT_OR_STRING: dict[str, Any] = {"oneOf": [{"type": "string"}, {"type": "integer"}]}


def convert(openapi: dict[str, Any], *, strict: bool = True) -> dict[str, Any]:
    """A JSON schema (draft 2020-12 compatible) from one CRD version's ``openAPIV3Schema``."""
    result: dict[str, Any] = _convert(copy.deepcopy(openapi), strict)
    if isinstance(result.get("properties"), dict):
        # The API server accepts these on every custom resource, declared in the CRD or not.
        for key, typ in (("apiVersion", "string"), ("kind", "string"), ("metadata", "object")):
            result["properties"].setdefault(key, {"type": typ})
    _object_meta_at_root(result)
    return result


def for_custom_resources(schema: Any) -> Any:
    """A custom resource's JSON schema converted by another tool, in place, as the API server applies it:
    :func:`as_the_api_server_sees`, and the root's ``metadata`` as ObjectMeta (:func:`_object_meta_at_root`)."""
    return _object_meta_at_root(as_the_api_server_sees(schema))


def _object_meta_at_root(schema: Any) -> Any:
    """The root's ``metadata`` keeps only the rules on ``name`` and ``generateName``: the API server validates a
    custom resource's metadata as ObjectMeta and lets a CRD restrict nothing else there (kubernetes
    staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/validation.go,
    ``validateStructuralMetadataInvariants``: "must not specify anything other than name and
    generateName"). Gatekeeper's constraint CRDs declare ``metadata: {properties: {name: {maxLength: 63}}}``,
    which made every label and annotation an unknown field."""
    properties = schema.get("properties") if isinstance(schema, dict) else None
    meta = properties.get("metadata") if isinstance(properties, dict) else None
    if isinstance(properties, dict) and isinstance(meta, dict):
        named = meta.get("properties")
        kept = {k: v for k, v in named.items() if k in ("name", "generateName")} if isinstance(named, dict) else {}
        properties["metadata"] = {"type": "object", "properties": kept} if kept else {"type": "object"}
    return schema


def _is_object(node: dict[str, Any]) -> bool:
    typ = node.get("type")
    return typ == "object" or (isinstance(typ, list) and "object" in typ)


def _convert(node: Any, strict: bool) -> Any:
    if isinstance(node, list):
        return [_convert(item, strict) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("x-kubernetes-int-or-string") is True or node.get("format") == "int-or-string":
        out = copy.deepcopy(INT_OR_STRING)
        if "description" in node:
            out["description"] = node["description"]
        return out
    result: dict[str, Any] = {}
    for key, value in node.items():
        if value is None and key not in ("enum", "default", "example"):
            # A keyword given as null is absent to the API server: JSONSchemaProps decodes null into a nil map,
            # pointer or slice (k8s.io/apiextensions-apiserver pkg/apis/apiextensions/v1 types_jsonschema.go),
            # so ``properties:`` with only a comment under it is the empty map (kyverno's CLI test CRDs).
            if key in _SCHEMA_MAPS:
                result[key] = {}
            continue
        if key in _SCHEMA_MAPS:
            # a null schema in the map is the zero JSONSchemaProps: it admits anything
            result[key] = (
                {k: _convert(v, strict) if v is not None else {} for k, v in value.items()}
                if isinstance(value, dict)
                else value
            )
        elif key == "enum" or key == "default" or key == "example" or key == "required":
            result[key] = value  # data, not schemas
        else:
            result[key] = _convert(value, strict)
    _allow_null(result)
    preserve = node.get("x-kubernetes-preserve-unknown-fields") is True
    if strict and not preserve and "properties" in result and _is_object(result):
        result.setdefault("additionalProperties", False)
    _drop_defaulted_from_required(result)
    return result


def _allow_null(node: dict[str, Any]) -> None:
    """``nullable: true`` lets a value be null: kube-openapi's type check passes a nil value when the schema
    is nullable (kubernetes/kube-openapi pkg/validation/validate/type.go, ``typeValidator.Validate``; the
    API server copies ``nullable`` into the schema it validates with: apiextensions-apiserver
    pkg/apiserver/validation/validation.go, ``ConvertJSONSchemaPropsWithPostProcess``). In JSON schema
    terms, ``"null"`` joins the type (and the enum, when there is one)."""
    if node.get("nullable") is not True:
        return
    typ = node.get("type")
    if isinstance(typ, str):
        node["type"] = [typ, "null"]
    elif isinstance(typ, list) and "null" not in typ:
        node["type"] = [*typ, "null"]
    if isinstance(node.get("enum"), list) and None not in node["enum"]:
        node["enum"] = [*node["enum"], None]


def _drop_defaulted_from_required(node: dict[str, Any]) -> None:
    """A property with a ``default`` is not required of the manifest. The API server decodes a custom
    resource with the structural defaulter (kubernetes staging/src/k8s.io/apiextensions-apiserver
    pkg/apiserver/customresource_handler.go, ``unstructuredDefaulter`` in the request codec), which sets
    every absent property that has a default (pkg/apiserver/schema/defaulting/algorithm.go, ``Default``),
    before validation checks ``required``. Flux's ImageUpdateAutomation ``spec.sourceRef.kind`` (default
    GitRepository) is required and defaulted."""
    required, properties = node.get("required"), node.get("properties")
    if isinstance(required, list) and isinstance(properties, dict):
        kept = [r for r in required if not (isinstance(properties.get(r), dict) and "default" in properties[r])]
        if len(kept) != len(required):
            node["required"] = kept


def as_the_api_server_sees(schema: Any) -> Any:
    """``schema`` (a JSON schema converted from a CRD by another tool), in place, with what the API server
    does that the conversion missed:

    - an object with ``x-kubernetes-preserve-unknown-fields: true`` keeps fields its schema does not list:
      the API server's pruning skips them (staging/src/k8s.io/apiextensions-apiserver
      pkg/apiserver/schema/pruning/algorithm.go, ``skipPrune``), so strict field validation does not report
      them, and ``additionalProperties: false`` beside it is dropped;
    - a property with a ``default`` is not required (:func:`_drop_defaulted_from_required`);
    - ``nullable: true`` admits null (:func:`_allow_null`; 102 nodes in 11 bundled files, SealedSecret's
      ``spec.template.metadata`` among them).
    """
    if isinstance(schema, list):
        for item in schema:
            as_the_api_server_sees(item)
    elif isinstance(schema, dict):
        if schema.get("x-kubernetes-preserve-unknown-fields") is True and schema.get("additionalProperties") is False:
            del schema["additionalProperties"]
        _drop_defaulted_from_required(schema)
        _allow_null(schema)
        for key, value in schema.items():
            if key in _SCHEMA_MAPS and isinstance(value, dict):
                for sub in value.values():  # name -> schema (a property may be called "default")
                    as_the_api_server_sees(sub)
            elif key not in _DATA_KEYS:
                as_the_api_server_sees(value)
    return schema


def as_decoded(value: Any, schema: Any) -> Any:
    """``value`` (a custom resource, or a part of one) as the API server holds it when it validates it.
    Every custom resource it decodes goes through pkg/apiserver/customresource_handler.go's
    ``unstructuredSchemaCoercer.apply`` ("removal of non-defaulted non-nullable null map values") and then
    its ``unstructuredDefaulter``; in apiextensions-apiserver pkg/apiserver/schema/defaulting:

    - a null field whose schema is not nullable and has no default is removed (prunenulls.go,
      ``PruneNonNullableNullsWithoutDefaults``); a nullable null stays (:func:`_allow_null`);
    - a property with a ``default`` that is absent, or null and not nullable, is set to a copy of the default,
      and so is a non-nullable null value of ``additionalProperties`` or of a list's ``items`` with one; the
      values are then defaulted in turn (algorithm.go, ``Default``). So a Gateway address without ``type``
      is checked as ``type: IPAddress``, which decides its ``oneOf``.

    A field without a schema stays (it is an unknown field, pruned and reported before). The schema is a
    structural one: only ``properties``, ``additionalProperties`` and ``items`` are followed, as upstream.
    Returns ``value`` itself when nothing changes, else a copy of the changed paths only (the loaded object
    is shared and never mutated)."""
    if not isinstance(schema, dict):
        return value
    if isinstance(value, dict):
        return _decoded_map(value, schema)
    if isinstance(value, list):
        items = schema.get("items")
        if not isinstance(items, dict):
            return value
        out: list[Any] | None = None
        for i, item in enumerate(value):
            new = as_decoded(_defaulted_null(items) if item is None else item, items)
            if new is not item:
                if out is None:
                    out = list(value)
                out[i] = new
        return value if out is None else out
    return value


def sets_defaults(schema: Any) -> bool:
    """Whether :func:`as_decoded` may add a default to an object of this schema (a ``default`` on a
    property, an ``additionalProperties`` value or a list's items). Without one it only removes null
    fields, which the caller need not do for an object that is valid as written."""
    if not isinstance(schema, dict):
        return False
    properties = schema.get("properties")
    subs = [*properties.values()] if isinstance(properties, dict) else []
    subs.extend(schema.get(key) for key in ("additionalProperties", "items"))
    return any(isinstance(sub, dict) and ("default" in sub or sets_defaults(sub)) for sub in subs)


def _decoded_map(value: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    properties = schema.get("properties")
    properties = properties if isinstance(properties, dict) else {}
    extra = schema.get("additionalProperties")
    changed: dict[str, Any] | None = None
    for key, item in value.items():
        sub = properties.get(key, extra)
        if not isinstance(sub, dict):
            continue
        if item is None and sub.get("nullable") is not True:
            if changed is None:
                changed = dict(value)
            if "default" in sub:
                changed[key] = as_decoded(copy.deepcopy(sub["default"]), sub)
            else:
                del changed[key]
            continue
        new = as_decoded(item, sub)
        if new is not item:
            if changed is None:
                changed = dict(value)
            changed[key] = new
    for key, sub in properties.items():
        if key not in value and isinstance(sub, dict) and "default" in sub:
            if changed is None:
                changed = dict(value)
            changed[key] = as_decoded(copy.deepcopy(sub["default"]), sub)
    return value if changed is None else changed


def _defaulted_null(schema: dict[str, Any]) -> Any:
    """What a null list item becomes: the items' default when they have one and are not nullable."""
    if "default" in schema and schema.get("nullable") is not True:
        return copy.deepcopy(schema["default"])
    return None


_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "definitions", "$defs"})
_DATA_KEYS = frozenset({"enum", "default", "example", "required", "const"})


def schemas_from_crd(crd: dict[str, Any], *, strict: bool = True) -> Iterator[CrdSchema]:
    """One schema per served version of a CRD object (``apiextensions.k8s.io/v1`` or ``v1beta1``)."""
    spec = crd.get("spec")
    if not isinstance(spec, dict):
        return
    group = str(spec.get("group", ""))
    names = spec.get("names") if isinstance(spec.get("names"), dict) else {}
    kind = str(names.get("kind", "")) if isinstance(names, dict) else ""
    if not group or not kind:
        return
    top = spec.get("validation")
    top_schema = top.get("openAPIV3Schema") if isinstance(top, dict) else None
    versions = spec.get("versions")
    if isinstance(versions, list) and versions:
        for version in versions:
            if not isinstance(version, dict) or not version.get("name"):
                continue
            schema_block = version.get("schema")
            openapi = schema_block.get("openAPIV3Schema") if isinstance(schema_block, dict) else None
            openapi = openapi if isinstance(openapi, dict) else top_schema
            if isinstance(openapi, dict):
                yield CrdSchema(group, kind, str(version["name"]), convert(openapi, strict=strict))
    elif isinstance(top_schema, dict) and spec.get("version"):
        yield CrdSchema(group, kind, str(spec["version"]), convert(top_schema, strict=strict))


def schemas_from_documents(docs: Iterable[Any], *, strict: bool = True) -> list[CrdSchema]:
    """Every CRD schema in a stream of documents (``kind: List`` items included)."""
    out: list[CrdSchema] = []
    for doc in docs:
        if not isinstance(doc, dict):
            continue
        items = doc.get("items")
        for item in items if isinstance(items, list) else [doc]:
            if isinstance(item, dict) and item.get("kind") == "CustomResourceDefinition":
                out.extend(schemas_from_crd(item, strict=strict))
    return out


def cluster_scoped_kinds(docs: Iterable[Any]) -> set[tuple[str, str]]:
    """(group, kind) of every CRD in ``docs`` whose ``spec.scope`` is ``Cluster`` (apiextensions-apiserver
    pkg/apis/apiextensions/v1/types.go, ``ResourceScope``; ``kind: List`` items included)."""
    out: set[tuple[str, str]] = set()
    for doc in docs:
        if not isinstance(doc, dict):
            continue
        items = doc.get("items")
        for item in items if isinstance(items, list) else [doc]:
            if not isinstance(item, dict) or item.get("kind") != "CustomResourceDefinition":
                continue
            spec = item.get("spec")
            if not isinstance(spec, dict) or spec.get("scope") != "Cluster":
                continue
            names = spec.get("names")
            kind = names.get("kind") if isinstance(names, dict) else None
            group = spec.get("group")
            if isinstance(group, str) and group and isinstance(kind, str) and kind:
                out.add((group, kind))
    return out
