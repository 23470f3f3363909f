"""``auth: oidc``: oauth2-proxy in front of the tracking server (Deployment, Service, ServiceAccount, PDB).

Flags from oauth2-proxy's docs/docs/configuration/overview.md (oauth2-proxy/oauth2-proxy, v7.15.x):
``--provider=oidc --oidc-issuer-url --client-id``, the client and cookie secrets from the environment
(``OAUTH2_PROXY_CLIENT_SECRET`` / ``OAUTH2_PROXY_COOKIE_SECRET``: every flag has an ``OAUTH2_PROXY_``
variable), ``--ping-path /ping`` (liveness) and ``--ready-path /ready`` (readiness), both served without a
session. ``--skip-jwt-bearer-tokens`` admits API clients that present a bearer token issued by the same
IdP for this client, so scripts outside the cluster can use the API without a browser session.
``--pass-basic-auth`` defaults to true and would send ``user:password`` upstream: turned off, MLflow runs
without its own auth app in this mode.

Decision (README "Authentication"): in oidc mode the proxy authenticates everyone who comes from outside
(Ingress or HTTPRoute point at the proxy, never at MLflow), and the NetworkPolicy admits to MLflow only the
proxy, Prometheus and the platform's own workloads (training, model servers) in the namespace. Those
workloads keep calling ``http://mlflow:5000`` directly, without credentials: inside the namespace the
NetworkPolicy is the boundary. Use ``auth: basic`` when workloads need per-user permissions.
"""

from __future__ import annotations

from typing import Any

from generator.config.build import OAUTH2_PROXY_SECRET
from generator.config.model import Environment
from generator.platform import names
from generator.platform.common import (
    WAVE_SERVER,
    container_security,
    http_probe,
    labels,
    metadata,
    pod_security,
    secret_env,
    selector,
    service_account,
)

APP = "oauth2-proxy"
COMPONENT = "auth-proxy"
PORT = 4180
UID = 65532  # the nonroot user of the distroless oauth2-proxy image


def enabled(e: Environment) -> bool:
    return e.auth.oidc_enabled


def replicas(e: Environment) -> int:
    return 2 if e.mlflow.replicas > 1 else 1


def args(e: Environment) -> list[str]:
    oidc = e.auth.oidc
    assert oidc is not None
    scheme = "https" if e.ingress.tls else "http"
    out = [
        "--provider=oidc",
        f"--oidc-issuer-url={oidc.issuer_url}",
        f"--client-id={oidc.client_id}",
        f"--redirect-url={scheme}://{e.host}/oauth2/callback",
        f"--http-address=0.0.0.0:{PORT}",
        f"--upstream={names.mlflow_service_url()}/",
        "--reverse-proxy=true",
        "--skip-jwt-bearer-tokens=true",
        "--pass-basic-auth=false",
        f"--cookie-secure={'true' if e.ingress.tls else 'false'}",
        "--cookie-samesite=lax",
        "--ping-path=/ping",
        "--ready-path=/ready",
        "--silence-ping-logging=true",
        *(f"--email-domain={d}" for d in oidc.email_domains),
        *(f"--allowed-group={g}" for g in oidc.allowed_groups),
    ]
    return out


def deployment(e: Environment) -> dict[str, Any]:
    n = replicas(e)
    sel = selector(APP)
    container = {
        "name": "oauth2-proxy",
        "image": e.images.oauth2_proxy,
        "imagePullPolicy": "IfNotPresent",
        "args": args(e),
        "ports": [{"name": "http", "containerPort": PORT, "protocol": "TCP"}],
        "env": [
            secret_env("OAUTH2_PROXY_CLIENT_SECRET", OAUTH2_PROXY_SECRET, "clientSecret"),
            secret_env("OAUTH2_PROXY_COOKIE_SECRET", OAUTH2_PROXY_SECRET, "cookieSecret"),
        ],
        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}},
        "readinessProbe": http_probe("/ready", "http", period=10, failure=3),
        "livenessProbe": http_probe("/ping", "http", period=20, failure=3),
        "securityContext": container_security(UID),
    }
    spread = (
        [
            {
                "maxSkew": 1,
                "topologyKey": "kubernetes.io/hostname",
                "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": {"matchLabels": sel},
            }
        ]
        if n > 1
        else None
    )
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(APP, namespace=e.namespace, app=APP, component=COMPONENT, wave=WAVE_SERVER),
        "spec": {
            "replicas": n,
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": sel},
            "template": {
                "metadata": {"labels": labels(APP, COMPONENT)},
                "spec": {
                    "serviceAccountName": APP,
                    "automountServiceAccountToken": False,
                    "enableServiceLinks": False,
                    "securityContext": pod_security(UID, fs_group=False),
                    "topologySpreadConstraints": spread,
                    "containers": [container],
                },
            },
        },
    }


def service(e: Environment) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(APP, namespace=e.namespace, app=APP, component=COMPONENT, wave=WAVE_SERVER),
        "spec": {
            "type": "ClusterIP",
            "selector": selector(APP),
            "ports": [{"name": "http", "port": PORT, "targetPort": "http", "protocol": "TCP"}],
        },
    }


def pdb(e: Environment) -> dict[str, Any]:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": metadata(APP, namespace=e.namespace, app=APP, component=COMPONENT, wave=WAVE_SERVER),
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector(APP)}},
    }


def objects(e: Environment) -> list[dict[str, Any]]:
    if not enabled(e):
        return []
    out = [
        service_account(APP, namespace=e.namespace, app=APP, component=COMPONENT),
        deployment(e),
        service(e),
    ]
    if replicas(e) > 1:
        out.append(pdb(e))
    return out


def backend(e: Environment) -> tuple[str, int, str]:
    """(Service, port number, port name) that outside traffic is routed to."""
    if enabled(e):
        return APP, PORT, "http"
    return names.MLFLOW, names.MLFLOW_PORT, "http"
