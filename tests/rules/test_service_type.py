from __future__ import annotations

from typing import Any

import pytest

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import service_type as rule


def _findings(*objs: dict[str, Any], profile: str) -> list[Finding]:
    ctx = Context.from_objects(list(objs), profile=profile)
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _service(kind: str | None) -> dict[str, Any]:
    spec: dict[str, Any] = {"selector": {"app": "minio"}, "ports": [{"port": 9000}]}
    if kind is not None:
        spec["type"] = kind
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "minio"}, "spec": spec}


@pytest.mark.parametrize("profile", ["prod", "staging", "default", "dev"])
@pytest.mark.parametrize("kind", ["LoadBalancer", "NodePort"])
def test_fires_on_external_types_in_every_profile(profile: str, kind: str) -> None:
    [finding] = _findings(_service(kind), profile=profile)
    assert finding.path == "/spec/type"
    assert 'Service "minio"' in finding.message and kind in finding.message and "ClusterIP" in finding.message


@pytest.mark.parametrize("kind", [None, "ClusterIP", "ExternalName"])
def test_passes_internal_types_in_prod(kind: str | None) -> None:
    assert _findings(_service(kind), profile="prod") == []


def test_passes_non_services() -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "x"},
        "spec": {"type": "NodePort"},
    }
    ctx = Context.from_objects([deployment])
    assert list(rule.check(ctx, ctx.resources[0])) == []


# The Service fronting an ingress controller (generator/validate/producers.py, fronting_services)
def _controller(
    args: list[str], env: list[dict[str, Any]] | None = None, namespace: str = "ingress-nginx"
) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "controller", "image": "registry.k8s.io/ingress-nginx/controller:v1.15.1"}
    container["args"] = args
    if env is not None:
        container["env"] = env
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "ingress-nginx-controller", "namespace": namespace},
        "spec": {
            "selector": {"matchLabels": {"app": "ingress"}},
            "template": {"metadata": {"labels": {"app": "ingress"}}, "spec": {"containers": [container]}},
        },
    }


def _front(name: str = "ingress-nginx-controller", namespace: str = "ingress-nginx") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"type": "LoadBalancer", "selector": {"app": "ingress"}, "ports": [{"port": 443}]},
    }


POD_NAMESPACE = [{"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}]


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["/nginx-ingress-controller", "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller"], POD_NAMESPACE),
        (["--publish-service", "ingress-nginx/ingress-nginx-controller"], None),
        (["--publish-service=$(NS)/ingress-nginx-controller"], [{"name": "NS", "value": "ingress-nginx"}]),
        (
            ["--providers.kubernetesIngress.ingressEndpoint.publishedService=ingress-nginx/ingress-nginx-controller"],
            None,
        ),
    ],
)
def test_passes_the_service_an_ingress_controller_names_as_its_front(args: list[str], env: Any) -> None:
    assert _findings(_controller(args, env), _front(), profile="prod") == []


@pytest.mark.parametrize(
    ("args", "env", "front"),
    [
        (["--publish-service=ingress-nginx/other"], None, _front()),  # another Service
        (["--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller"], None, _front()),  # unknown variable
        (["--publish-service=ingress-nginx-controller"], None, _front()),  # no namespace: not the flag's form
        (["--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller"], POD_NAMESPACE, _front(namespace="web")),
        (["--publish-status-address=1.2.3.4"], None, _front()),
    ],
)
def test_other_services_stay_reported(args: list[str], env: Any, front: dict[str, Any]) -> None:
    [finding] = _findings(_controller(args, env), front, profile="prod")
    assert finding.path == "/spec/type"
