"""Issue 8, point 6: `validate` refuses remote kustomize inputs up front (exit 2) unless --allow-remote."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.kustomize.remote import is_remote, remote_references

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n"


def _kust(directory: Path, body: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "kustomization.yaml").write_text(body)


def _validate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", *args])
    return result.exit_code, result.stdout + result.stderr


@pytest.mark.parametrize(
    "entry",
    [
        "https://10.255.255.1/never/answers.yaml",  # non-routable: kustomize would wait for the timeout
        "http://10.255.255.1/x.yaml",
        "github.com/example/platform//deploy/base?ref=v1.2.3",
        "git@github.com:example/platform.git//deploy",
        "ssh://git@example.com/platform.git",
        "gitlab.example.com/team/platform/base",
        "https://dev.azure.com/org/project/_git/repo",
    ],
)
def test_remote_resource_is_refused_up_front(tmp_path: Path, entry: str) -> None:
    overlay = tmp_path / "overlay"
    _kust(overlay, f"resources:\n- cm.yaml\n- {entry}\n")
    (overlay / "cm.yaml").write_text(CM)
    start = time.monotonic()
    code, out = _validate(str(overlay))
    assert code == 2, out
    assert time.monotonic() - start < 5
    assert f"{overlay / 'kustomization.yaml'}: resources entry" in out and "is remote" in out
    assert "--allow-remote" in out


def test_remote_component_two_levels_down_is_found(tmp_path: Path) -> None:
    _kust(tmp_path / "overlay", "resources:\n- ../base\n")
    _kust(tmp_path / "base", "resources:\n- cm.yaml\ncomponents:\n- ../component\n")
    (tmp_path / "base/cm.yaml").write_text(CM)
    _kust(
        tmp_path / "component",
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
        "components:\n- https://example.com/remote-component\n",
    )
    refs = remote_references(tmp_path / "overlay")
    assert [(r.kustomization.parent.name, r.field) for r in refs] == [("component", "components")]
    code, out = _validate(str(tmp_path / "overlay"))
    assert code == 2 and "component/kustomization.yaml: components entry 'https://example.com/remote-component'" in out


def test_local_paths_are_never_remote(tmp_path: Path) -> None:
    (tmp_path / "github.com/example").mkdir(parents=True)  # exists locally: kustomize reads it locally
    assert not is_remote("github.com/example", tmp_path)
    assert not is_remote("../base", tmp_path)
    assert not is_remote("cm.yaml", tmp_path)
    assert not is_remote("file:///tmp/x.yaml", tmp_path)


def test_allow_remote_lets_kustomize_try(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay"
    _kust(overlay, "resources:\n- http://127.0.0.1:9/refused.yaml\n")  # port 9 (discard): refused at once
    code, out = _validate(str(overlay), "--allow-remote")
    assert code == 2 and "is remote" not in out and "kustomize failed" in out, out


def test_shipped_overlays_are_local(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    for overlay in sorted((root / "overlays").iterdir()):
        assert remote_references(overlay) == []
