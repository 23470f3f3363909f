"""What is applied together: an Argo CD Application or a Flux Kustomization applies one directory.

- The objects of one kustomize directory's render are applied together; a base and the overlays that
  include it, validated in one run (``gitops-gen validate .``), are separate applies.
- Plain files are applied together when they are in one directory, or when one's directory holds the
  other's: Flux's kustomize-controller applies a directory without a kustomization file with every manifest
  below it (fluxcd/pkg kustomize/kustomize_generator.go, ``generateKustomization`` walks it), and so does Argo
  CD's directory source with ``recurse: true`` (argo-cd reposerver/repository/repository.go,
  ``getPotentiallyValidManifests``; without it, one directory). Files in sibling directories are separate
  applies; stdin is one stream, applied with every plain file.
- A kuttl or chainsaw test's directory is no apply: the test tool applies its files one at a time, step
  after step (:func:`generator.models.test_assertions.in_test_directory`), so a file there, or below
  there, is applied on its own. The steps of one test update the same objects (``01-install.yaml`` after
  ``00-install.yaml``): they are no copies.

``duplicate-resource`` counts copies within one apply only, and rules that look for the objects another
one acts on (a PodDisruptionBudget's workloads) prefer those of its own apply (:func:`own_apply_first`).
"""

from __future__ import annotations

import os
import posixpath

from generator.models.test_assertions import in_test_directory
from generator.validate.model import Resource


def applied_with(res: Resource) -> str:
    """What ``res`` is applied with: the kustomize directory it was rendered from, "" for plain input."""
    source = res.source
    overlay: str = getattr(source, "overlay_dir", "") if source is not None else ""
    return overlay


def plain_directory(res: Resource) -> str | None:
    """The directory of the file a plain resource was read from; None when not known (stdin, memory)."""
    path = _path(res)
    return posixpath.dirname(path) if path else None


def applied_together(a: Resource, b: Resource) -> bool:
    """Whether one apply can hold both ``a`` and ``b`` (see the module's documentation)."""
    target = applied_with(a)
    if target != applied_with(b):
        return False
    if target:
        return True  # one kustomize render
    first, second = plain_directory(a), plain_directory(b)
    if first is None or second is None:
        return True
    if _path(a) != _path(b) and (_in_test(first) or _in_test(second)):
        return False  # a kuttl or chainsaw test applies one file at a time
    if first == second:
        return True
    return _holds(first, second) or _holds(second, first)


def _path(res: Resource) -> str:
    """The file a plain resource was read from ("" when not known)."""
    source = res.source
    path: str = getattr(source, "path", "") if source is not None else ""
    return path


def _in_test(directory: str) -> bool:
    return in_test_directory(os.path.abspath(directory or "."))


def _holds(outer: str, inner: str) -> bool:
    return inner.startswith(outer if outer.endswith("/") else outer + "/")


def own_apply_first(res: Resource, candidates: list[Resource]) -> list[Resource]:
    """The ``candidates`` applied together with ``res`` when there are any, else all of them. In a run over
    several overlays, each renders its own copy of a workload (one with 1 replica, the HA one with 2): a
    PodDisruptionBudget is about its own overlay's copy. Without one there, the others stand (an Argo CD
    object validated next to the overlay it syncs)."""
    own = [c for c in candidates if applied_together(res, c)]
    return own if own else candidates
