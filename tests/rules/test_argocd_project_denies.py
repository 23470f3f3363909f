"""argocd-project-denies: kinds, namespaces and repositories an AppProject does not permit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import argocd_project_denies as rule
from generator.validate.rules import documentation

REPO = "https://github.com/example/mlflow-gitops.git"
SERVER = "https://kubernetes.default.svc"


def _project(**spec: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "sourceRepos": [REPO],
        "destinations": [{"server": SERVER, "namespace": "mlflow-prod"}],
        "clusterResourceWhitelist": [{"group": "", "kind": "Namespace"}],
    }
    base.update(spec)
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "AppProject",
        "metadata": {"name": "prod", "namespace": "argocd"},
        "spec": base,
    }


def _app(repo: str = REPO, namespace: str = "mlflow-prod", name: str = "prod") -> dict[str, Any]:
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": name, "namespace": "argocd"},
        "spec": {
            "project": "prod",
            "source": {"repoURL": repo, "path": "overlays/prod", "targetRevision": "main"},
            "destination": {"server": SERVER, "namespace": namespace},
        },
    }


def _netpol(namespace: str = "mlflow-prod") -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "default-deny", "namespace": namespace},
        "spec": {"podSelector": {}},
    }


NAMESPACE = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "mlflow-prod"}}
CLUSTER_ROLE = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "x"}}


def _findings(objects: list[dict[str, Any]]) -> dict[str, list[Finding]]:
    ctx = Context.from_objects(objects, namespace="default")
    out: dict[str, list[Finding]] = {}
    for res in ctx.resources:
        found = list(rule.check(ctx, res))
        if found:
            out[f"{res.kind}/{res.name}"] = found
    return out


def test_fires_on_a_blacklisted_namespaced_kind() -> None:
    project = _project(namespaceResourceBlacklist=[{"group": "networking.k8s.io", "kind": "NetworkPolicy"}])
    found = _findings([project, _app(), NAMESPACE, _netpol()])
    assert list(found) == ["NetworkPolicy/default-deny"]
    assert "namespaceResourceBlacklist" in found["NetworkPolicy/default-deny"][0].message
    assert found["NetworkPolicy/default-deny"][0].path == "/kind"


def test_fires_on_a_kind_missing_from_a_present_whitelist() -> None:
    project = _project(namespaceResourceWhitelist=[{"group": "apps", "kind": "Deployment"}])
    found = _findings([project, _app(), _netpol()])
    assert "namespaceResourceWhitelist" in found["NetworkPolicy/default-deny"][0].message


def test_fires_on_a_cluster_scoped_kind_not_whitelisted() -> None:
    found = _findings([_project(), _app(), NAMESPACE, CLUSTER_ROLE])
    assert list(found) == ["ClusterRole/x"]
    assert "clusterResourceWhitelist" in found["ClusterRole/x"][0].message


def test_fires_on_a_repository_and_a_destination_the_project_does_not_permit() -> None:
    found = _findings([_project(), _app(repo="https://github.com/evil/fork.git", namespace="kube-system")])
    messages = [f.message for f in found["Application/prod"]]
    assert any("sourceRepos" in m for m in messages)
    assert any("destinations" in m for m in messages)


def test_fires_on_an_object_in_a_namespace_outside_the_destinations() -> None:
    found = _findings([_project(), _app(), _netpol(namespace="other")])
    assert found["NetworkPolicy/default-deny"][0].path == "/metadata/namespace"


def test_fires_on_a_negated_destination() -> None:
    project = _project(destinations=[{"server": "*", "namespace": "*"}, {"server": "*", "namespace": "!mlflow-prod"}])
    found = _findings([project, _app()])
    assert "destinations" in found["Application/prod"][0].message


def test_passes_when_the_project_permits_everything_rendered() -> None:
    project = _project(namespaceResourceWhitelist=[{"group": "networking.k8s.io", "kind": "NetworkPolicy"}])
    # repo URL compared like Argo CD: case and ".git" do not matter
    assert _findings([project, _app(repo=REPO.upper().removesuffix(".GIT")), NAMESPACE, _netpol()]) == {}


def test_passes_with_globs_and_absent_namespace_whitelist() -> None:
    project = _project(
        sourceRepos=["https://github.com/example/*"], destinations=[{"server": "*", "namespace": "mlflow-*"}]
    )
    assert _findings([project, _app(), _netpol()]) == {}


def test_passes_without_an_appproject_in_the_set() -> None:
    # Nothing to compare against: the rule stays silent rather than guess the cluster's projects.
    assert _findings([_app(), _netpol(), CLUSTER_ROLE]) == {}


def test_passes_on_the_generated_argocd_files_with_their_objects(tmp_path: Path) -> None:
    from generator.config.load import parse_environment
    from generator.gitops import argocd

    text = "profile: prod\nnamespace: mlflow-prod\ningress:\n  host: ml.example.com\n"
    env = parse_environment(text, name="prod", source_file="environments/prod.yaml")
    tree = {
        "overlays/prod/kustomization.yaml": "resources:\n- all.yaml\n",
        "overlays/prod/all.yaml": yaml.safe_dump_all([NAMESPACE, _netpol()]),
    }
    files = argocd.render_argocd([env], tree=tree)
    objects = [d for text in files.values() for d in yaml.safe_load_all(text) if d]
    assert _findings([*objects, NAMESPACE, _netpol()]) == {}
    # ... and the same set fires once the overlay grows a kind the generated project does not know
    extra = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "mlflow-prod"}}
    assert list(_findings([*objects, NAMESPACE, _netpol(), extra])) == ["ConfigMap/c"]


def test_fires_on_an_object_outside_the_destinations_next_to_an_app_of_apps() -> None:
    root = _app(namespace="argocd", name="root")
    root["spec"]["project"] = "bootstrap"
    bootstrap = _project(destinations=[{"server": SERVER, "namespace": "argocd"}])
    bootstrap["metadata"]["name"] = "bootstrap"
    bootstrap["spec"]["namespaceResourceWhitelist"] = [{"group": "argoproj.io", "kind": "*"}]
    monitor = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": "mlflow", "namespace": "monitoring"},
    }
    found = _findings([bootstrap, root, _project(), _app(), NAMESPACE, monitor])
    assert list(found) == ["ServiceMonitor/mlflow"]
    assert "'monitoring' is not a destination" in found["ServiceMonitor/mlflow"][0].message


def _doc_example(label: str) -> list[dict[str, Any]]:
    lines = documentation(rule).splitlines()
    start = lines.index(label)
    block = []
    for line in lines[start + 1 :]:
        if line.strip() and not line.startswith("    "):
            break
        block.append(line[4:])
    return [d for d in yaml.safe_load_all("\n".join(block)) if d]


def test_docstring_fail_example_fires_and_pass_example_passes() -> None:
    assert _findings(_doc_example("FAIL:")) != {}
    assert _findings(_doc_example("PASS:")) == {}
