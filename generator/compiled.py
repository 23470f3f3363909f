"""Which of gitops-gen's modules are compiled (mypyc, by setup.py, which reads the list here), and
whether a compiled module would run other code than its source.

An editable install (``pip install -e .``) builds the extensions in place, next to the sources
(setuptools/command/build_ext.py, ``finalize_options``: ``editable_mode`` sets ``inplace``), and Python
imports an extension module before the ``.py`` of the same name (CPython
Lib/importlib/_bootstrap_external.py, ``_get_supported_file_loaders``: extensions, then source, then
bytecode). A ``.py`` edited after the build is therefore shadowed by its stale build, and a module taken
off the list keeps running its old build until its extension is removed.
"""

from __future__ import annotations

import ast
import importlib.machinery
from functools import cache
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent

# The validator's per-resource work: the rules, the models they evaluate, the walks over every loaded value
# (values.py) and the reporters (a line per finding).
# Left out, each for a reason:
# - generator/validate/yaml_exact.py and positions.py subclass PyYAML's C loader (yaml.CSafeLoader), an
#   extension type that mypyc's classes cannot derive from;
# - context.py and pipeline.py: the per-resource phase's LocalContext turns ``Context.resources`` and the
#   index methods into properties and methods that raise (pipeline.CrossResourceAccess); a compiled Context
#   reads ``resources`` as a native attribute, past the override;
# - the rest of generator/ (build, plan, diff, the CLI) runs once per command: no gain worth a compile.
COMPILED_PACKAGES = (
    "generator/validate/rules",
    "generator/models/kube_apiserver",
    "generator/models/argocd",
    "generator/models/pod_security",
    "generator/validate/report",
)
COMPILED_MODULES = (
    "generator/validate/crossref.py",
    "generator/validate/producers.py",
    "generator/validate/engine.py",
    "generator/validate/fastpos.py",
    "generator/validate/model.py",
    "generator/validate/netpol.py",
    "generator/validate/operators.py",
    "generator/validate/profiles.py",
    "generator/validate/schemas.py",
    "generator/validate/values.py",
    "generator/validate/workloads.py",
    "generator/models/k8s.py",
    "generator/models/rbac.py",
    "generator/models/mlflow_server.py",
)


def compiled_sources(root: Path = PACKAGE.parent) -> list[str]:
    """The sources that setup.py compiles, relative to ``root`` (the project directory)."""
    files = list(COMPILED_MODULES)
    for package in COMPILED_PACKAGES:
        files.extend(sorted(p.relative_to(root).as_posix() for p in (root / package).glob("*.py")))
    return files


def compiled_modules(root: Path = PACKAGE) -> list[Path]:
    """The extension modules built from this package's sources (one per compiled ``.py``)."""
    found: list[Path] = []
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        found.extend(p for p in root.rglob(f"*{suffix}") if p.with_name(_stem(p.name, suffix) + ".py").is_file())
    return sorted(set(found))


def stale_modules(root: Path = PACKAGE, compiled: list[str] | None = None) -> list[str]:
    """Compiled modules that would run other code than the sources: older than their ``.py``, or left
    over from an earlier build whose list was longer (a rebuild does not delete them). Paths relative to
    the package's parent; ``compiled``: the sources the current list compiles (default: setup.py's)."""
    listed = set(compiled_sources(root.parent) if compiled is None else compiled)
    # mypyc puts the code of every module in one shared library beside the package and gives each module a
    # small loader of its own: a rebuild that finds a loader up to date leaves it as it was (and its
    # mtime), so a module was built when the newer of the two was.
    shared = max((p.stat().st_mtime for p in _shared_libraries(root.parent)), default=0.0)
    stale: list[str] = []
    for ext in compiled_modules(root):
        suffix = next(s for s in importlib.machinery.EXTENSION_SUFFIXES if ext.name.endswith(s))
        source = ext.with_name(_stem(ext.name, suffix) + ".py")
        shown = source.relative_to(root.parent).as_posix()
        if shown not in listed:
            stale.append(f"{shown} (no longer compiled: remove {ext.name})")
        elif source.stat().st_mtime > max(ext.stat().st_mtime, shared):
            stale.append(shown)
    return stale


def _shared_libraries(directory: Path) -> list[Path]:
    """mypyc's shared library of a build (``<hash>__mypyc`` plus the extension suffix), if any."""
    return [p for s in importlib.machinery.EXTENSION_SUFFIXES for p in directory.glob(f"*__mypyc{s}")]


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
