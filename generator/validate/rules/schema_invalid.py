"""schema-invalid: the object does not match the JSON schema of its apiVersion and kind.

What it catches: wrong types (``replicas: "2"``), values kubectl reads differently than you meant
(``enabled: yes`` is the boolean ``true`` in YAML 1.1, and a ConfigMap value must be a string), missing
required fields, values outside an enum, and documents that are not Kubernetes objects at all (no
``apiVersion`` or ``kind``, or not a mapping). Unknown fields have their own rule (``unknown-field``).
Schemas come from the bundled Kubernetes release (``--kubernetes-version``), the bundled CRD schemas,
``--crd`` files and ``--schema-location`` folders; nothing is downloaded.

Why: the API server rejects such an object, so Argo CD would fail the sync after the merge.

PASS:
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: flags
    data:
      enabled: "yes"

FAIL:
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: flags
    data:
      enabled: yes   # a boolean, not a string
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity
from generator.validate.schemas import store_for

ID = "schema-invalid"
CATEGORY = "schema"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = None


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    # Plain functions returning tuples (not generators): these run for every resource.
    problem = obj.source.problem if obj.source is not None else ""
    if not problem and (not obj.api_version or not obj.kind):
        missing = [k for k, v in (("apiVersion", obj.api_version), ("kind", obj.kind)) if not v]
        problem = f"document has no {' or '.join(missing)}"
    if problem:
        return (Finding(message=f"not a Kubernetes object: {problem}", path=""),)
    errors = store_for(ctx.schemas, ctx.kubernetes_version).check(obj).errors
    if not errors:
        return ()
    return tuple(Finding(message=err.message, path=err.path) for err in errors if err.rule == ID)
