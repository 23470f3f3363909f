"""CustomResourceDefinition -> JSON schema, like kubeconform's ``openapi2jsonschema`` but closer to what the
API server enforces:

- ``x-kubernetes-int-or-string: true`` (or ``format: int-or-string``) becomes ``oneOf: [string, integer]``;
- ``x-kubernetes-preserve-unknown-fields: true`` keeps an object open (no ``additionalProperties: false``),
  which is how the API server treats it (no pruning there);
- in strict mode every other object with ``properties`` (the root included) gets
  ``additionalProperties: false``, so unknown fields are reported;
- ``nullable: true`` adds ``"null"`` to the type;
- ``apiVersion``, ``kind`` and ``metadata`` are always allowed at the root, as the API server does.
Pure functions on plain data; reading files is :mod:`generator.validate.schemas`' job.
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
    return result


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
        if key in ("properties", "patternProperties", "definitions", "$defs"):
            result[key] = {k: _convert(v, strict) for k, v in value.items()} if isinstance(value, dict) else value
        elif key == "enum" or key == "default" or key == "example" or key == "required":
            result[key] = value  # data, not schemas
        else:
            result[key] = _convert(value, strict)
    if node.get("nullable") is True:
        typ = result.get("type")
        if isinstance(typ, str):
            result["type"] = [typ, "null"]
        elif isinstance(typ, list) and "null" not in typ:
            result["type"] = [*typ, "null"]
        if isinstance(result.get("enum"), list) and None not in result["enum"]:
            result["enum"] = [*result["enum"], None]
    preserve = node.get("x-kubernetes-preserve-unknown-fields") is True
    if strict and not preserve and "properties" in result and _is_object(result):
        result.setdefault("additionalProperties", False)
    return result


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
