"""A walked document that is a tool's own input (kind's cluster configuration, kubeadm's and the kubelet's
configuration, Skaffold's skaffold.yaml, chainsaw, kuttl, Kyverno CLI and gator tests:
generator/models/tool_configs.py) is one
``not-a-manifest`` warning, not ``missing-schema`` and ``invalid-name`` errors; objects next to it are
validated as usual; a file named on the command line keeps its errors (real files, the CLI)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.models.tool_configs import may_be_tool_input, tool_reading

KIND_CLUSTER = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n"
KUBEADM = """\
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
networking: {podSubnet: 10.244.0.0/16}
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
"""
KUTTL_STEP = """\
apiVersion: kuttl.dev/v1beta1
kind: TestStep
commands: [{script: echo hi}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: ml}
data: {a: b}
"""
# GoogleCloudPlatform/bank-of-anthos src/accounts/skaffold.yaml, shortened, plus a second config of the
# same file: Skaffold reads every document of a multi-config file as one Config
SKAFFOLD = """\
apiVersion: skaffold/v4beta1
kind: Config
metadata:
  name: accounts
requires:
- configs: [contacts]
  path: contacts/skaffold.yaml
deploy:
  tolerateFailuresUntilDeadline: true
---
apiVersion: skaffold/v4beta1
kind: Config
metadata:
  name: contacts
build:
  artifacts:
  - image: contacts
    jib: {project: contacts}
manifests:
  rawYaml: [kubernetes-manifests/contacts.yaml]
"""
AUDIT_POLICY = """\
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: Metadata
"""
KYVERNO_TEST = """\
apiVersion: kyverno.io/v1
kind: Test
metadata: {name: check}
policies: [policy.yaml]
resources: [resource.yaml]
"""
KYVERNO_POLICY = """\
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: require-labels}
spec:
  rules:
    - name: check
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate: {message: label app is required, pattern: {metadata: {labels: {app: "?*"}}}}
"""


def _run(root: Path, *paths: str, jobs: str = "1") -> tuple[int, dict[str, Any]]:
    args = ["validate", "--repo", str(root), "--format", "json", "--jobs", jobs, *(paths or (str(root),))]
    result = CliRunner().invoke(app, args)
    return result.exit_code, json.loads(result.output)


def _found(report: dict[str, Any]) -> list[tuple[str, str, str, int]]:
    return sorted((f["rule"], f["severity"], f["file"], f["line"]) for f in report["findings"])


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_walked_tool_configs_are_one_warning_each_and_no_resource(tmp_path: Path, jobs: str) -> None:
    (tmp_path / "hack").mkdir()
    (tmp_path / "hack" / "kind.yaml").write_text(KIND_CLUSTER)
    (tmp_path / "hack" / "kubeadm.yaml").write_text(KUBEADM)
    code, report = _run(tmp_path, jobs=jobs)
    assert code == 0  # warnings: nothing here is an object to validate
    assert _found(report) == [
        ("not-a-manifest", "warning", "hack/kind.yaml", 1),
        ("not-a-manifest", "warning", "hack/kubeadm.yaml", 1),
        ("not-a-manifest", "warning", "hack/kubeadm.yaml", 5),
    ]
    messages = [f["message"] for f in report["findings"]]
    assert "Cluster kind.x-k8s.io/v1alpha4 is read by the kind CLI" in messages[0]
    assert "KubeletConfiguration kubelet.config.k8s.io/v1beta1 is read by the kubelet" in messages[2]
    assert all("Argo CD or Flux apply" in m and ".gitops-gen.yaml" in m for m in messages)
    assert report["summary"]["resources"] == 0


def test_objects_next_to_a_tool_document_are_still_validated(tmp_path: Path) -> None:
    (tmp_path / "00-step.yaml").write_text(KUTTL_STEP)
    _, report = _run(tmp_path)
    assert report["summary"]["resources"] == 1  # the ConfigMap
    assert ("not-a-manifest", "warning", "00-step.yaml", 1) in _found(report)
    assert not [f for f in report["findings"] if f["resource"]["kind"] == "TestStep"]


def test_a_named_file_keeps_its_errors(tmp_path: Path) -> None:
    # named on the command line, it is meant to be applied: the apply would fail, so it stays an error
    (tmp_path / "kind.yaml").write_text(KIND_CLUSTER)
    code, report = _run(tmp_path, str(tmp_path / "kind.yaml"))
    assert code == 1
    assert {f["rule"] for f in report["findings"]} == {"missing-schema", "invalid-name"}


def test_kyverno_cli_tests_under_the_policy_group_but_not_its_policies(tmp_path: Path) -> None:
    (tmp_path / "kyverno-test.yaml").write_text(KYVERNO_TEST)
    (tmp_path / "policy.yaml").write_text(KYVERNO_POLICY)
    code, report = _run(tmp_path)
    assert code == 0
    assert _found(report) == [("not-a-manifest", "warning", "kyverno-test.yaml", 1)]
    assert report["summary"]["resources"] == 1  # the ClusterPolicy, validated against its bundled schema


def test_a_walked_skaffold_yaml_is_a_warning_per_config(tmp_path: Path) -> None:
    # until 2026-12-05 each Config was a missing-schema error (13 in bank-of-anthos)
    (tmp_path / "skaffold.yaml").write_text(SKAFFOLD)
    (tmp_path / "talos").mkdir()
    (tmp_path / "talos" / "audit-policy.yaml").write_text(AUDIT_POLICY)
    code, report = _run(tmp_path)
    assert code == 0
    assert _found(report) == [
        ("not-a-manifest", "warning", "skaffold.yaml", 1),
        ("not-a-manifest", "warning", "skaffold.yaml", 11),
        ("not-a-manifest", "warning", "talos/audit-policy.yaml", 1),
    ]
    messages = [f["message"] for f in report["findings"]]
    assert "Config skaffold/v4beta1 is read by Skaffold" in messages[0]
    assert "Policy audit.k8s.io/v1 is read by the kube-apiserver (its --audit-policy-file)" in messages[2]
    assert report["summary"]["resources"] == 0


def test_the_table() -> None:
    assert tool_reading("skaffold/v4beta14", "Config") is not None
    assert tool_reading("skaffold/v1", "Config") is not None
    assert tool_reading("k3d.io/v1alpha5", "Simple") is not None
    assert tool_reading("apiserver.config.k8s.io/v1", "EncryptionConfiguration") is not None
    assert tool_reading("apiserver.k8s.io/v1alpha1", "AdmissionConfiguration") is None  # not the config group
    assert may_be_tool_input("skaffold/v4beta1") and may_be_tool_input("audit.k8s.io/v1")
    assert tool_reading("chainsaw.kyverno.io/v1alpha1", "Test") is not None
    assert tool_reading("descheduler/v1alpha2", "DeschedulerPolicy") is not None
    assert tool_reading("kyverno.io/v1", "Test") is not None
    assert tool_reading("kyverno.io/v1", "ClusterPolicy") is None
    assert tool_reading("v1", "ConfigMap") is None
    assert tool_reading("kind.x-k8s.io/v1alpha4", "") is None
    assert may_be_tool_input("kyverno.io/v1") and not may_be_tool_input("apps/v1")


def test_a_walked_istio_operator_file_is_a_warning(tmp_path: Path) -> None:
    # kubeflow/manifests common/istio/profile.yaml: istioctl's input, nameless; it was an invalid-name and a
    # missing-schema error
    (tmp_path / "profile.yaml").write_text(
        "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  profile: default\n"
    )
    code, report = _run(tmp_path)
    assert code == 0
    assert _found(report) == [("not-a-manifest", "warning", "profile.yaml", 1)]
    assert "IstioOperator install.istio.io/v1alpha1 is read by istioctl" in report["findings"][0]["message"]
    assert tool_reading("install.istio.io/v1alpha1", "IstioOperator") is not None
