"""missing-reference knows the Secret the Kubeflow Pipelines cache deployer creates at run time
(kubeflow/pipelines backend/src/cache/deployer/deploy-cache-service.sh: WEBHOOK_SECRET_NAME=webhook-server-tls
in ${NAMESPACE_TO_WATCH:-kubeflow}; webhook-create-signed-cert.sh writes the keys cert.pem and key.pem).
Found by the survey on kubeflow/manifests applications/pipeline/upstream/base/installs/generic: the cache-server
Deployment mounts Secret webhook-server-tls, which no manifest declares."""

from __future__ import annotations

from typing import Any

import pytest

from generator.validate.context import Context
from generator.validate.rules import missing_reference as rule

# kubeflow/manifests applications/pipeline/upstream/base/cache-deployer/cache-deployer-deployment.yaml
NAMESPACE_FROM_POD = [{"name": "NAMESPACE_TO_WATCH", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}]


def _deployer(
    image: str = "ghcr.io/kubeflow/kfp-cache-deployer:2.16.0",
    env: list[dict[str, Any]] | None = NAMESPACE_FROM_POD,
    namespace: str = "kubeflow",
    **fields: Any,
) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "main", "image": image, **fields}
    if env is not None:
        container["env"] = env
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "cache-deployer-deployment", "namespace": namespace},
        "spec": {
            "selector": {"matchLabels": {"app": "cache-deployer"}},
            "template": {"metadata": {"labels": {"app": "cache-deployer"}}, "spec": {"containers": [container]}},
        },
    }


def _server(items: list[dict[str, str]] | None = None) -> dict[str, Any]:
    secret: dict[str, Any] = {"secretName": "webhook-server-tls"}
    if items is not None:
        secret["items"] = items
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "cache-server", "namespace": "kubeflow"},
        "spec": {
            "selector": {"matchLabels": {"app": "cache-server"}},
            "template": {
                "metadata": {"labels": {"app": "cache-server"}},
                "spec": {
                    "containers": [
                        {
                            "name": "server",
                            "image": "ghcr.io/kubeflow/kfp-cache-server:2.16.0",
                            "volumeMounts": [{"name": "webhook-tls-certs", "mountPath": "/etc/webhook/certs"}],
                        }
                    ],
                    "volumes": [{"name": "webhook-tls-certs", "secret": secret}],
                },
            },
        },
    }


def _missing(*objs: dict[str, Any]) -> list[str]:
    ctx = Context.from_objects(list(objs))
    return [
        f.message
        for res in ctx.resources
        if res.kind == "Deployment" and res.name == "cache-server"
        for f in rule.check(ctx, res)
    ]


@pytest.mark.parametrize(
    "deployer",
    [
        _deployer(),  # kubeflow/manifests and kubeflow/pipelines manifests/kustomize today
        _deployer(image="gcr.io/ml-pipeline/cache-deployer:2.0.5"),  # before KFP moved to ghcr.io
        _deployer(image="registry.example.com/mirror/kfp-cache-deployer@sha256:" + "0" * 64),
        _deployer(env=None),  # NAMESPACE_TO_WATCH unset: the script's default, kubeflow
        _deployer(env=[{"name": "NAMESPACE_TO_WATCH", "value": "kubeflow"}], namespace="elsewhere"),
        _deployer(args=["--ignored"]),  # args go to the entrypoint script
        _deployer(command=["/bin/sh", "/kfp/cache/deployer/deploy-cache-service.sh"]),
    ],
)
def test_the_cache_deployer_makes_the_webhook_secret(deployer: dict[str, Any]) -> None:
    assert _missing(deployer, _server()) == []


def test_the_keys_the_server_reads_are_there() -> None:
    items = [{"key": "cert.pem", "path": "cert.pem"}, {"key": "key.pem", "path": "key.pem"}]
    assert _missing(_deployer(), _server(items)) == []


def test_a_key_the_deployer_does_not_write_is_missing() -> None:
    [message] = _missing(_deployer(), _server([{"key": "tls.crt", "path": "cert.pem"}]))
    assert "tls.crt" in message


@pytest.mark.parametrize(
    "objs",
    [
        (),  # no deployer (kubeflow/manifests' cert-manager envs delete it and declare a Certificate)
        (_deployer(namespace="elsewhere"),),  # it writes into its own namespace
        (_deployer(env=[{"name": "NAMESPACE_TO_WATCH", "value": "other"}]),),
        (_deployer(command=["sleep", "infinity"]),),  # the script does not run
        (_deployer(image="ghcr.io/kubeflow/kfp-cache-server:2.16.0"),),
    ],
)
def test_without_the_deployer_the_reference_is_missing(objs: tuple[dict[str, Any], ...]) -> None:
    [message] = _missing(*objs, _server())
    assert "webhook-server-tls" in message
