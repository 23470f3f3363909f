"""The API-server model's result per resource, computed once per context and shared by the
``apiserver-invalid``, ``apiserver-warning`` and ``probe-port-mismatch`` rules."""

from __future__ import annotations

from generator.models.kube_apiserver import Options, Violation, parse_version, probe_port_problems, validate
from generator.validate.context import Context
from generator.validate.crossref import memo
from generator.validate.model import Resource
from generator.validate.workloads import pod_template


def violations(ctx: Context, res: Resource) -> list[Violation]:
    """Every :class:`Violation` of ``res`` (all outcomes), cached per context and resource."""
    store: dict[int, tuple[Resource, list[Violation]]] = memo(ctx, "rules._apiserver", dict)
    entry = store.get(id(res))
    if entry is None or entry[0] is not res:
        opts = memo(ctx, "rules._apiserver.options", lambda: Options(parse_version(ctx.kubernetes_version)))
        found = validate(res.obj, opts)
        tmpl = pod_template(res)
        if tmpl is not None:
            found += probe_port_problems(tmpl.spec, tmpl.path)
        entry = (res, found)
        store[id(res)] = entry
    return entry[1]
