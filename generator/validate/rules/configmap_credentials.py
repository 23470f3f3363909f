"""A ConfigMap (or an inline container script) holds a credential literally: connection string, script, config.

ConfigMaps are not secret: they are committed in plain text, readable with ``get configmaps`` by anyone
who can read the namespace, and printed by ``kubectl describe``. Scripts and configuration files inside
them often carry the password anyway: ``postgresql://mlflow:s3cret@postgres:5432/mlflow``,
``mc alias set minio http://minio:9000 admin s3cret``, ``export PGPASSWORD=s3cret``,
``admin_password = s3cret`` or a key ``POSTGRES_PASSWORD: s3cret``. Put the value in a Secret (produced by
an ExternalSecret/SealedSecret) and reference it: environment references such as ``$(PGPASSWORD)``,
``${MINIO_ROOT_PASSWORD}`` or ``$MINIO_SECRET_KEY``, template placeholders (``{{ .password }}``,
``<password>``) and file paths pass. The same scripts written inline in a container's
``command``/``args`` are checked too (environment values are the ``secret-in-env`` rule's). kube-linter
``env-var-secret`` and checkov's secret checks look at env values only, not at ConfigMap contents.

PASS:

    apiVersion: v1
    kind: ConfigMap
    metadata: {name: minio-init}
    data:
      init.sh: |
        mc alias set minio http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
        psql "postgresql://mlflow:${PGPASSWORD}@postgres:5432/mlflow" -c 'select 1'

FAIL:

    apiVersion: v1
    kind: ConfigMap
    metadata: {name: minio-init}
    data:
      init.sh: |
        mc alias set minio http://minio:9000 admin Sup3rSecret
        psql "postgresql://mlflow:mlflow123@postgres:5432/mlflow" -c 'select 1'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._helpers import as_dict, as_list, containers_of, describe
from generator.validate.workloads import WORKLOAD_KINDS

ID = "configmap-credentials"
CATEGORY = "secrets"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = frozenset({"ConfigMap"}) | WORKLOAD_KINDS

_QUOTE = "\"'"
# scheme://user:password@host  (the password may not contain whitespace, quotes or '@')
_URL = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]*)://([^\s:/@\"'<>]+):([^\s@\"'<>]+)@")
# mc alias set NAME URL ACCESS SECRET / mc config host add NAME URL ACCESS SECRET
_MC = re.compile(r"\bmc\s+(?:alias\s+set|config\s+host\s+add)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)")
_SECRET_NAME = r"[A-Za-z0-9_.-]*(?:password|passwd|secret[_-]?key|secret[_-]?access[_-]?key|api[_-]?key|token|secret)"
# KEY=value, KEY: value, KEY = value (env files, ini, properties, yaml, shell exports)
_ASSIGN = re.compile(rf"(?i)(?<![A-Za-z0-9_.-])({_SECRET_NAME})[\"']?\s*[:=]\s*([^\s,;#]+)")
# --password=value / --password value / --secret-key value
_FLAG = re.compile(r"(?i)--(password|passwd|secret-key|secret-access-key|token|api-key)(?:=|\s+)(\S+)")
_WORDS = ("pass", "secret", "token", "key")
_KEY = re.compile(rf"(?i)^{_SECRET_NAME}$")


def is_reference(value: str) -> bool:
    """True for what is not a literal credential: an env/template reference, a placeholder, a path, a
    boolean or number-like setting, or an empty value."""
    v = value.strip().strip(_QUOTE).rstrip(",;)")
    if len(v) < 3:
        return True
    if v[0] in "$%<{[" or v.startswith("{{"):
        return True  # $(VAR), ${VAR}, $VAR, %(x)s, <password>, {{ .x }}, [list]
    if v.startswith("/") or v.startswith("./") or v.startswith("file:"):
        return True  # a path to a mounted secret file
    if v.lower() in ("true", "false", "null", "none", "required", "optional", "redacted", "xxx", "***"):
        return True
    return set(v) <= set("*xX.") or v.isdigit()


def _mask(value: str) -> str:
    v = value.strip(_QUOTE)
    return v[:1] + "***"


def _problems(text: str) -> Iterator[tuple[int, str]]:
    """(line number, description) of every literal credential in ``text``."""
    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        if stripped.startswith("#") or stripped.startswith("//"):
            continue
        lower = line.lower()
        if "://" not in line and "mc " not in line and not any(w in lower for w in _WORDS):
            continue  # cheap pre-filter: most lines of a script mention no credential at all
        for m in _URL.finditer(line):
            if not is_reference(m.group(3)):
                yield n, f"a {m.group(1)}:// URL with the literal password {_mask(m.group(3))} for user {m.group(2)}"
        for m in _MC.finditer(line):
            if not is_reference(m.group(4)):
                yield n, f"`mc alias set {m.group(1)}` with a literal secret key {_mask(m.group(4))}"
        for m in _FLAG.finditer(line):
            if not is_reference(m.group(2)):
                yield n, f"--{m.group(1)} with the literal value {_mask(m.group(2))}"
        if _URL.search(line) or _MC.search(line):
            continue
        for m in _ASSIGN.finditer(line):
            if not is_reference(m.group(2)) and not _FLAG.search(line):
                yield n, f"{m.group(1)} set to the literal {_mask(m.group(2))}"


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if obj.kind != "ConfigMap":
        return _inline_scripts(ctx, obj)
    out: list[Finding] = []
    for key, value in as_dict(obj.obj.get("data")).items():
        if not isinstance(value, str):
            continue
        where = pointer("data", str(key))
        if _KEY.match(str(key)) and "\n" not in value.strip() and not is_reference(value):
            out.append(
                Finding(
                    f'ConfigMap key "{key}" holds a literal credential ({_mask(value)}); move it to a Secret', where
                )
            )
            continue
        for line, what in _problems(value):
            out.append(Finding(f'ConfigMap key "{key}" line {line}: {what}; reference a Secret instead', where))
    return out


def _inline_scripts(ctx: Context, obj: Resource) -> list[Finding]:
    """The same scripts written inline in a container's command/args (``sh -c '...'``)."""
    out: list[Finding] = []
    for c in containers_of(ctx, obj):
        for field in ("command", "args"):
            for i, arg in enumerate(as_list(c.obj.get(field))):
                if isinstance(arg, str):
                    for line, what in _problems(arg):
                        out.append(
                            Finding(
                                f"{describe(c, start=True)} {field}[{i}] line {line}: {what}; reference a "
                                "Secret (env valueFrom secretKeyRef) instead",
                                c.pointer(field, i),
                            )
                        )
    return out
