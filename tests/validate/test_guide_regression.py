"""Regression: the original "MLflow on Kubernetes" guide's manifests (tests/fixtures/guide/) and its defects.

The guide committed plaintext Secrets (its passwords are replaced by placeholders here: issue 2 forbids
them anywhere in the repo; the defect is the plaintext Secret, not the value), ran ``minio/minio:latest``,
exposed MinIO and MLflow through LoadBalancer Services, scraped MLflow v2.10.0 (started without
``--expose-prometheus``, so it serves no metrics) through a ServiceMonitor on a port name the Service
does not have, and shipped a NetworkPolicy whose egress forgets DNS and whose ingress shuts out the
ingress controller. Each defect must be reported by the right rule, at the right field; the
cross-resource rules must not report anything else on it.

Two paths: every rule of the registry called directly over a Context built with PyYAML (independent of
the engine), and the public engine API (``load_path`` + ``validate_resources``) for files and lines.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.validate.context import Context
from generator.validate.engine import validate_resources
from generator.validate.inputs import load_path
from generator.validate.model import Resource
from generator.validate.rules import RULES

GUIDE = Path(__file__).resolve().parent.parent / "fixtures" / "guide"
C0 = "/spec/template/spec/containers/0"

# (rule, kind, name, JSON pointer) for every defect the guide is known for.
EXPECTED_DEFECTS = {
    ("plaintext-secret", "Secret", "postgres-secret", "/stringData"),
    ("plaintext-secret", "Secret", "minio-secret", "/stringData"),
    ("latest-tag", "Deployment", "minio", f"{C0}/image"),
    ("service-type", "Service", "minio", "/spec/type"),
    ("service-type", "Service", "mlflow", "/spec/type"),
    ("dangling-servicemonitor", "ServiceMonitor", "mlflow", "/spec/endpoints/0/port"),
    ("network-blocked", "NetworkPolicy", "mlflow-network-policy", "/spec/egress"),
    ("network-blocked", "Ingress", "mlflow", "/spec/rules/0/http/paths/0/backend/service/name"),
    # issue 12: the plain v2.10.0 image has neither psycopg2 nor boto3; the ServiceMonitor scrapes a server
    # without --expose-prometheus; ReadWriteOnce volumes under the default RollingUpdate strategy (the DB
    # password in the args URL is secret-in-env's)
    ("secret-in-env", "Deployment", "mlflow", f"{C0}/args/2"),
    ("mlflow-image-packages", "Deployment", "mlflow", f"{C0}/image"),
    ("mlflow-metrics-not-exposed", "ServiceMonitor", "mlflow", "/spec/endpoints/0"),
    ("rwo-pvc-shared", "Deployment", "minio", "/spec/template/spec/volumes/0/persistentVolumeClaim/claimName"),
    ("rwo-pvc-shared", "Deployment", "postgres", "/spec/template/spec/volumes/0/persistentVolumeClaim/claimName"),
}

# What the cross-resource rules must report on the guide, and nothing more (no false positives).
CROSS_RESOURCE_EXPECTED = {
    ("dangling-servicemonitor", "ServiceMonitor", "mlflow", "/spec/endpoints/0/port"),
    ("network-blocked", "NetworkPolicy", "mlflow-network-policy", "/spec/egress"),
    ("network-blocked", "Ingress", "mlflow", "/spec/rules/0/http/paths/0/backend/service/name"),
    ("non-isolated-pod", "Deployment", "postgres", "/spec/template/metadata/labels"),
    ("non-isolated-pod", "Deployment", "minio", "/spec/template/metadata/labels"),
}


def _pyyaml_context() -> Context:
    resources: list[Resource] = []
    for path in sorted(GUIDE.glob("*.yaml")):
        for i, doc in enumerate(yaml.safe_load_all(path.read_text())):
            if isinstance(doc, dict):
                resources.append(Resource(doc, path.name, i, 0, default_namespace="mlflow"))
    return Context(resources, profile="prod")


def _direct_findings() -> set[tuple[str, str, str, str]]:
    ctx = _pyyaml_context()
    found: set[tuple[str, str, str, str]] = set()
    for rid, rule in RULES.items():
        for res in ctx.resources:
            if rule.KINDS is None or res.kind in rule.KINDS:
                found.update((rid, res.kind, res.name, f.path) for f in rule.check(ctx, res))
    return found


def test_fixtures_are_the_guide_as_published() -> None:
    text = "\n".join(p.read_text() for p in sorted(GUIDE.glob("*.yaml")))
    for marker in (
        "guide-db-password",
        "guide-minio-password",
        "minio/minio:latest",
        "type: LoadBalancer",
        "mlflow:v2.10.0",
    ):
        assert marker in text, marker
    mlflow = next(r for r in _pyyaml_context().resources if (r.kind, r.name) == ("Deployment", "mlflow"))
    container = mlflow.obj["spec"]["template"]["spec"]["containers"][0]
    assert container["image"].endswith(":v2.10.0")
    assert not any("expose-prometheus" in a for a in [*container["command"], *container["args"]])
    assert "port: 53" not in text  # no DNS anywhere in the policy


def test_every_guide_defect_fires_the_right_rule_when_rules_are_called_directly() -> None:
    found = _direct_findings()
    missing = EXPECTED_DEFECTS - found
    assert not missing, f"not reported: {sorted(missing)}"


def test_cross_resource_rules_report_exactly_the_guide_defects() -> None:
    cross = {rid for rid, rule in RULES.items() if rule.CATEGORY == "cross-resource"}
    found = {f for f in _direct_findings() if f[0] in cross}
    assert found == CROSS_RESOURCE_EXPECTED


def test_fixing_the_guide_defects_silences_the_cross_resource_rules() -> None:
    ctx = _pyyaml_context()
    for res in ctx.resources:
        if res.kind == "Service" and res.name == "mlflow":
            res.obj["spec"]["ports"][0]["name"] = "metrics"
        if res.kind == "NetworkPolicy":
            spec = res.obj["spec"]
            spec["podSelector"] = {}  # isolate every pod of the namespace
            spec["ingress"] = [{}]  # admit everything again (ingress controller, Prometheus)
            dns = [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]
            spec["egress"] = [*spec["egress"], {"ports": dns}, {"to": [{"podSelector": {}}]}]
    fixed = Context(ctx.resources, profile="prod")
    remaining = [
        (rid, res.kind, res.name, f.message)
        for rid, rule in RULES.items()
        if rule.CATEGORY == "cross-resource"
        for res in fixed.resources
        if rule.KINDS is None or res.kind in rule.KINDS
        for f in rule.check(fixed, res)
    ]
    assert remaining == []


def _line_of(file: str, needle: str, after: str = "") -> int:
    lines = (GUIDE / file).read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i in range(start, len(lines)) if needle in lines[i]) + 1


@pytest.mark.parametrize(
    ("rule", "kind", "name", "file", "needle", "after"),
    [
        ("plaintext-secret", "Secret", "postgres-secret", "01-secrets.yaml", "stringData:", "postgres-secret"),
        ("plaintext-secret", "Secret", "minio-secret", "01-secrets.yaml", "stringData:", "minio-secret"),
        ("latest-tag", "Deployment", "minio", "03-minio.yaml", "image: minio/minio:latest", ""),
        ("service-type", "Service", "minio", "03-minio.yaml", "type: LoadBalancer", ""),
        ("service-type", "Service", "mlflow", "04-mlflow.yaml", "type: LoadBalancer", ""),
        ("dangling-servicemonitor", "ServiceMonitor", "mlflow", "05-monitoring.yaml", "- port: metrics", ""),
        ("network-blocked", "NetworkPolicy", "mlflow-network-policy", "06-networkpolicy.yaml", "egress:", ""),
        ("network-blocked", "Ingress", "mlflow", "04-mlflow.yaml", "name: mlflow", "backend:"),
    ],
)
def test_engine_reports_each_defect_at_its_file_and_line(
    rule: str, kind: str, name: str, file: str, needle: str, after: str
) -> None:
    resources = load_path(GUIDE, default_namespace="mlflow")
    report = validate_resources(resources, profile="prod")
    hits = [
        f
        for f in report.findings
        if f.rule == rule and f.resource is not None and (f.resource.kind, f.resource.name) == (kind, name)
    ]
    assert hits, f"{rule} not reported on {kind} {name}"
    assert any(Path(f.file).name == file and f.line == _line_of(file, needle, after) for f in hits), [
        (f.file, f.line, f.path) for f in hits
    ]
    assert all(f.severity.value == "error" for f in hits)
