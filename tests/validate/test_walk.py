"""The directory walk of `validate DIR`: the same inputs, in the same order, as an ``os.walk`` of the
tree (hidden entries skipped, linked directories not entered, linked files read at their target), and
the displayed paths of the files it lists."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.validate.inputs import path_items
from generator.validate.load import FileItem
from generator.validate.walk import helm_charts, kustomize_dirs_below, one_walk_per_directory, stream_inputs

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s}\n"


def _reference(directory: Path) -> list[Path]:
    """The walk as the standard library does it: the oracle for ``stream_inputs``."""
    found: list[Path] = []
    for root, dirs, files in os.walk(directory):
        here = Path(root)
        if here != directory and (here / "kustomization.yaml").is_file():
            found.append(here)
            dirs[:] = []
            continue
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(here / f for f in files if f.endswith((".yaml", ".yml", ".json")) and not f.startswith("."))
    return sorted(found, key=lambda p: p.relative_to(directory).parts)


def _tree(root: Path) -> Path:
    repo = root / "repo"
    for rel in ("a/b/z.json", "a/y.yml", "x.yaml", "a-b/w.yaml", "a.b/v.yaml", ".hidden/h.yaml", ".dot.yaml"):
        path = repo / "apps" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(CM % path.stem)
    (repo / "apps" / "a" / "notes.txt").write_text("not a manifest\n")
    (repo / "apps" / "k").mkdir()
    (repo / "apps" / "k" / "kustomization.yaml").write_text("resources: [cm.yaml]\n")
    (repo / "apps" / "k" / "cm.yaml").write_text(CM % "k")
    (repo / "shared").mkdir()
    (repo / "shared" / "s.yaml").write_text(CM % "s")
    os.symlink("../shared", repo / "apps" / "linked-dir")  # not entered, as os.walk does not
    os.symlink("../../shared/s.yaml", repo / "apps" / "a" / "linked.yaml")  # read at its target
    return repo


def test_the_walk_lists_what_os_walk_lists_in_the_same_order(tmp_path: Path) -> None:
    repo = _tree(tmp_path)
    walked = stream_inputs(repo / "apps")
    assert walked == _reference(repo / "apps")
    assert [p.relative_to(repo / "apps").as_posix() for p in walked] == [
        "a/b/z.json", "a/linked.yaml", "a/y.yml", "a-b/w.yaml", "a.b/v.yaml", "k", "x.yaml",
    ]  # fmt: skip


def test_files_show_their_repository_path_and_a_link_shows_its_target(tmp_path: Path) -> None:
    repo = _tree(tmp_path)
    items = [i for i in path_items(repo / "apps", repo=repo) if isinstance(i, FileItem)]
    shown = {Path(i.path).relative_to(repo / "apps").as_posix(): i.display for i in items}
    assert shown["a/y.yml"] == "apps/a/y.yml"
    assert shown["a/linked.yaml"] == "shared/s.yaml"
    resolved = {i.display: i.resolved for i in items}
    assert resolved["apps/x.yaml"] == str((repo / "apps" / "x.yaml").resolve())


def test_a_relative_directory_and_a_repository_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _tree(tmp_path)
    monkeypatch.chdir(repo / "apps")
    items = [i for i in path_items(Path("."), repo=None) if isinstance(i, FileItem)]
    assert [i.path for i in items][:2] == ["a/b/z.json", "a/linked.yaml"]
    assert [i.display for i in items][:2] == ["a/b/z.json", "a/linked.yaml"]
    elsewhere = [i for i in path_items(Path("."), repo=tmp_path / "other") if isinstance(i, FileItem)]
    assert elsewhere[0].display == "a/b/z.json"  # outside the repository: the path as given


def _reference_charts(directory: Path) -> list[Path]:
    """Helm charts as an ``os.walk`` finds them: a directory with a ``*Chart.yaml`` file and no kustomization,
    not entered further, nor below a kustomize directory (the oracle for ``helm_charts``)."""
    found: list[Path] = []
    for root, dirs, files in os.walk(directory):
        here = Path(root)
        kustomize = (here / "kustomization.yaml").is_file()
        if here != directory and kustomize:
            dirs[:] = []
            continue
        if not kustomize and any(f.endswith("Chart.yaml") for f in files):
            found.append(here)
            dirs[:] = []
            continue
        dirs[:] = [d for d in dirs if not d.startswith(".")]
    return sorted(found, key=lambda p: p.relative_to(directory).parts)


def _charts(repo: Path) -> None:
    for chart in ("apps/chart", "apps/a/deep/chart2", "apps/k/inside", "apps/.hidden/c"):
        (repo / chart).mkdir(parents=True)
        (repo / chart / "Chart.yaml").write_text("name: c\n")
        (repo / chart / "values.yaml").write_text("replicas: 1\n")
    (repo / "apps" / "a" / "deep" / "chart2" / "Chart.yaml").rename(
        repo / "apps" / "a" / "deep" / "chart2" / "MyChart.yaml"
    )


def test_helm_charts_come_from_the_same_walk_as_the_inputs(tmp_path: Path) -> None:
    repo = _tree(tmp_path)
    _charts(repo)
    apps = repo / "apps"
    assert helm_charts(apps) == _reference_charts(apps)
    assert [p.relative_to(apps).as_posix() for p in helm_charts(apps)] == ["a/deep/chart2", "chart"]
    assert not any("chart" in p.relative_to(apps).as_posix() for p in stream_inputs(apps))  # its YAML: not read
    assert helm_charts(apps / "chart") == [apps / "chart"]  # the directory itself


def test_one_walk_per_directory_within_the_block_and_a_fresh_walk_after_it(tmp_path: Path) -> None:
    repo = _tree(tmp_path)
    apps = repo / "apps"
    with one_walk_per_directory():
        first = stream_inputs(apps)
        (apps / "late.yaml").write_text(CM % "late")
        (apps / "late-chart").mkdir()
        (apps / "late-chart" / "Chart.yaml").write_text("name: c\n")
        assert stream_inputs(apps) == first  # walked once: what the block's first listing saw
        assert kustomize_dirs_below(apps) == [apps / "k"]
        assert helm_charts(apps) == []
    assert apps / "late.yaml" in stream_inputs(apps)  # no cache outside the block
    assert helm_charts(apps) == [apps / "late-chart"]


def test_a_directory_given_with_a_trailing_slash_lists_the_same_paths(tmp_path: Path) -> None:
    repo = _tree(tmp_path)
    plain = [i.path for i in path_items(repo / "apps", repo=repo) if isinstance(i, FileItem)]
    slashed = [i.path for i in path_items(Path(str(repo / "apps") + "/"), repo=repo) if isinstance(i, FileItem)]
    assert slashed == plain and all("//" not in p for p in slashed)
