"""Pod Security evaluation per workload, shared by ``pod-security`` (enforce) and ``pod-security-warn``
(warn/audit): the namespace's labels come from the Namespace object in the validated set."""

from __future__ import annotations

from typing import Any

from generator.models.kube_apiserver import parse_version
from generator.models.pod_security import Breach, NamespacePolicy, evaluate
from generator.validate.context import Context
from generator.validate.crossref import memo
from generator.validate.model import Resource
from generator.validate.rules._helpers import PER_RESOURCE_CACHE, template_of


def _pod_meta(res: Resource, prefix: tuple[str | int, ...]) -> dict[str, Any]:
    node: Any = res.obj
    for part in prefix:
        node = node.get(part) if isinstance(node, dict) else None
    meta = node.get("metadata") if isinstance(node, dict) else None
    return meta if isinstance(meta, dict) else {}


def breaches(ctx: Context, res: Resource) -> dict[str, tuple[str, list[tuple[tuple[str | int, ...], Breach]]]]:
    """mode -> (level, [(path prefix, breach)]) for the modes the namespace sets; {} without a labelled
    Namespace in the set. Cached per resource."""
    store: dict[int, tuple[Resource, Any]] = memo(ctx, "rules._pss", dict)
    entry = store.get(id(res))
    if entry is not None and entry[0] is res:
        found: dict[str, tuple[str, list[tuple[tuple[str | int, ...], Breach]]]] = entry[1]
        return found
    found = {}
    ns = ctx.get("Namespace", "", res.namespace) if res.namespace else None
    tmpl = template_of(ctx, res)
    if ns is not None and tmpl is not None:
        policy = NamespacePolicy.from_labels(ns.labels, parse_version(ctx.kubernetes_version))
        prefix = tmpl.path[:-1]
        meta = _pod_meta(res, prefix)
        cache: dict[tuple[str, tuple[int, int]], list[Breach]] = {}
        for mode, (level, version) in policy.levels.items():
            if (level, version) not in cache:
                cache[(level, version)] = evaluate(level, version, meta, tmpl.spec)
            found[mode] = (level, [(prefix, b) for b in cache[(level, version)]])
    if len(store) >= PER_RESOURCE_CACHE:
        store.clear()
    store[id(res)] = (res, found)
    return found
