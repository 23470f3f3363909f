"""The validation engine: for each resource, each rule whose KINDS match -> severity from the profile (and
environment overrides; ``off`` skips the rule) -> ignore annotations -> findings with positions.

The engine knows nothing about a rule's insides; a rule knows nothing about ignores, profiles or output.

Ignores: ``gitops-gen.io/ignore: "rule-a,rule-b"`` on an object is honoured only together with a
non-empty ``gitops-gen.io/ignore-reason``; without a reason it is not honoured and the rule
``ignore-without-reason`` reports it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from sys import intern
from typing import TYPE_CHECKING, Any

from generator.validate.context import Context, ExternalObject
from generator.validate.load import paused_gc
from generator.validate.model import Finding, Resource, Severity
from generator.validate.positions import Locator
from generator.validate.profiles import severities
from generator.validate.rules import RULES, Rule
from generator.validate.schemas import SchemaStore, default_store

if TYPE_CHECKING:
    from generator.config.model import Environment

IGNORE = "gitops-gen.io/ignore"
IGNORE_REASON = "gitops-gen.io/ignore-reason"
SCHEMA_RULES = frozenset({"schema-invalid", "unknown-field", "duplicate-key", "missing-schema"})


def ignored_rules(res: Resource) -> frozenset[str]:
    """Rules an object opts out of: only when the ignore annotation comes with a reason."""
    annotations = res.metadata.get("annotations")
    if not isinstance(annotations, dict) or IGNORE not in annotations:
        return frozenset()
    reason = annotations.get(IGNORE_REASON)
    if not isinstance(reason, str) or not reason.strip():
        return frozenset()
    value = annotations.get(IGNORE)
    if not isinstance(value, str):
        return frozenset()
    return frozenset(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    profile: str = "default"
    overrides: Mapping[str, str] = field(default_factory=dict)
    ignore_missing_schemas: bool = False
    only: frozenset[str] | None = None  # run only these rule ids (e.g. the schema rules in the benchmark)


@dataclass
class Report:
    resources: int
    findings: list[Finding]

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)


def _sort_key(f: Finding) -> tuple[Any, ...]:
    """The order of a report after the file: line, column, rule, resource, path, message (a total order
    for distinct findings, so the output does not depend on the order findings were found in)."""
    ref = f.resource
    return (
        f.line,
        f.column,
        f.rule,
        (ref.kind, ref.namespace, ref.name) if ref else ("", "", ""),
        f.path,
        f.message,
    )


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings by file, then :func:`_sort_key`.

    Sorted file by file: the key tuples (~180 bytes a finding) then exist for one file's findings at a
    time, not for all of them at once (13.6 MB for the 78,098 findings of the benchmark's findings corpus), and
    many short sorts compare less than one long one. The order is the one of a single sort by
    ``(file, *_sort_key)``."""
    by_file: dict[str, list[Finding]] = {}
    for f in findings:
        group = by_file.get(f.file)
        if group is None:
            by_file[f.file] = [f]
        else:
            group.append(f)
    out: list[Finding] = []
    for file in sorted(by_file):
        group = by_file[file]
        if len(group) > 1:
            group.sort(key=_sort_key)
        out.extend(group)
    return out


def drop_repeats(findings: list[Finding]) -> list[Finding]:
    """``findings`` (sorted: :func:`sort_findings`) without the findings identical to one before them.

    One base pulled in by several overlays gives one finding per overlay, identical in every field (rule,
    severity, message, file, line, column, resource, path): 119 of 249 findings on rancher/local-path-
    provisioner said the same thing about the same line, one of them 15 times. Findings that differ in any
    field (another namespace, a severity an environment overrides) stay. Identical findings have equal sort
    keys, so each is compared with the findings kept since the key last changed (few); a finding on another
    line than the one before it, most of them, costs two comparisons."""
    out: list[Finding] = []
    start = 0  # where the findings with the last finding's sort key begin in ``out``
    for f in findings:
        if out:
            last = out[-1]
            same_place = f.line == last.line and f.column == last.column and f.file == last.file
            if not same_place or _sort_key(f) != _sort_key(last):
                start = len(out)
            elif any(_same(f, kept) for kept in out[start:]):
                continue
        out.append(f)
    return out


def _same(a: Finding, b: Finding) -> bool:
    """Equal in the fields the sort key leaves out (it has the rest)."""
    ra, rb = a.resource, b.resource
    return a.severity is b.severity and (ra.api_version if ra else None) == (rb.api_version if rb else None)


def effective_severities(settings: Settings, rules: Mapping[str, Rule] = RULES) -> dict[str, Severity | None]:
    table = severities(settings.profile, {rid: rule.SEVERITY for rid, rule in rules.items()}, settings.overrides)
    if settings.ignore_missing_schemas:
        table["missing-schema"] = None
    if settings.only is not None:
        table = {rid: sev if rid in settings.only else None for rid, sev in table.items()}
    return table


class CrossResourceAccess(BaseException):
    """Raised by a context that holds one resource only (the CLI pipeline's per-resource phase) when a rule
    asks it for other resources."""  # a BaseException: a rule's own `except Exception` must not swallow it


# (rule id, check, rule KINDS or None for every kind, severity) of the rules that run
ActiveRules = list[tuple[str, Any, frozenset[str] | None, Severity]]
# (rule id, check, severity) of the active rules for one kind
KindRules = list[tuple[str, Any, Severity]]


def active_rules(settings: Settings, rules: Mapping[str, Rule] = RULES) -> ActiveRules:
    table = effective_severities(settings, rules)
    return [(rid, rule.check, rule.KINDS, sev) for rid, rule in rules.items() if (sev := table.get(rid)) is not None]


def rules_for_kind(active: ActiveRules, kind: str) -> KindRules:
    return [(rid, check, sev) for rid, check, kinds, sev in active if kinds is None or kind in kinds]


def check_resource(
    ctx: Context, res: Resource, rules: KindRules, locator: Locator, asked: list[str] | None = None
) -> Iterator[Finding]:
    """Every finding of ``rules`` on ``res``: ignores applied, positioned. With ``asked`` (a context of one
    resource), a rule raising :class:`CrossResourceAccess` yields nothing here and is appended to it."""
    raw: list[tuple[str, Severity, Finding]] | None = None
    for rid, check, sev in rules:
        try:
            for found in check(ctx, res):
                if raw is None:
                    raw = []
                raw.append((rid, sev, found))
        except CrossResourceAccess:
            assert asked is not None, f"rule {rid} asked for other resources in a context that holds them all"
            asked.append(rid)
            if raw:
                raw = [item for item in raw if item[0] != rid]
        except Exception as exc:  # a broken rule must not hide every other finding
            raw = raw or []
            raw.append((rid, sev, Finding(f"internal error in rule {rid}: {type(exc).__name__}: {exc}")))
    if raw:
        ignored = ignored_rules(res)
        ref = res.ref
        for rid, sev, f in raw:
            if rid in ignored:
                continue
            file, line, column = locator.locate(res, f.path)
            # Finding(...) directly: dataclasses.replace costs several times more per finding. Messages and
            # paths repeat across resources ("... has no resource limits"): interned, each is kept once in
            # the findings held until the report (and pickled once per batch by the CLI's workers).
            yield Finding(intern(f.message), intern(f.path), rid, sev, ref, file or res.file, line, column)


def check_all(ctx: Context, resources: Iterable[Resource], active: ActiveRules, locator: Locator) -> Iterator[Finding]:
    """Every finding of the active rules on ``resources``, unsorted."""
    by_kind: dict[str, KindRules] = {}
    for res in resources:
        rules = by_kind.get(res.kind)
        if rules is None:
            rules = by_kind[res.kind] = rules_for_kind(active, res.kind)
        yield from check_resource(ctx, res, rules, locator)


def run(
    ctx: Context,
    settings: Settings | None = None,
    *,
    rules: Mapping[str, Rule] = RULES,
    locator: Locator | None = None,
) -> list[Finding]:
    """Every finding for every resource of ``ctx``, positioned and sorted (in one pass: the reference the
    CLI's two-phase pipeline is tested against). ``locator``: how positions are found (default: Locator())."""
    settings = settings or Settings(profile=ctx.profile)
    return sort_findings(check_all(ctx, ctx.resources, active_rules(settings, rules), locator or Locator()))


def validate_resources(
    resources: Sequence[Resource],
    *,
    profile: str = "default",
    kubernetes_version: str | None = None,
    schemas: SchemaStore | None = None,
    overrides: Mapping[str, str] | None = None,
    external: Iterable[ExternalObject] = (),
    ignore_missing_schemas: bool = False,
    only: frozenset[str] | None = None,
    kustomizations: Sequence[Resource] = (),
    locator: Locator | None = None,
) -> Report:
    """Validate loaded resources: schemas, policy and cross-resource rules. ``kustomizations`` are the
    kustomization files behind rendered resources (generator.validate.ksources): only the rules for
    kustomization files see them, and they are not counted as resources."""
    store = schemas or default_store(kubernetes_version)  # compiled validators reused across calls
    crds = [res.obj for res in resources if res.kind == "CustomResourceDefinition"]
    if crds:
        store = store.extended(crds)  # a CRD in the set validates its custom resources
    ctx = Context(
        list(resources),
        profile=profile,
        kubernetes_version=store.kubernetes_version,
        external=frozenset(external),
        schemas=store,
    )
    settings = Settings(profile, dict(overrides or {}), ignore_missing_schemas, only)
    # Rules allocate many short-lived objects next to a large, acyclic set of loaded resources: the cyclic
    # collector would rescan all of them again and again.
    with paused_gc():
        findings = run(ctx, settings, locator=locator)
    if kustomizations:
        source_rules = {rid: r for rid, r in RULES.items() if r.KINDS is not None and "Kustomization" in r.KINDS}
        sources = Context(list(kustomizations), profile=profile, kubernetes_version=store.kubernetes_version)
        # overrides were checked against every rule in the first pass; keep those for these rules
        own = {rid: sev for rid, sev in settings.overrides.items() if rid in source_rules}
        found = run(sources, dataclasses.replace(settings, overrides=own), rules=source_rules)
        findings = sort_findings([*findings, *found])
    return Report(len(resources), findings)


def external_of(env: Environment) -> list[ExternalObject]:
    return [ExternalObject(e.kind, e.name, e.namespace) for e in env.policy.external]


def validate_overlay(repo: Path, env: Environment, *, schemas: SchemaStore | None = None) -> Report:
    """Render ``overlays/<env.name>`` with kustomize and validate it with the environment's profile, target
    Kubernetes version, severity overrides and external objects. Raises RenderError/InputError."""
    from generator.validate.inputs import load_kustomization
    from generator.validate.ksources import kustomization_sources

    overlay = repo / "overlays" / env.name
    resources = load_kustomization(overlay, repo=repo, default_namespace=env.namespace)
    return validate_resources(
        resources,
        kustomizations=kustomization_sources([overlay], repo=repo),
        profile=env.profile,
        kubernetes_version=env.kubernetes_version,
        schemas=schemas,
        overrides=dict(env.policy.severity),
        external=external_of(env),
    )
