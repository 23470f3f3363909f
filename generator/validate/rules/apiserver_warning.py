"""The Kubernetes API server accepts this object but answers with a ``Warning:``.

Some mistakes are not rejected but reported as warnings by the API server (kubernetes/kubernetes
``pkg/api/pod/warnings.go``, ``warningsForPodSpecAndMeta``), for example a containerPort/protocol pair
declared twice in one pod ("duplicate port definition"): the second declaration is ignored by Services
that look the name up, and two containers cannot both listen on the port. Argo CD and CI logs bury these
warnings; this rule surfaces them. Same model as ``apiserver-invalid`` (``generator/models/kube_apiserver``).

PASS:

    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      containers:
        - {name: web, image: nginx:1.27, ports: [{containerPort: 80}]}
        - {name: metrics, image: nginx/nginx-prometheus-exporter:1.3.0, ports: [{containerPort: 9113}]}

FAIL:

    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      containers:
        - {name: web, image: nginx:1.27, ports: [{containerPort: 80}]}
        - {name: sidecar, image: nginx:1.27, ports: [{containerPort: 80}]}
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._apiserver import violations

ID = "apiserver-warning"
CATEGORY = "schema"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = None


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    return [
        Finding(f"{v.message} [{v.upstream}]", pointer(*v.path)) for v in violations(ctx, obj) if v.outcome == "warn"
    ]
