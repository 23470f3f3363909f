"""A Helm chart was found and left unvalidated: validate what helm renders from it.

Argo CD renders a directory with a ``Chart.yaml`` with helm (argoproj/argo-cd
util/app/discovery/discovery.go ``Discover``). Its ``templates/`` are Go templates, not YAML, and
validation is offline and helm-free, so gitops-gen does not read the chart's files: reading them as
manifests would fail on the first ``{{ ... }}``, and the rest of the directory would go unchecked. The
chart is reported here instead, at its ``Chart.yaml``, so that a run over a repository with charts says
what it did not check rather than passing in silence. To check the chart, validate its rendered output
with the values Argo CD uses, e.g. ``helm template guestbook ./guestbook -f values-prod.yaml |
gitops-gen validate -``. A chart that a kustomization pulls in through ``helmCharts`` is rendered by
kustomize and is not reported.

PASS:

    # the chart's rendered output, validated on stdin
    apiVersion: v1
    kind: Service
    metadata: {name: guestbook}
    spec:
      selector: {app: guestbook}
      ports: [{port: 80}]

FAIL:

    # guestbook/Chart.yaml, found while validating the repository (guestbook/templates/ holds the rest)
    apiVersion: v2
    name: guestbook
    version: 0.1.0
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.ksources import HELM_CHART_KIND, is_helm_chart_source
from generator.validate.model import Finding, Resource, Severity

ID = "helm-chart-not-rendered"
CATEGORY = "schema"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = frozenset({HELM_CHART_KIND})


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if not is_helm_chart_source(obj):
        return
    chart = obj.name
    yield Finding(
        f"Helm chart '{chart}' is not validated: Argo CD renders it with helm, and its templates are not YAML. "
        f"Validate the rendered output: `helm template {chart} | gitops-gen validate -`."
    )
