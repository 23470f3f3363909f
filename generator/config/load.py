"""Read ``environments/<env>.yaml`` into an :class:`Environment`: what the commands call (environment names
and discovery, :func:`parse_environment`, :func:`load_environment`, :func:`iter_environments`,
:func:`check_unique_hosts`, :func:`auth_warnings`). With :mod:`generator.config.read`, which reads the file's
text for it, the only module of the config package that touches files.

The file is parsed with ruamel.yaml in round-trip mode so every error can name ``file:line:col``, the key
path and what was expected. Anchors and aliases are refused before anything is constructed (no alias
bombs, no merge keys); duplicate keys, malformed YAML, unknown keys, wrong types, bad quantities,
hostnames, images and cron expressions all raise :class:`ConfigError` with a one-line message.

The steps live beside it: :mod:`generator.config.read` (reading the text safely, the schema check and
``file:line:col`` positions), :mod:`generator.config.cron` (the schedule syntax) and
:mod:`generator.config.build` (the cross-key checks and the frozen :class:`Environment`).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from generator.config.build import build_environment, normalize_auth_and_gateway, semantic_checks
from generator.config.model import Environment
from generator.config.profiles import deep_merge, defaults_for
from generator.config.read import (
    check_flow_depth,
    checked_yaml,
    describe,
    mark_error,
    node_pos,
    plain,
    position,
    read_text,
    schema_check,
    yaml_problem,
)
from generator.errors import ConfigError, excerpt, sanitize

ENV_DIR = "environments"
ENV_NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


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


def parse_environment(text: str, *, name: str, source_file: str) -> Environment:
    """Parse and validate the text of one env file (``source_file`` is only used in messages)."""
    display = source_file
    validate_env_name(name, where=display)
    check_flow_depth(text, display)
    try:
        doc = checked_yaml(display).load(text)
    except MarkedYAMLError as exc:
        what = "duplicate key" if "duplicate key" in str(exc) else "malformed YAML"
        raise mark_error(display, exc, what) from None
    except YAMLError as exc:
        raise ConfigError(f"{display}: malformed YAML: {yaml_problem(exc)}") from None
    if doc is None:
        raise ConfigError(f"{display}:1:1: <root>: expected a mapping with at least 'profile', got an empty file")
    if not isinstance(doc, CommentedMap):
        line, col = node_pos(doc)
        kind = "a sequence" if isinstance(doc, list) else f"a scalar ({describe(doc)})"
        raise ConfigError(f"{display}:{line}:{col}: <root>: expected a mapping, got {kind}")
    data = plain(doc, display)
    schema_check(doc, data, display)
    cfg = deep_merge(defaults_for(data["profile"]), normalize_auth_and_gateway(data))
    semantic_checks(doc, cfg, display)
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
            line, col = position(doc, ["serving", "models", i, "modelUri"])
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
    text = read_text(path, display)
    try:
        return parse_environment(text, name=path.stem, source_file=display)
    except ConfigError as exc:  # the last guard: whatever a message quotes, it stays one short escaped line
        raise ConfigError(sanitize(str(exc), 400)) from None


def _display(path: Path, repo_root: Path | None) -> str:
    if repo_root is not None:
        try:
            return path.resolve().relative_to(repo_root.resolve()).as_posix()
        except ValueError:
            pass
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


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
