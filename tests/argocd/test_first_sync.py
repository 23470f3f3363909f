"""The first-sync simulation (generator.models.argocd.simulate) over the shipped overlays rendered with real
kustomize, and the mutations that must each produce a hazard."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest

from generator.commands import plan
from generator.config.load import load_environment, parse_environment
from generator.kustomize.render import kustomize_build
from generator.models.argocd import prereqs, simulate
from generator.models.k8s import Obj
from generator.render import render

ROOT = Path(__file__).resolve().parents[2]
WAVE = "argocd.argoproj.io/sync-wave"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    envs = [load_environment(ROOT / "environments" / f"{n}.yaml", repo_root=ROOT) for n in ("dev", "prod", "staging")]
    root = tmp_path_factory.mktemp("repo")
    files = dict(render(envs).files)
    for n in ("dev", "prod", "staging"):
        files[f"environments/{n}.yaml"] = (ROOT / "environments" / f"{n}.yaml").read_text()
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def _objects(repo: Path, env: str) -> list[dict[str, Any]]:
    return plan.load_rendered(kustomize_build(repo / "overlays" / env), env)


def _sim(repo: Path, env: str, objects: list[dict[str, Any]]) -> simulate.Simulation:
    e = load_environment(repo / "environments" / f"{env}.yaml", repo_root=repo)
    return simulate.simulate([Obj(o) for o in objects], prereqs.declared(e))


def _messages(sim: simulate.Simulation) -> list[str]:
    return [f"{h.resource.kind}/{h.resource.name}: {h.message}" for h in sim.hazards]


def _get(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    (found,) = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    return found


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_every_shipped_environment_simulates_without_hazard(repo: Path, env: str) -> None:
    out = io.StringIO()
    code = plan.run(env, fmt="json", repo=repo, out=out)
    data = json.loads(out.getvalue())
    assert (code, data["hazards"]) == (0, [])
    assert {p["id"] for p in data["prerequisites"]} >= {"argocd", "images"}
    waited = [s["waitedOn"] for s in data["steps"]]
    assert all(waited[:-1]) and waited[-1] is (env == "dev")  # dev's last step holds the training hook


def test_prod_needs_are_met_by_earlier_steps_or_prerequisites(repo: Path) -> None:
    sim = _sim(repo, "prod", _objects(repo, "prod"))
    needs = {(i.task.resource.kind, i.task.resource.name): i.needs for s in sim.steps for i in s.items}
    postgres = {n.what: n.provider for n in needs[("StatefulSet", "postgres")]}
    assert (
        postgres["Secret mlflow-prod/postgres-credentials"]
        == "ExternalSecret mlflow-prod/postgres-credentials (Sync wave -1)"
    )
    assert postgres["StorageClass standard"] == "prerequisite storage"
    es = {n.what: n.provider for n in needs[("ExternalSecret", "postgres-credentials")]}
    assert es["remote key mlflow/prod/postgres property password"] == "prerequisite external-secrets"
    (model,) = [n for n in needs[("Deployment", "model-iris")] if n.key == "model-version"]
    assert model.provider is not None and model.provider.startswith("deferred")
    (solver,) = [n for n in needs[("Ingress", "mlflow")] if n.key == "acme-solver-reachable"]
    assert solver.provider is not None


def test_serving_in_a_waited_wave_or_without_waiting_is_a_hazard(repo: Path) -> None:
    objects = _objects(repo, "prod")
    moved = copy.deepcopy(objects)
    _get(moved, "Deployment", "model-iris")["metadata"]["annotations"][WAVE] = "3"
    assert any("registered model version" in m for m in _messages(_sim(repo, "prod", moved)))
    no_wait = copy.deepcopy(objects)
    del _get(no_wait, "Deployment", "model-iris")["spec"]["template"]["spec"]["initContainers"]
    assert any("registered model version" in m for m in _messages(_sim(repo, "prod", no_wait)))
    deadline = copy.deepcopy(objects)
    del _get(deadline, "Deployment", "model-iris")["spec"]["progressDeadlineSeconds"]
    assert any("registered model version" in m for m in _messages(_sim(repo, "prod", deadline)))


def test_hpa_in_a_waited_wave_is_a_hazard(repo: Path) -> None:
    objects = copy.deepcopy(_objects(repo, "prod"))
    _get(objects, "HorizontalPodAutoscaler", "mlflow")["metadata"]["annotations"][WAVE] = "2"
    msgs = _messages(_sim(repo, "prod", objects))
    assert any(m.startswith("HorizontalPodAutoscaler/mlflow") and "FailedGetResourceMetric" in m for m in msgs)


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_dropping_the_solver_policy_is_a_hazard(repo: Path, env: str) -> None:
    objects = [o for o in _objects(repo, env) if o["metadata"]["name"] != "allow-acme-solver"]
    msgs = _messages(_sim(repo, env, objects))
    assert any(m.startswith("Ingress/mlflow") and "HTTP-01 solver" in m for m in msgs)


def test_secret_consumer_before_its_external_secret_is_a_hazard(repo: Path) -> None:
    objects = copy.deepcopy(_objects(repo, "prod"))
    _get(objects, "Deployment", "mlflow")["metadata"]["annotations"][WAVE] = "-1"
    msgs = _messages(_sim(repo, "prod", objects))
    assert any(m.startswith("Deployment/mlflow") and "postgres-credentials" in m for m in msgs)


def test_two_environments_sharing_a_key_prefix_is_a_hazard(tmp_path: Path) -> None:
    text = "profile: staging\nsecrets:\n  keyPrefix: shared/mlflow\n"
    envs = [parse_environment(text, name=n, source_file=f"environments/{n}.yaml") for n in ("qa", "uat")]
    files = dict(render(envs).files)
    for n in ("qa", "uat"):
        files[f"environments/{n}.yaml"] = text
    for rel, body in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(body)
    out = io.StringIO()
    assert plan.run("qa", fmt="json", repo=tmp_path, out=out) == 1
    msgs = [h["message"] for h in json.loads(out.getvalue())["hazards"]]
    assert any("shared/mlflow/postgres" in m and "environment uat" in m for m in msgs)
    # the default prefix names the environment: no two shipped environments read the same key
    distinct = tmp_path / "d"
    default = "profile: staging\n"
    envs = [parse_environment(default, name=n, source_file=f"environments/{n}.yaml") for n in ("qa", "uat")]
    files = dict(render(envs).files)
    for n in ("qa", "uat"):
        files[f"environments/{n}.yaml"] = default
    for rel, body in files.items():
        (distinct / rel).parent.mkdir(parents=True, exist_ok=True)
        (distinct / rel).write_text(body)
    assert plan.run("qa", fmt="json", repo=distinct, out=io.StringIO()) == 0


def test_shipped_environments_read_distinct_keys() -> None:
    keys: dict[str, str] = {}
    for n in ("dev", "staging", "prod"):
        e = load_environment(ROOT / "environments" / f"{n}.yaml", repo_root=ROOT)
        for _k, _s, key, _p in prereqs.remote_keys(_built(e)):
            assert keys.setdefault(key, n) == n, f"{key} read by {keys[key]} and {n}"


def _built(e: Any) -> list[dict[str, Any]]:
    from generator.platform.build import build_objects

    return build_objects(e)


def test_stage_uri_warns_and_alias_does_not() -> None:
    base = "profile: prod\nserving:\n  models:\n    - name: iris\n      modelUri: {}\n"
    staged = parse_environment(base.format("models:/iris/Production"), name="p", source_file="environments/p.yaml")
    (warning,) = staged.warnings
    assert warning.startswith("environments/p.yaml:5:17: serving.models[0].modelUri:") and "deprecated" in warning
    for uri in ("models:/iris@champion", "models:/iris/3", "models:/iris/latest", "runs:/abc/model"):
        assert parse_environment(base.format(uri), name="p", source_file="environments/p.yaml").warnings == ()


def test_prerequisites_page_is_generated_and_not_a_kustomize_resource(repo: Path) -> None:
    page = (repo / "overlays/prod/PREREQUISITES.md").read_text()
    assert page.startswith("<!-- Generated by gitops-gen from environments/prod.yaml")
    assert "ClusterSecretStore platform-secrets" in page and "mlflow/prod/postgres property password" in page
    assert "metrics-server" in page and "ClusterIssuer letsencrypt-prod" in page
    assert "PREREQUISITES" not in (repo / "overlays/prod/kustomization.yaml").read_text()


def test_root_app_and_env_apps_track_the_configured_revision(repo: Path) -> None:
    import yaml

    docs = [d for d in yaml.safe_load_all((repo / "argocd/root.yaml").read_text()) if d]
    (root,) = [d for d in docs if d["kind"] == "Application"]
    for n in ("dev", "staging", "prod"):
        (app,) = [d for d in yaml.safe_load_all((repo / f"argocd/{n}/application.yaml").read_text()) if d]
        assert app["spec"]["source"]["targetRevision"] == root["spec"]["source"]["targetRevision"] == "main"


def test_environments_with_different_revisions_are_refused() -> None:
    from generator.errors import RenderError
    from generator.gitops.argocd import render_argocd

    a = parse_environment("profile: dev\n", name="a", source_file="environments/a.yaml")
    b = parse_environment(
        "profile: dev\nargocd:\n  targetRevision: release\n", name="b", source_file="environments/b.yaml"
    )
    with pytest.raises(RenderError, match="targetRevision differs"):
        render_argocd([a, b])


def test_models_import_only_downward() -> None:
    """Imports run commands -> gitops/validate -> models -> platform -> config."""
    import ast

    for path in (ROOT / "generator" / "models").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator."):
                layer = node.module.split(".")[1]
                assert layer in {"models", "platform", "config", "errors"}, f"{path.name} imports {node.module}"
    rule = (ROOT / "generator/validate/rules/argocd_sync_order.py").read_text()
    assert "generator.gitops" not in rule and "generator.models.argocd" in rule


def test_external_secret_reading_an_undeclared_key_is_a_hazard(repo: Path) -> None:
    objects = copy.deepcopy(_objects(repo, "prod"))
    es = _get(objects, "ExternalSecret", "postgres-credentials")
    es["spec"]["data"][0]["remoteRef"]["key"] = "mlflow/dev/postgres"
    msgs = _messages(_sim(repo, "prod", objects))
    assert any(m.startswith("ExternalSecret/postgres-credentials") and "mlflow/dev/postgres" in m for m in msgs)


def test_dns01_issuer_needs_no_solver_policy_and_node_local_dns_is_configurable(tmp_path: Path) -> None:
    text = "profile: staging\ningress:\n  acmeSolver: dns01\nnetworkPolicy:\n  nodeLocalDNS: null\n"
    env = parse_environment(text, name="qa", source_file="environments/qa.yaml")
    files = dict(render([env]).files)
    files["environments/qa.yaml"] = text
    for rel, body in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(body)
    objects = _objects(tmp_path, "qa")
    names = {o["metadata"]["name"] for o in objects if o["kind"] == "NetworkPolicy"}
    assert "allow-acme-solver" not in names and "default-deny-all" in names
    (dns,) = [o for o in objects if o["metadata"]["name"] == "allow-dns"]
    assert not [p for p in dns["spec"]["egress"][0]["to"] if "ipBlock" in p]
    assert "DNS-01" in (tmp_path / "overlays/qa/PREREQUISITES.md").read_text()
    assert plan.run("qa", fmt="json", repo=tmp_path, out=io.StringIO()) == 0
