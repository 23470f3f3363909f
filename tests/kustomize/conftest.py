"""Fixtures: the shipped environments rendered into a tmp dir and built with real kustomize."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.config.load import discover, load_environment
from generator.config.model import Environment
from generator.kustomize.emit import render_tree
from generator.kustomize.render import kustomize_build

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("dev", "prod", "staging")

Objects = list[dict[str, Any]]


def write_tree(files: dict[str, str], root: Path) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def parse_stream(text: str) -> Objects:
    return [doc for doc in yaml.safe_load_all(text) if doc]


@pytest.fixture(scope="session")
def shipped_envs() -> dict[str, Environment]:
    envs = {p.stem: load_environment(p, repo_root=ROOT) for p in discover(ROOT)}
    assert set(SHIPPED) <= set(envs)
    return envs


@pytest.fixture(scope="session")
def shipped_tree(shipped_envs: dict[str, Environment]) -> dict[str, str]:
    return render_tree(list(shipped_envs.values()))


@pytest.fixture(scope="session")
def tree_dir(shipped_tree: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tree(shipped_tree, tmp_path_factory.mktemp("tree"))


@pytest.fixture(scope="session")
def rendered(tree_dir: Path, shipped_envs: dict[str, Environment]) -> dict[str, Objects]:
    """env name -> the objects `kustomize build overlays/<env>` prints."""
    return {name: parse_stream(kustomize_build(tree_dir / "overlays" / name)) for name in shipped_envs}


def find(objs: Objects, kind: str, name: str | None = None) -> list[dict[str, Any]]:
    return [o for o in objs if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]


def one(objs: Objects, kind: str, name: str) -> dict[str, Any]:
    found = find(objs, kind, name)
    assert len(found) == 1, f"expected exactly one {kind}/{name}, found {len(found)}"
    return found[0]


@pytest.fixture
def get(rendered: dict[str, Objects]) -> Callable[[str, str, str], dict[str, Any]]:
    def _get(env: str, kind: str, name: str) -> dict[str, Any]:
        return one(rendered[env], kind, name)

    return _get
