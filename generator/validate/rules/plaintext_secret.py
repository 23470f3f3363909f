"""Secrets must not be committed with their values: no ``data``/``stringData`` in the repo.

Base64 is an encoding, not encryption: anyone who can read the repository (or its history, forever) can
read the credential. Produce Secrets in the cluster instead, from an ExternalSecret (External Secrets
Operator), a SealedSecret (encrypted for the cluster's key) or a cert-manager Certificate, and reference
them by name. A Secret whose ``data``/``stringData`` is absent or holds only empty values passes (a
placeholder filled in-cluster). So does a SOPS-encrypted Secret (a top-level ``sops`` field, as Flux's
kustomize-controller and KSOPS decrypt it) in the values SOPS encrypted (``ENC[...]``); a value it left in
clear text (``unencrypted_suffix``, ``encrypted_regex``) is reported. A ``stringData`` value that is one
1Password secret reference, ``op://vault/item[/section]/field`` (bare or in ``{{ }}``), is a reference
that ``op inject`` replaces before the apply, not a value (developer.1password.com/docs/cli/
secret-reference-syntax: names of letters, digits, ``-``, ``_``, ``.`` and spaces). One finding per field with a value
in clear, at ``/data`` or ``/stringData``.

PASS:

    apiVersion: external-secrets.io/v1beta1
    kind: ExternalSecret
    metadata: {name: postgres-credentials}
    spec:
      secretStoreRef: {name: vault, kind: ClusterSecretStore}
      target: {name: postgres-credentials}
      dataFrom: [{extract: {key: mlflow/postgres}}]

FAIL:

    apiVersion: v1
    kind: Secret
    metadata: {name: postgres-credentials}
    stringData:
      POSTGRES_PASSWORD: mlflow123
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._helpers import as_dict, sops_ciphertext, sops_encrypted

ID = "plaintext-secret"
CATEGORY = "secrets"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = frozenset({"Secret"})


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if obj.kind != "Secret":
        return ()
    return _check(obj)


# One 1Password secret reference as the whole value: op://vault/item[/section]/field, bare or as op inject's
# {{ op://... }} template
_OP_REFERENCE = re.compile(r"(?:\{\{\s*)?op://[\w.\- ]+(?:/[\w.\- ]+){2,3}(?:\s*\}\})?")


def _check(obj: Resource) -> Iterator[Finding]:
    encrypted = sops_encrypted(obj)
    for field in ("data", "stringData"):
        values = as_dict(obj.obj.get(field))
        keys = sorted(
            str(k)
            for k, v in values.items()
            if v not in (None, "")
            and not (encrypted and sops_ciphertext(v))
            and not (field == "stringData" and isinstance(v, str) and _OP_REFERENCE.fullmatch(v.strip()))
        )
        if not keys:
            continue
        shown = ", ".join(keys[:3]) + (", ..." if len(keys) > 3 else "")
        yield Finding(
            f'Secret "{obj.shown_name}" commits {field} ({shown}) to the repo; '
            "produce it with an ExternalSecret or SealedSecret instead.",
            path=pointer(field),
        )
