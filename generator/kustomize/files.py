"""Where a directory's kustomization is: the file names kustomize looks for, in its order
(kubernetes-sigs/kustomize api/konfig/general.go ``RecognizedKustomizationFileNames``), and that file read
as YAML. One place for the validator, the remote-reference check, ``diff`` and the Argo CD objects."""

from __future__ import annotations

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
