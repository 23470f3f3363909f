"""What the kubelet does to a container spec before the runtime starts it, as pure functions.

- ``$(VAR)`` expansion: a port of Kubernetes' ``third_party/forked/golang/expansion/expand.go``
  (kubernetes/kubernetes): ``$(NAME)`` is replaced when NAME is defined, kept verbatim when it is not,
  ``$$`` is an escaped ``$``; any other ``$x`` is copied as is.
- Env resolution: ``makeEnvironmentVariables`` in ``pkg/kubelet/kubelet_pods.go`` (kubernetes/kubernetes):
  variables are resolved in declaration order; a ``value`` is expanded against the variables declared
  *before* it (and the service env vars, none here: ``enableServiceLinks: false``); a ``valueFrom``
  (secretKeyRef, configMapKeyRef) is taken verbatim, never expanded; a missing Secret/ConfigMap key is an
  error unless ``optional: true``.
- Command and args: ``ExpandContainerCommandAndArgs`` in ``pkg/kubelet/container/helpers.go`` expands
  ``$(VAR)`` in every element against the container's final env.
- ExternalSecret templates (external-secrets ``engineVersion: v2``, Go text/template with Sprig): only the
  pipeline forms the generator emits (``{{ .key }}``, ``| urlquery``, ``| replace "a" "b"``) are
  evaluated; anything else raises, so a new template form cannot pass unnoticed. ``urlquery`` is Go's
  ``url.QueryEscape`` (``net/url``: unreserved ``A-Za-z0-9-_.~`` kept, space -> ``+``, the rest
  ``%XX``).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any

Obj = dict[str, Any]


def expand(text: str, mapping: Callable[[str], str]) -> str:
    """``expansion.Expand`` from expand.go, statement for statement."""
    buf: list[str] = []
    checkpoint = 0
    cursor = 0
    while cursor < len(text):
        if text[cursor] == "$" and cursor + 1 < len(text):
            buf.append(text[checkpoint:cursor])
            read, is_var, advance = _try_read_variable_name(text[cursor + 1 :])
            if is_var:
                buf.append(mapping(read))
            else:
                buf.append(text[cursor] + read)
            cursor += advance
            checkpoint = cursor + 1
        cursor += 1
    return "".join(buf) + text[checkpoint:]


def _try_read_variable_name(text: str) -> tuple[str, bool, int]:
    """``tryReadVariableName`` from expand.go."""
    if text[0] == "$":
        return text[0:1], False, 1  # escaped operator
    if text[0] == "(":
        for i in range(1, len(text)):
            if text[i] == ")":
                return text[1:i], True, i + 1
        return "$(", False, 1  # incomplete reference
    return "$" + text[0], False, 1


def mapping_func_for(*contexts: Mapping[str, str]) -> Callable[[str], str]:
    """``MappingFuncFor``: the first context defining the name wins; undefined names stay ``$(NAME)``."""

    def _map(name: str) -> str:
        for ctx in contexts:
            if name in ctx:
                return ctx[name]
        return f"$({name})"

    return _map


class ResolveError(Exception):
    """A container's env cannot be resolved (missing Secret, ConfigMap or key)."""


def resolve_env(
    container: Obj,
    *,
    secrets: Mapping[str, Mapping[str, str]],
    config_maps: Mapping[str, Mapping[str, str]],
) -> dict[str, str]:
    """The container's environment as the kubelet builds it (``envFrom`` first, then ``env`` in order)."""
    env: dict[str, str] = {}
    for source in container.get("envFrom") or []:
        prefix = source.get("prefix", "")
        if "secretRef" in source:
            data = _lookup(secrets, "Secret", source["secretRef"])
        else:
            data = _lookup(config_maps, "ConfigMap", source["configMapRef"])
        env.update({prefix + k: v for k, v in (data or {}).items()})
    mapping = mapping_func_for(env)
    for var in container.get("env") or []:
        value = var.get("value", "")
        if value:
            env[var["name"]] = expand(value, mapping)
            continue
        ref = var.get("valueFrom")
        if ref is None:
            env[var["name"]] = ""
        elif "secretKeyRef" in ref:
            got = _key(secrets, "Secret", ref["secretKeyRef"])
            if got is not None:
                env[var["name"]] = got
        elif "configMapKeyRef" in ref:
            got = _key(config_maps, "ConfigMap", ref["configMapKeyRef"])
            if got is not None:
                env[var["name"]] = got
        else:
            raise ResolveError(f"{var['name']}: valueFrom {sorted(ref)} is not simulated by the e2e harness")
    return env


def _lookup(store: Mapping[str, Mapping[str, str]], kind: str, ref: Obj) -> Mapping[str, str] | None:
    if ref["name"] in store:
        return store[ref["name"]]
    if ref.get("optional"):
        return None
    raise ResolveError(f"{kind} {ref['name']!r} not found")


def _key(store: Mapping[str, Mapping[str, str]], kind: str, ref: Obj) -> str | None:
    data = _lookup(store, kind, ref)
    if data is None:
        return None
    if ref["key"] in data:
        return data[ref["key"]]
    if ref.get("optional"):
        return None
    raise ResolveError(f"{kind} {ref['name']!r} has no key {ref['key']!r}")


def expand_argv(container: Obj, env: Mapping[str, str]) -> list[str]:
    """``ExpandContainerCommandAndArgs``: command + args with ``$(VAR)`` expanded against the final env."""
    mapping = mapping_func_for(env)
    return [expand(a, mapping) for a in [*(container.get("command") or []), *(container.get("args") or [])]]


def go_query_escape(value: str) -> str:
    """Go's ``url.QueryEscape`` (net/url ``shouldEscape`` in encodeQueryComponent mode)."""
    return urllib.parse.quote_plus(value, safe="-_.~")


_ACTION = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}")
_QUOTED = r'"((?:[^"\\]|\\.)*)"'


def _pipeline(expr: str, values: Mapping[str, str]) -> str:
    stages = [s.strip() for s in expr.split("|")]
    head = re.fullmatch(r"\.([A-Za-z_][A-Za-z0-9_-]*)", stages[0])
    if head is None or head.group(1) not in values:
        raise ResolveError(f"template {expr!r}: unsupported head or unknown key")
    out = values[head.group(1)]
    for stage in stages[1:]:
        if stage == "urlquery":
            out = go_query_escape(out)
            continue
        rep = re.fullmatch(rf"replace\s+{_QUOTED}\s+{_QUOTED}", stage)
        if rep is None:
            raise ResolveError(f"template {expr!r}: stage {stage!r} is not simulated by the e2e harness")
        out = out.replace(rep.group(1), rep.group(2))  # Sprig: replace OLD NEW STRING
    return out


def external_secret_data(obj: Obj, remote: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """The Secret data external-secrets writes for ``obj`` given the store's ``remote`` key -> properties."""
    spec = obj["spec"]
    values: dict[str, str] = {}
    for item in spec.get("data") or []:
        ref = item["remoteRef"]
        try:
            values[item["secretKey"]] = remote[ref["key"]][ref["property"]]
        except KeyError:
            raise ResolveError(f"test secret store has no {ref['key']}#{ref['property']}") from None
    template = (spec.get("target") or {}).get("template") or {}
    if not template.get("data"):
        return values
    return {key: _ACTION.sub(lambda m: _pipeline(m.group(1), values), text) for key, text in template["data"].items()}
