from __future__ import annotations

from typing import Any

import pytest

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import ingress_tls as rule


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _ingress(hosts: list[str], tls: list[dict[str, Any]] | None) -> dict[str, Any]:
    spec: dict[str, Any] = {"rules": [{"host": h} for h in hosts]}
    if tls is not None:
        spec["tls"] = tls
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "mlflow"}, "spec": spec}


def test_fires_without_tls_at_spec() -> None:
    [finding] = _findings(_ingress(["mlflow.example.com"], None))
    assert finding.path == "/spec"
    assert 'Ingress "mlflow"' in finding.message and "spec.tls" in finding.message


def test_fires_on_uncovered_host_at_rule_host() -> None:
    tls = [{"hosts": ["mlflow.example.com", "*.apps.example.com"], "secretName": "t"}]
    hosts = ["mlflow.example.com", "ui.apps.example.com", "minio.example.com", "a.b.apps.example.com"]
    findings = _findings(_ingress(hosts, tls))
    assert [f.path for f in findings] == ["/spec/rules/2/host", "/spec/rules/3/host"]
    assert '"minio.example.com"' in findings[0].message


def test_passes_when_every_host_is_covered() -> None:
    tls = [{"hosts": ["MLflow.example.com"], "secretName": "a"}, {"hosts": ["*.example.org"], "secretName": "b"}]
    assert _findings(_ingress(["mlflow.example.com", "ui.example.org"], tls)) == []


def test_passes_tls_entry_without_hosts() -> None:
    assert _findings(_ingress(["mlflow.example.com"], [{"secretName": "default-cert"}])) == []


@pytest.mark.parametrize(
    ("annotations", "fires"),
    [
        # GoogleCloudPlatform/kubernetes-engine-samples autopilot/networking-tutorial: a managed certificate
        ({"networking.gke.io/managed-certificates": "frontend-cert"}, False),
        ({"ingress.gcp.kubernetes.io/pre-shared-cert": "my-cert"}, False),
        ({"alb.ingress.kubernetes.io/certificate-arn": "arn:aws:acm:eu-west-1:1:certificate/x"}, False),
        ({"alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]'}, False),
        ({"alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80}]'}, True),
        ({"networking.gke.io/managed-certificates": ""}, True),
        ({"kubernetes.io/ingress.class": "gce"}, True),
    ],
)
def test_certificates_a_cloud_load_balancer_takes_from_annotations_count_as_tls(
    annotations: dict[str, str], fires: bool
) -> None:
    ingress = _ingress(["shop.example.com"], None)
    ingress["metadata"]["annotations"] = annotations
    assert bool(_findings(ingress)) is fires
