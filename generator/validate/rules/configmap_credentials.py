"""A script or connection string in a ConfigMap (or an inline container script) holds a literal credential.

ConfigMaps are not secret: they are committed in plain text, readable with ``get configmaps`` by anyone
who can read the namespace, and printed by ``kubectl describe``. Scripts and connection strings inside them
often carry the password anyway, in forms that are not ``name: value`` lines:

- ``mc alias set minio http://minio:9000 admin s3cret`` (and ``mc config host add``): positional keys;
- ``curl -u admin:s3cret``, ``mysql -ps3cret``, ``redis-cli -a s3cret``, ``psql --password=s3cret``,
  ``aws configure set aws_secret_access_key s3cret``;
- shell assignments: ``export PGPASSWORD=s3cret``, ``PGPASSWORD=s3cret psql ...``;
- connection-string parameters: ``jdbc:postgresql://db/app?user=app&password=s3cret``,
  ``Server=db;User Id=sa;Password=s3cret;``.

Put the value in a Secret (produced by an ExternalSecret/SealedSecret) and reference it: environment
references such as ``$(PGPASSWORD)``, ``${MINIO_ROOT_PASSWORD}`` or ``"$MINIO_SECRET_KEY"``, template
placeholders (``{{ .password }}``, ``<password>``) and file paths pass. The same scripts written inline in
a container's ``command``/``args`` (``sh -c '...'``) are checked too. URLs with a password
(``postgresql://user:pass@host``), credential-named keys and ``name: value`` lines are the ``secret-in-env``
rule's (not reported twice). kube-linter ``env-var-secret`` and checkov's secret checks look at env
values only.

PASS:

    apiVersion: v1
    kind: ConfigMap
    metadata: {name: minio-init}
    data:
      init.sh: |
        mc alias set minio http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
        export PGPASSWORD="${POSTGRES_PASSWORD}"

FAIL:

    apiVersion: v1
    kind: ConfigMap
    metadata: {name: minio-init}
    data:
      init.sh: |
        mc alias set minio http://minio:9000 admin Sup3rSecret
        export PGPASSWORD=mlflow123
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
_NAME = r"[A-Za-z_][A-Za-z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|SECRET_KEY|ACCESS_KEY)[A-Za-z0-9_]*"
_CHECKS: tuple[tuple[re.Pattern[str], int, str], ...] = (
    # (pattern, group holding the credential, what it is)
    (
        re.compile(r"\bmc\s+(?:alias\s+set|config\s+host\s+add)\s+\S+\s+\S+\s+\S+\s+(\S+)"),
        1,
        "`mc alias set` secret key",
    ),
    (re.compile(r"\bcurl\b.*?\s(?:-u|--user)[=\s]\s*['\"]?[^\s:'\"]+:([^\s'\"]+)"), 1, "`curl -u user:password`"),
    (re.compile(r"\bmysql(?:dump|admin)?\b.*?\s-p([^\s]+)"), 1, "`mysql -p<password>`"),
    (re.compile(r"\bredis-cli\b.*?\s-a\s+(\S+)"), 1, "`redis-cli -a <password>`"),
    (
        re.compile(r"(?i)\s--(?:password|passwd|secret-key|secret-access-key|token|api-key)(?:=|\s+)(\S+)"),
        1,
        "a password flag",
    ),
    (
        re.compile(r"(?i)\baws\s+configure\s+set\s+aws_secret_access_key\s+(\S+)"),
        1,
        "`aws configure set aws_secret_access_key`",
    ),
    (re.compile(rf"(?i)\b(?:export|declare(?:\s+-\w+)*|readonly|local)\s+{_NAME}=(\S+)"), 1, "a shell assignment"),
    (re.compile(rf"(?i)(?:^|[;&|(]\s*){_NAME}=(\S+)\s+\S"), 1, "a shell assignment before a command"),
    (re.compile(r"(?i)[?&;]\s*(?:password|passwd|pwd)\s*=\s*([^&;\s\"']+)"), 1, "a connection-string password"),
)
_WORDS = ("pass", "secret", "token", "key", "pwd", "mc ", "curl", "mysql", "redis-cli", "aws ")


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
        if not any(w in lower for w in _WORDS):
            continue  # cheap pre-filter: most lines of a script mention no credential at all
        for pattern, group, what in _CHECKS:
            m = pattern.search(line)
            if m is not None and not is_reference(m.group(group)):
                yield n, f"{what} with the literal value {_mask(m.group(group))}"
                break  # one finding per line


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if obj.kind != "ConfigMap":
        return _inline_scripts(ctx, obj)
    out: list[Finding] = []
    for key, value in as_dict(obj.obj.get("data")).items():
        if isinstance(value, str):
            for line, what in _problems(value):
                out.append(
                    Finding(
                        f'ConfigMap key "{key}" line {line}: {what}; reference a Secret instead',
                        pointer("data", str(key)),
                    )
                )
    return out


def _inline_scripts(ctx: Context, obj: Resource) -> list[Finding]:
    """The same scripts written inline in a container's command/args (``sh -c '...'``); single-word
    arguments such as ``--password=x`` are the ``secret-in-env`` rule's."""
    out: list[Finding] = []
    for c in containers_of(ctx, obj):
        for field in ("command", "args"):
            for i, arg in enumerate(as_list(c.obj.get(field))):
                if isinstance(arg, str) and len(arg.split()) > 1:
                    for line, what in _problems(arg):
                        out.append(
                            Finding(
                                f"{describe(c, start=True)} {field}[{i}] line {line}: {what}; reference a "
                                "Secret (env valueFrom secretKeyRef) instead",
                                c.pointer(field, i),
                            )
                        )
    return out
