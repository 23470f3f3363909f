"""`gitops-gen plan`: the Argo CD apply order of the shipped environments, rendered with real kustomize."""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from sample_envs import SEALED_EXTERNAL_S3
from typer.testing import CliRunner

from generator.cli import app
from generator.commands import plan
from generator.config.load import discover, load_environment
from generator.kustomize.emit import render_tree
from generator.validate.workloads import WORKLOAD_KINDS

ROOT = Path(__file__).resolve().parents[2]


@cache
def _tree() -> dict[str, str]:
    envs = [load_environment(p, repo_root=ROOT) for p in discover(ROOT)]
    return render_tree(envs)


def _write(tmp: Path, tree: dict[str, str]) -> Path:
    for path, text in tree.items():
        (tmp / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp / path).write_text(text)
    return tmp


def _plan_json(repo: Path, env: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = plan.run(env, fmt="json", repo=repo, out=out)
    return code, json.loads(out.getvalue())


def _flat(data: dict[str, Any]) -> list[dict[str, Any]]:
    items = [dict(r, phase=s["phase"], wave=s["wave"]) for s in data["steps"] for r in s["resources"]]
    assert [i["order"] for i in items] == list(range(1, len(items) + 1))
    return items


def _pos(items: list[dict[str, Any]], kind: str, name: str) -> int:
    (found,) = [i["order"] for i in items if i["kind"] == kind and i["name"] == name]
    return int(found)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("repo"), _tree())


def test_prod_order_secret_producer_db_migration_and_network_policies(repo: Path) -> None:
    code, data = _plan_json(repo, "prod")
    assert code == 0, data["hazards"]
    assert data["hazards"] == []
    items = _flat(data)
    kinds = {i["kind"] for i in items}
    assert {"ExternalSecret", "StatefulSet", "Job", "Deployment", "NetworkPolicy"} <= kinds

    # The ExternalSecret producing the database Secret comes before the PostgreSQL StatefulSet ...
    (sts,) = [i for i in items if i["kind"] == "StatefulSet"]
    objects = plan.render_overlay(repo, "prod")
    sts_obj = next(o for o in objects if o["kind"] == "StatefulSet")
    secret_names = {
        env["valueFrom"]["secretKeyRef"]["name"]
        for c in sts_obj["spec"]["template"]["spec"]["containers"]
        for env in c.get("env", [])
        if "secretKeyRef" in env.get("valueFrom", {})
    }
    assert secret_names
    producers = [
        o
        for o in objects
        if o["kind"] == "ExternalSecret"
        and (o["spec"].get("target", {}).get("name") or o["metadata"]["name"]) in secret_names
    ]
    assert producers
    for producer in producers:
        es = _pos(items, "ExternalSecret", producer["metadata"]["name"])
        assert es < sts["order"]
        assert next(i for i in items if i["order"] == es)["wave"] < sts["wave"]

    # ... the migration hook after PostgreSQL and before the MLflow Deployment ...
    hooks = [i for i in items if i["hook"] and i["kind"] == "Job"]
    (migrate,) = [
        h
        for h in hooks
        if any("db" in a and "upgrade" in a for a in _command(objects, "Job", h["name"])) or "migrat" in h["name"]
    ]
    assert migrate["phase"] == "Sync" and migrate["deletePolicy"] == "BeforeHookCreation"
    mlflow = _pos(items, "Deployment", "mlflow")
    assert sts["order"] < migrate["order"] < mlflow
    assert sts["wave"] < migrate["wave"] < next(i for i in items if i["order"] == mlflow)["wave"]

    # ... and every NetworkPolicy before every workload.
    last_policy = max(i["order"] for i in items if i["kind"] == "NetworkPolicy")
    first_workload = min(i["order"] for i in items if i["kind"] in WORKLOAD_KINDS)
    assert last_policy < first_workload


def _command(objects: list[dict[str, Any]], kind: str, name: str) -> list[str]:
    obj = next(o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name)
    out: list[str] = []
    for c in obj["spec"]["template"]["spec"]["containers"]:
        out += [str(x) for x in c.get("command", []) + c.get("args", [])]
    return [" ".join(out)]


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_every_shipped_environment_plans_without_hazards(repo: Path, env: str) -> None:
    code, data = _plan_json(repo, env)
    assert (code, data["hazards"]) == (0, [])
    items = _flat(data)
    assert items[0]["kind"] == "Namespace"
    waves = [(i["phase"], i["wave"]) for i in items]
    assert waves == sorted(waves, key=lambda w: (["PreSync", "Sync", "PostSync"].index(w[0]), w[1]))


def test_text_output_groups_by_wave_and_marks_hooks(repo: Path) -> None:
    out = io.StringIO()
    assert plan.run("prod", repo=repo, out=out) == 0
    text = out.getvalue()
    assert "Sync phase, wave -1 (waited on):" in text and "Sync phase, wave 4 (not waited on):" in text
    assert "[hook Sync, delete policy BeforeHookCreation]" in text
    assert "No hazards" in text
    waves = [int(line.split("wave ")[1].split()[0]) for line in text.splitlines() if line.startswith("Sync phase")]
    assert waves == sorted(waves)


def test_hazard_is_flagged_and_exit_code_is_1(tmp_path: Path) -> None:
    # Move every ExternalSecret of prod to wave 5: its Secret now arrives after its consumers.
    tree = dict(_tree())
    for path, text in tree.items():
        if path.startswith(("base/", "components/", "overlays/prod/")) and "kind: ExternalSecret" in text:
            docs = [d for d in yaml.safe_load_all(text) if d]
            for d in docs:
                if d.get("kind") == "ExternalSecret":
                    d["metadata"].setdefault("annotations", {})["argocd.argoproj.io/sync-wave"] = "5"
            tree[path] = yaml.safe_dump_all(docs, sort_keys=False)
    repo = _write(tmp_path, tree)
    code, data = _plan_json(repo, "prod")
    assert code == 1
    flagged = {(h["resource"]["kind"], h["resource"]["name"]) for h in data["hazards"]}
    assert ("StatefulSet", "postgres") in flagged
    out = io.StringIO()
    plan.run("prod", repo=repo, out=out)
    assert "!! hazard" in out.getvalue() and "Hazards (" in out.getvalue()


def test_cli_unknown_environment_is_an_input_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["plan", "nope", "--repo", str(tmp_path)])
    assert result.exit_code == 2
    # no environments/nope.yaml: suggesting `gitops-gen build nope` would only lead to a second error
    assert "unknown environment 'nope'" in result.output and "build nope" not in result.output
    (tmp_path / "environments").mkdir()
    (tmp_path / "environments" / "nope.yaml").write_text("profile: dev\n")
    result = CliRunner().invoke(app, ["plan", "nope", "--repo", str(tmp_path)])
    assert result.exit_code == 2
    assert "gitops-gen build nope" in result.output  # the env exists, its overlay was never built
    result = CliRunner().invoke(app, ["plan", "../x", "--repo", str(tmp_path)])
    assert result.exit_code == 2


def test_cli_json_format(repo: Path) -> None:
    result = CliRunner().invoke(app, ["plan", "dev", "--format", "json", "--repo", str(repo)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["environment"] == "dev"


ALTERNATIVE = (
    SEALED_EXTERNAL_S3
    + """\
mlflow:
  replicas: 2
  hpa:
    enabled: true
"""
)


def test_alternative_providers_plan_cleanly_and_project_matches_kustomize(tmp_path: Path) -> None:
    from generator.config.load import parse_environment
    from generator.gitops import argocd
    from generator.kustomize.render import kustomize_build

    env = parse_environment(ALTERNATIVE, name="alt", source_file="environments/alt.yaml")
    tree = render_tree([env])
    repo = _write(tmp_path, {**tree, **argocd.render_argocd([env], tree=tree)})
    code, data = _plan_json(repo, "alt")
    assert (code, data["hazards"]) == (0, [])
    items = _flat(data)
    sealed = [i for i in items if i["kind"] == "SealedSecret"]
    assert sealed and max(i["order"] for i in sealed) < _pos(items, "StatefulSet", "postgres")
    assert not [i for i in items if i["kind"] == "ExternalSecret"]

    (project,) = [d for d in yaml.safe_load_all((repo / "argocd/alt/project.yaml").read_text()) if d]
    rendered = {
        (d["apiVersion"].rpartition("/")[0], d["kind"])
        for d in yaml.safe_load_all(kustomize_build(repo / "overlays/alt"))
        if d
    }
    whitelisted = {(k["group"], k["kind"]) for k in project["spec"]["namespaceResourceWhitelist"]}
    assert whitelisted == rendered - {("", "Namespace")}
    assert ("bitnami.com", "SealedSecret") in whitelisted
    (app_doc,) = [d for d in yaml.safe_load_all((repo / "argocd/alt/application.yaml").read_text()) if d]
    assert "automated" not in app_doc["spec"]["syncPolicy"]  # prod profile: manual sync
    (hpa,) = [
        d
        for d in yaml.safe_load_all(kustomize_build(repo / "overlays/alt"))
        if d and d["kind"] == "HorizontalPodAutoscaler"
    ]
    target = hpa["spec"]["scaleTargetRef"]
    assert [(i["kind"], i["name"]) for i in app_doc["spec"]["ignoreDifferences"]] == [(target["kind"], target["name"])]


def test_plan_finds_the_project_from_a_subdirectory(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`plan dev` in overlays/ plans the project above, as `build dev` builds it (until 2026-12-05: "unknown
    environment 'dev' (available: none)")."""
    monkeypatch.chdir(repo / "overlays" / "dev")
    result = CliRunner().invoke(app, ["plan", "dev", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["path"] == "overlays/dev"
    outside = repo.parent / "elsewhere"
    outside.mkdir(exist_ok=True)
    monkeypatch.chdir(outside)  # no project from here up: the error names the environment
    result = CliRunner().invoke(app, ["plan", "dev"])
    assert result.exit_code == 2 and "unknown environment 'dev'" in result.output
