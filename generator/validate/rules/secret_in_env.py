"""No literal credentials in env values, container args or ConfigMaps.

Values in a pod template or a ConfigMap are stored in Git, shown by ``kubectl describe`` and readable by
anyone allowed to read the workload; credentials belong in Secrets produced in-cluster, referenced with
``valueFrom.secretKeyRef`` (and passed to args as ``$(VAR)``). Flagged:

- an env variable (or ConfigMap key, or ``--flag=value`` / ``--flag value`` arg) whose name looks like a
  credential (words such as password, passwd, pwd, secret, token, credentials, passphrase, api/access/
  private/secret/signing key) with a literal value — unless the name ends in a word that makes it a
  reference or setting (``_FILE``, ``_PATH``, ``_NAME``, ``_URL``, ``_ID``, ``_USER``, ``_TTL``,
  ``-namespace``, ``-selector``, ``-label``, ``_ALGORITHM``, ...: ``--webhook-secret-namespace`` names a
  namespace, not a secret);
- any value (env, args, command, ConfigMap data) that contains an AWS access key id, a PEM private key,
  a GitHub or Slack token, or a URL with a password (``postgresql://user:pass@host``);
- in multi-line ConfigMap values (config files), ``name: value`` / ``name = value`` lines as above.

Passing: empty values, ``true``/``false``, absolute file paths (``/etc/tls/client.key``), ``valueFrom``,
and values that use ``$(VAR)`` expansion (or ``$VAR``/``${VAR}`` in a URL's password). One finding per
value, at the value.

PASS:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      template:
        spec:
          containers:
            - name: mlflow
              image: ghcr.io/mlflow/mlflow:v2.16.2
              env:
                - name: DB_PASSWORD
                  valueFrom: {secretKeyRef: {name: postgres-credentials, key: password}}
              args: ["--backend-store-uri", "postgresql://mlflow:$(DB_PASSWORD)@postgres:5432/mlflow"]

FAIL:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      template:
        spec:
          containers:
            - name: mlflow
              image: ghcr.io/mlflow/mlflow:v2.16.2
              env:
                - {name: AWS_SECRET_ACCESS_KEY, value: guide-minio-password}
              args: ["--backend-store-uri", "postgresql://mlflow:mlflow@postgres:5432/mlflow"]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._helpers import as_dict, as_list, containers_of, describe
from generator.validate.workloads import WORKLOAD_KINDS

ID = "secret-in-env"
CATEGORY = "secrets"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = WORKLOAD_KINDS | {"ConfigMap"}

# Words of a name (SNAKE_CASE, kebab-case, dotted, camelCase, ACRONYMCase).
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_CREDENTIAL_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "secret",
        "secrets",
        "token",
        "credential",
        "credentials",
        "passphrase",
        "apikey",
        "secretkey",
        "privatekey",
        "accesskey",
    }
)
# "<word> key" is a credential for these words (api key, access key, ...); "key" alone is not.
_KEY_PREFIXES = frozenset({"api", "access", "private", "secret", "signing", "encryption", "master", "client", "ssh"})
# A last word that makes the name a reference to a credential or a setting about it, not the credential.
_QUALIFIERS = frozenset(
    {
        "file",
        "path",
        "dir",
        "name",
        "ref",
        "url",
        "uri",
        "endpoint",
        "host",
        "port",
        "id",
        "user",
        "username",
        "ttl",
        "expiry",
        "length",
        "len",
        "enabled",
        "enable",
        "disabled",
        "required",
        "timeout",
        "type",
        "mode",
        "header",
        "version",
        "policy",
        "source",
        "store",
        "provider",
        "field",
        "env",
        "var",
        "format",
        "min",
        "max",
        "count",
        "size",
        # where a credential lives or how it is selected, not the credential itself
        # (``--webhook-secret-namespace=cert-manager``, ``TOKEN_ALGORITHM=HS256``)
        "namespace",
        "namespaces",
        "ns",
        "selector",
        "label",
        "labels",
        "annotation",
        "annotations",
        "kind",
        "class",
        "prefix",
        "suffix",
        "mount",
        "volume",
        "template",
        "interval",
        "duration",
        "algorithm",
    }
)
_BOOLEANS = frozenset({"true", "false"})
# An absolute file path with two or more segments (``/etc/tls/client.key``) names where a credential is.
_FILE_PATH = re.compile(r"^(?:/[\w.-]+){2,}/?$")

# Values that are credentials whatever their name. ``pw`` is a URL's password (checked for expansion).
_VALUE_PATTERNS = re.compile(
    r"(?P<aws>\b(?:AKIA|ASIA)[0-9A-Z]{16}\b)"
    r"|(?P<pem>-----BEGIN [A-Z ]*PRIVATE KEY-----)"
    r"|(?P<github>\bgh[pousr]_[A-Za-z0-9]{36,})"
    r"|(?P<slack>\bxox[abprs]-[A-Za-z0-9-]{10,})"
    r"|(?P<url>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@'\"]*:(?P<pw>[^\s/@'\"]+)@)"
)
_WHAT = {
    "aws": "an AWS access key id",
    "pem": "a private key",
    "github": "a GitHub token",
    "slack": "a Slack token",
    "url": "a password inside a URL",
}
# ``name: value`` / ``name = value`` lines of config files embedded in ConfigMaps.
_ASSIGNMENT = re.compile(r"""^\s*["']?([A-Za-z0-9_.-]+)["']?\s*[:=]\s*(.*?)\s*,?\s*$""", re.MULTILINE)
_HINT = re.compile(r"(?i)pass|secret|token|cred|key|pwd")


@lru_cache(maxsize=4096)
def is_credential_name(name: str) -> bool:
    """Whether an env/key/flag name designates a credential (see the module docs)."""
    words = [w.lower() for w in _WORDS.findall(name)]
    if not words or words[-1] in _QUALIFIERS:
        return False
    if any(w in _CREDENTIAL_WORDS for w in words):
        return True
    return any(w == "key" and i > 0 and words[i - 1] in _KEY_PREFIXES for i, w in enumerate(words))


def _is_literal(value: str) -> bool:
    """A value that would put a credential in the manifest (not empty, not a boolean, not expanded)."""
    text = value.strip().strip("\"'")
    if not text or text.lower() in _BOOLEANS or "$(" in text or text.startswith("${"):
        return False
    return not (text.startswith("/") and _FILE_PATH.match(text))


# Substrings one of _VALUE_PATTERNS needs: plain ``in`` checks are far cheaper than the regex scan.
_GITHUB_PREFIXES = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")


def _may_hold_credential(value: str) -> bool:
    return (
        "://" in value
        or "PRIVATE KEY" in value
        or "AKIA" in value
        or "ASIA" in value
        or "xox" in value
        or ("_" in value and any(p in value for p in _GITHUB_PREFIXES))
    )


def credential_in_value(value: str) -> str | None:
    """What credential-looking content ``value`` contains (a description), or None."""
    if not _may_hold_credential(value):
        return None
    for match in _VALUE_PATTERNS.finditer(value):
        kind = match.lastgroup
        if kind == "pw":  # the URL group ends with the nested password group
            kind = "url"
        if kind == "url" and match.group("pw").startswith("$"):
            continue
        return _WHAT[kind or "url"]
    return None


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if obj.kind == "ConfigMap":
        return _check_configmap(obj)
    return _check_workload(ctx, obj)


def _check_workload(ctx: Context, obj: Resource) -> Iterator[Finding]:
    for c in containers_of(ctx, obj):
        for i, item in enumerate(as_list(c.obj.get("env"))):
            if not isinstance(item, dict):
                continue
            value, name = item.get("value"), str(item.get("name", ""))
            if not isinstance(value, str) or "valueFrom" in item:
                continue
            what = credential_in_value(value)
            if what is None and is_credential_name(name) and _is_literal(value):
                what = "a literal credential"
            if what is not None:
                yield Finding(
                    f'{describe(c, start=True)} sets env "{name}" to {what}; '
                    "take it from a Secret with valueFrom.secretKeyRef.",
                    path=c.pointer("env", i, "value"),
                )
        for field in ("command", "args"):
            yield from _check_args(c.obj.get(field), field, c.path, describe(c, start=True))


def _check_args(items: object, field: str, base: tuple[str | int, ...], who: str) -> Iterator[Finding]:
    args = as_list(items)
    for i, arg in enumerate(args):
        if not isinstance(arg, str):
            continue
        what = credential_in_value(arg)
        at = i
        if what is None and arg.startswith("-"):
            flag, eq, value = arg.lstrip("-").partition("=")
            if is_credential_name(flag):
                if eq and _is_literal(value):
                    what = f"a literal credential ({arg.partition('=')[0]})"
                elif not eq and i + 1 < len(args):
                    following = args[i + 1]
                    if isinstance(following, str) and not following.startswith("-") and _is_literal(following):
                        what, at = f"a literal credential ({arg})", i + 1
        if what is not None:
            yield Finding(
                f"{who} passes {what} in {field}[{at}]; read it from a Secret through env valueFrom and $(VAR).",
                path=pointer(*base, field, at),
            )


def _check_configmap(obj: Resource) -> Iterator[Finding]:
    for key, value in as_dict(obj.obj.get("data")).items():
        if not isinstance(value, str):
            continue
        name = str(key)
        what = credential_in_value(value)
        if what is None:
            if "\n" not in value.strip():
                if is_credential_name(name) and _is_literal(value):
                    what = "a literal credential"
            elif _HINT.search(value):
                for match in _ASSIGNMENT.finditer(value):
                    if is_credential_name(match.group(1)) and _is_literal(match.group(2)):
                        what = f"a literal credential ({match.group(1)})"
                        break
        if what is not None:
            yield Finding(
                f'ConfigMap "{obj.name}" key "{name}" holds {what}; move it to a Secret produced in-cluster.',
                path=pointer("data", name),
            )
