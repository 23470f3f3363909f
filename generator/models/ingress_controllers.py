"""The Service that fronts an ingress controller, as the controller's own flags name it.

An ingress controller is how traffic from outside reaches the cluster's Ingresses: its Service is a
``LoadBalancer`` or ``NodePort`` by design, and "route it through the Ingress" makes no sense for it. Two
controllers name that Service in a flag:

- ingress-nginx: ``--publish-service=namespace/name``, the "Service fronting the Ingress controller"
  (kubernetes/ingress-nginx ``pkg/flags/flags.go``);
- Traefik: ``--providers.kubernetesingress.ingressendpoint.publishedservice=namespace/name``, the "Published
  Kubernetes Service to copy status from" (traefik/traefik ``pkg/provider/kubernetes/ingress/kubernetes.go``,
  ``IngressEndpoint.PublishedService``; its flag names are matched without regard to case).

Both take ``--flag=value`` or ``--flag value``. The value may hold ``$(VAR)`` references, which the kubelet
expands from the container's ``env`` (kubernetes ``third_party/forked/golang/expansion/expand.go``): ingress-nginx's
manifests write ``$(POD_NAMESPACE)/ingress-nginx-controller`` with ``POD_NAMESPACE`` from the downward API. A
variable set to a literal or to ``fieldRef: metadata.namespace`` is expanded here; any other reference leaves the
value unknown, and no Service is taken as fronting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_FLAGS = ("--publish-service", "--providers.kubernetesingress.ingressendpoint.publishedservice")
_REFERENCE = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def fronting_services(containers: Iterable[dict[str, Any]], namespace: str) -> set[tuple[str, str]]:
    """(namespace, name) of each Service that the ``containers`` of a pod in ``namespace`` name as fronting
    their ingress controller."""
    found: set[tuple[str, str]] = set()
    for container in containers:
        words = [w for key in ("command", "args") for w in _strings(container.get(key))]
        for i, word in enumerate(words):
            flag, eq, value = word.partition("=")
            if flag.lower() not in _FLAGS:
                continue
            if not eq:
                if i + 1 >= len(words):
                    continue
                value = words[i + 1]
            expanded = _expand(value, container, namespace)
            if expanded is None:
                continue
            ns, slash, name = expanded.partition("/")
            if slash and ns and name:
                found.add((ns, name))
    return found


def _strings(value: Any) -> list[str]:
    return [w for w in value if isinstance(w, str)] if isinstance(value, list) else []


def _expand(value: str, container: dict[str, Any], namespace: str) -> str | None:
    """``value`` with its ``$(VAR)`` references expanded, or None when one of them is not known offline."""
    if "$(" not in value:
        return value
    known: dict[str, str] = {}
    env = container.get("env")
    for var in env if isinstance(env, list) else []:
        if not isinstance(var, dict) or not isinstance(var.get("name"), str):
            continue
        literal = var.get("value")
        source = var.get("valueFrom")
        field = source.get("fieldRef") if isinstance(source, dict) else None
        if isinstance(literal, str):
            known[var["name"]] = literal
        elif isinstance(field, dict) and field.get("fieldPath") == "metadata.namespace":
            known[var["name"]] = namespace
    missing = False

    def sub(match: re.Match[str]) -> str:
        nonlocal missing
        if match.group(1) not in known:
            missing = True
            return match.group(0)
        return known[match.group(1)]

    out = _REFERENCE.sub(sub, value)
    return None if missing or "$(" in out else out
