"""A kustomization adds labels to selectors: ``commonLabels``, or ``labels`` with ``includeSelectors: true``.

kustomize writes these labels not only into ``metadata.labels`` but into every selector it knows:
Service ``spec.selector``, Deployment/StatefulSet/DaemonSet/ReplicaSet/Job ``spec.selector.matchLabels``,
PodDisruptionBudget and NetworkPolicy selectors, affinity terms (kubernetes-sigs/kustomize
``api/internal/konfig/builtinpluginconsts/commonlabels.go``, the ``commonLabels`` field specs). Three traps
follow:

- workload selectors are immutable once created (kubernetes/kubernetes
  ``pkg/apis/apps/validation/validation.go``, ``ValidateDeploymentUpdate`` & co.: "field is immutable"):
  adding or changing such a label later makes every apply/sync of the live object fail until it is
  deleted and recreated;
- a value that changes per release (``app.kubernetes.io/version``, ``helm.sh/chart``, a date) does that on
  every release;
- Services now select only pods carrying the label: pods made elsewhere (another kustomization, an
  operator, a sibling app sharing ``app:``) silently drop out of the endpoints, and Service DNS answers
  with fewer (or no) backends.

Use ``labels: [{pairs: {...}, includeSelectors: false}]`` (the default) for labels that should only
decorate objects; keep selectors in the base. The finding points at the field in the kustomization
file (the kustomization files behind a rendered directory are validated as sources). This is a warning:
on a brand-new deployment the labels work. A kustomization that renders no object with a selector (only
RBAC, CRDs or ConfigMaps, from local files: kedacore/keda ``config/rbac``) is not reported, since the labels
reach no selector there; one whose objects are not all known offline (``helmCharts``, a remote or missing
entry) is.

PASS:

    apiVersion: kustomize.config.k8s.io/v1beta1
    kind: Kustomization
    resources: [../../base]
    labels:
      - pairs: {app.kubernetes.io/part-of: mlflow}

FAIL:

    apiVersion: kustomize.config.k8s.io/v1beta1
    kind: Kustomization
    resources: [../../base]
    commonLabels:
      app.kubernetes.io/version: "3.16.1"
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from generator.kustomize.files import kustomize_tree, read_kustomization
from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.sourcedocs import read_documents

ID = "kustomize-selector-labels"
CATEGORY = "schema"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = frozenset({"Kustomization", "Component"})
KUSTOMIZE_GROUP = "kustomize.config.k8s.io"
# Label keys whose values are expected to change from release to release.
VOLATILE = ("app.kubernetes.io/version", "version", "helm.sh/chart", "chart", "release", "date", "build")
# The kinds whose selectors the labels are written into (commonlabels.go field specs: Service and
# ReplicationController spec.selector; Deployment, ReplicaSet, DaemonSet, StatefulSet, Job matchLabels;
# CronJob's job template; PodDisruptionBudget; NetworkPolicy pod selectors).
SELECTOR_KINDS = frozenset(
    {
        "Service",
        "ReplicationController",
        "Deployment",
        "ReplicaSet",
        "DaemonSet",
        "StatefulSet",
        "Job",
        "CronJob",
        "PodDisruptionBudget",
        "NetworkPolicy",
    }
)
_ENTRIES = ("resources", "bases", "components")


def _describe(pairs: dict[str, Any]) -> str:
    keys = sorted(str(k) for k in pairs)
    volatile = [k for k in keys if k in VOLATILE or k.endswith("/version")]
    text = ", ".join(keys)
    if volatile:
        text += f" ({', '.join(volatile)} changes with every release: each change breaks the next sync)"
    return text


def reaches_no_selector(obj: Resource) -> bool:
    """Whether the kustomization file ``obj`` renders no object of :data:`SELECTOR_KINDS`: every object
    comes from a local file of its tree (no ``helmCharts``, no remote or missing entry) and none of those
    files holds such a kind."""
    path = obj.source.path if obj.source is not None else ""
    if not path:
        return False
    tree = kustomize_tree(Path(path).parent)
    local = {str(p) for p in tree.dirs} | {str(p) for p in tree.files}
    for directory in tree.dirs:
        loaded = read_kustomization(directory)
        if loaded is None:
            continue
        data = loaded[1]
        if data.get("helmCharts") or data.get("helmChartInflationGenerator"):
            return False
        for key in _ENTRIES:
            entries = data.get(key)
            for entry in entries if isinstance(entries, list) else []:
                if not isinstance(entry, str) or str((directory / entry).resolve()) not in local:
                    return False  # remote, missing or not a path: its objects are not known here
    for file in tree.files:
        read = read_documents(file)
        if read is None or any(identity[3] in SELECTOR_KINDS for identity in read[1]):
            return False
    return True


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if obj.group != KUSTOMIZE_GROUP:
        return []  # e.g. a Flux kustomize.toolkit.fluxcd.io Kustomization
    if (obj.obj.get("commonLabels") or obj.obj.get("labels")) and reaches_no_selector(obj):
        return []
    out: list[Finding] = []
    common = obj.obj.get("commonLabels")
    if isinstance(common, dict) and common:
        out.append(
            Finding(
                f"commonLabels {_describe(common)} are also written into every Service and workload "
                "selector: workload selectors are immutable, so adding or changing them later fails the "
                "sync, and Services stop selecting pods without them; use labels with "
                "includeSelectors: false",
                pointer("commonLabels"),
            )
        )
    labels = obj.obj.get("labels")
    for i, entry in enumerate(labels if isinstance(labels, list) else []):
        if not isinstance(entry, dict) or entry.get("includeSelectors") is not True:
            continue
        pairs = entry.get("pairs")
        if isinstance(pairs, dict) and pairs:
            out.append(
                Finding(
                    f"labels[{i}] {_describe(pairs)} with includeSelectors: true are written into every "
                    "Service and workload selector (immutable on workloads; Services stop selecting pods "
                    "without them)",
                    pointer("labels", i, "includeSelectors"),
                )
            )
    return out
