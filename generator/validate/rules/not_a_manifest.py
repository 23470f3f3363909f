"""A YAML file found while walking a directory holds no Kubernetes object: Argo CD ignores it, and so does
validation.

Argo CD's repo server reads every ``.yaml``/``.yml`` file of a directory source, and a file whose first
document is no object with a ``kind`` is left out without an error when its text does not hold all of
``apiVersion:``, ``kind:`` and ``metadata:`` ("it might be an unrelated YAML file which we will ignore":
argoproj/argo-cd reposerver/repository/repository.go, ``getObjsFromYAMLOrJSON``; the model is
``generator/models/argocd/directory.py``). Tool settings, documentation and Helm values next to manifests
are such files: they are reported here as a warning, not as ``schema-invalid`` errors, because the sync
succeeds. The warning is still worth reading: a manifest whose author forgot ``kind:`` is left out the
same way, silently, and never reaches the cluster. Files that are no manifests can be left out of
validation with ``exclude`` in ``.gitops-gen.yaml``. A file holding ``+argocd:skip-file-rendering`` is not
read at all, as Argo CD does not read it. A ``.yaml``, ``.yml`` or ``.json`` file that is no regular file (a
FIFO, a socket, a device) or a symbolic link whose destination is missing is not read either, and gets this
warning: Argo CD leaves such a file out with a warning (``getPotentiallyValidManifestFile``), and opening a
FIFO would wait for a writer for ever. A ``.json`` file that is no object, or a YAML file that Argo CD
would fail on, is still an error (``schema-invalid``, ``unreadable-input``); so is a file named on the
command line.

PASS:

    # apps/web/deployment.yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers: [{name: web, image: "nginx:1.27"}]

FAIL:

    # apps/web/settings.yaml, found while validating the repository: no kind, so Argo CD leaves it out
    replicas: 3
    image: nginx:1.27
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.ksources import NOT_MANIFEST_KIND, is_not_a_manifest_source
from generator.validate.model import Finding, Resource, Severity

ID = "not-a-manifest"
CATEGORY = "schema"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = frozenset({NOT_MANIFEST_KIND})


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if not is_not_a_manifest_source(obj):
        return
    yield Finding(f"not validated: {obj.obj['problem']}")
