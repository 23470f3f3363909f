"""Builds gitops-gen; its validator's hot modules are compiled to C with mypyc.

The package metadata lives in pyproject.toml; this file only adds the compiled modules. mypyc (part of
mypy) turns the type-annotated modules listed in generator/compiled.py into C extensions: the same code, with the same
behaviour, about 1.4x faster on `gitops-gen validate` (README, Performance). Set
``GITOPS_GEN_PURE_PYTHON=1`` to install without compiling (for instance while editing the validator:
a compiled module shadows its ``.py``, see README, Development). When no C compiler is found the
package installs as pure Python and says so.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
PURE_PYTHON = "GITOPS_GEN_PURE_PYTHON"


def _compiled_list() -> ModuleType:
    """generator/compiled.py, which holds the list of compiled modules (the test suite's stale-build guard
    reads the same list), loaded by path: importing the package here would need its dependencies."""
    spec = importlib.util.spec_from_file_location("_gitops_gen_compiled", ROOT / "generator" / "compiled.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ext_modules() -> list[object]:
    if os.environ.get(PURE_PYTHON, "") not in ("", "0"):
        print(f"gitops-gen: {PURE_PYTHON} is set: installing pure Python (not compiled)", file=sys.stderr)
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        print("gitops-gen: mypyc not found: installing pure Python (not compiled)", file=sys.stderr)
        return []
    # The build environment has no stubs for the runtime dependencies: check nothing, only compile (the
    # project's own `mypy --strict` run is the type check).
    flags = ["--config-file", str(ROOT / "mypyc.ini")]
    # One C file for all modules (about 3 minutes of gcc on one core). mypyc's separate=True, one file per
    # module compiled in parallel, was slower here (4.7 minutes on 2 cores) and its build failed at import
    # time (RecursionError while the test modules imported the rules).
    return list(mypycify([*flags, *_compiled_list().compiled_sources(ROOT)], opt_level="3"))


class OptionalBuildExt(build_ext):  # type: ignore[misc]  # setuptools ships no stubs for its commands
    """Compiles the extensions; when that fails (no C compiler, no Python headers), the package installs as
    pure Python, the same code, and says so, instead of failing the install."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # CCompilerError, DistutilsExecError, PlatformError, OSError...
            print(f"gitops-gen: compiling failed ({exc}): installing pure Python (not compiled)", file=sys.stderr)
            self.extensions: list[object] = []


setup(ext_modules=ext_modules(), cmdclass={"build_ext": OptionalBuildExt})
