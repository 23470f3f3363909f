"""`gitops-gen validate [PATH...]`: offline schema, policy and cross-resource validation at file:line."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from generator.cli_support import exit_with
from generator.errors import InputError
from generator.kustomize.remote import allowing_remote
from generator.validate.context import ExternalObject
from generator.validate.engine import Report, sort_findings, validate_resources
from generator.validate.ksources import kustomization_sources, rendered_dirs
from generator.validate.load import SourceDuplicateKeys, load_inputs, load_kustomization, overlay_dirs
from generator.validate.model import Finding, Resource, Severity
from generator.validate.profiles import PROFILE_NAMES
from generator.validate.repoconfig import RepoConfig, find_config, load_config, sibling_objects
from generator.validate.report import FORMATS, make_reporter
from generator.validate.schemas import SchemaStore


class Format(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


class Profile(StrEnum):
    default = "default"
    dev = "dev"
    staging = "staging"
    prod = "prod"


assert tuple(Format) == FORMATS and tuple(Profile) == PROFILE_NAMES


@dataclass
class Unit:
    """Resources validated together (one Context): an overlay, or every plain input of the run."""

    resources: list[Resource]
    profile: str
    kubernetes_version: str | None
    overrides: dict[str, str] = field(default_factory=dict)
    external: list[ExternalObject] = field(default_factory=list)
    only: frozenset[str] | None = None  # e.g. duplicate-key only, for sources kustomize cannot render
    kustomizations: list[Resource] = field(default_factory=list)  # the kustomization files behind them


def _load_env(repo: Path, name: str) -> Any:
    from generator.config.load import load_by_name

    return load_by_name(repo, name)


def _env_settings(env: Any) -> tuple[str, str, dict[str, str], list[ExternalObject]]:
    external = [ExternalObject(e.kind, e.name, e.namespace) for e in env.policy.external]
    return env.profile, env.kubernetes_version, dict(env.policy.severity), external


def _load_paths(
    paths: list[str], repo: Path, stdin: TextIO | None, default_namespace: str
) -> tuple[list[Resource], frozenset[str] | None]:
    try:
        return load_inputs(paths, repo=repo, stdin=stdin, default_namespace=default_namespace), None
    except SourceDuplicateKeys as exc:
        return exc.resources, frozenset({"duplicate-key"})


def _load_overlay(overlay: Path, repo: Path, default_namespace: str) -> tuple[list[Resource], frozenset[str] | None]:
    """A rendered overlay; or, when kustomize refuses it for duplicate keys, those source documents only."""
    try:
        return load_kustomization(overlay, repo=repo, default_namespace=default_namespace), None
    except SourceDuplicateKeys as exc:
        return exc.resources, frozenset({"duplicate-key"})


def _sources(paths: list[str], repo: Path) -> list[Resource]:
    return kustomization_sources(rendered_dirs(Path(p) for p in paths if p != "-"), repo=repo)


def _repo_config(repo: Path, explicit: Path | None) -> RepoConfig:
    """``--config FILE``, else ``.gitops-gen.yaml`` in the repository root or its nearest ancestor."""
    if explicit is not None:
        if not explicit.is_file():
            raise InputError(f"--config: {explicit}: no such file")
        return load_config(explicit)
    found = find_config(repo)
    if found is None:
        return RepoConfig()
    try:
        shown = found.relative_to(repo).as_posix()
    except ValueError:
        shown = found.as_posix()
    return load_config(found, display=shown)


def collect_units(
    paths: list[str],
    *,
    repo: Path,
    env_name: str | None,
    profile: str | None,
    kubernetes_version: str | None,
    stdin: TextIO | None,
) -> list[Unit]:
    if env_name:
        env = _load_env(repo, env_name)
        env_profile, env_version, overrides, external = _env_settings(env)
        version = kubernetes_version or env_version
        only: frozenset[str] | None = None
        if paths:
            resources, only = _load_paths(paths, repo, stdin, env.namespace)
            sources = _sources(paths, repo)
        else:
            overlay = repo / "overlays" / env_name
            if not overlay.is_dir():
                raise InputError(f"overlays/{env_name}: no such overlay (run `gitops-gen build {env_name}` first)")
            resources, only = _load_overlay(overlay, repo, env.namespace)
            sources = kustomization_sources([overlay], repo=repo)
        return [Unit(resources, profile or env_profile, version, overrides, external, only, sources)]
    if paths:
        resources, only = _load_paths(paths, repo, stdin, "default")
        sources = _sources(paths, repo)
        return [Unit(resources, profile or "default", kubernetes_version, only=only, kustomizations=sources)]
    overlays = overlay_dirs(repo)
    if not overlays:
        raise InputError(f"{repo}: no overlays/*/kustomization.yaml here; pass PATH... or --repo")
    units = []
    for overlay in overlays:
        env_file = repo / "environments" / f"{overlay.name}.yaml"
        if env_file.is_file():
            env = _load_env(repo, overlay.name)
            env_profile, env_version, overrides, external = _env_settings(env)
            resources, only = _load_overlay(overlay, repo, env.namespace)
            version = kubernetes_version or env_version
            sources = kustomization_sources([overlay], repo=repo)
            units.append(Unit(resources, profile or env_profile, version, overrides, external, only, sources))
        else:
            resources, only = _load_overlay(overlay, repo, "default")
            sources = kustomization_sources([overlay], repo=repo)
            units.append(Unit(resources, profile or "default", kubernetes_version, only=only, kustomizations=sources))
    return units


def run(
    paths: list[str],
    *,
    out: TextIO,
    repo: Path | None = None,
    env: str | None = None,
    fmt: str = "text",
    fail_on: str = "error",
    kubernetes_version: str | None = None,
    schema_locations: list[str] | None = None,
    crds: list[Path] | None = None,
    ignore_missing_schemas: bool = False,
    profile: str | None = None,
    stdin: TextIO | None = None,
    config: Path | None = None,
    allow_remote: bool = False,
) -> int:
    """Validate and report; 0 clean, 1 when a finding reaches ``fail_on``. Input errors raise."""
    repo = (repo or Path.cwd()).resolve()
    repo_config = _repo_config(repo, config)
    threshold = Severity(fail_on).rank
    if fmt not in FORMATS:
        raise InputError(f"--format: unknown format '{fmt}'")
    with allowing_remote(allow_remote):
        units = collect_units(
            paths, repo=repo, env_name=env, profile=profile, kubernetes_version=kubernetes_version, stdin=stdin
        )
        declared = [*repo_config.external, *sibling_objects(repo_config.siblings, repo=repo)]
    stores: dict[str | None, SchemaStore] = {}
    findings: list[Finding] = []
    total = 0
    for unit in units:
        store = stores.get(unit.kubernetes_version)
        if store is None:
            store = SchemaStore(unit.kubernetes_version, locations=schema_locations or (), crd_files=crds or ())
            stores[unit.kubernetes_version] = store
        report: Report = validate_resources(
            unit.resources,
            profile=unit.profile,
            schemas=store,
            overrides={**repo_config.severity, **unit.overrides},  # the environment file wins
            external=[*unit.external, *declared],
            ignore_missing_schemas=ignore_missing_schemas,
            only=unit.only,
            kustomizations=unit.kustomizations,
        )
        total += report.resources
        findings.extend(repo_config.apply_ignores(report.findings))
    reporter = make_reporter(fmt, out, resources=total)
    for finding in sort_findings(findings):
        reporter.write(finding)
    reporter.flush()
    return 1 if any(f.severity.rank >= threshold for f in findings) else 0


def cli(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Kustomize directories (rendered with kustomize), other directories and YAML/JSON files "
            "(multi-document, `kind: List` expanded), or - for stdin. Default: every overlays/* of the repo.",
            show_default=False,
        ),
    ] = None,
    repo: Annotated[
        Path | None, typer.Option("--repo", help="Repository root (default: the current directory).")
    ] = None,
    env: Annotated[
        str | None,
        typer.Option("--env", help="Validate overlays/ENV with the environment's profile, policy and version."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 when a finding has this severity or a higher one.")
    ] = FailOn.error,
    kubernetes_version: Annotated[
        str | None,
        typer.Option(
            "--kubernetes-version",
            help="Kubernetes version whose schemas and API removals apply (default: the environment's "
            "kubernetesVersion, else the newest bundled).",
        ),
    ] = None,
    schema_location: Annotated[
        list[str] | None,
        typer.Option(
            "--schema-location",
            help="Local schema folder or kubeconform-style template, e.g. "
            "'schemas/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'; 'default' = bundled "
            "schemas. Repeatable, tried in order (default: 'default').",
        ),
    ] = None,
    crd: Annotated[
        list[Path] | None,
        typer.Option("--crd", help="CustomResourceDefinition manifest to derive schemas from. Repeatable."),
    ] = None,
    ignore_missing_schemas: Annotated[
        bool,
        typer.Option("--ignore-missing-schemas", help="Do not report kinds without a schema (missing-schema)."),
    ] = False,
    profile: Annotated[
        Profile | None,
        typer.Option("--profile", help="Severity profile (default: the environment's, else 'default')."),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Repository settings: external objects, siblings, severities, ignores (default: "
            ".gitops-gen.yaml in the repository root or its nearest ancestor).",
        ),
    ] = None,
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote",
            help="Let kustomize fetch remote resources, components and bases (URLs, git repos). By default "
            "they are refused up front (exit 2): validation is offline.",
        ),
    ] = False,
) -> None:
    """Validate rendered manifests offline: schemas, policy and cross-resource rules, at file:line.

    Examples:

      gitops-gen validate                          # every overlays/* (rendered with kustomize)
      gitops-gen validate --env prod               # overlays/prod with the prod profile and policy
      gitops-gen validate manifests/ extra.yaml    # plain YAML/JSON files and directories
      gitops-gen validate - < rendered.yaml        # a stream on stdin (e.g. kubectl kustomize output)
      gitops-gen validate --format sarif > validate.sarif
      gitops-gen validate --crd crds/widgets.yaml  # schemas from CRD manifests
      gitops-gen validate --schema-location default --schema-location 'my/{{.ResourceKind}}.json'

    Exit codes: 0 clean, 1 a finding at or above --fail-on, 2 usage or input error.
    """
    exit_with(
        lambda: run(
            paths or [],
            out=sys.stdout,
            repo=repo,
            env=env,
            fmt=fmt.value,
            fail_on=fail_on.value,
            kubernetes_version=kubernetes_version,
            schema_locations=schema_location,
            crds=crd,
            ignore_missing_schemas=ignore_missing_schemas,
            profile=profile.value if profile else None,
            config=config,
            allow_remote=allow_remote,
        )
    )
