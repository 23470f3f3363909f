"""``ingress.kind: gateway``: a Gateway API HTTPRoute on a shared Gateway instead of an Ingress.

Gateway API v1 (kubernetes-sigs/gateway-api, config/crd/standard): an HTTPRoute attaches to a Gateway
through ``spec.parentRefs`` (``group``/``kind`` default to gateway.networking.k8s.io/Gateway; ``namespace``
defaults to the route's own, so it is always written; ``sectionName`` picks one listener). The Gateway's
listener must admit routes from the environment's namespace (``allowedRoutes.namespaces``), which is the
Gateway owner's configuration, not ours.

TLS terminates on the Gateway's listener. When the environment owns its certificate
(``ingress.gateway.certificate: true``) it gets a cert-manager ``Certificate`` for ``ingress.host`` in its own
namespace, and a ``ReferenceGrant`` there that lets Gateways in the Gateway's namespace read exactly that
Secret (a listener's ``certificateRefs`` may point across namespaces only with such a grant). Otherwise the
listener already holds a certificate (e.g. a wildcard) and nothing is rendered for TLS.

ACME HTTP-01 with Gateway API: cert-manager's solver (``http01.gatewayHTTPRoute`` on the ClusterIssuer)
creates a temporary HTTPRoute and solver pod in the Certificate's namespace; the Gateway's data plane
forwards the challenge to it. Because ``ingress.controllerNamespace`` defaults to the Gateway's namespace in
this mode, the NetworkPolicies that admit "the ingress controller" (MLflow or the proxy, model servers, the
solver pods) admit the Gateway's namespace. Set it explicitly when the data plane runs elsewhere.
"""

from __future__ import annotations

from typing import Any

from generator.config.model import Environment
from generator.platform import names, oauth2_proxy
from generator.platform.common import WAVE_SECRETS, WAVE_SERVER, metadata

GATEWAY_GROUP = "gateway.networking.k8s.io"


def enabled(e: Environment) -> bool:
    return e.ingress.is_gateway


def parent_ref(e: Environment) -> dict[str, Any]:
    gw = e.ingress.gateway
    assert gw is not None
    ref: dict[str, Any] = {"group": GATEWAY_GROUP, "kind": "Gateway", "name": gw.name, "namespace": gw.namespace}
    if gw.section_name:
        ref["sectionName"] = gw.section_name
    return ref


def http_route(e: Environment) -> dict[str, Any]:
    service, port, _ = oauth2_proxy.backend(e)
    return {
        "apiVersion": f"{GATEWAY_GROUP}/v1",
        "kind": "HTTPRoute",
        "metadata": metadata(
            names.MLFLOW, namespace=e.namespace, app=names.MLFLOW, component="tracking-server", wave=WAVE_SERVER
        ),
        "spec": {
            "parentRefs": [parent_ref(e)],
            "hostnames": [e.host],
            "rules": [
                {
                    "matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                    "backendRefs": [{"kind": "Service", "name": service, "port": port}],
                }
            ],
        },
    }


def owns_certificate(e: Environment) -> bool:
    gw = e.ingress.gateway
    return enabled(e) and e.ingress.tls and gw is not None and gw.certificate


def certificate(e: Environment) -> dict[str, Any]:
    return {
        "apiVersion": "cert-manager.io/v1",
        "kind": "Certificate",
        "metadata": metadata(names.MLFLOW, namespace=e.namespace, app=names.MLFLOW, component="tls", wave=WAVE_SECRETS),
        "spec": {
            "secretName": e.ingress.tls_secret_name,
            "dnsNames": [e.host],
            "issuerRef": {"group": "cert-manager.io", "kind": "ClusterIssuer", "name": e.ingress.cluster_issuer},
        },
    }


def reference_grant(e: Environment) -> dict[str, Any]:
    gw = e.ingress.gateway
    assert gw is not None
    return {
        "apiVersion": f"{GATEWAY_GROUP}/v1beta1",
        "kind": "ReferenceGrant",
        "metadata": metadata(
            "gateway-reads-mlflow-tls", namespace=e.namespace, app=names.MLFLOW, component="tls", wave=WAVE_SECRETS
        ),
        "spec": {
            "from": [{"group": GATEWAY_GROUP, "kind": "Gateway", "namespace": gw.namespace}],
            "to": [{"group": "", "kind": "Secret", "name": e.ingress.tls_secret_name}],
        },
    }


def objects(e: Environment) -> list[dict[str, Any]]:
    if not enabled(e):
        return []
    out = [http_route(e)]
    if owns_certificate(e):
        out += [certificate(e), reference_grant(e)]
    return out
