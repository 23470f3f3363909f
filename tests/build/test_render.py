"""generator.render composes the renderers and the roots they own (with stand-in renderer modules)."""

from __future__ import annotations

import sys
import types
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from generator.errors import InputError, RenderError
from generator.render import available_renderers, render, render_repo


class Env:
    def __init__(self, name: str) -> None:
        self.name = name


def _module(name: str, **attrs: Any) -> types.ModuleType:
    module = types.ModuleType(name)
    for key, value in attrs.items():
        setattr(module, key, value)
    return module


def _tree(envs: Sequence[Env]) -> dict[str, str]:
    files = {"base/kustomization.yaml": "b\n"}
    files.update({f"overlays/{e.name}/kustomization.yaml": e.name + "\n" for e in envs})
    return files


def _roots(envs: Sequence[Env]) -> list[str]:
    return ["base", *(f"overlays/{e.name}" for e in envs)]


@pytest.fixture
def modules(monkeypatch: pytest.MonkeyPatch) -> dict[str, types.ModuleType]:
    seen_trees: list[Mapping[str, str]] = []

    def render_argocd(envs: Sequence[Env], *, tree: Mapping[str, str]) -> dict[str, str]:
        seen_trees.append(tree)
        return {"argocd/root.yaml": "r\n", **{f"argocd/{e.name}/app.yaml": "a\n" for e in envs}}

    mods = {
        "generator.kustomize.emit": _module("emit", render_tree=_tree, generated_roots=_roots),
        "generator.gitops.argocd": _module(
            "argocd",
            render_argocd=render_argocd,
            generated_roots=lambda envs: ["argocd/root.yaml", *(f"argocd/{e.name}" for e in envs)],
            seen_trees=seen_trees,
        ),
        "generator.gitops.workflow": _module(
            "workflow", render_workflow=lambda: {".github/workflows/gitops.yaml": "w\n"}
        ),
        "generator.gitops.prerequisites": _module(
            "prerequisites",
            render_prerequisites=lambda envs: {f"overlays/{e.name}/PREREQUISITES.md": "p\n" for e in envs},
        ),
    }
    for name, module in mods.items():
        monkeypatch.setitem(sys.modules, name, module)
    return mods


def test_render_composes_files_and_roots(modules: dict[str, types.ModuleType]) -> None:
    result = render([Env("prod"), Env("dev")])  # type: ignore[list-item]
    assert list(result.files) == sorted(result.files)
    assert set(result.files) == {
        "base/kustomization.yaml",
        "overlays/prod/kustomization.yaml",
        "overlays/dev/kustomization.yaml",
        "argocd/root.yaml",
        "argocd/prod/app.yaml",
        "argocd/dev/app.yaml",
        ".github/workflows/gitops.yaml",
        "overlays/prod/PREREQUISITES.md",
        "overlays/dev/PREREQUISITES.md",
    }
    assert result.roots == [
        ".github/workflows/gitops.yaml",
        "argocd/dev",
        "argocd/prod",
        "argocd/root.yaml",
        "base",
        "overlays/dev",
        "overlays/prod",
    ]
    # the Argo CD renderer got the Kustomize tree instead of rendering it again
    assert modules["generator.gitops.argocd"].seen_trees == [_tree([Env("prod"), Env("dev")])]
    assert render_repo([Env("dev")]) == render([Env("dev")]).files  # type: ignore[list-item]
    assert available_renderers() == ["kustomize", "argocd", "workflow", "prerequisites"]


def test_missing_optional_renderers_are_skipped(
    modules: dict[str, types.ModuleType], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "generator.gitops.workflow", None)  # import raises ImportError
    monkeypatch.delattr(modules["generator.gitops.argocd"], "render_argocd")
    monkeypatch.setitem(sys.modules, "generator.gitops.prerequisites", None)
    result = render([Env("dev")])  # type: ignore[list-item]
    assert sorted(result.files) == ["base/kustomization.yaml", "overlays/dev/kustomization.yaml"]
    assert available_renderers() == ["kustomize"]


def test_missing_kustomize_renderer_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "generator.kustomize.emit", None)
    with pytest.raises(RenderError, match="Kustomize renderer"):
        render([Env("dev")])  # type: ignore[list-item]


def test_two_renderers_writing_one_path_differently_is_an_error(
    modules: dict[str, types.ModuleType], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        modules["generator.gitops.workflow"], "render_workflow", lambda: {"base/kustomization.yaml": "other\n"}
    )
    with pytest.raises(RenderError, match=r"workflow renders base/kustomization\.yaml"):
        render([Env("dev")])  # type: ignore[list-item]


def test_files_outside_declared_roots_become_file_roots_and_unsafe_paths_fail(
    modules: dict[str, types.ModuleType], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(modules["generator.gitops.workflow"], "render_workflow", lambda: {"ci/x.yaml": "x\n"})
    assert "ci/x.yaml" in render([Env("dev")]).roots  # type: ignore[list-item]
    monkeypatch.setattr(modules["generator.gitops.workflow"], "render_workflow", lambda: {"../x.yaml": "x\n"})
    with pytest.raises(InputError, match="not a safe generated path"):
        render([Env("dev")])  # type: ignore[list-item]
