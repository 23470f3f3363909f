"""The complete generated file set of the repository, composed from the renderers (pure, no I/O).

``render(envs)`` = Kustomize tree (``base/``, ``components/``, ``overlays/<env>/``) + Argo CD objects
(``argocd/``) + the CI workflow (``.github/workflows/gitops.yaml``), together with the *roots* that a build
of ``envs`` owns: the paths under which every file is exactly what was rendered (stale files there are
removed). ``base/`` and shared files belong to every build; ``overlays/<env>`` only to that env's build.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from generator.errors import RenderError
from generator.gitops.tree import normalize_roots

if TYPE_CHECKING:
    from generator.config.model import Environment


@dataclass(frozen=True)
class Rendered:
    """Rendered files (repo-relative POSIX path -> text) and the roots they own."""

    files: dict[str, str]
    roots: list[str]


def _optional(module: str) -> ModuleType | None:
    """A renderer module that may not exist yet (or fails to import): None instead of an ImportError."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def _merge(into: dict[str, str], part: dict[str, str], source: str) -> None:
    for path, text in part.items():
        if path in into and into[path] != text:
            raise RenderError(f"{source} renders {path}, which another renderer already produced")
        into[path] = text


def available_renderers() -> list[str]:
    """Names of the renderers that will contribute (for diagnostics and tests)."""
    names = []
    emit = _optional("generator.kustomize.emit")
    if emit is not None and hasattr(emit, "render_tree"):
        names.append("kustomize")
    argocd = _optional("generator.gitops.argocd")
    if argocd is not None and hasattr(argocd, "render_argocd"):
        names.append("argocd")
    workflow = _optional("generator.gitops.workflow")
    if workflow is not None and hasattr(workflow, "render_workflow"):
        names.append("workflow")
    prerequisites = _optional("generator.gitops.prerequisites")
    if prerequisites is not None and hasattr(prerequisites, "render_prerequisites"):
        names.append("prerequisites")
    return names


def render(envs: Sequence[Environment]) -> Rendered:
    """Render everything a build of ``envs`` writes, and the roots it owns."""
    files: dict[str, str] = {}
    roots: list[str] = []
    emit = _optional("generator.kustomize.emit")
    if emit is None or not hasattr(emit, "render_tree"):
        raise RenderError("the Kustomize renderer (generator.kustomize.emit.render_tree) is not available")
    kustomize_tree = _call(emit.render_tree, envs)
    _merge(files, kustomize_tree, "kustomize")
    roots.extend(emit.generated_roots(envs))

    argocd = _optional("generator.gitops.argocd")
    if argocd is not None and hasattr(argocd, "render_argocd"):
        if "tree" in inspect.signature(argocd.render_argocd).parameters:  # reuse the tree: render it once
            part = _call(argocd.render_argocd, envs, tree=kustomize_tree)
        else:
            part = _call(argocd.render_argocd, envs)
        _merge(files, part, "argocd")
        if hasattr(argocd, "generated_roots"):
            roots.extend(argocd.generated_roots(envs))
        # else: each rendered file is its own root (added by normalize_roots): no stale-file removal there

    workflow = _optional("generator.gitops.workflow")
    if workflow is not None and hasattr(workflow, "render_workflow"):
        _merge(files, _call(workflow.render_workflow), "workflow")

    # overlays/<env>/PREREQUISITES.md: under a root the env's build already owns; never a kustomize resource
    prerequisites = _optional("generator.gitops.prerequisites")
    if prerequisites is not None and hasattr(prerequisites, "render_prerequisites"):
        _merge(files, _call(prerequisites.render_prerequisites, envs), "prerequisites")
    return Rendered(files=dict(sorted(files.items())), roots=normalize_roots(roots, files))


def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, str]:
    result = fn(*args, **kwargs)
    if not isinstance(result, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in result.items()):
        raise RenderError(f"{fn.__module__}.{fn.__name__} did not return a dict of path -> text")
    return result


def render_repo(envs: Sequence[Environment]) -> dict[str, str]:
    """Every generated file for ``envs``: repo-relative POSIX path -> text."""
    return render(envs).files
