"""What an ``mlflow server`` container in a manifest does, read from its image, command, args and env.

Upstream (mlflow/mlflow):
- ``mlflow/cli/__init__.py`` ``server``: options and the env vars click reads for them
  (``--backend-store-uri``/MLFLOW_BACKEND_STORE_URI, ``--default-artifact-root``/MLFLOW_DEFAULT_ARTIFACT_ROOT,
  ``--expose-prometheus``/MLFLOW_EXPOSE_PROMETHEUS, ``--gunicorn-opts``, ``--waitress-opts``) and
  ``mlflow/cli/cli_args.py`` (``--allowed-hosts``/MLFLOW_SERVER_ALLOWED_HOSTS,
  ``--disable-security-middleware``, ``--artifacts-destination``/MLFLOW_ARTIFACTS_DESTINATION).
  Security options apply to the default uvicorn server only (``_validate_server_args``).
- ``mlflow/server/fastapi_security.py`` (``init_fastapi_security``: HostValidationMiddleware answers 403
  "Invalid Host header" unless the allowed list contains ``*``) and ``mlflow/server/security_utils.py``
  (``is_allowed_host_header``: exact match, or ``fnmatch`` for entries containing ``*``;
  ``get_default_allowed_hosts``: localhost variants and private IP patterns only; /health and /version
  are exempt). The middleware exists from MLflow 3.5.
- ``docker/Dockerfile`` (``pip install mlflow==$VERSION``: requirements/core-requirements.txt and
  skinny-requirements.txt, no psycopg2, no boto3, no prometheus-flask-exporter) versus
  ``docker/Dockerfile.full`` (``mlflow[extras,azure,db,gateway,genai,auth]``): the ``-full`` tags.
"""

from __future__ import annotations

import fnmatch
import re
import shlex
from dataclasses import dataclass
from typing import Any

PLAIN_IMAGE = "ghcr.io/mlflow/mlflow"
HOST_CHECK_SINCE = (3, 5)

# option -> env var click reads when the option is absent
_ENVVARS = {
    "--backend-store-uri": "MLFLOW_BACKEND_STORE_URI",
    "--registry-store-uri": "MLFLOW_REGISTRY_STORE_URI",
    "--default-artifact-root": "MLFLOW_DEFAULT_ARTIFACT_ROOT",
    "--artifacts-destination": "MLFLOW_ARTIFACTS_DESTINATION",
    "--expose-prometheus": "MLFLOW_EXPOSE_PROMETHEUS",
    "--allowed-hosts": "MLFLOW_SERVER_ALLOWED_HOSTS",
    "--disable-security-middleware": "MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE",
    "--gunicorn-opts": "MLFLOW_GUNICORN_OPTS",
}
_FLAGS = frozenset(
    {
        "--serve-artifacts",
        "--no-serve-artifacts",
        "--artifacts-only",
        "--dev",
        "--disable-security-middleware",
        "--enable-workspaces",
        "--disable-workspaces",
    }
)
_VAR = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")
_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?")


def _tokens(container: dict[str, Any]) -> list[str]:
    """command + args, with ``sh -c "..."`` scripts split into words."""
    out: list[str] = []
    for key in ("command", "args"):
        value = container.get(key)
        for item in value if isinstance(value, list) else []:
            if not isinstance(item, str):
                continue
            if " " in item.strip() and "mlflow" in item:
                try:
                    out.extend(shlex.split(item, comments=True))
                except ValueError:
                    out.extend(item.split())
            else:
                out.append(item)
    return out


@dataclass(frozen=True, slots=True)
class MlflowServer:
    """An ``mlflow server`` process: its image, parsed options and literal env (``None`` = from a Secret or
    ConfigMap, value unknown)."""

    image: str
    options: dict[str, str]
    env: dict[str, str | None]

    def setting(self, option: str) -> str | None:
        """The option's value (``$(VAR)`` expanded from literal env), else its env var, else None."""
        if option in self.options:
            return self._expand(self.options[option])
        var = _ENVVARS.get(option)
        if var and var in self.env:
            value = self.env[var]
            return self._expand(value) if value is not None else "<from a Secret or ConfigMap>"
        return None

    def _expand(self, value: str) -> str:
        def sub(m: re.Match[str]) -> str:
            found = self.env.get(m.group(1))
            return found if isinstance(found, str) else m.group(0)

        return _VAR.sub(sub, value)

    @property
    def version(self) -> tuple[int, int] | None:
        """The MLflow version from the image tag (``v3.16.1-full`` -> (3, 16)); None when it has no version
        (a digest, ``latest``, another image)."""
        tag = image_tag(self.image)
        m = _VERSION.match(tag) if tag else None
        return (int(m.group(1)), int(m.group(2))) if m else None

    @property
    def plain_image(self) -> bool:
        """The official image without ``-full``: no DB drivers, boto3 or prometheus-flask-exporter."""
        repo = self.image.split("@")[0]
        if ":" in repo.split("/")[-1]:
            repo = repo[: repo.rfind(":")]
        tag = image_tag(self.image) or "latest"
        return repo == PLAIN_IMAGE and "full" not in tag

    def backend_scheme(self) -> str:
        uri = self.setting("--backend-store-uri") or ""
        return uri.split("://", 1)[0].split("+", 1)[0].lower() if "://" in uri else ""

    def artifact_schemes(self) -> list[str]:
        out = []
        for option in ("--artifacts-destination", "--default-artifact-root"):
            uri = self.setting(option) or ""
            if "://" in uri:
                out.append(uri.split("://", 1)[0].lower())
        return out

    def missing_packages(self) -> list[tuple[str, str]]:
        """(package, why) the plain image lacks for this configuration."""
        if not self.plain_image:
            return []
        out: list[tuple[str, str]] = []
        scheme = self.backend_scheme()
        if scheme in ("postgresql", "postgres"):
            out.append(("psycopg2", f"backend store {scheme}://"))
        elif scheme == "mysql":
            out.append(("pymysql/mysqlclient", "backend store mysql://"))
        elif scheme == "mssql":
            out.append(("pyodbc", "backend store mssql://"))
        if "s3" in self.artifact_schemes():
            out.append(("boto3", "artifacts on s3://"))
        if self.setting("--expose-prometheus"):
            out.append(("prometheus-flask-exporter", "--expose-prometheus"))
        return out

    @property
    def exposes_metrics(self) -> bool:
        return bool(self.setting("--expose-prometheus"))

    def allowed_hosts(self) -> list[str] | None:
        """The Host header patterns the server accepts, or None when it doesn't check Host headers (MLflow <
        3.5, middleware disabled, gunicorn/waitress, or a value that comes from a Secret)."""
        version = self.version
        if version is not None and version < HOST_CHECK_SINCE:
            return None
        if (self.setting("--disable-security-middleware") or "").lower() in ("true", "1") or (
            "--disable-security-middleware" in self.options
        ):
            return None
        if "--gunicorn-opts" in self.options or "--waitress-opts" in self.options or self.setting("--gunicorn-opts"):
            return None
        value = self.setting("--allowed-hosts")
        if value is None:
            return default_allowed_hosts()
        if value.startswith("<") or "$(" in value:
            return None  # not knowable offline
        return [h.strip() for h in value.split(",")]


def image_tag(image: str) -> str:
    name = image.split("@")[0]
    last = name.split("/")[-1]
    return last.split(":", 1)[1] if ":" in last else ""


def default_allowed_hosts() -> list[str]:
    """security_utils.get_default_allowed_hosts: localhost variants (with any port) and private IPs."""
    local = ["localhost", "127.0.0.1", "[::1]", "0.0.0.0"]
    wild = [("[[]::1]:*" if h == "[::1]" else f"{h}:*") for h in local]
    private = ["192.168.*", "10.*", *[f"172.{i}.*" for i in range(16, 32)], "fc00:*", "fd00:*"]
    return local + wild + private


def host_allowed(patterns: list[str], host: str) -> bool:
    """security_utils.is_allowed_host_header."""
    if not host:
        return False
    if "*" in patterns:
        return True
    return any(fnmatch.fnmatch(host, p) if "*" in p else host == p for p in patterns)


def parse_server(container: dict[str, Any]) -> MlflowServer | None:
    """The MLflow server a container runs, or None when it runs something else."""
    tokens = _tokens(container)
    start = next(
        (
            i + 2
            for i in range(len(tokens) - 1)
            if tokens[i].rsplit("/", 1)[-1] == "mlflow" and tokens[i + 1] == "server"
        ),
        None,
    )
    image = container.get("image")
    if start is None or not isinstance(image, str):
        # `args: [server, ...]` with the mlflow entrypoint implied by command: [mlflow] handled above;
        # an image whose entrypoint is mlflow and args start with "server"
        if isinstance(image, str) and "mlflow" in image and tokens[:1] == ["server"]:
            start = 1
        else:
            return None
    options: dict[str, str] = {}
    i = start
    while i < len(tokens):
        tok = tokens[i]
        if tok in ("&&", ";", "|", "||"):
            break
        if tok.startswith("--"):
            name, eq, value = tok.partition("=")
            if eq:
                options[name] = value
            elif name in _FLAGS or i + 1 >= len(tokens) or tokens[i + 1].startswith("--"):
                options[name] = ""
            else:
                options[name] = tokens[i + 1]
                i += 1
        i += 1
    env: dict[str, str | None] = {}
    items = container.get("env")
    for item in items if isinstance(items, list) else []:
        var = item.get("name") if isinstance(item, dict) else None
        if isinstance(var, str):
            literal = item.get("value")
            env[var] = literal if isinstance(literal, str) else None
    return MlflowServer(str(image), options, env)
