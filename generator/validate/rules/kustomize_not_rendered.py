"""A kustomize directory or Component was found and left unvalidated: validate it on its own, or through
the overlay that includes it.

Walking a directory, gitops-gen renders each kustomize directory it meets and leaves out what another one
pulls in (a base is validated through its overlays). Two kinds of kustomize directories are not rendered,
and before this rule they were left out in silence ("0 resources" for a directory of Components):

- a Component (``kind: Component``, kubernetes-sigs/kustomize api/types/kustomization.go
  ``ComponentKind``) that no kustomize directory of the run includes through ``components:``: a Component
  is applied only through an overlay that includes it, and its patches need that overlay's resources;
- a kustomize directory below another kustomize directory that does not include it: it is a build of its
  own, most often one of several alternatives (microservices-demo's ``kustomize/tests/*``, each the app
  with other components). Rendered into the same run, one alternative's default-deny NetworkPolicies would
  be judged against another's pods, so it is reported instead, with the command that validates it alone.

Each is reported at line 1 of its kustomization file. The severity is a warning: nothing is wrong with the
directory, but the run did not check it.

PASS:

    # components/tls/kustomization.yaml, included by an overlay that the same run renders
    apiVersion: kustomize.config.k8s.io/v1beta1
    kind: Kustomization
    resources: [../../base]
    components: [../../components/tls]

FAIL:

    # what stands for components/tls/kustomization.yaml when no rendered overlay includes it
    kind: UnrenderedKustomization
    metadata: {name: components/tls/kustomization.yaml}
    problem: kustomize Component 'components/tls' is not validated
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.ksources import UNRENDERED_KUSTOMIZE_KIND, is_unrendered_kustomize_source
from generator.validate.model import Finding, Resource, Severity

ID = "kustomize-not-rendered"
CATEGORY = "schema"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = frozenset({UNRENDERED_KUSTOMIZE_KIND})


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if not is_unrendered_kustomize_source(obj):
        return
    yield Finding(str(obj.obj["problem"]))
