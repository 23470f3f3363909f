"""Read ``environments/<env>.yaml`` into an :class:`Environment` (the only module of the config package
that touches files).

The file is parsed with ruamel.yaml in round-trip mode so every error can name ``file:line:col``, the key
path and what was expected. Anchors and aliases are refused before anything is constructed (no alias
bombs, no merge keys); duplicate keys, malformed YAML, unknown keys, wrong types, bad quantities,
hostnames, images and cron expressions all raise :class:`ConfigError` with a one-line message.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jsonschema  # type: ignore[import-untyped,unused-ignore]
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, DocumentStartEvent, NodeEvent

from generator.config.model import (
    ArgoSettings,
    AuthSettings,
    Environment,
    ExternalRef,
    GatewayRef,
    HpaSettings,
    Images,
    IngressSettings,
    MlflowSettings,
    MonitoringSettings,
    NetworkPolicySettings,
    ObjectStoreSettings,
    OidcSettings,
    Policy,
    PostgresSettings,
    Resources,
    SecretsSettings,
    SecretStoreRef,
    ServingModel,
    ServingSettings,
    Storage,
    TrainingSettings,
)
from generator.config.profiles import deep_merge, defaults_for
from generator.errors import ConfigError, excerpt, sanitize

ENV_DIR = "environments"
ENV_NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
MAX_FILE_BYTES = 1_000_000  # an env file is a few KB; README "Limits"
MAX_DEPTH = 32  # nesting levels (block or flow); the deepest real key path is 5

# Names of the in-cluster Secrets the platform consumes (produced by ExternalSecret / SealedSecret).
POSTGRES_SECRET = "postgres-credentials"
OBJECT_STORE_SECRET = "object-store-credentials"
MINIO_ENDPOINT = "http://minio:9000"


# --------------------------------------------------------------------------------------------- names


def validate_env_name(name: str, *, where: str = "environment name") -> str:
    """``name`` if it is a plain DNS label (``prod``, ``eu-west``); else ConfigError."""
    if not ENV_NAME_RE.match(name):
        raise ConfigError(
            f"{where}: invalid environment name {name!r}: expected a DNS label "
            "(lower-case letters, digits and '-', 1-63 characters, no path separators)"
        )
    return name


def environment_path(repo_root: Path, name: str) -> Path:
    """The env file of environment ``name`` under ``repo_root`` (the name is validated first)."""
    validate_env_name(name)
    return repo_root / ENV_DIR / f"{name}.yaml"


def discover(repo_root: Path) -> list[Path]:
    """Every ``environments/*.yaml`` of the repository, sorted by name."""
    env_dir = repo_root / ENV_DIR
    if not env_dir.is_dir():
        return []
    return sorted((p for p in env_dir.glob("*.yaml") if p.is_file()), key=lambda p: p.name)


def load_by_name(repo_root: Path, name: str) -> Environment:
    """Load environment ``name`` of the repository at ``repo_root``."""
    path = environment_path(repo_root, name)
    if not path.is_file():
        raise ConfigError(f"{ENV_DIR}/{name}.yaml: no such environment file")
    return load_environment(path, repo_root=repo_root)


# -------------------------------------------------------------------------------------------- schema


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of an environment file (shipped as ``generator/config/schema.json``)."""
    text = resources.files("generator.config").joinpath("schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


_CRON_MACROS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
# (low, high, names) per field: minute, hour, day of month, month, day of week. The API server parses
# CronJob schedules with robfig/cron/v3 (spec.go bounds): day of week is 0-6, "7" is rejected.
_CRON_FIELDS: tuple[tuple[int, int, tuple[str, ...]], ...] = (
    (0, 59, ()),
    (0, 23, ()),
    (1, 31, ()),
    (1, 12, _MONTHS),
    (0, 6, _DAYS),
)


def _cron_value(token: str, low: int, high: int, names: tuple[str, ...]) -> int | None:
    if token.isdigit():
        value = int(token)
        return value if low <= value <= high else None
    lowered = token.lower()
    if lowered in names:
        return names.index(lowered) + (1 if names is _MONTHS else 0)
    return None


def is_cron(expr: str) -> bool:
    """True when ``expr`` is a schedule Kubernetes CronJobs accept (5 fields or a macro)."""
    expr = expr.strip()
    if expr in _CRON_MACROS:
        return True
    fields = expr.split()
    if len(fields) != 5:
        return False
    for text, (low, high, names) in zip(fields, _CRON_FIELDS, strict=True):
        for part in text.split(","):
            base, _, step = part.partition("/")
            if step and (not step.isdigit() or int(step) == 0):
                return False
            if base in ("*", "?"):
                continue
            start, dash, end = base.partition("-")
            first = _cron_value(start, low, high, names)
            if first is None:
                return False
            if dash:
                last = _cron_value(end, low, high, names)
                if last is None or last < first:
                    return False
    return True


_FORMATS = jsonschema.FormatChecker(formats=())


def _check_cron(instance: object) -> bool:
    return not isinstance(instance, str) or is_cron(instance)


_FORMATS.checks("cron")(_check_cron)


@cache
def _validator() -> Any:
    cls = jsonschema.validators.validator_for(schema())
    return cls(schema(), format_checker=_FORMATS)


# -------------------------------------------------------------------------------------------- reading


def _read_text(path: Path, display: str) -> str:
    """The file's text; never reads more than ``MAX_FILE_BYTES + 1`` bytes (a huge or endless file costs nothing)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"{display}: no such environment file") from None
    except OSError as exc:
        raise ConfigError(f"{display}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise ConfigError(f"{display}: file is larger than the limit of {MAX_FILE_BYTES:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{display}: not UTF-8 text (byte {exc.start})") from None


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def _mark_error(display: str, exc: MarkedYAMLError, what: str) -> ConfigError:
    mark = exc.problem_mark or exc.context_mark
    # ruamel quotes input in some problems (duplicate keys with their values): keep a short excerpt only
    problem = sanitize((exc.problem or exc.context or "invalid YAML").strip().replace("\n", " "), 120)
    if mark is None:
        return ConfigError(f"{display}: {what}: {problem}")
    return ConfigError(f"{display}:{mark.line + 1}:{mark.column + 1}: {what}: {problem}")


def _yaml_problem(exc: YAMLError) -> str:
    lines = str(exc).splitlines()
    return sanitize(lines[0], 120) if lines else "invalid YAML"


def _check_flow_depth(text: str, display: str) -> None:
    """Refuse flow nesting (``[[[...`` / ``{{{...``) deeper than ``MAX_DEPTH`` with one linear pass over the text.

    This runs before any YAML parsing because ruamel's scanner is quadratic on deep flow nesting: in a flow
    collection every ``[`` may start a simple key, and the scanner looks up to 1024 characters ahead while
    re-checking every open candidate (scanner.py ``stale_possible_simple_keys``), so 1,000 levels cost seconds
    even when the parser stops at level 33. Quoted scalars and comments are skipped; brackets inside plain
    scalars (``a[b``) count, which can only over-estimate the depth of absurd files, never miss a deep one.
    """
    depth = 0
    line = 1
    col = 0
    i = 0
    n = len(text)
    quote = ""
    prev = "\n"
    while i < n:
        ch = text[i]
        col += 1
        if ch == "\n":
            line, col = line + 1, 0
        if quote:
            if ch == quote:
                if quote == "'" and i + 1 < n and text[i + 1] == "'":  # '' escapes ' in single quotes
                    i += 1
                else:
                    quote = ""
            elif ch == "\\" and quote == '"':
                i += 1
        elif ch == "#" and prev in " \t\n":
            end = text.find("\n", i)
            if end < 0:
                return
            i, prev = end, " "
            continue
        elif ch in "\"'" and prev in " \t\n[{,:":
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ConfigError(f"{display}:{line}:{col}: nesting deeper than {MAX_DEPTH} levels")
        elif ch in "]}":
            depth = max(depth - 1, 0)
        prev = ch
        i += 1


def _reject_aliases(text: str, display: str) -> None:
    """Refuse too deep nesting, anchors, aliases (alias bombs, merge keys) and multi-document files, in one
    event pass that stops at the first offence, before anything is constructed."""
    documents = 0
    depth = 0
    try:
        for event in _yaml().parse(text):
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise ConfigError(
                        f"{display}:{mark.line + 1}:{mark.column + 1}: nesting deeper than {MAX_DEPTH} levels"
                    )
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
            if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor is not None):
                mark = event.start_mark
                raise ConfigError(
                    f"{display}:{mark.line + 1}:{mark.column + 1}: YAML anchors and aliases are not allowed "
                    "in environment files (write the value out)"
                )
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    mark = event.start_mark
                    raise ConfigError(f"{display}:{mark.line + 1}:{mark.column + 1}: expected a single YAML document")
    except MarkedYAMLError as exc:
        raise _mark_error(display, exc, "malformed YAML") from None
    except YAMLError as exc:
        raise ConfigError(f"{display}: malformed YAML: {_yaml_problem(exc)}") from None


def _plain(node: Any, display: str, where: str = "") -> Any:
    """ruamel round-trip objects -> plain dict/list/str/int/float/bool/None (keys must be strings)."""
    if isinstance(node, Mapping):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if not isinstance(key, str):
                line, col = _key_pos(node, key)
                raise ConfigError(
                    f"{display}:{line}:{col}: {where or '<root>'}: keys must be strings, got {excerpt(key)}"
                )
            out[key] = _plain(value, display, f"{where}.{key}" if where else key)
        return out
    if isinstance(node, list):
        return [_plain(v, display, f"{where}[{i}]") for i, v in enumerate(node)]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node  # e.g. a YAML timestamp: the schema reports the wrong type


def _key_pos(node: Any, key: Any) -> tuple[int, int]:
    try:
        line, col = node.lc.key(key)
        return line + 1, col + 1
    except (AttributeError, KeyError, TypeError):
        return _node_pos(node)


def _node_pos(node: Any) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    if lc is not None and lc.line is not None:
        return lc.line + 1, lc.col + 1
    return 1, 1


def _position(doc: Any, path: Sequence[str | int], *, at_key: bool = False) -> tuple[int, int]:
    """1-based (line, col) of the value at ``path`` (or of its key with ``at_key``); falls back to the
    deepest ancestor that exists."""
    node = doc
    pos = _node_pos(doc)
    for i, step in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, CommentedMap) and isinstance(step, str) and step in node:
            try:
                line, col = node.lc.key(step) if (last and at_key) else node.lc.value(step)
                pos = (line + 1, col + 1)
            except (KeyError, TypeError):
                pos = _key_pos(node, step)
            node = node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            try:
                line, col = node.lc.item(step)
                pos = (line + 1, col + 1)
            except (KeyError, TypeError, IndexError):
                pass
            node = node[step]
        else:
            break
    return pos


def _key_path(path: Sequence[str | int]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out or "<root>"


def _describe(value: Any) -> str:
    """A short escaped excerpt of a value from the env file (an env file may be any file: never quote it all)."""
    return excerpt(value) if isinstance(value, str) else excerpt(json.dumps(value, default=str), 60)[1:-1]


def _expected(error: Any) -> tuple[list[str | int], str, bool]:
    """(path, message, at_key) for one schema error."""
    path: list[str | int] = list(error.absolute_path)
    sub = error.schema if isinstance(error.schema, dict) else {}
    validator = error.validator
    got = _describe(error.instance)
    if validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(sub.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in sub.get("properties", {}))
        key = extra[0] if extra else ""
        hint = f" (expected one of: {', '.join(allowed)})" if allowed else ""
        return [*path, key], f"unknown key {excerpt(key)}{hint}", True
    if validator == "required":
        missing = str(error.message).split("'")[1] if "'" in str(error.message) else "?"
        return path, f"missing required key {missing!r}", False
    if "x-expected" in sub:
        return path, f"expected {sub['x-expected']}, got {got}", False
    if validator == "type":
        types = error.validator_value
        names = " or ".join(types) if isinstance(types, list) else str(types)
        return path, f"expected {names}, got {got}", False
    if validator == "enum":
        options = ", ".join(str(o) for o in error.validator_value)
        return path, f"expected one of: {options}; got {got}", False
    if validator == "minimum":
        return path, f"expected a number >= {error.validator_value}, got {got}", False
    if validator == "maximum":
        return path, f"expected a number <= {error.validator_value}, got {got}", False
    if validator == "propertyNames":
        return path, f"invalid key: {error.message}", False
    return path, f"{error.message}", False


def _schema_check(doc: Any, data: dict[str, Any], display: str) -> None:
    errors = list(_validator().iter_errors(data))
    if not errors:
        return
    located = []
    for err in errors:
        path, message, at_key = _expected(err)
        line, col = _position(doc, path, at_key=at_key)
        located.append((line, col, _key_path([p for p in path if p != ""]), message))
    located.sort()
    line, col, key, message = located[0]
    more = f" (and {len(located) - 1} more error{'s' if len(located) > 2 else ''})" if len(located) > 1 else ""
    raise ConfigError(f"{display}:{line}:{col}: {key}: {message}{more}")


def _display(path: Path, repo_root: Path | None) -> str:
    if repo_root is not None:
        try:
            return path.resolve().relative_to(repo_root.resolve()).as_posix()
        except ValueError:
            pass
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


# -------------------------------------------------------------------------------------------- building


def _resources(d: Mapping[str, Any]) -> Resources:
    return Resources(
        requests_cpu=str(d["requests"]["cpu"]),
        requests_memory=str(d["requests"]["memory"]),
        limits_cpu=str(d["limits"]["cpu"]),
        limits_memory=str(d["limits"]["memory"]),
    )


def _storage(d: Mapping[str, Any]) -> Storage:
    return Storage(size=str(d["size"]), storage_class=d.get("storageClass"))


def _semantic_checks(doc: Any, cfg: dict[str, Any], display: str) -> None:
    def fail(path: list[str | int], message: str) -> ConfigError:
        line, col = _position(doc, path)
        return ConfigError(f"{display}:{line}:{col}: {_key_path(path)}: {message}")

    store = cfg["objectStore"]
    if store["type"] == "external-s3" and not store.get("endpoint"):
        raise fail(["objectStore", "endpoint"], "expected an endpoint URL when objectStore.type is external-s3")
    if store["type"] == "minio" and store.get("endpoint"):
        raise fail(["objectStore", "endpoint"], "only valid with objectStore.type external-s3 (MinIO runs in-cluster)")
    secrets = cfg["secrets"]
    if secrets["provider"] == "sealed-secrets":
        sealed = secrets.get("sealed", {})
        needed = ["postgres", "objectStore"]
        for name in needed:
            if name not in sealed:
                raise fail(
                    ["secrets", "sealed"] if "sealed" in secrets else ["secrets", "provider"],
                    f"expected secrets.sealed.{name} (kubeseal-encrypted values) with provider sealed-secrets",
                )
    _auth_checks(cfg, fail)
    hpa = cfg["mlflow"]["hpa"]
    if hpa["enabled"] and hpa["minReplicas"] > hpa["maxReplicas"]:
        raise fail(["mlflow", "hpa", "minReplicas"], "expected minReplicas <= maxReplicas")
    seen: set[str] = set()
    for i, model in enumerate(cfg["serving"]["models"]):
        if model["name"] in seen:
            raise fail(["serving", "models", i, "name"], f"duplicate model name {excerpt(model['name'])}")
        seen.add(model["name"])


def normalize_auth_and_gateway(data: dict[str, Any]) -> dict[str, Any]:
    """The env file's shorthands, expanded before the profile merge: ``auth: basic`` is
    ``auth: {mode: basic}``; with ``ingress.kind: gateway`` the namespace whose pods forward outside
    traffic (``ingress.controllerNamespace``, used by every NetworkPolicy) defaults to the Gateway's
    namespace instead of ingress-nginx's."""
    out = dict(data)
    if isinstance(out.get("auth"), str):
        out["auth"] = {"mode": out["auth"]}
    ingress = out.get("ingress")
    if isinstance(ingress, dict) and ingress.get("kind") == "gateway" and "controllerNamespace" not in ingress:
        gateway = ingress.get("gateway")
        if isinstance(gateway, dict) and "namespace" in gateway:
            out["ingress"] = {**ingress, "controllerNamespace": gateway["namespace"]}
    return out


def _auth_checks(cfg: dict[str, Any], fail: Any) -> None:
    """Cross-key rules of ``auth`` and ``ingress.kind`` the JSON Schema cannot express."""
    auth = cfg["auth"]
    mode = auth["mode"]
    if mode == "oidc":
        oidc = auth.get("oidc", {})
        for key in ("issuerURL", "clientID"):
            if not oidc.get(key):
                raise fail(
                    ["auth", "oidc", key] if "oidc" in auth else ["auth"],
                    f"expected auth.oidc.{key} with auth mode oidc",
                )
    if mode == "basic" and auth["database"] == cfg["postgres"]["database"]:
        raise fail(
            ["auth", "database"], "expected a database other than postgres.database (the auth store is separate)"
        )
    secrets = cfg["secrets"]
    if secrets["provider"] == "sealed-secrets":
        sealed = secrets.get("sealed", {})
        needed = {"basic": "auth", "oidc": "oauth2Proxy"}.get(mode)
        if needed and needed not in sealed:
            raise fail(
                ["secrets", "sealed"] if "sealed" in secrets else ["secrets", "provider"],
                f"expected secrets.sealed.{needed} (kubeseal-encrypted values) with auth mode {mode}",
            )
    ingress = cfg["ingress"]
    if ingress["kind"] == "gateway" and not ingress.get("gateway"):
        raise fail(["ingress", "kind"], "expected ingress.gateway (name, namespace) with ingress.kind gateway")
    if ingress["kind"] == "ingress" and ingress.get("gateway"):
        raise fail(["ingress", "gateway"], "only valid with ingress.kind gateway")


def _implied_external(cfg: dict[str, Any], namespace: str) -> list[ExternalRef]:
    """Cluster objects the rendered tree references but does not contain."""
    ing = cfg["ingress"]
    if ing["kind"] == "gateway":
        gw = ing["gateway"]
        refs = [ExternalRef("Gateway", gw["name"], gw["namespace"])]
        if ing["tls"] and gw.get("certificate"):
            refs.append(ExternalRef("ClusterIssuer", ing["clusterIssuer"]))
    else:
        refs = [ExternalRef("IngressClass", ing["className"])]
        if ing["tls"]:
            refs.append(ExternalRef("ClusterIssuer", ing["clusterIssuer"]))
    if cfg["secrets"]["provider"] == "external-secrets":
        store = cfg["secrets"]["store"]
        refs.append(ExternalRef(store["kind"], store["name"], namespace if store["kind"] == "SecretStore" else ""))
    return refs


def build_environment(name: str, source_file: str, cfg: dict[str, Any]) -> Environment:
    """The frozen :class:`Environment` of a merged, validated config document."""
    namespace = cfg.get("namespace") or f"mlflow-{name}"
    images = cfg["images"]
    mlflow_image = images["mlflow"]
    training_image = images.get("training", mlflow_image)
    serving_image = images.get("serving", mlflow_image)
    store = cfg["objectStore"]
    ms = cfg["mlflow"]
    ing = cfg["ingress"]
    sec = cfg["secrets"]
    prefix = str(sec["keyPrefix"]).replace("{env}", name).rstrip("/")
    keys = sec.get("remoteKeys", {})  # explicit remote keys win over <keyPrefix>/<name>
    tr = cfg["training"]
    sv = cfg["serving"]
    mon = cfg["monitoring"]
    argo = cfg["argocd"]
    pol = cfg["policy"]
    default_model_res = ms["resources"]
    sealed = sec.get("sealed", {})
    external = {
        (r.kind, r.name, r.namespace): r
        for r in [
            *(ExternalRef(e["kind"], e["name"], e.get("namespace", "")) for e in pol.get("external", [])),
            *_implied_external(cfg, namespace),
        ]
    }
    return Environment(
        name=name,
        source_file=source_file,
        profile=cfg["profile"],
        namespace=namespace,
        kubernetes_version=str(cfg["kubernetesVersion"]),
        images=Images(
            mlflow=mlflow_image,
            postgres=images["postgres"],
            minio=images["minio"],
            mc=images["mc"],
            training=training_image,
            serving=serving_image,
            oauth2_proxy=images["oauth2Proxy"],
        ),
        postgres=PostgresSettings(
            database=cfg["postgres"]["database"],
            storage=_storage(cfg["postgres"]["storage"]),
            resources=_resources(cfg["postgres"]["resources"]),
        ),
        object_store=ObjectStoreSettings(
            type=store["type"],
            bucket=store["bucket"],
            endpoint=store.get("endpoint") or MINIO_ENDPOINT,
            region=store["region"],
            storage=_storage(store["storage"]),
            console=bool(store["console"]),
            resources=_resources(store["resources"]),
        ),
        mlflow=MlflowSettings(
            replicas=ms["replicas"],
            workers=ms["workers"],
            db_pool_size=ms["dbPoolSize"],
            db_max_overflow=ms["dbMaxOverflow"],
            resources=_resources(ms["resources"]),
            hpa=HpaSettings(
                enabled=ms["hpa"]["enabled"],
                min_replicas=ms["hpa"]["minReplicas"],
                max_replicas=ms["hpa"]["maxReplicas"],
                target_cpu_utilization=ms["hpa"]["targetCPUUtilization"],
            ),
        ),
        ingress=IngressSettings(
            host=ing.get("host") or f"mlflow.{name}.example.com",
            class_name=ing["className"],
            tls=ing["tls"],
            cluster_issuer=ing["clusterIssuer"],
            tls_secret_name=ing["tlsSecretName"],
            controller_namespace=ing["controllerNamespace"],
            acme_solver=ing["acmeSolver"],
            kind=ing["kind"],
            gateway=_gateway(ing.get("gateway")),
        ),
        secrets=SecretsSettings(
            provider=sec["provider"],
            store=SecretStoreRef(kind=sec["store"]["kind"], name=sec["store"]["name"]),
            refresh_interval=sec["refreshInterval"],
            postgres_key=keys.get("postgres") or f"{prefix}/postgres",
            object_store_key=keys.get("objectStore") or f"{prefix}/object-store",
            auth_key=keys.get("auth") or f"{prefix}/auth",
            oauth2_proxy_key=keys.get("oauth2Proxy") or f"{prefix}/oauth2-proxy",
            sealed=MappingProxyType(
                {
                    POSTGRES_SECRET: MappingProxyType(dict(sorted(sealed.get("postgres", {}).items()))),
                    OBJECT_STORE_SECRET: MappingProxyType(dict(sorted(sealed.get("objectStore", {}).items()))),
                    **_sealed_auth(sealed),
                }
                if sealed
                else {}
            ),
        ),
        training=TrainingSettings(
            enabled=tr["enabled"],
            image=tr.get("image") or training_image,
            schedule=tr["schedule"],
            experiment=tr["experiment"],
            command=tuple(tr["command"]),
            resources=_resources(tr["resources"]),
            backoff_limit=tr["backoffLimit"],
            ttl_seconds_after_finished=tr["ttlSecondsAfterFinished"],
            starting_deadline_seconds=tr["startingDeadlineSeconds"],
            active_deadline_seconds=tr["activeDeadlineSeconds"],
            successful_jobs_history_limit=tr["successfulJobsHistoryLimit"],
            failed_jobs_history_limit=tr["failedJobsHistoryLimit"],
        ),
        serving=ServingSettings(
            image=sv.get("image") or serving_image,
            port=sv["port"],
            models=tuple(
                ServingModel(
                    name=m["name"],
                    model_uri=m["modelUri"],
                    replicas=m.get("replicas", sv["defaultReplicas"]),
                    resources=_resources(deep_merge(default_model_res, m.get("resources", {}))),
                )
                for m in sv["models"]
            ),
        ),
        monitoring=MonitoringSettings(
            enabled=mon["enabled"],
            prometheus_namespace=mon["prometheusNamespace"],
            scrape_interval=mon["scrapeInterval"],
            service_monitor_labels=MappingProxyType(dict(sorted(mon["serviceMonitorLabels"].items()))),
            grafana_dashboard=mon["grafanaDashboard"],
        ),
        network_policy=NetworkPolicySettings(
            enabled=cfg["networkPolicy"]["enabled"],
            dns_namespace=cfg["networkPolicy"]["dnsNamespace"],
            node_local_dns=cfg["networkPolicy"]["nodeLocalDNS"],
        ),
        argocd=ArgoSettings(
            repo_url=argo["repoURL"],
            target_revision=argo["targetRevision"],
            destination_server=argo["destination"],
            project=argo["project"],
            automated=argo["automated"],
            prune=argo["prune"],
            self_heal=argo["selfHeal"],
        ),
        policy=Policy(
            severity=MappingProxyType(dict(sorted(pol.get("severity", {}).items()))),
            external=tuple(external[k] for k in sorted(external)),
        ),
        auth=_auth(cfg["auth"]),
    )


# In-cluster Secrets of the auth modes (generator.platform.auth); names live here like the others so the
# sealed values can be keyed by Secret name.
AUTH_SECRET = "mlflow-auth"
OAUTH2_PROXY_SECRET = "oauth2-proxy"


def _sealed_auth(sealed: Mapping[str, Any]) -> dict[str, Mapping[str, str]]:
    out: dict[str, Mapping[str, str]] = {}
    for key, secret in (("auth", AUTH_SECRET), ("oauth2Proxy", OAUTH2_PROXY_SECRET)):
        if key in sealed:
            out[secret] = MappingProxyType(dict(sorted(sealed[key].items())))
    return out


def _gateway(gw: Mapping[str, Any] | None) -> GatewayRef | None:
    if not gw:
        return None
    return GatewayRef(
        name=gw["name"],
        namespace=gw["namespace"],
        section_name=gw.get("sectionName", ""),
        certificate=bool(gw.get("certificate", False)),
    )


def _auth(auth: Mapping[str, Any]) -> AuthSettings:
    oidc = auth.get("oidc", {})
    return AuthSettings(
        mode=auth["mode"],
        default_permission=auth["defaultPermission"],
        database=auth["database"],
        oidc=OidcSettings(
            issuer_url=oidc["issuerURL"],
            client_id=oidc["clientID"],
            email_domains=tuple(oidc["emailDomains"]),
            allowed_groups=tuple(oidc["allowedGroups"]),
        )
        if auth["mode"] == "oidc"
        else None,
    )


def parse_environment(text: str, *, name: str, source_file: str) -> Environment:
    """Parse and validate the text of one env file (``source_file`` is only used in messages)."""
    display = source_file
    validate_env_name(name, where=display)
    _check_flow_depth(text, display)
    _reject_aliases(text, display)
    try:
        doc = _yaml().load(text)
    except MarkedYAMLError as exc:
        what = "duplicate key" if "duplicate key" in str(exc) else "malformed YAML"
        raise _mark_error(display, exc, what) from None
    except YAMLError as exc:
        raise ConfigError(f"{display}: malformed YAML: {_yaml_problem(exc)}") from None
    if doc is None:
        raise ConfigError(f"{display}:1:1: <root>: expected a mapping with at least 'profile', got an empty file")
    if not isinstance(doc, CommentedMap):
        line, col = _node_pos(doc)
        kind = "a sequence" if isinstance(doc, list) else f"a scalar ({_describe(doc)})"
        raise ConfigError(f"{display}:{line}:{col}: <root>: expected a mapping, got {kind}")
    data = _plain(doc, display)
    _schema_check(doc, data, display)
    cfg = deep_merge(defaults_for(data["profile"]), normalize_auth_and_gateway(data))
    _semantic_checks(doc, cfg, display)
    env = build_environment(name, source_file, cfg)
    warnings = (*_warnings(doc, cfg, display), *auth_warnings(env))
    return dataclasses.replace(env, warnings=warnings) if warnings else env


def stage_of(model_uri: str) -> str | None:
    """The registry stage a ``models:/<name>/<stage>`` URI names, None for versions, ``latest`` and aliases.

    Mirrors MLflow's ``_parse_model_uri`` (mlflow/store/artifact/utils/models.py): ``models:/<name>@<alias>``
    is an alias, a numeric suffix a version, ``latest`` the newest version, any other suffix a stage."""
    if not model_uri.startswith("models:/"):
        return None
    path = model_uri[len("models:/") :]
    if "@" in path or "/" not in path:
        return None
    suffix = path.split("/", 1)[1]
    return None if suffix.isdigit() or suffix.lower() == "latest" or not suffix else suffix


def _warnings(doc: Any, cfg: dict[str, Any], display: str) -> tuple[str, ...]:
    out: list[str] = []
    for i, model in enumerate(cfg["serving"]["models"]):
        stage = stage_of(str(model.get("modelUri", "")))
        if stage is not None:
            line, col = _position(doc, ["serving", "models", i, "modelUri"])
            out.append(
                f"{display}:{line}:{col}: serving.models[{i}].modelUri: {model['modelUri']!r} names the registry "
                f"stage {stage!r}; stages are deprecated since MLflow 2.9 (mlflow/mlflow#10336) in favour of "
                f"aliases: use models:/{model['modelUri'][len('models:/') :].split('/')[0]}@<alias>"
            )
    return tuple(out)


def load_environment(path: Path, *, repo_root: Path | None = None) -> Environment:
    """Load ``path`` (an ``environments/<env>.yaml``); the environment's name is the file stem."""
    display = f"{ENV_DIR}/{path.name}" if path.is_symlink() else _display(path, repo_root)
    if path.suffix != ".yaml":
        raise ConfigError(f"{display}: expected a .yaml environment file")
    _refuse_outside_link(path, repo_root, display)
    text = _read_text(path, display)
    try:
        return parse_environment(text, name=path.stem, source_file=display)
    except ConfigError as exc:  # the last guard: whatever a message quotes, it stays one short escaped line
        raise ConfigError(sanitize(str(exc), 400)) from None


def _refuse_outside_link(path: Path, repo_root: Path | None, display: str) -> None:
    """An env file that is a symlink leading outside the repository (``/etc/passwd``) is never read."""
    if not path.is_symlink():
        return
    root = (repo_root or path.parent.parent).resolve()
    target = path.resolve()
    if not target.is_relative_to(root):
        raise ConfigError(
            f"{display}: a symlink to a file outside the repository ({excerpt(os.readlink(path), 60)}); "
            "refusing to read it (put the environment file itself under environments/)"
        )


def iter_environments(repo_root: Path) -> Iterator[Environment]:
    """Load every environment of the repository, in name order."""
    for path in discover(repo_root):
        yield load_environment(path, repo_root=repo_root)


def check_unique_hosts(envs: Sequence[Environment]) -> None:
    """ConfigError when two environments serve the same ingress host (a copied env file kept the other's):
    both Ingresses would claim the host, and the controller routes it to one of them at random."""
    seen: dict[str, Environment] = {}
    for env in sorted(envs, key=lambda e: e.source_file):
        other = seen.get(env.ingress.host.lower())
        if other is not None:
            raise ConfigError(
                f"{other.source_file} and {env.source_file}: both use ingress.host {excerpt(env.ingress.host, 80)} "
                "(each environment needs its own host)"
            )
        seen[env.ingress.host.lower()] = env


def auth_warnings(env: Environment) -> list[str]:
    """Allowed but dangerous auth settings, one line each (``build`` and ``plan`` print them)."""
    if env.profile == "prod" and env.auth.mode == "none":
        scheme = "https" if env.ingress.tls else "http"
        return [
            f"{env.source_file}: auth: none in a prod environment: MLflow at {scheme}://{env.host} accepts "
            "anyone who reaches it (read every artifact, register model versions that serving loads); "
            "set auth: basic or auth: oidc"
        ]
    return []
