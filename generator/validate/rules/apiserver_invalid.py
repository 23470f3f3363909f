"""The Kubernetes API server would reject this object (offline port of its validation).

The JSON schemas only check types and required fields. The API server runs Go validation on top of them
(kubernetes/kubernetes ``pkg/apis/{core,apps,batch,autoscaling,networking,policy,rbac}/validation`` and
k8s.io/apimachinery's helpers); a manifest that passes the schemas can still fail ``kubectl apply`` or an
Argo CD sync with ``is invalid:``. This rule runs that validation offline (``generator/models/kube_apiserver``;
each message names the upstream function). Among others:

- Deployment/StatefulSet/DaemonSet/ReplicaSet: selector required, non-empty, valid and matching the template
  labels; restartPolicy Always; rolling-update maxSurge/maxUnavailable not both 0; Recreate without
  rollingUpdate;
- Job/CronJob: restartPolicy OnFailure or Never; the cron schedule (robfig/cron: 5 fields, day of week
  0-6, descriptors), no TZ= in the schedule, an IANA timeZone; no hand-written selector;
- containers: image required, unique names, containerPort/hostPort 1-65535, unique port names, protocol,
  env var names and valueFrom, volumeMounts naming existing volumes with unique mountPaths, resource
  names and quantities with requests <= limits, probes with exactly one handler and successThreshold 1
  for liveness/startup;
- volumes (one source each, unique names), tolerations, affinity topologyKey, topology spread
  constraints, DNS policy, sysctls;
- labels and annotations (qualified keys, label values, 256 KiB of annotations) on every object and
  every pod template;
- Service ports (names when several, duplicates, targetPort, nodePort only for NodePort/LoadBalancer),
  Ingress paths (pathType required, absolute clean paths) and backends, NetworkPolicy ports (endPort)
  and ipBlocks, PDB (minAvailable xor maxUnavailable, <= 100%), HPA (minReplicas >= 1, maxReplicas >=
  minReplicas, metric sources), RBAC rules (verbs, apiGroups, resources) and bindings (roleRef, subjects),
  ConfigMap/Secret keys.

Names (``metadata.name``, container and port names) are the ``invalid-name`` rule's. No peer linter does
this offline as a whole (kubeconform checks schemas only); single checks overlap with kube-linter
``mismatching-selector``, ``invalid-target-ports`` and ``restart-policy``. The full equivalent is
``kubectl apply --dry-run=server`` against a cluster.

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
              image: ghcr.io/mlflow/mlflow:v3.1.0
              ports: [{name: http, containerPort: 5000}]

FAIL:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      selector: {matchLabels: {app: mlflow}}
      template:
        metadata: {labels: {app: tracking}}   # `selector` does not match template `labels`
        spec:
          containers:
            - name: mlflow                    # no image
              ports: [{name: http, containerPort: 70000}]
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._apiserver import violations

ID = "apiserver-invalid"
CATEGORY = "schema"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = None


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    return [
        Finding(f"{v.message} [{v.upstream}]", pointer(*v.path)) for v in violations(ctx, obj) if v.outcome == "reject"
    ]
