"""Which kinds have no namespace: a cluster-scoped object is shown and indexed without one, even where the
context gives plain files a default namespace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.validate.model import Resource, is_cluster_scoped


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("rbac.authorization.k8s.io/v1", "ClusterRole"),
        # custom kinds whose CRDs say scope: Cluster (gateway-api, kueue, kubeflow trainer, kserve)
        ("gateway.networking.k8s.io/v1", "GatewayClass"),
        ("kueue.x-k8s.io/v1beta1", "ClusterQueue"),
        ("kueue.x-k8s.io/v1beta1", "ResourceFlavor"),
        ("trainer.kubeflow.org/v1alpha1", "ClusterTrainingRuntime"),
        ("serving.kserve.io/v1alpha1", "ClusterServingRuntime"),
    ],
)
def test_cluster_scoped_kinds_have_no_namespace(api_version: str, kind: str) -> None:
    obj = {"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}}
    assert Resource(obj, "x.yaml", default_namespace="default").namespace == ""


@pytest.mark.parametrize("kind", ["Gateway", "LocalQueue", "TrainJob", "ServingRuntime"])
def test_namespaced_kinds_take_the_default_namespace(kind: str) -> None:
    obj = {"apiVersion": "example.com/v1", "kind": kind, "metadata": {"name": "x"}}
    assert Resource(obj, "x.yaml", default_namespace="team").namespace == "team"


# --- custom kinds whose CustomResourceDefinition says scope: Cluster (apiextensions v1 ResourceScope)


def _crd(group: str, kind: str, scope: str) -> str:
    plural = kind.lower() + "s"
    return f"""\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {{name: {plural}.{group}}}
spec:
  group: {group}
  names: {{kind: {kind}, plural: {plural}, singular: {kind.lower()}, listKind: {kind}List}}
  scope: {scope}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties: {{size: {{type: integer}}}}
"""


# An Argo CD project that permits the cluster-scoped kind as cluster-scoped and nothing namespaced but
# ConfigMaps: a Widget seen as namespaced (the default namespace) was a false argocd-project-denies error.
PROJECT = """\
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {name: platform, namespace: argocd}
spec:
  sourceRepos: ["*"]
  destinations: [{server: https://kubernetes.default.svc, namespace: "*"}]
  clusterResourceWhitelist: [{group: example.io, kind: Widget}]
  namespaceResourceWhitelist: [{group: "", kind: ConfigMap}]
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: widgets, namespace: argocd}
spec:
  project: platform
  source: {repoURL: https://example.com/repo.git, path: widgets}
  destination: {server: https://kubernetes.default.svc, namespace: apps}
"""
WIDGET = "apiVersion: example.io/v1\nkind: Widget\nmetadata: {name: big}\nspec: {size: large}\n"


def _validate_dir(root: Path, *extra: str, jobs: str = "1") -> tuple[int, list[dict[str, Any]]]:
    args = ["validate", "--repo", str(root), "--format", "json", "--jobs", jobs, *extra, str(root / "set")]
    result = CliRunner().invoke(app, args)
    return result.exit_code, json.loads(result.output)["findings"]


def _where(findings: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {(f["rule"], f["resource"]["kind"], f["resource"]["namespace"]) for f in findings}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_crd_in_the_set_that_says_cluster_scope_takes_the_namespace_off_its_kind(tmp_path: Path, jobs: str) -> None:
    (tmp_path / "set").mkdir()
    (tmp_path / "set" / "crd.yaml").write_text(_crd("example.io", "Widget", "Cluster"))
    (tmp_path / "set" / "argocd.yaml").write_text(PROJECT)
    (tmp_path / "set" / "widget.yaml").write_text(WIDGET)
    _, findings = _validate_dir(tmp_path, jobs=jobs)
    # the schema error of the CRD in the set, on an object without a namespace; no project denial
    assert ("schema-invalid", "Widget", "") in _where(findings)
    assert not [f for f in findings if f["resource"]["kind"] == "Widget" and f["resource"]["namespace"]]
    assert [f for f in findings if f["rule"] == "argocd-project-denies" and f["resource"]["kind"] == "Widget"] == []
    assert not is_cluster_scoped("example.io", "Widget")  # withdrawn after the run


def test_the_same_kind_name_in_another_group_keeps_its_namespace(tmp_path: Path) -> None:
    (tmp_path / "set").mkdir()
    (tmp_path / "set" / "crd.yaml").write_text(
        _crd("example.io", "Widget", "Cluster") + "---\n" + _crd("other.io", "Widget", "Namespaced")
    )
    (tmp_path / "set" / "widgets.yaml").write_text(WIDGET + "---\n" + WIDGET.replace("example.io", "other.io"))
    _, findings = _validate_dir(tmp_path)
    assert {w for w in _where(findings) if w[0] == "schema-invalid"} == {
        ("schema-invalid", "Widget", ""), ("schema-invalid", "Widget", "default"),
    }  # fmt: skip


def test_a_crd_given_with_crd_says_cluster_scope_for_the_whole_run(tmp_path: Path) -> None:
    (tmp_path / "set").mkdir()
    crd = tmp_path / "widget-crd.yaml"
    crd.write_text(_crd("example.io", "Widget", "Cluster"))
    (tmp_path / "set" / "argocd.yaml").write_text(PROJECT)
    (tmp_path / "set" / "widget.yaml").write_text(WIDGET)
    _, findings = _validate_dir(tmp_path, "--crd", str(crd))
    assert ("schema-invalid", "Widget", "") in _where(findings)
    assert [f for f in findings if f["rule"] == "argocd-project-denies" and f["resource"]["kind"] == "Widget"] == []
    assert not is_cluster_scoped("example.io", "Widget")
