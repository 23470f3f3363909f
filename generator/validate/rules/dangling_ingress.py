"""An Ingress backend whose Service, or whose Service port, is not in the rendered set.

Every backend of an Ingress (``spec.defaultBackend`` and each ``rules[].http.paths[].backend``) names a
Service in the Ingress's namespace and one of its ports, by number or by name. If the Service does not
exist, or has no port with that number/name, the controller answers 503 for that path; the apply itself
succeeds, so nothing else catches it. A Service that lives outside the repo can be declared in
``policy.external`` (kind Service). The Services an operator makes for a custom resource of the set (a
MinIO ``Tenant``'s ``minio`` and ``<tenant>-console``, a grafana-operator ``Grafana``'s ``<name>-service``
with port ``grafana`` 3000: generator/validate/producers.py ``made_services``) count, with their ports.
When the run holds several Services of that name in the namespace, in separate applies (two example
directories, each with its own ``frontend``: generator/validate/applies.py), the copies applied with the
Ingress are the ones it is checked against (``own_apply_first``); with no copy there, any of the others
will do.

The AWS Load Balancer Controller's ``use-annotation`` port name is no Service port: the backend's action is
the Ingress annotation ``alb.ingress.kubernetes.io/actions.<service name>``, and the name is the action's
(kubernetes-sigs/aws-load-balancer-controller pkg/ingress/enhanced_backend_builder.go,
``magicServicePortUseAnnotation``). Such a backend is not checked, even without that annotation: Argo
Rollouts' ALB traffic routing writes it at run time (argoproj/argo-rollouts utils/ingress/ingress.go,
``ALBActionAnnotationKey``: ``actions.<rootService, else stableService>``).

PASS:

    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: mlflow}
    spec:
      rules:
        - host: mlflow.example.com
          http:
            paths:
              - path: /
                pathType: Prefix
                backend: {service: {name: mlflow, port: {name: http}}}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: mlflow}
    spec:
      ports: [{name: http, port: 5000}]

FAIL:

    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: mlflow}
    spec:
      rules:
        - http:
            paths:
              - path: /
                pathType: Prefix
                backend: {service: {name: mlflow, port: {number: 80}}}   # the Service only has 5000
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: mlflow}
    spec:
      ports: [{name: http, port: 5000}]
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.applies import own_apply_first
from generator.validate.context import Context
from generator.validate.crossref import find_service_port, ingress_backends, service_ports
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.producers import made_services

ID = "dangling-ingress"
CATEGORY = "cross-resource"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = frozenset({"Ingress"})

ALB_USE_ANNOTATION = "use-annotation"


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    ns = obj.namespace
    for backend in ingress_backends(obj):
        if not backend.service:
            continue  # a schema error, not ours
        if backend.port == ALB_USE_ANNOTATION:
            continue  # an action of the AWS Load Balancer Controller, not a Service port (see above)
        # A copy of the name in another apply (a sibling example directory) is another Service: the
        # Ingress is answered by the one applied with it when there is one (see the module docs).
        copies = own_apply_first(obj, ctx.all_named("Service", ns, backend.service))
        made = made_services(ctx).get((ns, backend.service))
        if not copies and made is not None:
            copies = [made]
        if not copies:
            if not ctx.is_external("Service", ns, backend.service):
                yield Finding(
                    f"backend Service {backend.service} does not exist in namespace {ns or 'default'}",
                    path=pointer(*backend.path),
                )
            continue
        if backend.port is None or any(find_service_port(svc, backend.port) is not None for svc in copies):
            continue
        svc = copies[0]
        ports = service_ports(svc)
        known = ", ".join(sorted({p.name for p in ports if p.name} | {str(p.port) for p in ports if p.port}))
        what = "port number" if isinstance(backend.port, int) else "port name"
        yield Finding(
            f"Service {backend.service} has no {what} {backend.port} (it has: {known or 'no ports'})",
            path=pointer(*backend.port_path),
        )
