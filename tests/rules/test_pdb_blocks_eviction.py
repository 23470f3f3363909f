from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.validate.context import Context, ExternalObject
from generator.validate.model import Finding
from generator.validate.rules import pdb_blocks_eviction as rule


def _run(*objs: dict[str, Any], external: frozenset[ExternalObject] = frozenset()) -> list[Finding]:
    ctx = Context.from_objects(list(objs), external=external)
    assert rule.KINDS is not None
    return [f for res in ctx.resources if res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _deploy(name: str = "web", replicas: int = 1, labels: dict[str, str] | None = None, **pod: Any) -> dict[str, Any]:
    labels = labels or {"app": name}
    spec: dict[str, Any] = {"containers": [{"name": "c", "image": "x:1"}]}
    spec.update(pod)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": spec},
        },
    }


def _pdb(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "p"},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, **spec},
    }


def test_fires_on_max_unavailable_zero() -> None:
    for zero in (0, "0%"):
        [f] = _run(_pdb(maxUnavailable=zero))
        assert f.path == "/spec/maxUnavailable"


def test_fires_on_min_available_reaching_replicas() -> None:
    assert _run(_deploy(replicas=2), _pdb(minAvailable=2))
    assert _run(_deploy(replicas=3), _pdb(minAvailable="100%"))
    assert _run(_deploy(replicas=3), _pdb(minAvailable="90%"))  # ceil(2.7) = 3


def test_passes_budgets_that_allow_an_eviction() -> None:
    assert _run(_deploy(replicas=3), _pdb(minAvailable=2)) == []
    assert _run(_deploy(replicas=3), _pdb(minAvailable="50%")) == []
    assert _run(_deploy(replicas=1), _pdb(maxUnavailable=1)) == []
    assert _run(_deploy(replicas=3), _pdb(maxUnavailable="10%")) == []


def test_in_a_run_over_several_overlays_a_pdb_is_about_its_own_overlays_workload(tmp_path: Path) -> None:
    """kubernetes-sigs/metrics-server's layout: the base runs 1 replica, the HA overlay adds a PDB with
    minAvailable 1 and raises replicas to 2. `validate .` renders both overlays; the HA overlay's PDB was
    checked against the other overlay's 1-replica copy too (9 warnings on that repository)."""
    import json

    from typer.testing import CliRunner

    from generator.cli import app

    deploy = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: team}\nspec:\n  replicas: 1\n"
        "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
        "    spec: {containers: [{name: web, image: 'nginx:1.27'}]}\n"
    )
    pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: team}\n"
    pdb += "spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}\n"
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "deploy.yaml").write_text(deploy)
    (tmp_path / "base" / "kustomization.yaml").write_text("resources: [deploy.yaml]\n")
    for name, extra in (("plain", ""), ("ha", "  - pdb.yaml\npatches:\n  - path: replicas.yaml\n")):
        overlay = tmp_path / "overlays" / name
        overlay.mkdir(parents=True)
        (overlay / "kustomization.yaml").write_text("resources:\n  - ../../base\n" + extra)
    ha = tmp_path / "overlays" / "ha"
    (ha / "pdb.yaml").write_text(pdb)
    (ha / "replicas.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: team}\nspec: {replicas: 2}\n"
    )

    def rules(*targets: str) -> list[str]:
        args = ["validate", "--repo", str(tmp_path), "--format", "json", *(str(tmp_path / t) for t in targets)]
        result = CliRunner().invoke(app, args)
        return [f["rule"] for f in json.loads(result.output)["findings"]]

    assert "pdb-blocks-eviction" not in rules("overlays/ha")
    assert "pdb-blocks-eviction" not in rules("overlays/plain", "overlays/ha")  # both overlays in one run
    (ha / "replicas.yaml").unlink()
    (ha / "kustomization.yaml").write_text("resources:\n  - ../../base\n  - pdb.yaml\n")
    assert "pdb-blocks-eviction" in rules("overlays/plain", "overlays/ha")  # its own copy has 1 replica
