"""non-isolated-pod: pod templates that no NetworkPolicy of their namespace selects."""

from __future__ import annotations

import textwrap

import yaml

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity
from generator.validate.rules import documentation
from generator.validate.rules import non_isolated_pod as rule


def _run(text: str, profile: str = "prod") -> list[tuple[Resource, Finding]]:
    docs = [d for d in yaml.safe_load_all(textwrap.dedent(text)) if d]
    ctx = Context.from_objects(docs, namespace="ml", profile=profile)
    return [(r, f) for r in ctx.resources if rule.KINDS is None or r.kind in rule.KINDS for f in rule.check(ctx, r)]


WORKLOADS = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: mlflow}
spec:
  template:
    metadata: {labels: {app: mlflow, tier: web}}
    spec: {containers: [{name: mlflow, image: "mlflow:2.10.0"}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: train}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: train}}
        spec: {restartPolicy: Never, containers: [{name: t, image: "t:1"}]}
---
apiVersion: v1
kind: Pod
metadata: {name: debug, labels: {app: debug}}
spec: {containers: [{name: d, image: "busybox:1.36"}]}
"""


def _policy(name: str, selector: str, namespace: str = "ml", types: str = "[Ingress]") -> str:
    return f"""
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  podSelector: {selector}
  policyTypes: {types}
"""


def test_fires_for_every_workload_kind_without_a_policy() -> None:
    found = _run(WORKLOADS)
    assert sorted((r.kind, f.path) for r, f in found) == [
        ("CronJob", "/spec/jobTemplate/spec/template/metadata/labels"),
        ("Deployment", "/spec/template/metadata/labels"),
        ("Pod", "/metadata/labels"),
    ]
    assert rule.SEVERITY is Severity.WARNING


def test_fires_regardless_of_profile() -> None:
    assert len(_run(WORKLOADS, profile="dev")) == len(_run(WORKLOADS, profile="default")) == 3


def test_fires_when_the_policy_is_in_another_namespace_or_selects_other_labels() -> None:
    text = WORKLOADS + _policy("a", "{}", namespace="other") + _policy("b", "{matchLabels: {app: mlflow, tier: api}}")
    assert len(_run(text)) == 3


def test_passes_with_a_namespace_wide_default_deny() -> None:
    assert _run(WORKLOADS + _policy("deny", "{}", types="[Ingress, Egress]")) == []


def test_passes_only_for_the_selected_pods() -> None:
    text = (
        WORKLOADS
        + _policy("a", "{matchLabels: {app: mlflow}}")
        + _policy("b", "{matchExpressions: [{key: app, operator: In, values: [train]}]}", types="[Egress]")
    )
    assert [r.kind for r, _ in _run(text)] == ["Pod"]


def _doc_example(label: str) -> str:
    doc = documentation(rule)
    block = doc.split("PASS:", 1)[1].split("FAIL:", 1)[0] if label == "PASS" else doc.split("FAIL:", 1)[1]
    return textwrap.dedent(block)


def test_docstring_pass_example_passes_and_fail_example_fires() -> None:
    assert _run(_doc_example("PASS")) == []
    assert len(_run(_doc_example("FAIL"))) == 1
