from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import apiserver_warning as rule


def _run(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources for f in rule.check(ctx, res)]


def _pod(*ports: tuple[int, str]) -> dict[str, Any]:
    containers = [
        {"name": f"c{i}", "image": "nginx:1.27", "ports": [{"containerPort": p, "protocol": proto}]}
        for i, (p, proto) in enumerate(ports)
    ]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": containers}}


def test_fires_on_duplicate_container_port_across_containers() -> None:
    [finding] = _run(_pod((80, "TCP"), (80, "TCP")))
    assert finding.path == "/spec/containers/1/ports/0/containerPort"
    assert "duplicate port definition" in finding.message and "warnings.go" in finding.message


def test_passes_same_port_other_protocol_or_other_number() -> None:
    assert _run(_pod((53, "TCP"), (53, "UDP"))) == []
    assert _run(_pod((80, "TCP"), (81, "TCP"))) == []


def _ports_pod(*ports: dict[str, Any]) -> dict[str, Any]:
    containers = [{"name": f"c{i}", "image": "nginx:1.27", "ports": [port]} for i, port in enumerate(ports)]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": containers}}


def test_host_ports_decide_whether_equal_container_ports_collide() -> None:
    """kubernetes pkg/api/pod/warnings.go (warningsForPodSpecAndMeta) and its tests: two declarations of one
    containerPort/protocol with other hostPorts, or the same hostPort on other hostIPs, give no warning (found
    on kyverno's emit-events test manifests: containerPort 80 with hostPort 8080 and 8081)."""
    tcp80 = {"containerPort": 80, "protocol": "TCP"}
    assert _run(_ports_pod({**tcp80, "hostPort": 8080}, {**tcp80, "hostPort": 8081})) == []
    on_ip = {**tcp80, "hostPort": 80, "hostIP": "10.0.0.1"}
    assert _run(_ports_pod(on_ip, {**on_ip, "hostIP": "10.0.0.2"})) == []
    # the three kinds of collision it names
    cases = [
        (({**tcp80, "hostPort": 80}, {**tcp80, "hostPort": 80}), "duplicate port definition"),
        (({**tcp80, "hostPort": 80}, tcp80), "overlapping port definition"),
        (({**tcp80, "hostPort": 80}, {**tcp80, "hostPort": 80, "hostIP": "10.0.0.1"}), "dangerously ambiguous port"),
    ]
    for ports, words in cases:
        [finding] = _run(_ports_pod(*ports))
        assert words in finding.message and finding.path == "/spec/containers/1/ports/0/containerPort", words


def test_warns_on_a_host_ip_without_a_host_port() -> None:
    [finding] = _run(_ports_pod({"containerPort": 80, "hostIP": "10.0.0.1"}))
    assert finding.path == "/spec/containers/0/ports/0/hostIP" and "hostIP set without hostPort" in finding.message
