"""`gitops-gen validate PATH...`: each kustomize directory is validated as its own set (as Argo CD and Flux
apply one), the plain files and stdin together (as ``kubectl apply -R -f`` applies them). Real kustomize."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from generator.commands import validate as validate_cmd

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          envFrom: [{configMapRef: {name: settings}}]
"""
SETTINGS = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n"


def _validate(paths: list[str], repo: Path) -> dict[str, Any]:
    out = io.StringIO()
    validate_cmd.run(paths, out=out, repo=repo, fmt="json")
    report: dict[str, Any] = json.loads(out.getvalue())
    return report


def _rules(report: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((f["rule"], f["file"]) for f in report["findings"] if f["rule"] in WATCHED)


WATCHED = {"duplicate-resource", "missing-reference", "kustomize-deprecated"}


def _layout(root: Path, *, base_kustomization: str = "resources: [deploy.yaml, settings.yaml]\n") -> None:
    """The usual kustomize layout: a base and two overlays that set no namespace (one cluster each)."""
    (root / "base").mkdir(parents=True)
    (root / "base" / "deploy.yaml").write_text(DEPLOYMENT)
    (root / "base" / "settings.yaml").write_text(SETTINGS)
    (root / "base" / "kustomization.yaml").write_text(base_kustomization)
    for name in ("staging", "prod"):
        (root / "overlays" / name).mkdir(parents=True)
        (root / "overlays" / name / "kustomization.yaml").write_text("resources: [../../base]\n")


def test_a_base_and_its_overlays_are_not_duplicates_of_each_other(tmp_path: Path) -> None:
    _layout(tmp_path)
    report = _validate([str(tmp_path)], tmp_path)
    assert report["summary"]["resources"] == 6  # the base and each overlay: 2 objects each
    assert _rules(report) == []


def test_one_overlay_does_not_resolve_another_overlays_references(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "deploy.yaml").write_text(DEPLOYMENT)
    (tmp_path / "app" / "kustomization.yaml").write_text("resources: [deploy.yaml]\n")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.yaml").write_text(SETTINGS)
    (tmp_path / "config" / "kustomization.yaml").write_text("resources: [settings.yaml]\n")
    report = _validate([str(tmp_path / "app"), str(tmp_path / "config")], tmp_path)
    # the ConfigMap is in another apply set: applying app/ alone leaves the Deployment's pods waiting for it
    assert _rules(report) == [("missing-reference", "app/deploy.yaml")]


def test_plain_files_are_one_set(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "deploy.yaml").write_text(DEPLOYMENT)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "settings.yaml").write_text(SETTINGS)
    (tmp_path / "b" / "again.yaml").write_text(SETTINGS)
    report = _validate([str(tmp_path)], tmp_path)
    # the reference resolves across directories, and the same object twice is a duplicate
    assert _rules(report) == [("duplicate-resource", "b/settings.yaml")]


def test_a_shared_base_s_deprecated_field_is_reported_once(tmp_path: Path) -> None:
    _layout(tmp_path, base_kustomization="commonLabels: {team: web}\nresources: [deploy.yaml, settings.yaml]\n")
    report = _validate([str(tmp_path / "overlays" / "staging"), str(tmp_path / "overlays" / "prod")], tmp_path)
    assert _rules(report) == [("kustomize-deprecated", "base/kustomization.yaml")]


def test_a_directory_given_twice_is_validated_once(tmp_path: Path) -> None:
    _layout(tmp_path)
    staging = tmp_path / "overlays" / "staging"
    once = _validate([str(staging)], tmp_path)
    twice = _validate(
        [str(staging), str(staging) + "/", str(tmp_path / "overlays" / ".." / "overlays" / "staging")], tmp_path
    )
    assert twice == once
    assert once["summary"]["resources"] == 2
