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
    # (namespace, label key, label value) -> workloads whose pod template carries that label
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
                pair = (res, tmpl.labels)  # one tuple per workload, in the bucket of each of its labels
                for label, value in tmpl.labels.items():
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
        """Workloads in ``namespace`` whose pod template labels match every key of ``selector``."""
        if not selector:
            return []
        # Start from the rarest label of the selector, then filter: cost is the smallest bucket, not n.
        buckets = [self._templates_by_label.get((namespace, k, v), []) for k, v in selector.items()]
        items = selector.items()
        return [res for res, labels in min(buckets, key=len) if items <= labels.items()]

    def is_external(self, kind: str, namespace: str, name: str) -> bool:
        return any(e.kind == kind and e.name == name and e.namespace in ("", namespace) for e in self.external)
