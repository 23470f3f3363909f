"""The PASS and FAIL examples in the docstrings of the rules of issue 12 part A are true: PASS yields no
finding of its rule, FAIL at least one (``gitops-gen rules`` shows these docs)."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
import yaml

from generator.validate.context import Context
from generator.validate.rules import RULES, documentation

NEW_RULES = [
    "apiserver-invalid", "apiserver-warning", "probe-port-mismatch", "pod-security", "pod-security-warn",
    "rbac-wildcard", "rbac-cluster-admin", "rbac-secrets-cluster-wide", "rbac-pod-exec", "rbac-escalation",
    "hpa-dangling-target", "pdb-blocks-eviction", "statefulset-headless-service", "rwo-pvc-shared",
    "affinity-selector-mismatch", "configmap-credentials", "mlflow-image-packages", "mlflow-metrics-not-exposed",
    "mlflow-allowed-hosts", "kustomize-selector-labels",
]  # fmt: skip
CITES = ("kubernetes/", "kube-linter", "kube-score", "mlflow/mlflow", "kustomize", "CIS")


def _example(rule_id: str, label: str) -> list[dict[str, Any]]:
    doc = documentation(RULES[rule_id])
    passing, failing = doc.split("PASS:", 1)[1].split("FAIL:", 1)
    return [d for d in yaml.safe_load_all(textwrap.dedent(passing if label == "PASS" else failing)) if d]


def _count(rule_id: str, objs: list[dict[str, Any]]) -> int:
    rule = RULES[rule_id]
    ctx = Context.from_objects(objs, kubernetes_version="1.33")
    return sum(len(list(rule.check(ctx, r))) for r in ctx.resources if rule.KINDS is None or r.kind in rule.KINDS)


@pytest.mark.parametrize("rule_id", NEW_RULES)
def test_docstring_pass_example_passes(rule_id: str) -> None:
    objs = _example(rule_id, "PASS")
    assert objs and _count(rule_id, objs) == 0


@pytest.mark.parametrize("rule_id", NEW_RULES)
def test_docstring_fail_example_fires(rule_id: str) -> None:
    assert _count(rule_id, _example(rule_id, "FAIL")) >= 1


@pytest.mark.parametrize("rule_id", NEW_RULES)
def test_docs_cite_upstream_or_a_peer(rule_id: str) -> None:
    doc = " ".join((documentation(RULES[rule_id])).split())
    assert any(word in doc for word in CITES), rule_id
