"""The Ingress of the tracking server: plain HTTP in dev, TLS via cert-manager with ssl-redirect otherwise."""

from __future__ import annotations

from typing import Any

from generator.config.model import Environment
from generator.platform import names, oauth2_proxy
from generator.platform.common import WAVE_SERVER, metadata


def ingresses(e: Environment) -> list[dict[str, Any]]:
    """The Ingress, or nothing with ``ingress.kind: gateway`` (generator.platform.gateway routes instead)."""
    return [] if e.ingress.is_gateway else [ingress(e)]


def ingress(e: Environment) -> dict[str, Any]:
    ing = e.ingress
    service, _, port_name = oauth2_proxy.backend(e)  # auth: oidc routes through the proxy
    annotations = {
        # artifacts are proxied through the server: do not cap upload size at nginx's 1m default
        "nginx.ingress.kubernetes.io/proxy-body-size": "0",
        "nginx.ingress.kubernetes.io/proxy-read-timeout": "300",
        "nginx.ingress.kubernetes.io/ssl-redirect": "true" if ing.tls else "false",
    }
    if ing.tls:
        annotations["cert-manager.io/cluster-issuer"] = ing.cluster_issuer
        annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"] = "true"
    spec: dict[str, Any] = {
        "ingressClassName": ing.class_name,
        "tls": [{"hosts": [ing.host], "secretName": ing.tls_secret_name}] if ing.tls else None,
        "rules": [
            {
                "host": ing.host,
                "http": {
                    "paths": [
                        {
                            "path": "/",
                            "pathType": "Prefix",
                            "backend": {"service": {"name": service, "port": {"name": port_name}}},
                        }
                    ]
                },
            }
        ],
    }
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": metadata(
            names.MLFLOW,
            namespace=e.namespace,
            app=names.MLFLOW,
            component="tracking-server",
            wave=WAVE_SERVER,
            annotations=annotations,
        ),
        "spec": spec,
    }
