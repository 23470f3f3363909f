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
- in multi-line ConfigMap values (config files), ``name: value`` / ``name = value`` lines as above; the
  value is the rest of that line, or, when that is empty, the next line if it is indented deeper and is
  not an entry of its own (a YAML plain scalar continued there): a YAML key that opens a block
  (``secret:`` over ``secretName: app-tls``, a secret volume) has no value, its block's lines are checked
  as lines of their own. In a Knative-style ``_example`` key (a documentation block that Knative and
  Tekton never read) only the credential-shaped values of the line above count.

Passing: empty values, empty lists and maps (``"imagePullSecrets": []``), ``true``/``false``, absolute
file paths (``/etc/tls/client.key``), ``valueFrom``, values that use ``$(VAR)`` expansion (or
``$VAR``/``${VAR}`` in a URL's password), and a value that is one read of an environment variable in
code (``os.environ["HF_TOKEN"]``, ``os.getenv("T")``, ``process.env.T``, ``System.getenv("T")``,
``os.Getenv("T")``, ``ENV["T"]``; not with a default argument, which may be a literal). Not credentials
either: ``imagePullSecrets`` (references to Secrets by name, k8s.io/api ``core/v1/types.go``); a name
with ``allow``/``random``/``onetime`` before its last word set to ``1``/``0``/``yes``/``no``/``on``/
``off`` (``MYSQL_ALLOW_EMPTY_PASSWORD``, ``MARIADB_RANDOM_ROOT_PASSWORD``: switches that the
docker-library/mysql and MariaDB/mariadb-docker ``docker-entrypoint.sh`` only test for being set); an
nsswitch.conf ``passwd:`` line listing only NSS services and actions (``passwd: files systemd``; glibc
``nss/nsswitch.conf``); MySQL's option that loads a password plugin, ``--mysql-native-password=ON``
(``OFF``/``ON``/``FORCE``/``FORCE_PLUS_PERMANENT``: mysql/mysql-server ``sql/sql_plugin.cc``). In a
config file in a ConfigMap, a value that is one YAML ``!env_var NAME`` or ``!secret NAME`` tag is a
reference that Recyclarr and Home Assistant resolve when they load the file (an environment variable, a
key of ``secrets.yml``), not a value: ``api_key: !env_var SONARR_API_KEY``; with a default after the name
(``!env_var SONARR_API_KEY abc123``), the default is a literal and is reported. Python source in a
ConfigMap (a key ending in ``.py``, a python shebang, or text that parses as Python and has an import, def
or class statement) is read with Python's parser instead of line by line: only a string constant given to
a credential name is a literal there (``password = "hunter2"``, ``{"secretkey": "abc123"}``,
``connect(password="hunter2")``, ``def f(token="abc123")``) and the default of an environment read
(``os.environ.get("TOKEN", "literal")``); a value computed when the script runs, such as
``s3_access_key = iam.create_access_key(UserName=namespace)`` or ``"accesskey": base64.b64encode(...)``,
is not, whatever string arguments it has. One finding per value, at the value.

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
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: job-template}
    data:
      pod.yaml: |
        imagePullSecrets: []
        volumes:
          - name: tls
            secret:
              secretName: mlflow-tls
      nsswitch.conf: |
        passwd: files
      train.py: |
        token = os.environ["HF_TOKEN"]
      sync.py: |
        import base64
        s3_access_key = iam.create_access_key(UserName=namespace)
        data = {"accesskey": base64.b64encode(s3_access_key["AccessKey"]["AccessKeyId"].encode()).decode("utf-8")}
      recyclarr.yml: |
        sonarr:
          series:
            base_url: http://sonarr.default.svc.cluster.local
            api_key: !env_var SONARR_API_KEY

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
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: mlflow-config}
    data:
      application.properties: |
        spring.datasource.username=mlflow
        spring.datasource.password=s3cr3t
"""

from __future__ import annotations

import ast
import re
import warnings
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
        # how a secret is split, not the secret: Vault's SECRET_SHARES and SECRET_THRESHOLD (the Shamir
        # key shares and the quorum: hashicorp/vault api/sys_init.go, InitRequest.SecretShares/SecretThreshold)
        "shares",
        "threshold",
        # how long old credentials are kept, in days (zalando/postgres-operator pkg/util/config/config.go,
        # Config.PasswordRotationUserRetention, used as days by pkg/cluster/database.go cleanupRotatedUsers)
        "retention",
        "days",
        # the programs that fetch a credential: Docker's credential helpers (docker/cli cli/config/configfile
        # file.go, CredentialHelpers), as Kyverno's --registryCredentialHelpers=default,google,amazon lists them
        "helper",
        "helpers",
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
        # how long a credential lives, in a unit (GoogleCloudPlatform/bank-of-anthos userservice:
        # TOKEN_EXPIRY_SECONDS: "3600"; JWT_MAX_AGE)
        "seconds",
        "secs",
        "minutes",
        "mins",
        "hours",
        "ms",
        "millis",
        "milliseconds",
        "lifetime",
        "age",
    }
)
_BOOLEANS = frozenset({"true", "false"})
# Empty YAML/JSON collections: ``"imagePullSecrets": []`` lists no names, let alone a credential.
_EMPTY_COLLECTION = re.compile(r"^(?:\[\s*\]|\{\s*\})$")
# A value that opens a nested JSON/YAML object or array at the end of its line (``"credentials": {``): the
# lines below it are checked one by one.
_OPENS_COLLECTION = frozenset({"{", "["})
# A YAML flow sequence of plain names (``secret: [ status, secret ]``) is a list of fields, not one secret
# value: kube-state-metrics' custom-resource-state configuration maps a label name to the path of the field
# it comes from (kubernetes/kube-state-metrics pkg/customresourcestate/config.go, ``LabelsFromPath
# map[string][]string``), so a label called ``secret`` reads ``.status.secret``, the name of a Secret. Two
# names at least: ``[abc123]`` may be a bracketed secret.
_NAME_SEQUENCE = re.compile(r"^\[\s*[A-Za-z_][\w.-]*(?:\s*,\s*[A-Za-z_][\w.-]*)+\s*,?\s*\]$")
# A YAML block scalar header (``key: |-``, ``key: >2``; YAML 1.2 8.1.1, indentation and chomping indicators
# in either order): the value is the indented lines below, not the indicator.
_BLOCK_HEADER = re.compile(r"^[|>](?:[1-9]?[+-]?|[+-][1-9])(?:[ \t]+#.*)?$")
# A value that is one read of an environment variable in code (``token=os.environ["HF_TOKEN"]`` in a
# script in a ConfigMap): the credential comes from the environment, like ``$(VAR)``. Only the bare read of
# a quoted/identifier name: a default argument (``os.environ.get("T", "abc")``) may be a literal, so it is
# not exempt.
_ENV_NAME = r"""["'][A-Za-z_][A-Za-z0-9_]*["']"""
_ENV_READ = re.compile(
    rf"""^(?:os\.environ(?:\[{_ENV_NAME}\]|\.get\({_ENV_NAME}\))"""  # Python
    rf"""|os\.getenv\({_ENV_NAME}\)"""  # Python
    rf"""|os\.Getenv\({_ENV_NAME}\)"""  # Go
    rf"""|System\.getenv\({_ENV_NAME}\)"""  # Java
    rf"""|process\.env(?:\.[A-Za-z_][A-Za-z0-9_]*|\[{_ENV_NAME}\])"""  # Node.js
    rf"""|ENV(?:\[{_ENV_NAME}\]|\.fetch\({_ENV_NAME}\)))"""  # Ruby
    r""";?$"""
)
# A YAML tag that a config file's loader resolves to a value held elsewhere, as the whole value of a
# ``name: value`` line: ``!env_var NAME`` (an environment variable) or ``!secret NAME`` (a key of the
# secrets.yml beside the config). Recyclarr maps both tags (recyclarr/recyclarr
# src/Recyclarr.Core/Config/EnvironmentVariables/EnvironmentVariablesYamlBehavior.cs and
# Config/Secrets/SecretsYamlBehavior.cs, WithTagMapping); EnvironmentVariablesDeserializer.cs splits the
# scalar at its first space into the variable's name and a default it returns when the variable is unset,
# and Home Assistant's homeassistant/util/yaml/loader.py (_env_var_yaml, secret_yaml) reads both tags the
# same way. So only a bare name is a reference: a default after it (``!env_var API_KEY abc123``) is a literal
# in Git like ``os.environ.get("T", "abc")``. The name may be quoted (YAML drops the quotes before the
# deserializer sees it); a trailing comment is not part of the value.
_TAG_REFERENCE = re.compile(r"""^!(?:env_var|secret)[ \t]+(["']?)[A-Za-z_][\w.-]*\1(?:[ \t]+#.*)?$""")
# Switches named after a password: docker-library/mysql ``docker-entrypoint.sh`` only tests
# MYSQL_ALLOW_EMPTY_PASSWORD, MYSQL_RANDOM_ROOT_PASSWORD and MYSQL_ONETIME_PASSWORD for being non-empty,
# MariaDB/mariadb-docker ``docker-entrypoint.sh`` likewise MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and
# MARIADB_RANDOM_ROOT_PASSWORD. A name with one of these words before its last set to a switch value is
# that setting, not a password; any other value is still checked (MYSQL_ALLOW_EMPTY_PASSWORD=hunter2).
_SWITCH_WORDS = frozenset({"allow", "random", "onetime"})
_SWITCH_VALUES = frozenset({"1", "0", "yes", "no", "y", "n", "on", "off"})
# MySQL's server options that load a plugin: each plugin gets an option named after it (lower case,
# underscores as dashes, also with a ``plugin-`` prefix) whose value is one of OFF, ON, FORCE and
# FORCE_PLUS_PERMANENT (mysql/mysql-server sql/sql_plugin.cc, construct_options and
# global_plugin_typelib_names). The password plugins are named after passwords, so
# ``--mysql-native-password=ON`` (kubeflow/manifests' pipeline MySQL, for MLMD) or
# ``validate_password=FORCE_PLUS_PERMANENT`` in a my.cnf switches a plugin on; it holds no password.
_MYSQL_PASSWORD_PLUGINS = frozenset(
    tuple(_WORDS.findall(name))
    for name in ("mysql_native_password", "sha256_password", "caching_sha2_password", "validate_password")
)
_MYSQL_PLUGIN_LOAD = frozenset({"off", "on", "force", "force_plus_permanent"})
# ``passwd:`` in nsswitch.conf names the user database, and its value lists NSS services (glibc
# ``nss/nsswitch.conf`` and ``manual/nss.texi``: service names, and actions such as ``[NOTFOUND=return]``).
_NSS_SERVICES = frozenset(
    {
        "compat",
        "db",
        "dns",
        "files",
        "hesiod",
        "nis",
        "nisplus",
        "ldap",
        "myhostname",
        "mymachines",
        "resolve",
        "sss",
        "systemd",
        "winbind",
        "wins",
        "wrapper",
    }
)
_NSS_ITEM = re.compile(r"\[[^\]]*\]|[^\s\[]+")
_NSS_ACTION = re.compile(r"^\[(?:\s*!?[A-Za-z]+=[A-Za-z]+\s*)+\]$")
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
# ``name: value`` / ``name = value`` lines of config files embedded in ConfigMaps. Only blanks and tabs
# around the separator: ``\s`` would cross the line break, and a YAML ``secret:`` that opens a block (a
# secret volume source) would take the next line (``secretName: app-tls``) as its value.
_ASSIGNMENT = re.compile(r"""^([ \t]*)["']?([A-Za-z0-9_.-]+)["']?[ \t]*[:=][ \t]*(.*?)[ \t]*,?[ \t]*$""", re.MULTILINE)
# A line that is an entry of its own (a key, a list item, a comment), not the rest of the value above it.
_ENTRY = re.compile(r"""^[ \t]*(?:[-#]|["']?[A-Za-z0-9_.-]+["']?[ \t]*[:=])""")
_HINT = re.compile(r"(?i)pass|secret|token|cred|key|pwd")


def _assignments(text: str) -> Iterator[tuple[str, str]]:
    """The ``(name, value)`` pairs of a config file's ``name: value`` / ``name = value`` lines.

    A key with nothing after the separator, or with a YAML block scalar header (``|``, ``>-``...), takes the
    next line as its value when that line is indented deeper and is not an entry of its own: a YAML plain
    scalar continued on the next line (``password:`` over ``  hunter2``) is still a value, a nested block
    (``secret:`` over ``  secretName: app-tls``) is not.
    """
    for match in _ASSIGNMENT.finditer(text):
        indent, name, value = match.groups()
        if _BLOCK_HEADER.match(value):
            value = ""  # the block's first line below is the value (or an entry of its own)
        if not value and match.end() < len(text):
            start = match.end() + 1  # past the line break
            stop = text.find("\n", start)
            following = text[start : stop if stop >= 0 else len(text)]
            depth = len(following) - len(following.lstrip(" \t"))
            if depth > len(indent) and following.strip() and not _ENTRY.match(following):
                value = following.strip()
        yield name, value


@lru_cache(maxsize=4096)
def is_credential_name(name: str) -> bool:
    """Whether an env/key/flag name designates a credential (see the module docs)."""
    words = [w.lower() for w in _WORDS.findall(name)]
    if not words or words[-1] in _QUALIFIERS:
        return False
    if words[-3:] == ["image", "pull", "secrets"]:
        # The PodSpec/ServiceAccount field and its Helm-values copies: references to Secrets by name
        # (k8s.io/api core/v1/types.go: ImagePullSecrets []LocalObjectReference).
        return False
    if any(w in _CREDENTIAL_WORDS for w in words):
        return True
    return any(w == "key" and i > 0 and words[i - 1] in _KEY_PREFIXES for i, w in enumerate(words))


def _is_literal(value: str) -> bool:
    """A value that would put a credential in the manifest (not empty, not a boolean, not expanded)."""
    text = value.strip().strip("\"'")
    if not text or text.lower() in _BOOLEANS or "$(" in text or text.startswith("${"):
        return False
    if _EMPTY_COLLECTION.match(text) or text in _OPENS_COLLECTION or _ENV_READ.match(value.strip()):
        return False
    if _NAME_SEQUENCE.match(text):
        return False
    return not (text.startswith("/") and _FILE_PATH.match(text))


def _is_setting(name: str, value: str) -> bool:
    """A credential-named value that is a setting about the credential (a switch, an NSS source list, a
    MySQL password plugin's load option)."""
    words = [w.lower() for w in _WORDS.findall(name)]
    text = value.strip().strip("\"'")
    if text.lower() in _SWITCH_VALUES and any(w in _SWITCH_WORDS for w in words[:-1]):
        return True
    plugin = tuple(words[1:] if words[:1] == ["plugin"] else words)  # --plugin-<name> is the same option
    if text.lower() in _MYSQL_PLUGIN_LOAD and plugin in _MYSQL_PASSWORD_PLUGINS:
        return True
    if words == ["passwd"]:
        items = _NSS_ITEM.findall(text)
        return bool(items) and all(i in _NSS_SERVICES or _NSS_ACTION.match(i) for i in items)
    return False


def literal_credential(name: str, value: str) -> bool:
    """Whether ``name = value`` puts a literal credential in the manifest."""
    return is_credential_name(name) and _is_literal(value) and not _is_setting(name, value)


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
            if what is None and literal_credential(name, value):
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
                if eq and literal_credential(flag, value):
                    what = f"a literal credential ({arg.partition('=')[0]})"
                elif not eq and i + 1 < len(args):
                    following = args[i + 1]
                    if (
                        isinstance(following, str)
                        and not following.startswith("-")
                        and literal_credential(flag, following)
                    ):
                        what, at = f"a literal credential ({arg})", i + 1
        if what is not None:
            yield Finding(
                f"{who} passes {what} in {field}[{at}]; read it from a Secret through env valueFrom and $(VAR).",
                path=pointer(*base, field, at),
            )


# Python source in a ConfigMap (a script that a pod mounts and runs: kubeflow/manifests' pipelines-profile-
# controller mounts sync.py, a Metacontroller hook). Its lines are code, not ``name = value`` settings: in
# ``s3_access_key = iam.create_access_key(UserName=namespace)`` or ``"accesskey":
# base64.b64encode(s3_access_key["AccessKey"]["AccessKeyId"].encode("utf-8")).decode("utf-8")`` the value is
# computed when the program runs, and the string literals on the line are arguments (dict keys, an
# encoding), not the credential. So such a value is parsed with Python's own parser (the ast module) and a
# literal is reported only where the source holds one as the credential's value: a str (or bytes) constant
# assigned to a credential-named target (a name, an attribute, a subscript by a constant string:
# ``password = "x"``, ``self.token = "x"``, ``os.environ["TOKEN"] = "x"``), given as a credential-named
# keyword argument or parameter default (``connect(password="x")``, ``def f(token="x")``), or as the value
# of a credential-named constant key in a dict display (``{"secretkey": "x"}``); and the default of an
# environment read (``os.getenv("TOKEN", "x")``, ``os.environ.get``, ``os.environ.setdefault``), which is in
# Git like any literal, whether it is assigned or not. ``"x".encode()`` is still the constant. A value that
# is any other expression (a call, an f-string, a concatenation) is not reported; a literal credential is
# not the value of such an expression on its own. Comments and docstrings are not code and are not read.
# The text is read as Python when the key ends in .py, when its first line is a python shebang, or when it
# parses as Python and has an import, def or class statement: ``password = hunter2`` (an ini line) and
# ``password: hunter2`` (a YAML line; an annotation to Python) parse as Python too, so parsing alone is no
# evidence, and those stay with the line scan. A .py that does not parse (Python 2, a template) does too.
_PYTHON_SUFFIX = ".py"
_PYTHON_STATEMENTS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# The environment reads that take a default (CPython Lib/os.py): getenv(key, default=None), and on os.environ
# (class _Environ, a MutableMapping) get(key, default), inherited from Mapping (Lib/_collections_abc.py), and
# _Environ.setdefault(key, value), which also stores the value in the environment.
_ENVIRON_METHODS = frozenset({"get", "setdefault"})
# Methods that turn a str constant into bytes and back: the constant is still the value.
_CODEC_METHODS = frozenset({"encode", "decode"})


def python_module(name: str, text: str) -> ast.Module | None:
    """The parsed module when ConfigMap key ``name`` holds Python source (see above), else None."""
    first = text.lstrip().partition("\n")[0]
    declared = name.endswith(_PYTHON_SUFFIX) or (first.startswith("#!") and "python" in first)
    if not declared and not any(word in text for word in ("import ", "def ", "class ")):
        return None
    try:
        with warnings.catch_warnings():  # SyntaxWarning for "\d" and the like: the file is not ours
            warnings.simplefilter("ignore")
            module = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if declared or any(isinstance(stmt, _PYTHON_STATEMENTS) for stmt in module.body):
        return module
    return None


def _constant_text(node: ast.expr | None) -> str | None:
    """The text of a str or bytes constant (also ``"x".encode()``), else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _CODEC_METHODS:
        node = node.func.value
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
        return node.value.decode("latin-1")
    return None


def _env_default(node: ast.expr) -> tuple[str, str] | None:
    """(variable, default) of an environment read with a constant default: ``os.getenv("T", "x")``,
    ``getenv("T", default="x")``, ``os.environ.get("T", "x")``, ``environ.setdefault("T", "x")``."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in _ENVIRON_METHODS:
        owner = func.value
        if not (
            (isinstance(owner, ast.Attribute) and owner.attr == "environ")
            or (isinstance(owner, ast.Name) and owner.id == "environ")
        ):
            return None
    elif not (
        (isinstance(func, ast.Attribute) and func.attr == "getenv")
        or (isinstance(func, ast.Name) and func.id == "getenv")
    ):
        return None
    keywords = {kw.arg: kw.value for kw in node.keywords if kw.arg}
    variable = _constant_text(node.args[0] if node.args else keywords.get("key"))
    default = _constant_text(node.args[1] if len(node.args) > 1 else keywords.get("default"))
    if variable is None or default is None:
        return None
    return variable, default


def _literal_of(node: ast.expr | None) -> str | None:
    """The literal a value holds: a constant, or an environment read's constant default."""
    if node is None:
        return None
    text = _constant_text(node)
    if text is None:
        read = _env_default(node)
        text = read[1] if read else None
    return text


def _target_name(node: ast.expr) -> str | None:
    """The name an assignment target gives its value: ``name``, ``obj.name``, ``obj["name"]``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return _constant_text(node.slice)
    return None


def _assigned(target: ast.expr, value: ast.expr | None) -> Iterator[tuple[ast.AST, str, ast.expr | None]]:
    """(where, name, value) of each name an assignment binds; ``a, b = "x", "y"`` pairs them up."""
    if isinstance(target, (ast.Tuple, ast.List)):
        values = value.elts if isinstance(value, (ast.Tuple, ast.List)) else []
        if len(values) == len(target.elts) and not any(isinstance(t, ast.Starred) for t in target.elts):
            for sub, sub_value in zip(target.elts, values, strict=True):
                yield from _assigned(sub, sub_value)
        return
    name = _target_name(target)
    if name is not None:
        yield target, name, value


def _parameters(args: ast.arguments) -> Iterator[tuple[ast.AST, str, ast.expr | None]]:
    positional = [*args.posonlyargs, *args.args]
    for arg, default in zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True):
        yield arg, arg.arg, default
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        yield arg, arg.arg, kw_default


def _python_values(module: ast.Module) -> Iterator[tuple[ast.AST, str, ast.expr | None]]:
    """(where, name, value) of every value the source gives a name (see above)."""
    for node in ast.walk(module):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                yield from _assigned(target, node.value)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
            yield from _assigned(node.target, node.value)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                name = _constant_text(key)
                if key is not None and name is not None:
                    yield key, name, value
        elif isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg:
                    yield kw, kw.arg, kw.value
            read = _env_default(node)
            if read:
                yield node, read[0], node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            yield from _parameters(node.args)


def python_credential(module: ast.Module) -> str | None:
    """The name of the first literal credential in Python source (see above), or None."""
    found: list[tuple[int, int, str]] = []
    for where, name, value in _python_values(module):
        text = _literal_of(value)
        if text is not None and literal_credential(name, text):
            found.append((getattr(where, "lineno", 0), getattr(where, "col_offset", 0), name))
    return min(found)[2] if found else None


# The key of a Knative-style ConfigMap's documentation block (knative.dev/pkg configmap/example.go:
# "ExampleKey signifies a given example configuration in a ConfigMap"), which Knative's and Tekton's
# configuration parsers skip: its ``name: value`` lines are placeholders for the reader ("Name of the k8s
# secret which contains basic auth credentials"), never read, so only credential-shaped values (a key, a
# token, a URL with a password) count there: those are in Git all the same.
EXAMPLE_KEY = "_example"


def _check_configmap(obj: Resource) -> Iterator[Finding]:
    for key, value in as_dict(obj.obj.get("data")).items():
        if not isinstance(value, str):
            continue
        name = str(key)
        what = credential_in_value(value)
        if what is None and name != EXAMPLE_KEY:
            if "\n" not in value.strip():
                if literal_credential(name, value):
                    what = "a literal credential"
            elif _HINT.search(value):
                module = python_module(name, value)
                if module is not None:
                    found = python_credential(module)
                    what = None if found is None else f"a literal credential ({found})"
                else:
                    for key, assigned in _assignments(value):
                        if literal_credential(key, assigned) and not _TAG_REFERENCE.match(assigned):
                            what = f"a literal credential ({key})"
                            break
        if what is not None:
            yield Finding(
                f'ConfigMap "{obj.shown_name}" key "{name}" holds {what}; move it to a Secret produced in-cluster.',
                path=pointer("data", name),
            )
