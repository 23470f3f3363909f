"""duplicate-resource: the same object (API group, kind, namespace, name) appears more than once.

What it catches: two documents that describe one object, e.g. a Service copied into two files of a
directory, or a base object re-declared instead of patched. Every occurrence after the first is
reported, at its ``metadata.name``.

Why: ``kubectl apply`` and Argo CD apply one after the other, so the last copy silently wins (and Argo CD
reports the application as out of sync forever); kustomize refuses such input outright.

Only copies that are applied together count. An Argo CD Application or a Flux Kustomization applies one
directory, so:

- the objects of one kustomize directory's render are applied together; a base and the overlays that
  include it, validated in one run (``gitops-gen validate .``), are separate applies whose objects may
  share names;
- plain files are applied together when they are in one directory, or when one's directory holds the
  other's: Flux's kustomize-controller applies a directory without a kustomization file with every
  manifest below it (fluxcd/pkg kustomize/kustomize_generator.go, ``generateKustomization`` walks it),
  and so does Argo CD's directory source with ``recurse: true`` (argo-cd reposerver/repository/
  repository.go, ``getPotentiallyValidManifests``; without it, one directory). Files in sibling
  directories, such as ``clusters/staging/`` and ``clusters/production/`` or two examples, are separate
  applies, however they were named on the command line; stdin is one stream, applied with every plain
  file;
- the files of a kuttl or chainsaw test's directory (a ``chainsaw-test.yaml``, or step files with an
  ``<index>-assert`` or ``<index>-errors`` file) and of the directories below it are applied one at a
  time by the test tool, step after step, so the steps that update one object are no copies.

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

from generator.validate.applies import applied_together
from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity

ID = "duplicate-resource"
CATEGORY = "schema"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = None


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if not obj.kind or not obj.name:
        return ()
    named = ctx.all_named(obj.kind, obj.namespace, obj.name)
    if len(named) < 2:
        return ()
    same = [r for r in named if r.group == obj.group and (r is obj or applied_together(r, obj))]
    if len(same) < 2 or same[0] is obj:
        return ()
    first = same[0]
    where = f"{first.file}" + (f" (document {first.doc_index + 1})" if first.file else "")
    return (Finding(message=f"{obj.ref} is already defined in {where}", path="/metadata/name"),)
