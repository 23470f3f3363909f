"""The shipped overlays, rendered by real kustomize, pass every rule of issue 12 part A; in particular the
Namespace's `restricted` Pod Security claim holds against the upstream controls (and is really evaluated)."""

from __future__ import annotations

import copy

import pytest

from generator.validate.context import Context
from generator.validate.rules import RULES
from kustomize.conftest import SHIPPED, Objects

NEW_RULES = tuple(
    rid
    for rid in RULES
    if rid.startswith(
        (
            "apiserver-",
            "probe-port",
            "pod-security",
            "rbac-",
            "hpa-dangling",
            "pdb-blocks",
            "statefulset-headless",
            "rwo-pvc",
            "affinity-selector",
            "configmap-credentials",
            "mlflow-",
        )
    )
)


def _findings(objs: Objects, rule_id: str, version: str) -> list[str]:
    ctx = Context.from_objects(objs, kubernetes_version=version)
    rule = RULES[rule_id]
    return [
        f"{res.kind}/{res.name}{f.path}: {f.message}"
        for res in ctx.resources
        if rule.KINDS is None or res.kind in rule.KINDS
        for f in rule.check(ctx, res)
    ]


@pytest.mark.parametrize("env", SHIPPED)
def test_shipped_overlay_passes_new_rules(env: str, rendered: dict[str, Objects]) -> None:
    objs = rendered[env]
    ns = [o for o in objs if o["kind"] == "Namespace"]
    assert ns and ns[0]["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for rule_id in NEW_RULES:
        assert _findings(objs, rule_id, "1.33") == [], rule_id


@pytest.mark.parametrize("env", SHIPPED)
def test_restricted_claim_is_really_checked(env: str, rendered: dict[str, Objects]) -> None:
    """Dropping one hardening field from one shipped workload makes `pod-security` fire."""
    objs = copy.deepcopy(rendered[env])
    deploy = next(o for o in objs if o["kind"] == "Deployment")
    deploy["spec"]["template"]["spec"]["containers"][0]["securityContext"].pop("allowPrivilegeEscalation")
    found = _findings(objs, "pod-security", "1.33")
    assert found and all("allowPrivilegeEscalation" in f for f in found)


MLFLOW_RULES = ("mlflow-image-packages", "mlflow-metrics-not-exposed", "mlflow-allowed-hosts")


@pytest.mark.parametrize("env", SHIPPED)
def test_shipped_mlflow_passes_and_each_mlflow_rule_bites(env: str, rendered: dict[str, Objects]) -> None:
    """The generated MLflow server is recognised by the model (so the clean result means something): breaking
    its image, its allowed hosts or (where a ServiceMonitor scrapes it) its metrics flag makes a rule fire."""
    for rule_id in MLFLOW_RULES:
        assert _findings(rendered[env], rule_id, "1.33") == [], rule_id
    objs = copy.deepcopy(rendered[env])
    server = next(o for o in objs if o["kind"] == "Deployment" and o["metadata"]["name"] == "mlflow")
    container = server["spec"]["template"]["spec"]["containers"][0]
    container["image"] = container["image"].replace("-full", "")
    for item in container["env"]:
        if item["name"] == "MLFLOW_SERVER_ALLOWED_HOSTS":
            item["value"] = "localhost"
    container["args"] = [a for a in container["args"] if a != "--expose-prometheus"]
    assert _findings(objs, "mlflow-image-packages", "1.33")
    if any(o["kind"] == "Ingress" for o in objs):
        assert _findings(objs, "mlflow-allowed-hosts", "1.33")
    if any(o["kind"] == "ServiceMonitor" for o in objs):
        assert _findings(objs, "mlflow-metrics-not-exposed", "1.33")
