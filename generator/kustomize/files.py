"""Where a directory's kustomization is: the file names kustomize looks for, in its order
(kubernetes-sigs/kustomize api/konfig/general.go ``RecognizedKustomizationFileNames``), and that file read
as YAML. One place for the validator, the remote-reference check, ``diff`` and the Argo CD objects."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
# PyYAML's C loader (libyaml) where PyYAML was built with it: safe_load's resolver and constructors
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def kustomization_file(directory: Path) -> Path | None:
    """The kustomization file of ``directory`` (the first name kustomize recognises), or None."""
    return next((directory / n for n in KUSTOMIZATION_FILES if (directory / n).is_file()), None)


def read_kustomization(directory: Path) -> tuple[Path, dict[str, Any]] | None:
    """The kustomization file of ``directory`` and its mapping; None when there is none, or it is not
    readable YAML holding a mapping (kustomize reports that when it renders)."""
    kfile = kustomization_file(directory)
    if kfile is None:
        return None
    try:
        # libyaml's parser (PyYAML's C loader, same resolver and constructors as safe_load) where PyYAML has
        # it: the pure-Python one took ~4 ms a file, 50 ms of `validate` on this repository's 3 overlays.
        data = yaml.load(kfile.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return (kfile, data) if isinstance(data, dict) else None


@dataclass(frozen=True)
class KustomizeTree:
    """What kustomize reads for one directory, from the local files its kustomizations name."""

    dirs: list[Path]  # the directory and every local kustomize directory it pulls in, in the order found
    kustomizations: list[Path]  # the kustomization files of ``dirs``
    files: frozenset[Path]  # the local files those kustomizations name as resources, CRDs or patches


# The fields of a Kustomization that name local files holding objects or patches of objects
# (kubernetes-sigs/kustomize api/types/kustomization.go: Resources, Crds, PatchesStrategicMerge, and the
# Path of each Patches and PatchesJson6902 entry; the deprecated Bases are read as Resources, files
# included: FixKustomization in the same file); Resources, Components and Bases may name directories.
_FILE_LISTS = ("resources", "bases", "crds", "patchesStrategicMerge")
_DIR_LISTS = ("resources", "bases", "components")
_PATCH_LISTS = ("patches", "patchesJson6902")
_ENTRY_LISTS = tuple(dict.fromkeys((*_DIR_LISTS, *_FILE_LISTS)))  # each once; the order of the directories found


def kustomize_tree(directory: Path) -> KustomizeTree:
    """The kustomize directory ``directory``, the local directories it pulls in (``resources``,
    ``components``, ``bases``, recursively) and the files their kustomizations name. Remote entries are
    skipped; a ``patchesStrategicMerge`` entry that is no file is an inline patch (kustomize reads it so)."""
    dirs: list[Path] = []
    kustomizations: list[Path] = []
    files: set[Path] = set()
    pending = [directory.resolve()]
    while pending:
        current = pending.pop(0)
        if current in dirs or not current.is_dir():
            continue
        dirs.append(current)
        loaded = read_kustomization(current)
        if loaded is None:
            continue
        kfile, data = loaded
        kustomizations.append(kfile)
        for key in _ENTRY_LISTS:
            entries = data.get(key)
            for entry in entries if isinstance(entries, list) else []:
                if not isinstance(entry, str) or "\n" in entry or "://" in entry or entry.startswith("git@"):
                    continue
                target = (current / entry).resolve()
                if key in _DIR_LISTS and target.is_dir():
                    pending.append(target)
                elif key in _FILE_LISTS and target.is_file():
                    files.add(target)
        for key in _PATCH_LISTS:
            entries = data.get(key)
            for entry in entries if isinstance(entries, list) else []:
                path = entry.get("path") if isinstance(entry, dict) else None
                if isinstance(path, str) and (current / path).is_file():
                    files.add((current / path).resolve())
    return KustomizeTree(dirs, kustomizations, frozenset(files))
