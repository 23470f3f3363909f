"""helm-chart-not-rendered: a directory Argo CD renders with helm is reported at its Chart.yaml, and its
Go templates are not read as YAML, so the rest of the tree is still validated (real files, real
kustomize, through the validate command)."""

from __future__ import annotations

import io
from pathlib import Path

from generator.commands import validate as validate_cmd
from generator.validate.context import Context
from generator.validate.rules import helm_chart_not_rendered as rule
from generator.validate.walk import is_helm_chart

TEMPLATE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "c.fullname" . }}
  {{- with .Values.x }}
"""
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n"


def _chart(root: Path, name: str = "chart", chart_file: str = "Chart.yaml") -> Path:
    chart = root / name
    (chart / "templates").mkdir(parents=True)
    (chart / chart_file).write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("replicaCount: 1\n")
    (chart / "templates" / "deployment.yaml").write_text(TEMPLATE)
    return chart


def _validate(tmp_path: Path, *paths: str) -> tuple[int, str]:
    out = io.StringIO()
    code = validate_cmd.run(list(paths), out=out, repo=tmp_path, fmt="text", jobs=1)
    return code, out.getvalue()


def test_fires_for_a_chart_in_a_tree_and_the_rest_is_still_validated(tmp_path: Path) -> None:
    _chart(tmp_path)
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "cm.yaml").write_text(CM.replace("{a: b}", "{enabled: yes}"))  # a schema error
    code, text = _validate(tmp_path, str(tmp_path))
    assert "chart/Chart.yaml:1:1: warning [helm-chart-not-rendered] Helm chart 'chart' is not validated" in text
    assert "`helm template chart | gitops-gen validate -`" in text
    assert "plain/cm.yaml:4:8: error [schema-invalid]" in text  # the template did not stop the run
    assert "1 resource: 1 error, 1 warning" in text
    assert code == 1


def test_fires_for_a_chart_passed_as_the_path(tmp_path: Path) -> None:
    chart = _chart(tmp_path, "guestbook")
    code, text = _validate(tmp_path, str(chart))
    assert code == 0, text
    assert text.startswith("guestbook/Chart.yaml:1:1: warning [helm-chart-not-rendered] Helm chart 'guestbook'")
    assert "0 resources: 0 errors, 1 warning" in text


def test_fires_for_any_file_name_ending_in_chart_yaml_as_argo_cd_detects_it(tmp_path: Path) -> None:
    _chart(tmp_path, "odd", chart_file="MyChart.yaml")
    assert is_helm_chart(tmp_path / "odd")
    _code, text = _validate(tmp_path, str(tmp_path))
    assert "odd/MyChart.yaml:1:1: warning [helm-chart-not-rendered]" in text


def test_passes_for_a_kustomization_beside_a_chart_yaml(tmp_path: Path) -> None:
    # Argo CD's discovery: the kustomization wins; kustomize renders the directory
    chart = _chart(tmp_path)
    (chart / "templates" / "deployment.yaml").unlink()
    (chart / "cm.yaml").write_text(CM)
    (chart / "kustomization.yaml").write_text("resources: [cm.yaml]\n")
    assert not is_helm_chart(chart)
    code, text = _validate(tmp_path, str(tmp_path))
    assert "helm-chart-not-rendered" not in text
    assert "1 resource:" in text and code == 0, text


def test_passes_for_a_chart_inside_a_kustomize_directory(tmp_path: Path) -> None:
    # below a kustomization, kustomize decides what is rendered (its own helmCharts); the walk stops there
    app = tmp_path / "app"
    app.mkdir()
    (app / "cm.yaml").write_text(CM)
    (app / "kustomization.yaml").write_text("resources: [cm.yaml]\n")
    _chart(app)
    code, text = _validate(tmp_path, str(tmp_path))
    assert "helm-chart-not-rendered" not in text
    assert "1 resource:" in text and code == 0, text


def test_passes_for_a_k3s_helmchart_object() -> None:
    obj = {
        "apiVersion": "helm.cattle.io/v1",
        "kind": "HelmChart",
        "metadata": {"name": "traefik", "namespace": "kube-system"},
        "spec": {"chart": "traefik"},
    }
    ctx = Context.from_objects([obj])
    assert list(rule.check(ctx, ctx.resources[0])) == []


def test_passes_for_a_k3s_helmchart_object_through_validate(tmp_path: Path) -> None:
    (tmp_path / "hc.yaml").write_text(
        "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata: {name: traefik, namespace: kube-system}\n"
        "spec: {chart: traefik}\n"
    )
    _code, text = _validate(tmp_path, str(tmp_path / "hc.yaml"))
    assert "helm-chart-not-rendered" not in text
    assert "1 resource:" in text
