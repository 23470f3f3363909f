"""Flux's post-build variable substitution, as kustomize-controller applies it to what it builds.

A Flux ``Kustomization`` with ``spec.postBuild.substitute`` or ``substituteFrom`` runs bash-style variable
substitution over the YAML of every object it builds, before it applies them (fluxcd/pkg
kustomize/kustomize_varsub.go: ``SubstituteVariables`` and ``varSubstitution``, which calls drone/envsubst's
``Eval``). Variable names match ``^[_[:alpha:]][_[:alpha:][:digit:]]*$``. An object labelled or annotated
``kustomize.toolkit.fluxcd.io/substitute: disabled`` is left as it is.

Repositories built for it (bjw-s/home-ops, onedr0p's cluster template) keep ``${APP}`` and
``${VOLSYNC_CLAIM:-${APP}}`` in names and fields. Offline the values are unknown, and no other tool in a
GitOps pipeline reads ``${...}`` in a manifest (kustomize's and the kubelet's variables are ``$(VAR)``), so
a value holding such a reference is checked as Flux would apply it with each reference replaced by its
default (``${VAR:-default}``, ``${VAR:=default}``, ``${VAR-default}``, ``${VAR=default}``), or by a one-letter
stand-in where it has none: the text around the references is still checked.
"""

from __future__ import annotations

import re
from typing import Any

KUSTOMIZATION_GROUP = "kustomize.toolkit.fluxcd.io"
SUBSTITUTE_KEY = "kustomize.toolkit.fluxcd.io/substitute"
DISABLED = "disabled"  # kustomize_varsub.go DisabledValue

# ${NAME}, or ${NAME} with a default (drone/envsubst: "-" and "=", with or without ":"), innermost first:
# a default may itself hold a reference, which the next round replaces.
_REFERENCE = re.compile(r"\$\{([_A-Za-z][_A-Za-z0-9]*)(?:(:?[-=])([^${}]*))?\}")
STAND_IN = "x"  # valid wherever a name's first, middle or last character may be a letter


def _replacement(match: re.Match[str]) -> str:
    return match.group(3) or STAND_IN


def with_stand_ins(text: str) -> str:
    """``text`` with every variable reference replaced by its default, or by :data:`STAND_IN`."""
    while "${" in text:
        replaced = _REFERENCE.sub(_replacement, text)
        if replaced == text:
            break
        text = replaced
    return text


def only_reference(text: str) -> bool:
    """Whether ``text`` is one variable reference without a default (``${NAME}``): its value, and so its
    type once substituted, is the variable's."""
    match = _REFERENCE.fullmatch(text)
    return match is not None and match.group(2) is None


def substitution_disabled(obj: dict[str, Any]) -> bool:
    """Whether Flux leaves ``obj`` as it is (the label or annotation :data:`SUBSTITUTE_KEY` is ``disabled``)."""
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        return False
    for field in ("labels", "annotations"):
        values = meta.get(field)
        if isinstance(values, dict) and values.get(SUBSTITUTE_KEY) == DISABLED:
            return True
    return False


def as_substituted(obj: dict[str, Any], text: str) -> str:
    """``text``, a value of ``obj``, as it is checked: :func:`with_stand_ins` unless Flux leaves ``obj`` alone."""
    if "${" not in text or substitution_disabled(obj):
        return text
    return with_stand_ins(text)


def applied_directory(doc: Any) -> tuple[str, str] | None:
    """What a Flux ``Kustomization`` applies: (``spec.path``, ``spec.targetNamespace`` or ""); None for any
    other document. fluxcd/kustomize-controller api/v1/kustomization_types.go: ``Path`` is the directory of
    the source (its root when empty) holding the kustomization.yaml, or the plain YAMLs one is generated for;
    ``TargetNamespace`` "sets or overrides the namespace in the kustomization.yaml file"."""
    if not isinstance(doc, dict) or doc.get("kind") != "Kustomization":
        return None
    version = doc.get("apiVersion")
    if not isinstance(version, str) or version.rpartition("/")[0] != KUSTOMIZATION_GROUP:
        return None
    spec = doc.get("spec")
    path = spec.get("path") if isinstance(spec, dict) else None
    if not isinstance(path, str) or not path.strip("./"):
        return None
    namespace = spec.get("targetNamespace") if isinstance(spec, dict) else None
    return path, namespace if isinstance(namespace, str) else ""


def added_components(doc: Any) -> list[str]:
    """The Components a Flux ``Kustomization`` adds to the build of its ``spec.path`` (``spec.components``:
    "relative paths to kustomize Components", fluxcd/kustomize-controller api/v1/kustomization_types.go);
    [] for any other document."""
    if applied_directory(doc) is None:
        return []
    components = doc["spec"].get("components")
    return [c for c in components if isinstance(c, str) and c] if isinstance(components, list) else []
