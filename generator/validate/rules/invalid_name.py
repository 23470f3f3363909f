"""invalid-name: a name that Kubernetes requires to be a DNS name is not one.

What it catches:
- ``metadata.name`` missing (and no ``generateName``), or not a DNS-1123 subdomain (lowercase letters,
  digits, ``-`` and ``.``, at most 253 characters, starting and ending with a letter or digit);
- names that must be DNS labels (at most 63 characters, no dots): Namespace; Service names must
  also start with a letter (RFC 1035); CronJob names are at most 52 characters;
- ``metadata.namespace``, container names and Service port names that are not DNS-1123 labels, and
  container port names that are not IANA service names (at most 15 characters, at least one letter).
RBAC objects (Role, ClusterRole and their bindings) may use any path segment as name and are only checked
for ``/`` and ``%``. A name or namespace holding Flux post-build variables (``${APP}-db``) is checked with
each variable replaced by its default or a stand-in (generator.models.flux): Flux substitutes them before
it applies the object.

Why: the API server rejects the object, and only at sync time.

PASS:
    apiVersion: v1
    kind: Service
    metadata:
      name: mlflow-tracking
    spec:
      ports:
        - name: http
          port: 80

FAIL:
    apiVersion: v1
    kind: Service
    metadata:
      name: MLflow_Tracking   # uppercase and "_" are not allowed
    spec:
      ports:
        - name: http
          port: 80
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from generator.models.flux import as_substituted
from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._helpers import containers_of
from generator.validate.workloads import WORKLOAD_KINDS

ID = "invalid-name"
CATEGORY = "schema"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = None

_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_LABEL_1035 = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_IANA = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?")
RBAC_KINDS = frozenset({"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"})


def dns_label(value: str) -> bool:
    return len(value) <= 63 and _LABEL.fullmatch(value) is not None


def dns_1035_label(value: str) -> bool:
    return len(value) <= 63 and _LABEL_1035.fullmatch(value) is not None


def dns_subdomain(value: str) -> bool:
    return len(value) <= 253 and _SUBDOMAIN.fullmatch(value) is not None


def iana_service_name(value: str) -> bool:
    return (
        len(value) <= 15
        and _IANA.fullmatch(value) is not None
        and "--" not in value
        and any(c.isalpha() for c in value)
    )


def _name_problem(kind: str, name: str) -> str:
    if kind in RBAC_KINDS:
        return "" if name not in (".", "..") and "/" not in name and "%" not in name else "may not contain '/' or '%'"
    if kind == "Service":
        return "" if dns_1035_label(name) else "must be a DNS-1035 label (a-z, 0-9, '-', starting with a letter, <= 63)"
    if kind == "Namespace":
        return "" if dns_label(name) else "must be a DNS-1123 label (a-z, 0-9, '-', <= 63 characters)"
    if not dns_subdomain(name):
        return "must be a DNS-1123 subdomain (a-z, 0-9, '-', '.', <= 253 characters)"
    if kind == "CronJob" and len(name) > 52:
        return "must be at most 52 characters (its Jobs append an 11-character suffix)"
    return ""


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if not obj.kind or not obj.api_version:
        return ()
    return list(_check(ctx, obj))


def _check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    meta = obj.metadata
    raw_name = meta.get("name")
    if raw_name is None or raw_name == "":
        if not meta.get("generateName") and obj.kind not in ("List",):
            yield Finding(message=f"{obj.kind} has no metadata.name", path="/metadata")
    elif isinstance(raw_name, str):
        problem = _name_problem(obj.kind, as_substituted(obj.obj, raw_name))
        if problem:
            yield Finding(message=f'{obj.kind} name "{raw_name}" {problem}', path="/metadata/name")
    namespace = meta.get("namespace")
    if isinstance(namespace, str) and namespace and not dns_label(as_substituted(obj.obj, namespace)):
        yield Finding(message=f'namespace "{namespace}" must be a DNS-1123 label', path="/metadata/namespace")
    if obj.kind == "Service":
        spec = obj.obj.get("spec")
        for i, port in enumerate(_list(spec.get("ports") if isinstance(spec, dict) else None)):
            pname = port.get("name") if isinstance(port, dict) else None
            if isinstance(pname, str) and pname and not dns_label(pname):
                yield Finding(
                    message=f'Service port name "{pname}" must be a DNS-1123 label',
                    path=pointer("spec", "ports", i, "name"),
                )
    if obj.kind not in WORKLOAD_KINDS:
        return
    for c in containers_of(ctx, obj):  # (the walk the other workload rules share)
        name = c.obj.get("name")
        if isinstance(name, str) and name and not dns_label(name):
            yield Finding(message=f'container name "{name}" must be a DNS-1123 label', path=c.pointer("name"))
        for i, port in enumerate(_list(c.obj.get("ports"))):
            pname = port.get("name") if isinstance(port, dict) else None
            if isinstance(pname, str) and pname and not iana_service_name(pname):
                yield Finding(
                    message=f'port name "{pname}" must be an IANA service name (a-z, 0-9, "-", <= 15, a letter)',
                    path=c.pointer("ports", i, "name"),
                )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
