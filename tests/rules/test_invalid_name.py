"""invalid-name: DNS-1123 / DNS-1035 / IANA names where Kubernetes requires them."""

from __future__ import annotations

from typing import Any

import pytest

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import invalid_name as rule


def _findings(obj: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects([obj])
    return [f for res in ctx.resources for f in rule.check(ctx, res)]


def _obj(kind: str, name: Any, api: str = "v1", **extra: Any) -> dict[str, Any]:
    return {"apiVersion": api, "kind": kind, "metadata": {"name": name}, **extra}


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("ConfigMap", "Settings"),
        ("ConfigMap", "my_settings"),
        ("ConfigMap", "-lead"),
        ("ConfigMap", "a" * 254),
        ("Service", "1web"),  # DNS-1035: must start with a letter
        ("Service", "web.internal"),
        ("Namespace", "team.a"),
    ],
)
def test_fires_on_invalid_metadata_name(kind: str, name: str) -> None:
    [finding] = _findings(_obj(kind, name))
    assert finding.path == "/metadata/name"


def test_fires_on_long_cronjob_name_and_missing_name() -> None:
    [finding] = _findings(_obj("CronJob", "n" * 53, "batch/v1"))
    assert "52" in finding.message
    [missing] = _findings({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}})
    assert missing.path == "/metadata"


def test_fires_on_container_and_port_names() -> None:
    pod = _obj(
        "Pod",
        "web",
        spec={
            "containers": [
                {"name": "Web_1", "image": "x:1", "ports": [{"name": "http-metrics-port", "containerPort": 1}]}
            ]
        },
    )
    assert sorted(f.path for f in _findings(pod)) == ["/spec/containers/0/name", "/spec/containers/0/ports/0/name"]


@pytest.mark.parametrize(
    ("kind", "name", "api"),
    [
        ("ConfigMap", "mlflow.config-1", "v1"),
        ("Service", "mlflow-tracking", "v1"),
        ("ClusterRole", "system:aggregate-to-edit", "rbac.authorization.k8s.io/v1"),
        ("CronJob", "n" * 52, "batch/v1"),
    ],
)
def test_passes_valid_names(kind: str, name: str, api: str) -> None:
    assert _findings(_obj(kind, name, api)) == []


def test_passes_generate_name() -> None:
    assert _findings({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"generateName": "run-"}}) == []
