"""`gitops-gen validate [PATH...]`: offline schema, policy and cross-resource validation at file:line."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TextIO

import typer

from generator.cli_support import exit_with, find_project, keep_until_exit
from generator.errors import InputError
from generator.kustomize.files import one_read_per_kustomization
from generator.kustomize.remote import allowing_remote
from generator.kustomize.renders import concurrent_renders, render_ahead
from generator.validate.context import ExternalObject
from generator.validate.cpus import default_jobs
from generator.validate.engine import Settings, drop_repeats, sort_findings
from generator.validate.inputs import (
    SourceDuplicateKeys,
    input_items,
    kustomize_targets,
    overlay_dirs,
    path_items,
    render_now,
)
from generator.validate.ksources import (
    helm_chart_sources,
    jsonnet_sources,
    kustomization_sources,
    rendered_dirs,
    unrendered_kustomize_sources,
)
from generator.validate.load import InputItem
from generator.validate.model import Resource, Severity, declare_cluster_scoped, withdraw_cluster_scoped
from generator.validate.pipeline import UnitJob, run_units
from generator.validate.profiles import PROFILE_NAMES
from generator.validate.progress import progress_display
from generator.validate.repoconfig import RepoConfig, find_config, load_config, sibling_objects
from generator.validate.report import FORMATS, make_reporter
from generator.validate.schemas import SchemaStore, newer_than_bundled
from generator.validate.walk import excluding, one_walk_per_directory


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

    items: list[InputItem]
    profile: str
    kubernetes_version: str | None
    overrides: dict[str, str] = field(default_factory=dict)
    external: list[ExternalObject] = field(default_factory=list)
    only: frozenset[str] | None = None  # e.g. duplicate-key only, for sources kustomize cannot render
    preloaded: list[Resource] | None = None  # those sources' documents (already loaded)
    kustomizations: list[Resource] = field(default_factory=list)  # the kustomization files behind them


def _load_env(repo: Path, name: str) -> Any:
    from generator.config.load import load_by_name

    return load_by_name(repo, name)


def _env_settings(env: Any) -> tuple[str, str, dict[str, str], list[ExternalObject]]:
    external = [ExternalObject(e.kind, e.name, e.namespace) for e in env.policy.external]
    return env.profile, env.kubernetes_version, dict(env.policy.severity), external


_Inputs = tuple[list[InputItem], frozenset[str] | None, list[Resource] | None]


def _load_paths(paths: list[str], repo: Path, stdin: TextIO | None, default_namespace: str) -> _Inputs:
    try:
        return input_items(paths, repo=repo, stdin=stdin, default_namespace=default_namespace), None, None
    except SourceDuplicateKeys as exc:
        return [], frozenset({"duplicate-key"}), exc.resources


def _load_overlay(overlay: Path, repo: Path, default_namespace: str) -> _Inputs:
    """A rendered overlay; or, when kustomize refuses it for duplicate keys, those source documents only."""
    try:
        return path_items(overlay, repo=repo, default_namespace=default_namespace), None, None
    except SourceDuplicateKeys as exc:
        return [], frozenset({"duplicate-key"}), exc.resources


def _sources(paths: list[str], repo: Path) -> list[Resource]:
    """The source files the rules about sources look at: kustomization files, and what a walk leaves unread
    (Helm charts, .jsonnet files, kustomize directories and Components that nothing rendered includes)."""
    local = [Path(p) for p in paths if p != "-"]
    rendered = rendered_dirs(local)
    return [
        *kustomization_sources(rendered, repo=repo),
        *helm_chart_sources(local, repo=repo),
        *jsonnet_sources(local, repo=repo),
        *unrendered_kustomize_sources(local, rendered, repo=repo),
    ]


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
    if paths:
        render_ahead(kustomize_targets(paths))  # started before the environment file is read
    if env_name:
        env = _load_env(repo, env_name)
        env_profile, env_version, overrides, external = _env_settings(env)
        version = kubernetes_version or env_version
        if paths:
            items, only, pre = _load_paths(paths, repo, stdin, env.namespace)
            sources = _sources(paths, repo)
        else:
            overlay = repo / "overlays" / env_name
            if not overlay.is_dir():
                raise InputError(f"overlays/{env_name}: no such overlay (run `gitops-gen build {env_name}` first)")
            items, only, pre = _load_overlay(overlay, repo, env.namespace)
            sources = kustomization_sources([overlay], repo=repo)
        return [Unit(items, profile or env_profile, version, overrides, external, only, pre, sources)]
    if paths:
        items, only, pre = _load_paths(paths, repo, stdin, "default")
        sources = _sources(paths, repo)
        return [Unit(items, profile or "default", kubernetes_version, only=only, preloaded=pre, kustomizations=sources)]
    overlays = overlay_dirs(repo)
    if not overlays:
        raise InputError(f"{repo}: no overlays/*/kustomization.yaml here; pass PATH... or --repo")
    render_ahead(overlays)
    units = []
    for overlay in overlays:
        env_file = repo / "environments" / f"{overlay.name}.yaml"
        if env_file.is_file():
            env = _load_env(repo, overlay.name)
            env_profile, env_version, overrides, external = _env_settings(env)
            items, only, pre = _load_overlay(overlay, repo, env.namespace)
            version = kubernetes_version or env_version
            sources = kustomization_sources([overlay], repo=repo)
            units.append(Unit(items, profile or env_profile, version, overrides, external, only, pre, sources))
        else:
            items, only, pre = _load_overlay(overlay, repo, "default")
            sources = kustomization_sources([overlay], repo=repo)
            units.append(
                Unit(items, profile or "default", kubernetes_version, only=only, preloaded=pre, kustomizations=sources)
            )
    return units


_P = ParamSpec("_P")


def _reading_each_kustomization_once(body: Callable[_P, int]) -> Callable[_P, int]:
    """``body`` within :func:`one_read_per_kustomization`: the walk, the renders and the positions of one run
    (its forked workers too) share what they read of the kustomizations."""

    @functools.wraps(body)
    def scoped(*args: _P.args, **kwargs: _P.kwargs) -> int:
        with one_read_per_kustomization():
            return body(*args, **kwargs)

    return scoped


@_reading_each_kustomization_once
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
    jobs: int | None = None,
    progress: bool = False,
    notes: TextIO | None = None,
) -> int:
    """Validate and report; 0 clean, 1 when a finding reaches ``fail_on``. Input errors raise.

    ``jobs``: worker processes (default: the cores available, at most the cgroup's CPU limit); the output is
    the same for every value.
    ``progress``: show files and resources done on stderr once the run takes longer than ~2 s.
    ``notes``: where to say what the run did instead of what was asked (stderr in the CLI; never the report)."""
    if repo is None and (env or not paths):
        repo = find_project(Path.cwd())  # the project's overlays and environments, also from overlays/
    repo = (repo or Path.cwd()).resolve()
    repo_config = _repo_config(repo, config)
    threshold = Severity(fail_on).rank
    if fmt not in FORMATS:
        raise InputError(f"--format: unknown format '{fmt}'")
    if jobs is not None and jobs < 1:
        raise InputError(f"--jobs: expected a positive number of processes, got {jobs}")
    processes = jobs or default_jobs()
    # kustomize directories render at once, on as many threads as there are processes (generator.kustomize.renders)
    base = repo_config.path.parent if repo_config.path is not None else repo
    with (
        allowing_remote(allow_remote),
        one_walk_per_directory(),
        excluding(base, repo_config.exclude),
        concurrent_renders(processes, render_now),
    ):
        units = collect_units(
            paths, repo=repo, env_name=env, profile=profile, kubernetes_version=kubernetes_version, stdin=stdin
        )
        declared = [*repo_config.external, *sibling_objects(repo_config.siblings, repo=repo)]
    stores: dict[str | None, SchemaStore] = {}
    jobs_list: list[UnitJob] = []
    for unit in units:
        store = stores.get(unit.kubernetes_version)
        if store is None:
            store = SchemaStore(unit.kubernetes_version, locations=schema_locations or (), crd_files=crds or ())
            stores[unit.kubernetes_version] = store
            if notes is not None and newer_than_bundled(unit.kubernetes_version, store.kubernetes_version):
                print(
                    f"gitops-gen: note: Kubernetes {unit.kubernetes_version} is newer than the bundled schemas; "
                    f"validating against {store.kubernetes_version}, the newest (fields added since are unknown)",
                    file=notes,
                )
        overrides = {**repo_config.severity, **unit.overrides}  # the environment file wins
        settings = Settings(unit.profile, overrides, ignore_missing_schemas, unit.only)
        external = frozenset([*unit.external, *declared])
        jobs_list.append(UnitJob(unit.items, settings, store, external, unit.preloaded, unit.kustomizations))
    files = sum(len(job.items) for job in jobs_list)
    # custom kinds that --crd CRDs declare cluster-scoped have no namespace, in every unit of the run
    scoped = declare_cluster_scoped(set().union(*(store.cluster_scoped for store in stores.values())))
    try:
        with progress_display(files, enabled=progress) as show:
            outcome = run_units(jobs_list, processes=processes, progress=show, keep=keep_until_exit)
    finally:
        withdraw_cluster_scoped(scoped)
    findings = drop_repeats(sort_findings(repo_config.apply_ignores(outcome.findings)))
    reporter = make_reporter(fmt, out, resources=outcome.resources)
    for finding in findings:
        reporter.write(finding)
    reporter.flush()
    keep_until_exit(outcome, findings, stores, jobs_list)  # the CLI exits without freeing them (exit_with)
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
        Path | None,
        typer.Option(
            "--repo",
            help="Repository root (default: with --env or without PATH, the nearest directory from here up that "
            "holds environments/ or overlays/; otherwise the current directory).",
        ),
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
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Processes that share the work: kustomize renders, loading, every rule, positions (default: "
            "the cores this process may use, at most its container's CPU limit). The output is the same for "
            "every value.",
            show_default=False,
        ),
    ] = None,
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
            jobs=jobs,
            progress=sys.stderr.isatty(),  # stdout carries the report alone, in every format
            notes=sys.stderr,
        ),
        fast=True,
    )
