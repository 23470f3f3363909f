from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml

from generator.validate.context import Context
from generator.validate.engine import validate_resources
from generator.validate.inputs import load_file
from generator.validate.model import Finding
from generator.validate.rules import kustomize_selector_labels as rule


def _run(obj: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects([obj])
    return [f for res in ctx.resources for f in rule.check(ctx, res)]


def _k(**fields: Any) -> dict[str, Any]:
    return {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": ["base"], **fields}


def test_fires_on_common_labels_and_names_volatile_keys() -> None:
    [f] = _run(_k(commonLabels={"app.kubernetes.io/version": "3.16.1", "team": "ml"}))
    assert f.path == "/commonLabels" and "changes with every release" in f.message


def test_fires_on_labels_with_include_selectors() -> None:
    [f] = _run(_k(labels=[{"pairs": {"a": "b"}}, {"pairs": {"team": "ml"}, "includeSelectors": True}]))
    assert f.path == "/labels/1/includeSelectors"


def test_passes_labels_without_selectors_and_flux_kustomizations() -> None:
    assert _run(_k(labels=[{"pairs": {"team": "ml"}, "includeSelectors": False}])) == []
    flux = {
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": {"name": "x"},
        "spec": {"commonMetadata": {"labels": {"a": "b"}}},
    }
    assert _run(flux) == []


def test_fires_on_the_kustomization_file_line_and_the_trap_is_real(tmp_path: Path) -> None:
    """Real kustomize really writes commonLabels into the Deployment and Service selectors; validating the
    kustomization file points at the commonLabels line."""
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "kustomization.yaml").write_text("resources: [app.yaml]\n")
    (tmp_path / "base" / "app.yaml").write_text(yaml.safe_dump_all([
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
         "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
         "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}},
                  "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}},
    ]))  # fmt: skip
    kfile = tmp_path / "kustomization.yaml"
    kfile.write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [base]\n"
        "commonLabels:\n  app.kubernetes.io/version: '3.16.1'\n"
    )
    rendered = subprocess.run(["kubectl", "kustomize", str(tmp_path)], capture_output=True, text=True, check=True)
    objs = {o["kind"]: o for o in yaml.safe_load_all(rendered.stdout)}
    assert objs["Service"]["spec"]["selector"]["app.kubernetes.io/version"] == "3.16.1"
    assert objs["Deployment"]["spec"]["selector"]["matchLabels"]["app.kubernetes.io/version"] == "3.16.1"
    report = validate_resources(load_file(kfile), only=frozenset({rule.ID}))
    [finding] = report.findings
    assert (finding.line, finding.rule) == (4, rule.ID)


def _rbac_only(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "role.yaml").write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\n"
        "rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]\n"
    )
    kfile = tmp_path / "kustomization.yaml"
    kfile.write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [role.yaml]\n"
        f"{extra}labels:\n  - pairs: {{app: keda}}\n    includeSelectors: true\n"
    )
    return kfile


def test_passes_a_kustomization_that_renders_no_selector(tmp_path: Path) -> None:
    """kedacore/keda config/rbac: only RBAC objects, where kustomize writes the labels into no selector
    (commonlabels.go has no field spec for them); real kustomize agrees."""
    kfile = _rbac_only(tmp_path)
    rendered = subprocess.run(["kubectl", "kustomize", str(tmp_path)], capture_output=True, text=True, check=True)
    [role] = yaml.safe_load_all(rendered.stdout)
    assert role["metadata"]["labels"] == {"app": "keda"} and "selector" not in str(role)
    assert validate_resources(load_file(kfile), only=frozenset({rule.ID})).findings == []


def test_fires_when_what_the_kustomization_renders_is_not_all_known(tmp_path: Path) -> None:
    # a remote base may hold Deployments: the labels may reach their selectors
    kfile = _rbac_only(tmp_path, "bases: [github.com/example/app//config?ref=v1]\n")
    [finding] = validate_resources(load_file(kfile), only=frozenset({rule.ID})).findings
    assert finding.rule == rule.ID
