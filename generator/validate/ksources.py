"""The kustomization files behind rendered inputs, loaded as resources so that rules can point at them.

kustomize's output carries no trace of the kustomization files themselves, so rules about those files
(``kustomize-deprecated``) look at the sources: every kustomization file that a rendered directory pulls
in through ``resources``, ``components`` and ``bases`` (:func:`generator.validate.load.kustomize_dirs`),
read with positions like any plain file. kustomize's own defaults are filled in as it does
(``FixKustomization`` in kubernetes-sigs/kustomize api/types/kustomization.go: a missing ``kind`` is
``Kustomization``, a missing ``apiVersion`` is ``kustomize.config.k8s.io/v1beta1``, or ``v1alpha1`` for
a ``Component``), so the rules see ``kind`` whether or not the author wrote it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from generator.errors import InputError
from generator.validate.load import KUSTOMIZATION_FILES, is_kustomization_dir, kustomize_dirs, load_file, stream_inputs
from generator.validate.model import Resource

KUSTOMIZE_GROUP = "kustomize.config.k8s.io"
KUSTOMIZATION_VERSION = "kustomize.config.k8s.io/v1beta1"
COMPONENT_VERSION = "kustomize.config.k8s.io/v1alpha1"


def _kustomization_file(directory: Path) -> Path | None:
    return next((directory / n for n in KUSTOMIZATION_FILES if (directory / n).is_file()), None)


def rendered_dirs(paths: Iterable[Path]) -> list[Path]:
    """The kustomize directories that validating ``paths`` renders (as ``load_path`` decides)."""
    out: list[Path] = []
    for path in paths:
        if is_kustomization_dir(path):
            out.append(path)
        elif path.is_dir():
            out.extend(entry for entry in stream_inputs(path) if entry.is_dir())
    return out


def kustomization_sources(directories: Iterable[Path], *, repo: Path | None = None) -> list[Resource]:
    """Every kustomization file behind ``directories`` (each once), as resources with positions.

    A file that cannot be read as YAML is skipped: kustomize itself reports it when rendering.
    """
    seen: set[Path] = set()
    out: list[Resource] = []
    for directory in directories:
        for source_dir in kustomize_dirs(directory):
            kfile = _kustomization_file(source_dir)
            if kfile is None or kfile in seen:
                continue
            seen.add(kfile)
            try:
                loaded = load_file(kfile, repo=repo)
            except InputError:
                continue
            for res in loaded:
                if not res.obj:
                    continue
                res.obj.setdefault("kind", "Kustomization")
                default_version = COMPONENT_VERSION if res.obj["kind"] == "Component" else KUSTOMIZATION_VERSION
                res.obj.setdefault("apiVersion", default_version)
                if not res.name and not isinstance(res.obj.get("metadata"), dict):
                    # findings name the object: call it after its directory, as `kustomize edit` shows it
                    res.obj["metadata"] = {"name": res.file.rpartition("/")[0] or "."}
                out.append(res)
    return out


def is_kustomization_source(res: Resource) -> bool:
    """A kustomization file (not, say, a Flux ``kustomize.toolkit.fluxcd.io`` Kustomization object)."""
    return res.kind in ("Kustomization", "Component") and res.group == KUSTOMIZE_GROUP
