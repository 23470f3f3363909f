"""The shipped overlays, rendered by real kustomize, pass every rule of issue 12 part A; in particular the
Namespace's `restricted` Pod Security claim holds against the upstream controls (and is really evaluated)."""

from __future__ import annotations

import copy

import pytest

from generator.validate.context import Context
from generator.validate.rules import RULES
from kustomize.conftest import SHIPPED, Objects

NEW_RULES = ("apiserver-invalid", "apiserver-warning", "probe-port-mismatch", "pod-security", "pod-security-warn")


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
