"""The API-server model's result per resource, computed once per resource and shared by the
``apiserver-invalid``, ``apiserver-warning`` and ``probe-port-mismatch`` rules."""

from __future__ import annotations

from generator.models.kube_apiserver import Options, Violation, parse_version, probe_port_problems, validate
from generator.validate.context import Context
from generator.validate.model import Resource
from generator.validate.rules._helpers import template_of

_OPTIONS: dict[str, Options] = {}  # per Kubernetes version
# The last resource's result: the three rules ask for it one after the other on the same resource (the
# engine runs every rule on a resource before the next one). Holding the context and the resource keeps
# their identities valid; a dict per context would also keep every result of the run alive.
_LAST: list[tuple[Context, Resource, list[Violation]]] = []


def violations(ctx: Context, res: Resource) -> list[Violation]:
    """Every :class:`Violation` of ``res`` (all outcomes), computed once for the rules that share it."""
    if _LAST:
        last_ctx, last_res, found = _LAST[0]
        if last_res is res and last_ctx is ctx:
            return found
    version = ctx.kubernetes_version
    opts = _OPTIONS.get(version)
    if opts is None:
        opts = _OPTIONS[version] = Options(parse_version(version))
    found = validate(res.obj, opts)
    tmpl = template_of(ctx, res)
    if tmpl is not None:
        found += probe_port_problems(tmpl.spec, tmpl.path)
    _LAST[:] = [(ctx, res, found)]
    return found
