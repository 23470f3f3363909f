"""pod-security: every control of kubernetes/pod-security-admission, both ways, as admission applies them."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from generator.models.pod_security import CONTROLS, evaluate
from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import pod_security as rule
from generator.validate.rules import pod_security_warn

Pod = dict[str, Any]


def _restricted_pod() -> Pod:
    return {
        "metadata": {"annotations": {}},
        "spec": {
            "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
            "volumes": [{"name": "tmp", "emptyDir": {}}],
            "containers": [
                {
                    "name": "app",
                    "image": "x:1",
                    "ports": [{"containerPort": 8080}],
                    "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
                }
            ],
        },
    }


def _c(pod: Pod) -> dict[str, Any]:
    c: dict[str, Any] = pod["spec"]["containers"][0]
    return c


Mutation = Callable[[Pod], object]
# control -> (level it belongs to, a mutation that breaks it, a mutation that stays compliant)
CASES: dict[str, tuple[str, Mutation, Mutation]] = {
    "hostNamespaces": ("baseline", lambda p: p["spec"].update(hostPID=True), lambda p: p["spec"].update(hostPID=False)),
    "privileged": (
        "baseline",
        lambda p: _c(p)["securityContext"].update(privileged=True),
        lambda p: _c(p)["securityContext"].update(privileged=False),
    ),
    "capabilities_baseline": (
        "baseline",
        lambda p: _c(p)["securityContext"].update(capabilities={"add": ["SYS_ADMIN"]}),
        lambda p: _c(p)["securityContext"].update(capabilities={"add": ["CHOWN"]}),
    ),
    "hostPathVolumes": (
        "baseline",
        lambda p: p["spec"]["volumes"].append({"name": "h", "hostPath": {"path": "/"}}),
        lambda p: p["spec"]["volumes"].append({"name": "h", "configMap": {"name": "c"}}),
    ),
    "hostPorts": (
        "baseline",
        lambda p: _c(p)["ports"][0].update(hostPort=8080),
        lambda p: _c(p)["ports"][0].update(hostPort=0),
    ),
    "appArmorProfile": (
        "baseline",
        lambda p: _c(p)["securityContext"].update(appArmorProfile={"type": "Unconfined"}),
        lambda p: _c(p)["securityContext"].update(appArmorProfile={"type": "RuntimeDefault"}),
    ),
    "seLinuxOptions": (
        "baseline",
        lambda p: p["spec"]["securityContext"].update(seLinuxOptions={"type": "spc_t"}),
        lambda p: p["spec"]["securityContext"].update(seLinuxOptions={"type": "container_t", "level": "s0"}),
    ),
    "procMount": (
        "baseline",
        lambda p: _c(p)["securityContext"].update(procMount="Unmasked"),
        lambda p: _c(p)["securityContext"].update(procMount="Default"),
    ),
    "seccompProfile_baseline": (
        "baseline",
        lambda p: p["spec"]["securityContext"].update(seccompProfile={"type": "Unconfined"}),
        lambda p: p["spec"]["securityContext"].update(seccompProfile={"type": "Localhost", "localhostProfile": "x"}),
    ),
    "sysctls": (
        "baseline",
        lambda p: p["spec"]["securityContext"].update(sysctls=[{"name": "kernel.msgmax", "value": "1"}]),
        lambda p: p["spec"]["securityContext"].update(sysctls=[{"name": "net.ipv4.tcp_keepalive_time", "value": "60"}]),
    ),
    "windowsHostProcess": (
        "baseline",
        lambda p: _c(p)["securityContext"].update(windowsOptions={"hostProcess": True}),
        lambda p: _c(p)["securityContext"].update(windowsOptions={"hostProcess": False}),
    ),
    "hostProbesAndHostLifecycle": (
        "baseline",
        lambda p: _c(p).update(livenessProbe={"httpGet": {"host": "10.0.0.1", "port": 80}}),
        lambda p: _c(p).update(livenessProbe={"httpGet": {"port": 80}}),
    ),
    "restrictedVolumes": (
        "restricted",
        lambda p: p["spec"]["volumes"].append({"name": "n", "nfs": {"server": "s", "path": "/"}}),
        lambda p: p["spec"]["volumes"].append({"name": "n", "persistentVolumeClaim": {"claimName": "c"}}),
    ),
    "allowPrivilegeEscalation": (
        "restricted",
        lambda p: _c(p)["securityContext"].pop("allowPrivilegeEscalation"),
        lambda p: None,
    ),
    "runAsNonRoot": (
        "restricted",
        lambda p: p["spec"]["securityContext"].pop("runAsNonRoot"),
        lambda p: (
            p["spec"]["securityContext"].pop("runAsNonRoot"),
            _c(p)["securityContext"].update(runAsNonRoot=True),
        ),
    ),
    "runAsUser": (
        "restricted",
        lambda p: _c(p)["securityContext"].update(runAsUser=0),
        lambda p: _c(p)["securityContext"].update(runAsUser=1000),
    ),
    "seccompProfile_restricted": (
        "restricted",
        lambda p: p["spec"]["securityContext"].pop("seccompProfile"),
        lambda p: (
            p["spec"]["securityContext"].pop("seccompProfile"),
            _c(p)["securityContext"].update(seccompProfile={"type": "RuntimeDefault"}),
        ),
    ),
    "capabilities_restricted": (
        "restricted",
        lambda p: _c(p)["securityContext"].update(capabilities={"drop": ["ALL"], "add": ["CHOWN"]}),
        lambda p: _c(p)["securityContext"].update(capabilities={"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}),
    ),
    "procMount_restricted": (
        "restricted",
        lambda p: (p["spec"].update(hostUsers=False), _c(p)["securityContext"].update(procMount="Unmasked")),
        lambda p: (p["spec"].update(hostUsers=False), _c(p)["securityContext"].update(procMount="Default")),
    ),
}


def test_every_upstream_control_has_a_case() -> None:
    assert {c[0] for c in CONTROLS} == set(CASES)


@pytest.mark.parametrize("control", sorted(CASES))
def test_control_fires_and_passes(control: str) -> None:
    level, breaks, keeps = CASES[control]
    version = (1, 35)
    assert evaluate("restricted", version, _restricted_pod()["metadata"], _restricted_pod()["spec"]) == []
    bad = _restricted_pod()
    breaks(bad)
    # evaluated at the control's own level (at restricted, some baseline controls are replaced by stricter ones)
    assert control in {b.control for b in evaluate(level, version, bad["metadata"], bad["spec"])}
    assert evaluate("restricted", version, bad["metadata"], bad["spec"])  # restricted includes baseline
    if level == "restricted":
        assert evaluate("baseline", version, bad["metadata"], bad["spec"]) == []
    good = _restricted_pod()
    keeps(good)
    assert evaluate(level, version, good["metadata"], good["spec"]) == []


def test_versions_change_the_verdict() -> None:
    pod = _restricted_pod()
    pod["spec"]["securityContext"]["sysctls"] = [{"name": "net.ipv4.tcp_rmem", "value": "4096 87380 6291456"}]
    assert evaluate("baseline", (1, 31), pod["metadata"], pod["spec"])  # added to the safe set in 1.32
    assert not evaluate("baseline", (1, 32), pod["metadata"], pod["spec"])
    root = _restricted_pod()
    root["spec"].update(hostUsers=False)
    _c(root)["securityContext"]["runAsUser"] = 0
    assert evaluate("restricted", (1, 34), root["metadata"], root["spec"])  # user namespaces relax from 1.35
    assert not evaluate("restricted", (1, 35), root["metadata"], root["spec"])


def _objects(labels: dict[str, str], pod: Pod) -> list[dict[str, Any]]:
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "apps", "labels": labels}}
    deploy = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "apps"},
        "spec": {
            "selector": {"matchLabels": {"a": "b"}},
            "template": {"metadata": {"labels": {"a": "b"}, **pod["metadata"]}, "spec": pod["spec"]},
        },
    }
    return [ns, deploy]


def _run(module: Any, objs: list[dict[str, Any]]) -> list[Finding]:
    ctx = Context.from_objects(objs, kubernetes_version="1.33")
    return [f for res in ctx.resources if res.kind in module.KINDS for f in module.check(ctx, res)]


def test_fires_when_the_namespace_enforces_and_points_at_the_field() -> None:
    pod = _restricted_pod()
    _c(pod)["securityContext"]["privileged"] = True
    found = _run(rule, _objects({"pod-security.kubernetes.io/enforce": "baseline"}, pod))
    [f] = found
    assert f.path == "/spec/template/spec/containers/0/securityContext/privileged"
    assert "[privileged:" in f.message and "check_privileged.go" in f.message


def test_passes_without_enforce_label_or_with_compliant_pods() -> None:
    pod = _restricted_pod()
    _c(pod)["securityContext"]["privileged"] = True
    assert _run(rule, _objects({"pod-security.kubernetes.io/warn": "baseline"}, pod)) == []
    assert _run(rule, _objects({"pod-security.kubernetes.io/enforce": "restricted"}, _restricted_pod())) == []
    assert _run(rule, _objects({"pod-security.kubernetes.io/enforce": "privileged"}, pod)) == []


def test_warn_rule_reports_warn_and_audit_levels_once() -> None:
    pod = _restricted_pod()
    _c(pod)["securityContext"].pop("allowPrivilegeEscalation")
    _c(pod)["securityContext"]["privileged"] = True
    labels = {
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
    }
    warned = _run(pod_security_warn, _objects(labels, copy.deepcopy(pod)))
    assert {f.message.split("[")[1].split(":")[0] for f in warned} == {"allowPrivilegeEscalation"}
    assert len(_run(rule, _objects(labels, pod))) == 1  # privileged: the enforced baseline


def test_passes_warn_rule_on_compliant_pod() -> None:
    assert _run(pod_security_warn, _objects({"pod-security.kubernetes.io/warn": "restricted"}, _restricted_pod())) == []
