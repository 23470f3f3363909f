"""unknown-field: a field that the object's schema does not define (strict validation).

What it catches: typos and misplaced keys such as ``containerport:``, ``spec.replica`` or ``resources``
one level too deep. Objects whose schema keeps unknown fields on purpose
(``x-kubernetes-preserve-unknown-fields``, e.g. Argo CD Helm values) are not flagged there, nor is a
SOPS-encrypted Secret's top-level ``sops`` field: Flux's kustomize-controller and KSOPS decrypt the
Secret and drop it before the apply.

Why: ``kubectl apply`` silently drops unknown fields (or rejects them with strict field validation),
so the setting you wrote never takes effect.

PASS:
    apiVersion: v1
    kind: Service
    metadata:
      name: mlflow
    spec:
      ports:
        - port: 80
          targetPort: 5000

FAIL:
    apiVersion: v1
    kind: Service
    metadata:
      name: mlflow
    spec:
      ports:
        - port: 80
          targetport: 5000   # unknown field: the key is targetPort
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity
from generator.validate.rules._helpers import sops_encrypted
from generator.validate.schemas import store_for

ID = "unknown-field"
CATEGORY = "schema"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = None


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if not obj.api_version or not obj.kind:
        return ()
    errors = store_for(ctx.schemas, ctx.kubernetes_version).check(obj).errors
    if not errors:
        return ()
    # SOPS's metadata: the decryption before the apply removes it (rules._helpers.sops_encrypted)
    skip = "/sops" if sops_encrypted(obj) else None
    return tuple(Finding(message=err.message, path=err.path) for err in errors if err.rule == ID and err.path != skip)
