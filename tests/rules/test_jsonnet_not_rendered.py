"""jsonnet-not-rendered: a walked directory's .jsonnet files, which Argo CD's directory source evaluates, are
reported once per directory instead of the directory validating as "0 resources" in silence (real files,
through the validate command)."""

from __future__ import annotations

import io
from pathlib import Path

from generator.commands import validate as validate_cmd

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n"
JSONNET = '{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }\n'


def _validate(tmp_path: Path, *paths: str) -> tuple[int, str]:
    out = io.StringIO()
    code = validate_cmd.run(list(paths), out=out, repo=tmp_path, fmt="text", jobs=1)
    return code, out.getvalue()


def test_fires_once_per_directory_at_its_first_jsonnet_file(tmp_path: Path) -> None:
    (tmp_path / "jsonnet").mkdir()
    for name in ("b.jsonnet", "a.jsonnet"):
        (tmp_path / "jsonnet" / name).write_text(JSONNET)
    (tmp_path / "jsonnet" / "lib.libsonnet").write_text("{}\n")  # imported only: not evaluated by Argo CD
    code, text = _validate(tmp_path, str(tmp_path))
    assert code == 0, text
    assert text.count("[jsonnet-not-rendered]") == 1, text
    assert (
        "jsonnet/a.jsonnet:1:1: warning [jsonnet-not-rendered] 2 .jsonnet files in 'jsonnet' (a.jsonnet, b.jsonnet)"
        in text
    )
    assert "`jsonnet -y jsonnet/a.jsonnet | gitops-gen validate -`" in text
    assert "0 resources: 0 errors, 1 warning" in text


def test_fires_for_each_directory_and_the_yaml_beside_is_still_validated(tmp_path: Path) -> None:
    for sub in ("one", "two"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "main.jsonnet").write_text(JSONNET)
    (tmp_path / "one" / "cm.yaml").write_text(CM)
    code, text = _validate(tmp_path, str(tmp_path))
    assert code == 0, text
    assert "one/main.jsonnet:1:1: warning [jsonnet-not-rendered] a .jsonnet file in 'one' (main.jsonnet)" in text
    assert "two/main.jsonnet:1:1: warning [jsonnet-not-rendered]" in text
    assert "1 resource: 0 errors, 2 warnings" in text


def test_passes_without_jsonnet_files_and_for_libsonnet_only(tmp_path: Path) -> None:
    (tmp_path / "cm.yaml").write_text(CM)
    (tmp_path / "lib.libsonnet").write_text("{}\n")
    code, text = _validate(tmp_path, str(tmp_path))
    assert code == 0 and "jsonnet-not-rendered" not in text, text


def test_passes_for_jsonnet_in_a_kustomize_directory(tmp_path: Path) -> None:
    # Argo CD renders such a directory with kustomize, which does not evaluate jsonnet either
    app = tmp_path / "app"
    app.mkdir()
    (app / "kustomization.yaml").write_text("resources: [cm.yaml]\n")
    (app / "cm.yaml").write_text(CM)
    (app / "extra.jsonnet").write_text(JSONNET)
    code, text = _validate(tmp_path, str(tmp_path))
    assert code == 0, text
    assert "jsonnet-not-rendered" not in text, text
    assert "1 resource" in text
