"""missing-schema: no schema is known for the object's apiVersion and kind, so it was not validated.

What it catches: custom resources whose CRD schema is neither bundled nor given with ``--crd`` or
``--schema-location``, misspelt kinds (``kind: Deployement``) and apiVersions that do not exist in the
target Kubernetes release (``apps/v1beta1`` in 1.33). Turned off by ``--ignore-missing-schemas``.

A removed API version (see ``deprecated-api``) is reported by that rule only.

A custom resource in a version that the CRD no longer serves (Flux's ``source.toolkit.fluxcd.io/v1beta2``)
gets a message naming the versions the CRD does serve: the ``--crd`` or the validated set's CRD of the kind,
else the bundled one. For the versions its project removed (generator/models/removed_crd_versions.py: Flux's
``v1beta*`` and ``v2beta*`` APIs, each cited from the controller commit that dropped it) it also names the
release that removed it. Still an error, and still this rule: the API server refuses the object ("no
matches for kind"), as for any kind without a schema; and unlike ``deprecated-api``, whose table follows
the target Kubernetes release, whether a CRD serves a version depends on the release of the project
installed, which the bundled catalogue only stands for (give older CRDs with ``--crd``).

Why: an object nobody validated is an object that may fail at sync time; and a kind with no schema is
often simply a typo.

PASS:
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: mlflow
    spec:
      selector:
        matchLabels: {app: mlflow}
      template:
        metadata:
          labels: {app: mlflow}
        spec:
          containers:
            - name: mlflow
              image: ghcr.io/mlflow/mlflow:v2.10.0

FAIL:
    apiVersion: apps/v1
    kind: Deployement   # no such kind
    metadata:
      name: mlflow

FAIL:
    apiVersion: source.toolkit.fluxcd.io/v1beta2   # removed in Flux v2.8.0: use source.toolkit.fluxcd.io/v1
    kind: OCIRepository
    metadata:
      name: kyverno-controller
    spec:
      interval: 10m
      url: oci://ghcr.io/kyverno/manifests/kyverno
      ref: {semver: 1.x}
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity
from generator.validate.rules.deprecated_api import is_removed
from generator.validate.schemas import store_for

ID = "missing-schema"
CATEGORY = "schema"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = None


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if not obj.api_version or not obj.kind:
        return ()  # schema-invalid reports documents that are not objects
    result = store_for(ctx.schemas, ctx.kubernetes_version).check(obj)
    if not result.missing or is_removed(obj.api_version, obj.kind, ctx.kubernetes_version):
        return ()  # a removed API: deprecated-api names the replacement, a second finding would add nothing
    return (Finding(message=result.note, path="/kind"),)
