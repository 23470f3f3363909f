from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import probe_port_mismatch as rule


def _run(ports: list[dict[str, Any]], probe: dict[str, Any]) -> list[Finding]:
    deploy = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d"},
        "spec": {
            "selector": {"matchLabels": {"a": "b"}},
            "template": {
                "metadata": {"labels": {"a": "b"}},
                "spec": {"containers": [{"name": "c", "image": "x:1", "ports": ports, "readinessProbe": probe}]},
            },
        },
    }
    ctx = Context.from_objects([deploy])
    return [f for res in ctx.resources for f in rule.check(ctx, res)]


def test_fires_on_http_probe_to_sctp_port() -> None:
    [f] = _run([{"name": "web", "containerPort": 80, "protocol": "SCTP"}], {"httpGet": {"path": "/", "port": "web"}})
    assert f.path == "/spec/template/spec/containers/0/readinessProbe/httpGet/port" and "SCTP" in f.message


def test_fires_on_tcp_probe_to_udp_port() -> None:
    [f] = _run([{"name": "dns", "containerPort": 53, "protocol": "UDP"}], {"tcpSocket": {"port": "dns"}})
    assert "UDP" in f.message


def test_passes_unknown_names_which_port_mismatch_reports() -> None:
    assert _run([{"name": "http", "containerPort": 80}], {"httpGet": {"path": "/", "port": "metrics"}}) == []


def test_passes_numeric_ports_and_tcp_named_ports() -> None:
    assert _run([{"name": "http", "containerPort": 80}], {"httpGet": {"port": "http"}}) == []
    assert _run([], {"tcpSocket": {"port": 8080}}) == []
