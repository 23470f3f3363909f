"""Everything a rule may look at: all resources of the run plus indexes, so cross-resource rules never
scan pairs (no O(n^2))."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from generator.validate.model import Resource
from generator.validate.workloads import pod_template


@dataclass(frozen=True, slots=True)
class ExternalObject:
    """An object that exists in the cluster but not in the files validated (declared in the environment's
    ``policy.external`` or in the repository's ``.gitops-gen.yaml``)."""

    kind: str
    name: str
    namespace: str = ""  # empty: any namespace
    labels: tuple[tuple[str, str], ...] = ()  # for label-selected objects (cluster Services, operator pods)
    reason: str = ""  # why it is external (``.gitops-gen.yaml`` requires one)

    def label_map(self) -> dict[str, str]:
        return dict(self.labels)


# Labels the StatefulSet controller sets on each pod (k8s.io/api apps/v1 types.go: StatefulSetPodNameLabel,
# PodIndexLabel): see Context._statefulset_pods.
STATEFULSET_POD_NAME = "statefulset.kubernetes.io/pod-name"
POD_INDEX = "apps.kubernetes.io/pod-index"
# Labels the API server adds to a Job's pod template, the Job's name as value (k8s.io/api batch/v1 types.go:
# LegacyJobNameLabel, JobNameLabel): see _job_pod_labels.
JOB_NAME_LABELS = ("job-name", "batch.kubernetes.io/job-name")


def _job_pod_labels(res: Resource, labels: dict[str, str]) -> dict[str, str]:
    """The labels of a Job's pods: its template's, plus those the API server adds when it creates the Job.
    Unless ``spec.manualSelector`` is true, the Job strategy's ``generateSelector`` (kubernetes
    pkg/registry/batch/job/strategy.go) sets ``job-name`` and ``batch.kubernetes.io/job-name`` to the Job's
    name where the template does not set them (a template's own value stands). A headless Service for an
    Indexed Job's workers selects on them (GoogleCloudPlatform/kubernetes-engine-samples,
    ai-ml/mix-train-and-inference)."""
    name = res.name
    spec = res.obj.get("spec")
    if not name or (isinstance(spec, dict) and spec.get("manualSelector") is True):
        return labels
    if all(key in labels for key in JOB_NAME_LABELS):
        return labels
    added = dict(labels)
    for key in JOB_NAME_LABELS:
        added.setdefault(key, name)
    return added


def _ordinal(digits: str) -> int | None:
    """The ordinal ``digits`` writes as the controller does (``0``, ``12``; not ``012`` or ``+1``), else None."""
    if not (digits.isascii() and digits.isdigit()) or str(int(digits)) != digits:
        return None
    return int(digits)


def _in_ordinal_range(obj: dict[str, Any], ordinal: int) -> bool:
    """Whether a StatefulSet has a pod of this ordinal: ``spec.ordinals.start`` up to ``start + replicas``."""
    spec = obj.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    ordinals = spec.get("ordinals")
    start = ordinals.get("start") if isinstance(ordinals, dict) else None
    first = start if isinstance(start, int) and not isinstance(start, bool) else 0
    replicas = spec.get("replicas")
    if not isinstance(replicas, int) or isinstance(replicas, bool):
        return ordinal >= first
    return first <= ordinal < first + replicas


@dataclass
class Context:
    resources: list[Resource]
    profile: str = "default"  # "dev", "staging", "prod" or "default" (plain files)
    kubernetes_version: str = "1.33"
    external: frozenset[ExternalObject] = frozenset()
    schemas: Any = None  # generator.validate.schemas.SchemaStore when schema rules run
    _by_kind: dict[str, list[Resource]] = field(default_factory=dict, init=False, repr=False)
    # (kind, namespace, name) -> the resource, or a list when there are several (duplicate-resource): no
    # one-item list per resource
    _by_key: dict[tuple[str, str, str], Resource | list[Resource]] = field(default_factory=dict, init=False, repr=False)
    # (namespace, label key, label value) -> workloads whose pods carry that label (their template's labels,
    # with those the API server adds to a Job's: _job_pod_labels)
    _templates_by_label: dict[tuple[str, str, str], list[tuple[Resource, dict[str, str]]]] = field(
        default_factory=dict, init=False, repr=False
    )
    # indexes the rules build over this context (generator.validate.crossref.memo): they live and die with it
    memos: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_kind: dict[str, list[Resource]] = defaultdict(list)
        by_key: dict[tuple[str, str, str], Resource | list[Resource]] = {}
        templates: dict[tuple[str, str, str], list[tuple[Resource, dict[str, str]]]] = defaultdict(list)
        for res in self.resources:
            kind, namespace = res.kind, res.namespace
            by_kind[kind].append(res)
            key = (kind, namespace, res.name)
            found = by_key.setdefault(key, res)
            if found is not res:
                if isinstance(found, list):
                    found.append(res)
                else:
                    by_key[key] = [found, res]
            tmpl = pod_template(res)
            if tmpl is not None:
                labels = _job_pod_labels(res, tmpl.labels) if kind == "Job" and res.group == "batch" else tmpl.labels
                pair = (res, labels)  # one tuple per workload, in the bucket of each of its labels
                for label, value in labels.items():
                    templates[(namespace, label, value)].append(pair)
        self._by_kind = dict(by_kind)
        self._by_key = by_key
        self._templates_by_label = dict(templates)

    @classmethod
    def from_objects(
        cls, objects: Iterable[dict[str, Any]], *, profile: str = "default", namespace: str = "default", **kw: Any
    ) -> Context:
        """A context for tests and plain streams: each dict becomes a Resource of file ``<memory>``."""
        res = [Resource(o, "<memory>", i, 0, default_namespace=namespace) for i, o in enumerate(objects)]
        return cls(res, profile=profile, **kw)

    def by_kind(self, kind: str) -> list[Resource]:
        return self._by_kind.get(kind, [])

    def get(self, kind: str, namespace: str, name: str) -> Resource | None:
        found = self._by_key.get((kind, namespace, name))
        return found[0] if isinstance(found, list) else found

    def all_named(self, kind: str, namespace: str, name: str) -> list[Resource]:
        found = self._by_key.get((kind, namespace, name))
        if found is None:
            return []
        return found if isinstance(found, list) else [found]

    def pod_owners(self, namespace: str, selector: dict[str, str]) -> list[Resource]:
        """Workloads in ``namespace`` whose pod template labels match every key of ``selector``, with the
        labels the API server adds to a Job's template (:func:`_job_pod_labels`) and those the StatefulSet
        controller puts on each of its pods (:meth:`_statefulset_pods`)."""
        if not selector:
            return []
        if STATEFULSET_POD_NAME in selector or POD_INDEX in selector:
            return self._statefulset_pods(namespace, selector)
        # Start from the rarest label of the selector, then filter: cost is the smallest bucket, not n.
        buckets = [self._templates_by_label.get((namespace, k, v), []) for k, v in selector.items()]
        items = selector.items()
        return [res for res, labels in min(buckets, key=len) if items <= labels.items()]

    def _statefulset_pods(self, namespace: str, selector: dict[str, str]) -> list[Resource]:
        """The StatefulSets of ``namespace`` with a pod that ``selector`` selects. Besides its template's
        labels, each pod of a StatefulSet carries ``statefulset.kubernetes.io/pod-name: <set>-<ordinal>``
        and ``apps.kubernetes.io/pod-index: <ordinal>`` (kubernetes pkg/controller/statefulset/
        stateful_set_utils.go, ``updateIdentity``), for ordinals from ``spec.ordinals.start`` (0) on, as
        many as ``spec.replicas`` (``podInOrdinalRange``). A Service per pod (Redis or Kafka announce
        Services) selects on them. Without ``spec.replicas`` (an autoscaler sets it) any ordinal counts."""
        rest = {k: v for k, v in selector.items() if k not in (STATEFULSET_POD_NAME, POD_INDEX)}
        wanted_name, wanted_index = selector.get(STATEFULSET_POD_NAME), selector.get(POD_INDEX)
        found: list[Resource] = []
        for res in self.by_kind("StatefulSet"):
            tmpl = pod_template(res) if res.namespace == namespace else None
            if tmpl is None or not rest.items() <= tmpl.labels.items():
                continue
            # the ordinal each wanted label names for this set's pods (None: no pod of this set has it)
            ordinals: set[int | None] = set()
            if wanted_name is not None:
                prefix = res.name + "-"
                ordinals.add(_ordinal(wanted_name[len(prefix) :]) if wanted_name.startswith(prefix) else None)
            if wanted_index is not None:
                ordinals.add(_ordinal(wanted_index))
            (ordinal,) = ordinals if len(ordinals) == 1 else (None,)
            if ordinal is not None and _in_ordinal_range(res.obj, ordinal):
                found.append(res)
        return found

    def is_external(self, kind: str, namespace: str, name: str) -> bool:
        return any(e.kind == kind and e.name == name and e.namespace in ("", namespace) for e in self.external)
