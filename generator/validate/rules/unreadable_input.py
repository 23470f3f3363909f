"""A file or kustomize directory found below a validated directory cannot be read: nothing in it is checked.

What it catches, for inputs that ``validate`` finds while walking a directory:

- a YAML or JSON file with a syntax error (reported at the line and column of the error), a file that is
  not UTF-8 text, or one that cannot be read;
- a kustomize directory that kustomize refuses to build (reported at its kustomization file, on the key
  kustomize names when it names one, with kustomize's own error): an invalid kustomization, a missing
  resource, a patch that matches nothing, duplicate keys in a source file (reported at the key);
- a kustomize directory that names a remote input (a URL or git spec) while ``--allow-remote`` is not given:
  validation is offline, so it is reported at that entry instead of fetched.

Why: ``kubectl apply`` and Argo CD refuse such an input as a whole (Argo CD's repo server fails the
Application's manifest generation: argoproj/argo-cd reposerver/repository/repository.go,
``GenerateManifests``), and none of its objects were checked here. A repository holds many independent
inputs: one broken input is reported and every other one is validated, as kubeconform reports a file it
cannot parse and goes on. An input named on the command line that cannot be read is not a finding: the run
stops there with exit code 2 and the one-line error, as before.

PASS:

    # apps/web/kustomization.yaml
    apiVersion: kustomize.config.k8s.io/v1beta1
    kind: Kustomization
    resources: [deployment.yaml]
    patches:
      - path: replicas.yaml

FAIL:

    # apps/web/kustomization.yaml, found while validating the repository: ``patches`` takes patch
    # objects, not file names, so kustomize refuses the directory ("cannot unmarshal string into Go
    # struct field Kustomization.patches"); the finding points at ``patches``
    apiVersion: kustomize.config.k8s.io/v1beta1
    kind: Kustomization
    resources: [deployment.yaml]
    patches:
      - replicas.yaml

A YAML file found while walking with a syntax error (``name: web`` followed by a line indented one space
deeper, say) is reported the same way, at the line and column where the parser stopped.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.ksources import UNREADABLE_KIND, is_unreadable_source
from generator.validate.model import Finding, Resource, Severity

ID = "unreadable-input"
CATEGORY = "schema"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = frozenset({UNREADABLE_KIND})


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if not is_unreadable_source(obj):
        return
    yield Finding(f"not validated: {obj.obj['problem']}")
