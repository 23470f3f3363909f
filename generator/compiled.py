"""Which of gitops-gen's modules run compiled (mypyc, see setup.py), and whether a compiled module is
older than its source.

An editable install (``pip install -e .``) builds the extensions in place, next to the sources
(setuptools/command/build_ext.py, ``finalize_options``: ``editable_mode`` sets ``inplace``), and Python
imports an extension module before the ``.py`` of the same name (importlib's FileFinder lists the
extension loader first). A ``.py`` edited after the build is therefore shadowed by its stale build.
"""

from __future__ import annotations

import ast
import importlib.machinery
from functools import cache
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent


def compiled_modules(root: Path = PACKAGE) -> list[Path]:
    """The extension modules built from this package's sources (one per compiled ``.py``)."""
    found: list[Path] = []
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        found.extend(p for p in root.rglob(f"*{suffix}") if p.with_name(_stem(p.name, suffix) + ".py").is_file())
    return sorted(set(found))


def stale_modules(root: Path = PACKAGE) -> list[str]:
    """The sources edited after their compiled module was built, relative to the package's parent."""
    stale: list[str] = []
    for ext in compiled_modules(root):
        suffix = next(s for s in importlib.machinery.EXTENSION_SUFFIXES if ext.name.endswith(s))
        source = ext.with_name(_stem(ext.name, suffix) + ".py")
        if source.stat().st_mtime > ext.stat().st_mtime:
            stale.append(source.relative_to(root.parent).as_posix())
    return stale


def module_docstring(module: Any) -> str:
    """A module's docstring. A module compiled by mypyc has no ``__doc__`` (mypyc keeps no module
    docstring), so it is read from the module's source, which is installed beside the compiled module."""
    doc = module.__doc__
    return doc if isinstance(doc, str) else _source_docstring(str(getattr(module, "__file__", "")))


@cache
def _source_docstring(compiled: str) -> str:
    suffix = next((s for s in importlib.machinery.EXTENSION_SUFFIXES if compiled.endswith(s)), "")
    source = Path(_stem(compiled, suffix) + ".py") if suffix else Path(compiled)
    try:
        return ast.get_docstring(ast.parse(source.read_text(encoding="utf-8")), clean=False) or ""
    except OSError:
        return ""


def _stem(name: str, suffix: str) -> str:
    return name[: -len(suffix)]
