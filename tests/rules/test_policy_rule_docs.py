"""The PASS and FAIL examples in the docstrings of the per-object policy rules are true: the PASS example
yields no finding of its rule and the FAIL example at least one (``gitops-gen rules`` shows these docs)."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
import yaml

from generator.validate.context import Context
from generator.validate.rules import RULES, documentation

POLICY_RULES = [
    "latest-tag",
    "missing-resources",
    "missing-probes",
    "run-as-root",
    "privileged",
    "privilege-escalation",
    "host-namespace",
    "host-path-mount",
    "writable-root-fs",
    "duplicate-env",
    "job-ttl",
    "cronjob-concurrency",
    "plaintext-secret",
    "secret-in-env",
    "service-type",
    "ingress-tls",
    "min-replicas",
    "missing-pdb",
    "no-anti-affinity",
]


def _example(rule_id: str, label: str) -> tuple[list[dict[str, Any]], str]:
    doc = documentation(RULES[rule_id])
    assert doc.count("PASS:") == 1 and doc.count("FAIL:") == 1, rule_id
    passing, failing = doc.split("PASS:", 1)[1].split("FAIL:", 1)
    block = textwrap.dedent(passing if label == "PASS" else failing)
    profile = "prod" if "# in the prod profile" in block else "default"
    return [d for d in yaml.safe_load_all(block) if d], profile


def _findings(rule_id: str, objs: list[dict[str, Any]], profile: str) -> int:
    rule = RULES[rule_id]
    ctx = Context.from_objects(objs, profile=profile)
    return sum(len(list(rule.check(ctx, res))) for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS)


@pytest.mark.parametrize("rule_id", POLICY_RULES)
def test_docstring_pass_example_passes(rule_id: str) -> None:
    objs, profile = _example(rule_id, "PASS")
    assert objs, f"{rule_id}: empty PASS example"
    assert _findings(rule_id, objs, profile) == 0


@pytest.mark.parametrize("rule_id", POLICY_RULES)
def test_docstring_fail_example_fires(rule_id: str) -> None:
    objs, profile = _example(rule_id, "FAIL")
    assert _findings(rule_id, objs, profile) >= 1


@pytest.mark.parametrize("rule_id", POLICY_RULES)
def test_rule_metadata(rule_id: str) -> None:
    rule = RULES[rule_id]
    assert rule_id == rule.ID
    assert rule.CATEGORY in {"workloads", "secrets", "exposure", "availability"}
    assert rule.KINDS is not None and rule.KINDS  # every policy rule names the kinds it applies to
    summary = documentation(rule).strip().splitlines()[0]
    assert summary.endswith(".") and "TODO" not in summary


_JUNK: list[Any] = [None, 0, True, "x", [], {}, [None], {"a": None}]


def _malformed() -> list[dict[str, Any]]:
    """Objects whose fields have the wrong types at every level the policy rules read."""
    out: list[dict[str, Any]] = []
    for junk in _JUNK:
        container = {"name": junk, "image": junk, "env": junk, "args": junk, "resources": junk, "securityContext": junk}
        pod = {"containers": [container, junk], "initContainers": junk, "securityContext": junk, "affinity": junk}
        out += [
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": junk},
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": junk,
                "spec": {"replicas": junk, "template": junk},
            },
            {"apiVersion": "apps/v1", "kind": "StatefulSet", "spec": {"replicas": 3, "template": {"spec": pod}}},
            {"apiVersion": "batch/v1", "kind": "CronJob", "spec": {"concurrencyPolicy": junk, "jobTemplate": junk}},
            {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"annotations": junk}, "spec": junk},
            {"apiVersion": "v1", "kind": "Secret", "data": junk, "stringData": junk},
            {"apiVersion": "v1", "kind": "ConfigMap", "data": junk},
            {"apiVersion": "v1", "kind": "ConfigMap", "data": {"password": junk, "x": "a\npassword = b"}},
            {"apiVersion": "v1", "kind": "Service", "spec": {"type": junk}},
            {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "spec": {"tls": junk, "rules": [junk]}},
            {"kind": "Ingress", "spec": {"tls": [{"hosts": junk}], "rules": [{"host": junk}]}},
            {"kind": "HorizontalPodAutoscaler", "spec": {"scaleTargetRef": junk, "minReplicas": junk}},
            {"kind": "PodDisruptionBudget", "spec": {"selector": junk}},
            {"kind": "PodDisruptionBudget", "spec": {"selector": {"matchLabels": junk, "matchExpressions": [junk]}}},
        ]
    return out


@pytest.mark.parametrize("profile", ["default", "prod"])
def test_malformed_objects_never_raise(profile: str) -> None:
    ctx = Context.from_objects(_malformed(), profile=profile)
    fired: set[str] = set()
    for res in ctx.resources:
        for rule_id in POLICY_RULES:
            if list(RULES[rule_id].check(ctx, res)):
                fired.add(rule_id)
    # the well-formed parts still fire: a 3-replica StatefulSet without spreading, Jobs without TTL, ...
    assert {"no-anti-affinity", "job-ttl", "cronjob-concurrency", "missing-resources"} <= fired
