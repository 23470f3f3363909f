"""Every Ingress host must be served over TLS.

Without TLS, MLflow logins, API tokens, artifacts and model payloads cross the network in clear text.
An Ingress passes when it has a ``spec.tls`` block and every ``spec.rules[].host`` is covered by one of
its ``hosts`` (a wildcard ``*.example.com`` covers exactly one more label, as in certificates; a tls
entry without ``hosts`` covers every host, as the API defines). An Ingress without ``tls`` fires once at
``/spec``; each uncovered host fires at its ``/spec/rules/<i>/host``.

Certificates that a cloud load balancer takes from an annotation count as TLS too (their hosts are in the
certificates, outside the manifests, so hosts are not checked then):

- GKE's Ingress controller terminates TLS with Google-managed certificates
  (``networking.gke.io/managed-certificates``) or pre-shared ones
  (``ingress.gcp.kubernetes.io/pre-shared-cert``), as with ``spec.tls`` Secrets (kubernetes/ingress-gce
  ``pkg/metrics/features.go``, ``featuresForIngress``: the three sources of TLS termination);
- the AWS Load Balancer Controller opens HTTPS listeners with the certificates of
  ``alb.ingress.kubernetes.io/certificate-arn`` (then HTTPS:443 is the default listen port), or with
  certificates it finds in ACM for the hosts when ``alb.ingress.kubernetes.io/listen-ports`` lists an
  HTTPS port (aws-load-balancer-controller ``pkg/ingress/model_build_listener.go``,
  ``computeIngressListenPortConfigByPort``).

PASS:

    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: mlflow}
    spec:
      tls: [{hosts: [mlflow.example.com], secretName: mlflow-tls}]
      rules:
        - host: mlflow.example.com
          http:
            paths: [{path: /, pathType: Prefix, backend: {service: {name: mlflow, port: {name: http}}}}]

FAIL:

    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: mlflow}
    spec:
      rules:
        - host: mlflow.example.com
          http:
            paths: [{path: /, pathType: Prefix, backend: {service: {name: mlflow, port: {name: http}}}}]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._helpers import as_dict, as_list

ID = "ingress-tls"
CATEGORY = "exposure"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = frozenset({"Ingress"})


def covers(pattern: str, host: str) -> bool:
    """Whether a TLS host entry (possibly ``*.domain``) covers ``host``."""
    pattern, host = pattern.lower(), host.lower()
    if pattern.startswith("*."):
        first, dot, rest = host.partition(".")
        return bool(first) and bool(dot) and rest == pattern[2:]
    return pattern == host


# annotations that give an Ingress certificates on GKE (see the module docs)
GKE_CERTIFICATES = ("networking.gke.io/managed-certificates", "ingress.gcp.kubernetes.io/pre-shared-cert")
ALB_CERTIFICATE_ARN = "alb.ingress.kubernetes.io/certificate-arn"
ALB_LISTEN_PORTS = "alb.ingress.kubernetes.io/listen-ports"


def tls_from_annotations(obj: Resource) -> bool:
    """Whether a cloud load balancer serves this Ingress over TLS with certificates its annotations name."""
    annotations = obj.annotations
    if any(annotations.get(key, "").strip() for key in (*GKE_CERTIFICATES, ALB_CERTIFICATE_ARN)):
        return True
    # listen-ports is JSON such as [{"HTTP": 80}, {"HTTPS": 443}]; the protocol is a key
    return '"HTTPS"' in annotations.get(ALB_LISTEN_PORTS, "").upper()


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if obj.kind != "Ingress" or tls_from_annotations(obj):
        return ()
    return _check(obj)


def _check(obj: Resource) -> Iterator[Finding]:
    spec = as_dict(obj.obj.get("spec"))
    tls = [t for t in as_list(spec.get("tls")) if isinstance(t, dict)]
    if not tls:
        yield Finding(
            f'Ingress "{obj.shown_name}" serves plain HTTP; add a spec.tls entry with its hosts and a secretName.',
            path=pointer("spec") if "spec" in obj.obj else "",
        )
        return
    if any(not as_list(t.get("hosts")) for t in tls):
        return  # a tls entry without hosts applies to every host
    patterns = [str(h) for t in tls for h in as_list(t.get("hosts"))]
    for i, rule in enumerate(as_list(spec.get("rules"))):
        host = as_dict(rule).get("host")
        if not isinstance(host, str) or not host:
            continue
        if not any(covers(p, host) for p in patterns):
            yield Finding(
                f'Ingress "{obj.shown_name}" host "{host}" is not covered by its tls hosts; add it to spec.tls.',
                path=pointer("spec", "rules", i, "host"),
            )
