"""Builds gitops-gen; its validator's hot modules are compiled to C with mypyc.

The package metadata lives in pyproject.toml; this file only adds the compiled modules. mypyc (part of
mypy) turns the type-annotated modules listed below into C extensions: the same code, with the same
behaviour, about 1.4x faster on `gitops-gen validate` (README, Performance). Set
``GITOPS_GEN_PURE_PYTHON=1`` to install without compiling (for instance while editing the validator:
a compiled module shadows its ``.py``, see README, Development). When no C compiler is found the
package installs as pure Python and says so.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent

# The validator's per-resource work: the rules, the models they evaluate and the pipeline around them.
# Left out, each for a reason:
# - generator/validate/load.py and positions.py subclass PyYAML's C loader (yaml.CSafeLoader), an
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
)
COMPILED_MODULES = (
    "generator/validate/crossref.py",
    "generator/validate/engine.py",
    "generator/validate/fastpos.py",
    "generator/validate/model.py",
    "generator/validate/netpol.py",
    "generator/validate/operators.py",
    "generator/validate/profiles.py",
    "generator/validate/schemas.py",
    "generator/validate/workloads.py",
    "generator/models/k8s.py",
    "generator/models/rbac.py",
    "generator/models/mlflow_server.py",
)
PURE_PYTHON = "GITOPS_GEN_PURE_PYTHON"


def compiled_sources() -> list[str]:
    files = list(COMPILED_MODULES)
    for package in COMPILED_PACKAGES:
        files.extend(sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / package).glob("*.py")))
    return files


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
    return list(mypycify([*flags, *compiled_sources()], opt_level="3"))


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
