"""What the CustomResourceDefinitions of a validated unit change once phase 1 is done
(:mod:`generator.validate.pipeline`).

Workers check each resource as soon as it is loaded, before the whole set is known. A CRD in the set is
what the cluster will serve, so its schema wins over a bundled one (``SchemaStore.extended``) and its
``scope`` decides whether its kind has a namespace (apiextensions-apiserver
pkg/apis/apiextensions/v1/types.go, ``ResourceScope``). Both are applied to exactly the resources of the
kinds those CRDs define, so the result is the one of a single pass for any ``--jobs``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.validate.crd import cluster_scoped_kinds
from generator.validate.model import Finding, Resource, ResourceRef, declare_cluster_scoped, is_cluster_scoped
from generator.validate.schemas import SchemaStore

# Rules that read the schema store (generator.validate.schemas.store_for): the ones a CRD in the set changes.
SCHEMA_RULES = frozenset({"schema-invalid", "unknown-field", "missing-schema"})

# (resource, the rules to run on it in phase 2)
Pair = tuple[Resource, tuple[str, ...]]


@dataclass
class SchemaRedo:
    """Custom resources whose CRD is in the unit's set: their schema findings are replaced by a check against
    ``store``, the unit's store extended with those CRDs (exact, and cheap: only the kinds they define)."""

    store: SchemaStore
    targets: list[Resource]
    refs: set[ResourceRef]

    def covers(self, f: Finding) -> bool:
        return f.rule in SCHEMA_RULES and f.resource in self.refs


def schema_redo(
    store: SchemaStore, resources: list[Resource], crds: list[dict[str, Any]], moved: set[int]
) -> SchemaRedo | None:
    """The redo for ``resources`` given the unit's ``crds``; the ``moved`` ones (:class:`Rescoped`) get every
    rule in phase 2 instead, against the same extended store."""
    if not crds:
        return None
    extended = store.extended(crds)
    if extended is store:
        return None
    defined = set()
    for crd in crds:
        spec = crd.get("spec")
        spec = spec if isinstance(spec, dict) else {}
        names = spec.get("names")
        names = names if isinstance(names, dict) else {}
        defined.add((spec.get("group"), names.get("kind")))
    targets = [res for res in resources if (res.group, res.kind) in defined and id(res) not in moved]
    if not targets and not moved:
        return None
    return SchemaRedo(extended, targets, {res.ref for res in targets})


@dataclass
class Rescoped:
    """Custom resources of the unit whose kind a CRD in its set declares cluster-scoped while the run did not
    know it as such: in phase 1 they were given the default namespace. The kind is declared cluster-scoped
    for the unit's phase 2 (:func:`model.declare_cluster_scoped`; the caller withdraws :attr:`declared` after
    it: other units do not see these CRDs, as with their schemas), their phase-1 findings are dropped, and
    every rule for them runs in phase 2 instead, which gives what a single pass gives (rules are pure
    functions of the context and the object)."""

    declared: set[tuple[str, str]]
    moved: set[int]  # id() of the resources
    refs: set[ResourceRef]  # their references as phase 1 made them (with the default namespace)
    rules: dict[str, tuple[str, ...]]  # kind -> every active rule for it

    def covers(self, f: Finding) -> bool:
        return f.resource in self.refs

    def work(self, work: list[Pair], resources: list[Resource]) -> list[Pair]:
        """The unit's phase-2 pairs: those of the other resources, then every rule for each moved one."""
        out = [pair for pair in work if id(pair[0]) not in self.moved]
        out.extend((res, self.rules[res.kind]) for res in resources if id(res) in self.moved)
        return out


def rescope(
    resources: list[Resource], crds: list[dict[str, Any]], rules_for: Callable[[str], tuple[str, ...]]
) -> Rescoped | None:
    """Declare the cluster-scoped kinds of ``crds`` that were not known as such and move their resources to
    phase 2 (``rules_for(kind)``: every active rule for a kind)."""
    if not crds:
        return None
    scoped = {k for k in cluster_scoped_kinds(crds) if not is_cluster_scoped(*k)}
    if not scoped:
        return None
    moved = [res for res in resources if (res.group, res.kind) in scoped]
    refs = {res.ref for res in moved}  # before the kinds are declared: the references phase 1 used
    declared = declare_cluster_scoped(scoped)
    return Rescoped(declared, {id(res) for res in moved}, refs, {res.kind: rules_for(res.kind) for res in moved})
