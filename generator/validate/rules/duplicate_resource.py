"""duplicate-resource: the same object (API group, kind, namespace, name) appears more than once.

What it catches: two documents that describe one object, e.g. a Service copied into two files of a
directory, or a base object re-declared instead of patched. Every occurrence after the first is
reported, at its ``metadata.name``.

Why: ``kubectl apply`` and Argo CD apply one after the other, so the last copy silently wins (and Argo CD
reports the application as out of sync forever); kustomize refuses such input outright.

Only copies that are applied together count: those of one kustomize directory's render, or those of the
plain files (and stdin) of a run. An Argo CD Application or a Flux Kustomization applies one directory, so
a base and the overlays that include it, validated in one run (``gitops-gen validate .``), are separate
applies whose objects may share names.

PASS:
    apiVersion: v1
    kind: Service
    metadata:
      name: mlflow
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: mlflow-metrics

FAIL:
    apiVersion: v1
    kind: Service
    metadata:
      name: mlflow
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: mlflow   # the same Service again
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity

ID = "duplicate-resource"
CATEGORY = "schema"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = None


def applied_with(res: Resource) -> str:
    """What ``res`` is applied with: the kustomize directory it was rendered from, "" for plain input."""
    source = res.source
    overlay: str = getattr(source, "overlay_dir", "") if source is not None else ""
    return overlay


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if not obj.kind or not obj.name:
        return ()
    named = ctx.all_named(obj.kind, obj.namespace, obj.name)
    if len(named) < 2:
        return ()
    target = applied_with(obj)
    same = [r for r in named if r.group == obj.group and applied_with(r) == target]
    if len(same) < 2 or same[0] is obj:
        return ()
    first = same[0]
    where = f"{first.file}" + (f" (document {first.doc_index + 1})" if first.file else "")
    return (Finding(message=f"{obj.ref} is already defined in {where}", path="/metadata/name"),)
