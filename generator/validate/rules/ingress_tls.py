"""Every Ingress host must be served over TLS.

Without TLS, MLflow logins, API tokens, artifacts and model payloads cross the network in clear text.
An Ingress passes when it has a ``spec.tls`` block and every ``spec.rules[].host`` is covered by one of
its ``hosts`` (a wildcard ``*.example.com`` covers exactly one more label, as in certificates; a tls
entry without ``hosts`` covers every host, as the API defines). An Ingress without ``tls`` fires once at
``/spec``; each uncovered host fires at its ``/spec/rules/<i>/host``.

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


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if obj.kind != "Ingress":
        return ()
    return _check(obj)


def _check(obj: Resource) -> Iterator[Finding]:
    spec = as_dict(obj.obj.get("spec"))
    tls = [t for t in as_list(spec.get("tls")) if isinstance(t, dict)]
    if not tls:
        yield Finding(
            f'Ingress "{obj.name}" serves plain HTTP; add a spec.tls entry with its hosts and a secretName.',
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
                f'Ingress "{obj.name}" host "{host}" is not covered by its tls hosts; add it to spec.tls.',
                path=pointer("spec", "rules", i, "host"),
            )
