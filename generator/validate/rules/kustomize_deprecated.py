"""A kustomization file uses a field kustomize has deprecated: move to its replacement.

kustomize still renders these fields, but prints a warning for each one and will drop them in a future
release. The fields and their replacements are kustomize's own: ``CheckDeprecatedFields`` and
``FixKustomization`` / ``FixKustomizationPreMarshalling`` in kubernetes-sigs/kustomize
api/types/kustomization.go (v5.5.0, the kustomize of kubectl 1.32, also warns on ``commonLabels``):

- ``bases`` -> ``resources``
- ``commonLabels`` -> ``labels`` (``kustomize edit fix`` writes ``includeSelectors: true``, which keeps
  the selector changes ``commonLabels`` made)
- ``imageTags`` -> ``images``
- ``patchesJson6902`` and ``patchesStrategicMerge`` -> ``patches``
- ``vars`` -> ``replacements`` (kustomize calls this fix experimental: review its result)

``kustomize edit fix``, run in the directory of the kustomization file, rewrites the file. kustomize
warns whenever the field is present with a value, even an empty list (the Go field is non-nil), and
so does this rule; ``bases:`` with no value is nil and passes. The finding points at the field's key
in the kustomization file, not at a rendered object. A deprecation warning never refuses the target:
rendering goes on; a real kustomize failure is an input error (exit 2) with kustomize's message for a
directory named on the command line, an ``unreadable-input`` finding for one found below it.

PASS:

    apiVersion: kustomize.config.k8s.io/v1beta1
    kind: Kustomization
    resources: [../../base]
    labels:
      - pairs: {app.kubernetes.io/part-of: mlflow}
    patches:
      - path: replicas.yaml

FAIL:

    apiVersion: kustomize.config.k8s.io/v1beta1
    kind: Kustomization
    bases: [../../base]
    commonLabels: {app.kubernetes.io/part-of: mlflow}
    patchesStrategicMerge: [replicas.yaml]
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.ksources import is_kustomization_source
from generator.validate.model import Finding, Resource, Severity, pointer

ID = "kustomize-deprecated"
CATEGORY = "schema"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = frozenset({"Kustomization", "Component"})

# field -> what replaces it (api/types/kustomization.go, deprecated*Message constants)
REPLACEMENTS: dict[str, str] = {
    "bases": "resources",
    "commonLabels": "labels",
    "imageTags": "images",
    "patchesJson6902": "patches",
    "patchesStrategicMerge": "patches",
    "vars": "replacements",
}
EXPERIMENTAL_FIX = frozenset({"vars"})


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if not is_kustomization_source(obj):
        return
    for field, replacement in REPLACEMENTS.items():
        if obj.obj.get(field) is None:
            continue
        fix = "[experimental] `kustomize edit fix`" if field in EXPERIMENTAL_FIX else "`kustomize edit fix`"
        yield Finding(
            f"'{field}' is deprecated by kustomize: use '{replacement}' instead "
            f"(run {fix} in this directory to rewrite the file).",
            path=pointer(field),
        )
