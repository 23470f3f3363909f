"""A Service whose selector matches no pod template in its namespace.

A Service routes to the pods its ``spec.selector`` matches. When no Deployment, StatefulSet, DaemonSet,
Job, CronJob, ReplicaSet or Pod in the rendered set carries all of the selector's labels in its pod
template (in the Service's namespace), the Service has no endpoints: clients get connection refused or
time-outs, and nothing in ``kubectl apply`` complains. The usual cause is a typo or a label changed on one
side only. Services without a selector (endpoints managed by hand, ExternalName) are not checked.

Pods an operator makes count as pods of the set: a ``Prometheus``, ``Alertmanager``, ``ThanosRuler`` or
``PrometheusAgent`` (prometheus-operator), a CloudNativePG ``Cluster`` or ``Pooler``, a MinIO ``Tenant``, a
Zalando ``postgresql`` or a Rook ``CephCluster`` (its mgr pods) in the set makes pods with the labels its
operator's source sets (see ``generator/validate/operators.py``). So do the labels that a program puts on
its own pod at run time (the MinIO Operator's leader: ``operator: leader``; ``longhorn-manager``'s webhook
and recovery backend). Pods from outside the files (another repo's operator, the cluster) are declared in
``.gitops-gen.yaml`` as ``external`` objects of kind ``Pod`` with their ``labels``.

PASS:

    apiVersion: v1
    kind: Service
    metadata: {name: mlflow}
    spec:
      selector: {app.kubernetes.io/name: mlflow}
      ports: [{port: 5000, targetPort: http}]
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      selector: {matchLabels: {app.kubernetes.io/name: mlflow}}
      template:
        metadata: {labels: {app.kubernetes.io/name: mlflow}}
        spec:
          containers: [{name: mlflow, image: mlflow:2.10.0, ports: [{name: http, containerPort: 5000}]}]

FAIL:

    apiVersion: v1
    kind: Service
    metadata: {name: mlflow}
    spec:
      selector: {app: mlflow-server}   # no pod template has this label
      ports: [{port: 5000}]
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.crossref import as_dict, service_selector
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.operators import made_pods_selected, self_labelled_pods

ID = "dangling-service"
CATEGORY = "cross-resource"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = frozenset({"Service"})


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    spec = as_dict(obj.obj.get("spec"))
    if spec.get("type") == "ExternalName":
        return
    selector = service_selector(obj)
    if not selector:
        return
    if ctx.pod_owners(obj.namespace, selector):
        return
    if made_pods_selected(ctx, obj.namespace, selector):
        return  # an operator makes these pods from a custom resource, or they are declared external
    if any(p.namespace == obj.namespace and p.matches(selector) for p in self_labelled_pods(ctx)):
        return  # a program labels its own pod (the MinIO Operator's leader, longhorn-manager)
    labels = ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
    where = obj.namespace or "the default namespace"
    yield Finding(
        f"Service {obj.shown_name} selects no pod template in namespace {where} (selector {labels})",
        path=pointer("spec", "selector"),
    )
