"""NetworkPolicies (staging/prod): deny all ingress and egress, then allow exactly the platform's flows.

Flows: every pod -> kube-dns 53/UDP+TCP; ingress controller namespace -> MLflow http; Prometheus
namespace -> MLflow http (metrics); MLflow -> PostgreSQL 5432 and the object store; migration Job ->
PostgreSQL; bucket Job -> MinIO; training and model servers -> MLflow and the object store; in-namespace
pods and the ingress controller -> model servers.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from generator.config.model import Environment
from generator.platform import auth, names, oauth2_proxy
from generator.platform.common import WAVE_CONFIG, metadata, selector

NS_LABEL = "kubernetes.io/metadata.name"


def _policy(e: Environment, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": metadata(name, namespace=e.namespace, app="network-policy", component="network", wave=WAVE_CONFIG),
        "spec": spec,
    }


def _pods(*apps: str) -> dict[str, Any]:
    if len(apps) == 1:
        return {"podSelector": {"matchLabels": selector(apps[0])}}
    return {
        "podSelector": {
            "matchExpressions": [{"key": "app.kubernetes.io/name", "operator": "In", "values": sorted(apps)}]
        }
    }


def _namespace(name: str) -> dict[str, Any]:
    return {"namespaceSelector": {"matchLabels": {NS_LABEL: name}}}


def _tcp(port: int) -> list[dict[str, Any]]:
    return [{"protocol": "TCP", "port": port}]


def _store_egress(e: Environment) -> dict[str, Any]:
    """Egress rule to the artifact store: MinIO pods, or the external S3 endpoint on its port."""
    if e.object_store.is_minio:
        return {"to": [_pods(names.MINIO)], "ports": _tcp(names.MINIO_PORT)}
    url = urlsplit(e.object_store.endpoint)
    port = url.port or (443 if url.scheme == "https" else 80)
    return {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": _tcp(port)}


def policies(e: Environment) -> list[dict[str, Any]]:
    if not e.network_policy.enabled:
        return []
    minio = e.object_store.is_minio
    client_apps = [
        a for a, on in ((names.TRAINING, e.training.enabled), (names.MODEL_SERVER, bool(e.serving.models))) if on
    ]
    out = [
        _policy(e, "default-deny-all", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
        _policy(
            e,
            "allow-dns",
            {
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [
                    {"to": dns_peers(e), "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}
                ],
            },
        ),
        _policy(
            e,
            "allow-mlflow",
            {
                "podSelector": {"matchLabels": selector(names.MLFLOW)},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": mlflow_ingress_rules(e, client_apps),
                "egress": [
                    {"to": [_pods(names.POSTGRES)], "ports": _tcp(names.POSTGRES_PORT)},
                    _store_egress(e),
                ],
            },
        ),
        _policy(
            e,
            "allow-postgres",
            {
                "podSelector": {"matchLabels": selector(names.POSTGRES)},
                "policyTypes": ["Ingress"],
                "ingress": [{"from": [_pods(names.MIGRATE_JOB, names.MLFLOW)], "ports": _tcp(names.POSTGRES_PORT)}],
            },
        ),
        _policy(
            e,
            "allow-mlflow-db-migrate",
            {
                "podSelector": {"matchLabels": selector(names.MIGRATE_JOB)},
                "policyTypes": ["Egress"],
                "egress": [{"to": [_pods(names.POSTGRES)], "ports": _tcp(names.POSTGRES_PORT)}],
            },
        ),
    ]
    if minio:
        out.append(
            _policy(
                e,
                "allow-minio",
                {
                    "podSelector": {"matchLabels": selector(names.MINIO)},
                    "policyTypes": ["Ingress"],
                    "ingress": [
                        {
                            "from": [_pods(names.BUCKET_JOB, names.MLFLOW, *client_apps)],
                            "ports": _tcp(names.MINIO_PORT),
                        }
                    ],
                },
            )
        )
        out.append(
            _policy(
                e,
                "allow-minio-create-bucket",
                {
                    "podSelector": {"matchLabels": selector(names.BUCKET_JOB)},
                    "policyTypes": ["Egress"],
                    "egress": [{"to": [_pods(names.MINIO)], "ports": _tcp(names.MINIO_PORT)}],
                },
            )
        )
    client_egress = [{"to": [_pods(names.MLFLOW)], "ports": _tcp(names.MLFLOW_PORT)}, _store_egress(e)]
    if e.training.enabled:
        out.append(
            _policy(
                e,
                "allow-training",
                {
                    "podSelector": {"matchLabels": selector(names.TRAINING)},
                    "policyTypes": ["Egress"],
                    "egress": client_egress,
                },
            )
        )
    if e.serving.models:
        out.append(
            _policy(
                e,
                "allow-model-server",
                {
                    "podSelector": {"matchLabels": selector(names.MODEL_SERVER)},
                    "policyTypes": ["Ingress", "Egress"],
                    "ingress": [
                        {
                            "from": [{"podSelector": {}}, _namespace(e.ingress.controller_namespace)],
                            "ports": _tcp(e.serving.port),
                        }
                    ],
                    "egress": client_egress,
                },
            )
        )
    out.extend(acme_solver_policies(e))
    out.extend(auth_policies(e))
    return out


# --------------------------------------------------------------- DNS and ACME solver (issue 10; kept apart)


def dns_peers(e: Environment) -> list[dict[str, Any]]:
    """Where pods may resolve names: kube-dns pods, and NodeLocal DNSCache's link-local address when set.

    NodeLocal DNSCache (kubernetes/dns, cluster/addons/dns/nodelocaldns) answers on 169.254.20.10 on every
    node; with it, pods' resolv.conf (or kube-proxy's interception) sends queries there, not to kube-dns pods,
    so an egress rule admitting only the kube-dns pods resolves nothing."""
    peers: list[dict[str, Any]] = [
        {**_namespace(e.network_policy.dns_namespace), "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}
    ]
    if e.network_policy.node_local_dns:
        peers.append({"ipBlock": {"cidr": f"{e.network_policy.node_local_dns}/32"}})
    return peers


SOLVER_LABEL = "acme.cert-manager.io/http01-solver"  # cert-manager pkg/apis/acme/v1/types.go
SOLVER_PORT = 8089  # cert-manager pkg/issuer/acme/http/http.go acmeSolverListenPort


def acme_solver_policies(e: Environment) -> list[dict[str, Any]]:
    """Under default-deny, admit the ingress controller to cert-manager's HTTP-01 solver pods.

    cert-manager creates the solver pod in the Ingress's namespace with label
    ``acme.cert-manager.io/http01-solver: "true"`` (pkg/issuer/acme/http/pod.go) listening on 8089; the ACME
    server reaches it through the ingress controller. Without this policy the challenge never succeeds and
    the certificate is never issued. Not needed without TLS or with a DNS-01 solver."""
    if not (e.ingress.tls and e.ingress.acme_solver == "http01"):
        return []
    return [
        _policy(
            e,
            "allow-acme-solver",
            {
                "podSelector": {"matchLabels": {SOLVER_LABEL: "true"}},
                "policyTypes": ["Ingress"],
                "ingress": [{"from": [_namespace(e.ingress.controller_namespace)], "ports": _tcp(SOLVER_PORT)}],
            },
        )
    ]


# --------------------------------------------------------------- authentication and Gateway (issue 11; kept apart)


def mlflow_ingress_rules(e: Environment, client_apps: list[str]) -> list[dict[str, Any]]:
    """Who may reach the tracking server: outside traffic only through the ingress controller (or the
    Gateway's data plane, see generator.platform.gateway), or only through oauth2-proxy with ``auth: oidc``
    (so nothing reaches MLflow around the proxy); the platform's own workloads; Prometheus on the port it
    scrapes (with ``auth: basic`` the unauthenticated metrics sidecar only, not the API)."""
    front = _pods(oauth2_proxy.APP) if oauth2_proxy.enabled(e) else _namespace(e.ingress.controller_namespace)
    api_clients: list[dict[str, Any]] = [front]
    if client_apps:
        api_clients.append(_pods(*client_apps))
    rules: list[dict[str, Any]] = []
    metrics_name, metrics_port = auth.metrics_port(e)
    if e.monitoring.enabled and metrics_name == "http":
        api_clients.insert(1, _namespace(e.monitoring.prometheus_namespace))
    rules.append({"from": api_clients, "ports": _tcp(names.MLFLOW_PORT)})
    if e.monitoring.enabled and metrics_name != "http":
        rules.append({"from": [_namespace(e.monitoring.prometheus_namespace)], "ports": _tcp(metrics_port)})
    return rules


def _issuer_egress(e: Environment) -> dict[str, Any]:
    """oauth2-proxy -> the OIDC issuer (discovery, JWKS, token endpoint), outside the cluster."""
    assert e.auth.oidc is not None
    url = urlsplit(e.auth.oidc.issuer_url)
    return {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": _tcp(url.port or 443)}


def auth_policies(e: Environment) -> list[dict[str, Any]]:
    """``auth: oidc``: the ingress controller (or Gateway) may reach only the proxy; the proxy may reach
    MLflow and the identity provider."""
    if not oauth2_proxy.enabled(e):
        return []
    return [
        _policy(
            e,
            "allow-oauth2-proxy",
            {
                "podSelector": {"matchLabels": selector(oauth2_proxy.APP)},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [{"from": [_namespace(e.ingress.controller_namespace)], "ports": _tcp(oauth2_proxy.PORT)}],
                "egress": [
                    {"to": [_pods(names.MLFLOW)], "ports": _tcp(names.MLFLOW_PORT)},
                    _issuer_egress(e),
                ],
            },
        )
    ]
