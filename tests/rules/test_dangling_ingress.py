"""dangling-ingress: an Ingress backend whose Service or Service port is missing."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from generator.cli import app
from generator.validate.context import Context, ExternalObject
from generator.validate.model import Finding, Resource
from generator.validate.rules import dangling_ingress as rule
from generator.validate.rules import documentation


def _run(text: str, **kw: Any) -> list[tuple[Resource, Finding]]:
    docs = [d for d in yaml.safe_load_all(textwrap.dedent(text)) if d]
    ctx = Context.from_objects(docs, namespace="ml", **kw)
    return [(r, f) for r in ctx.resources if rule.KINDS is None or r.kind in rule.KINDS for f in rule.check(ctx, r)]


SERVICE = """
apiVersion: v1
kind: Service
metadata: {name: mlflow}
spec:
  selector: {app: mlflow}
  ports: [{name: http, port: 5000, targetPort: 5000}]
---
"""


def _ingress(backend: str, default_backend: str = "") -> str:
    return f"""
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: mlflow}}
spec:
  {default_backend}
  rules:
    - host: mlflow.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {backend}
"""


def test_fires_when_the_backend_service_is_missing() -> None:
    found = _run(_ingress("{service: {name: mlflow-ui, port: {number: 5000}}}"))
    assert [(f.path, "mlflow-ui" in f.message) for _, f in found] == [
        ("/spec/rules/0/http/paths/0/backend/service/name", True)
    ]


def test_fires_when_the_port_number_is_not_a_service_port() -> None:
    found = _run(SERVICE + _ingress("{service: {name: mlflow, port: {number: 80}}}"))
    assert [f.path for _, f in found] == ["/spec/rules/0/http/paths/0/backend/service/port/number"]
    assert "http" in found[0][1].message and "5000" in found[0][1].message


def test_fires_when_the_port_name_is_not_a_service_port() -> None:
    found = _run(SERVICE + _ingress("{service: {name: mlflow, port: {name: web}}}"))
    assert [f.path for _, f in found] == ["/spec/rules/0/http/paths/0/backend/service/port/name"]


def test_fires_for_the_default_backend_and_legacy_backends() -> None:
    text = SERVICE + _ingress(
        "{serviceName: mlflow, servicePort: 8080}",
        default_backend="defaultBackend: {service: {name: gone, port: {number: 80}}}",
    )
    paths = sorted(f.path for _, f in _run(text))
    assert paths == ["/spec/defaultBackend/service/name", "/spec/rules/0/http/paths/0/backend/servicePort"]


def test_passes_when_service_and_port_exist() -> None:
    assert _run(SERVICE + _ingress("{service: {name: mlflow, port: {number: 5000}}}")) == []
    assert _run(SERVICE + _ingress("{service: {name: mlflow, port: {name: http}}}")) == []


def test_passes_when_the_service_is_declared_external() -> None:
    text = _ingress("{service: {name: oauth2-proxy, port: {number: 4180}}}")
    assert len(_run(text)) == 1
    external = frozenset({ExternalObject("Service", "oauth2-proxy", "ml")})
    assert _run(text, external=external) == []


def test_passes_for_a_resource_backend() -> None:
    backend = "{resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: static}}"
    assert _run(_ingress(backend)) == []


def _doc_example(label: str) -> str:
    doc = documentation(rule)
    block = doc.split("PASS:", 1)[1].split("FAIL:", 1)[0] if label == "PASS" else doc.split("FAIL:", 1)[1]
    return textwrap.dedent(block)


def test_docstring_pass_example_passes_and_fail_example_fires() -> None:
    assert _run(_doc_example("PASS")) == []
    assert len(_run(_doc_example("FAIL"))) == 1


ALB_ACTION = (
    '{"type": "forward", "forwardConfig": {"targetGroups": [{"serviceName": "mlflow", "servicePort": "http"}]}}'
)


def _alb_ingress(annotations: str) -> str:
    return f"""
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: mlflow
  annotations: {{{annotations}}}
spec:
  ingressClassName: alb
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend: {{service: {{name: root, port: {{name: use-annotation}}}}}}
"""


def test_the_alb_use_annotation_port_is_the_annotation_s_action_not_a_service_port() -> None:
    # kubernetes-sigs/aws-load-balancer-controller pkg/ingress/enhanced_backend_builder.go: with the port name
    # "use-annotation", the action is alb.ingress.kubernetes.io/actions.<service name>; no Service "root" exists
    annotation = f"alb.ingress.kubernetes.io/actions.root: '{ALB_ACTION}'"
    assert _run(SERVICE + _alb_ingress(annotation)) == []


def test_the_alb_use_annotation_port_without_its_annotation_is_not_checked() -> None:
    # Argo Rollouts writes alb.ingress.kubernetes.io/actions.<rootService> at run time
    # (argoproj/argo-rollouts utils/ingress/ingress.go, ALBActionAnnotationKey)
    assert _run(SERVICE + _alb_ingress("kubernetes.io/ingress.class: alb")) == []
    assert _run(SERVICE + _alb_ingress("").replace("use-annotation", "use-annotations"))  # only that name


# GoogleCloudPlatform/bank-of-anthos: extras/cloudsql/kubernetes-manifests/frontend.yaml's Service frontend
# has port 80, extras/postgres-hpa/kubernetes-manifests/frontend.yaml has its own frontend (8080) and an
# Ingress to 8080. Validated from the repository's root, the Ingress was checked against the first copy read.
def _sibling_ingress(root: Path, ingress_port: int) -> list[str]:
    def service(port: int) -> str:
        head = "apiVersion: v1\nkind: Service\nmetadata: {name: frontend}\nspec:\n"
        return head + f"  ports: [{{name: http, port: {port}}}]\n"

    ingress = (
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: frontend}\nspec:\n"
        f"  defaultBackend: {{service: {{name: frontend, port: {{number: {ingress_port}}}}}}}\n"
    )
    (root / "extras" / "cloudsql").mkdir(parents=True)
    (root / "extras" / "cloudsql" / "frontend.yaml").write_text(service(80))
    (root / "extras" / "postgres-hpa").mkdir()
    (root / "extras" / "postgres-hpa" / "frontend.yaml").write_text(service(8080) + "---\n" + ingress)
    args = ["validate", "--repo", str(root), "--format", "json", "--jobs", "1", str(root)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    return [f["message"] for f in json.loads(result.output)["findings"] if f["rule"] == rule.ID]


def test_checks_the_service_of_its_own_apply_not_a_sibling_directory_copy(tmp_path: Path) -> None:
    assert _sibling_ingress(tmp_path, 8080) == []


def test_fires_on_a_port_its_own_apply_s_service_lacks(tmp_path: Path) -> None:
    # port 80 is the sibling directory's Service's, not the one applied with the Ingress
    assert _sibling_ingress(tmp_path, 80) == ["Service frontend has no port number 80 (it has: 8080, http)"]
