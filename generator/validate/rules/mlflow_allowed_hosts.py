"""An Ingress or route sends a host to an MLflow >= 3.5 server that doesn't allow that host.

From MLflow 3.5 the server checks the ``Host`` header of every request except /health and /version
(mlflow/mlflow ``mlflow/server/fastapi_security.py``, HostValidationMiddleware; ``security_utils.py``,
``is_allowed_host_header``: exact match, ``fnmatch`` for patterns with ``*``). The list comes from
``--allowed-hosts`` or MLFLOW_SERVER_ALLOWED_HOSTS; the default admits only localhost and private IPs
(``get_default_allowed_hosts``). Behind an Ingress, HTTPRoute or OpenShift Route the Host header is the
public name, so every UI and API call answers 403 "Invalid Host header" while health checks stay green.
Add the host (or a pattern such as ``*.example.com``) to the allowed hosts. Servers whose version is
older, whose security middleware is disabled, or whose list comes from a Secret are not checked. Model:
``generator/models/mlflow_server.py``.

PASS:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      selector: {matchLabels: {app: mlflow}}
      template:
        metadata: {labels: {app: mlflow}}
        spec:
          containers:
            - name: mlflow
              image: ghcr.io/mlflow/mlflow:v3.16.1-full
              command: [mlflow]
              args: [server, --host, 0.0.0.0, --allowed-hosts, "mlflow.example.com,mlflow:5000"]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: mlflow}
    spec: {selector: {app: mlflow}, ports: [{name: http, port: 5000}]}
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: mlflow}
    spec:
      rules:
        - host: mlflow.example.com
          http:
            paths: [{path: /, pathType: Prefix, backend: {service: {name: mlflow, port: {name: http}}}}]

FAIL:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      selector: {matchLabels: {app: mlflow}}
      template:
        metadata: {labels: {app: mlflow}}
        spec:
          containers:
            - name: mlflow
              image: ghcr.io/mlflow/mlflow:v3.16.1-full
              command: [mlflow]
              args: [server, --host, 0.0.0.0]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: mlflow}
    spec: {selector: {app: mlflow}, ports: [{name: http, port: 5000}]}
    ---
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

from generator.models.mlflow_server import host_allowed
from generator.validate.context import Context
from generator.validate.crossref import ingress_backends, service_backends
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._helpers import as_dict, as_list
from generator.validate.rules._mlflow import servers

ID = "mlflow-allowed-hosts"
CATEGORY = "mlflow"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = frozenset({"Ingress", "HTTPRoute", "Route"})


def _routes(obj: Resource) -> Iterator[tuple[str, tuple[str | int, ...], list[str]]]:
    """(host, pointer parts of the host, Service names it reaches)."""
    spec = as_dict(obj.obj.get("spec"))
    if obj.kind == "Ingress":
        for i, rule in enumerate(as_list(spec.get("rules"))):
            host = as_dict(rule).get("host")
            if isinstance(host, str) and host:
                names = [b.service for b in ingress_backends(obj) if b.path[:3] == ("spec", "rules", i)]
                yield host, ("spec", "rules", i, "host"), names
    elif obj.kind == "HTTPRoute":
        names = [
            str(ref.get("name"))
            for rule in as_list(spec.get("rules"))
            for ref in map(as_dict, as_list(as_dict(rule).get("backendRefs")))
            if ref.get("kind", "Service") == "Service" and ref.get("name")
        ]
        for i, host in enumerate(as_list(spec.get("hostnames"))):
            if isinstance(host, str):
                yield host, ("spec", "hostnames", i), names
    else:  # OpenShift Route
        host, to = spec.get("host"), as_dict(spec.get("to"))
        if isinstance(host, str) and host and to.get("name"):
            yield host, ("spec", "host"), [str(to.get("name"))]


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    out: list[Finding] = []
    for host, where, names in _routes(obj):
        for name in dict.fromkeys(names):
            svc = ctx.get("Service", obj.namespace, name)
            if svc is None:
                continue
            for workload in service_backends(ctx, svc):
                for _c, server in servers(ctx, workload):
                    allowed = server.allowed_hosts()
                    if allowed is not None and not host_allowed(allowed, host):
                        shown = ",".join(allowed[:4]) + (",..." if len(allowed) > 4 else "")
                        out.append(
                            Finding(
                                f'host "{host}" reaches the MLflow server of {workload.kind} {workload.shown_name}, '
                                f"whose allowed hosts ({shown}) don't include it: every request gets 403 "
                                "(add it to --allowed-hosts / MLFLOW_SERVER_ALLOWED_HOSTS)",
                                pointer(*where),
                            )
                        )
    return out
