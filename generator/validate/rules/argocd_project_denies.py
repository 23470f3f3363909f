"""A kind, namespace or repository that the Argo CD AppProject does not permit (the sync fails).

An AppProject restricts what its Applications may deploy: ``sourceRepos`` (repository URLs, globs, ``!``
to deny), ``destinations`` (server or cluster name + namespace, globs, ``!`` to deny),
``clusterResourceWhitelist``/``Blacklist`` (no cluster-scoped kind is allowed unless whitelisted) and
``namespaceResourceWhitelist``/``Blacklist`` (an absent whitelist allows every namespaced kind; a present
one allows only its entries). Argo CD checks this at sync time and refuses the whole sync: Argo CD's own
sample project, for instance, blacklists NetworkPolicy, which would fail a production sync. The rule
applies Argo CD's semantics offline.

The rule only runs when the validated set contains both an Application and the AppProject it names (for
example ``gitops-gen validate argocd/ overlays/prod``, or any stream holding both). Then:

- each such Application is checked: its source ``repoURL`` against ``sourceRepos`` and its destination
  against ``destinations``;
- every other object is attributed to the Application whose destination namespace it lives in (a
  Namespace: by its name; an object in no such namespace goes to the only Application of the set that
  does not deploy Applications itself, if there is exactly one) and checked: its group/kind against the
  whitelists and blacklists, its namespace against the destinations.

Objects of a set without AppProject, or not attributable to an Application, are not checked.

PASS:
    apiVersion: argoproj.io/v1alpha1
    kind: AppProject
    metadata: {name: prod, namespace: argocd}
    spec:
      sourceRepos: [https://github.com/example/mlflow-gitops.git]
      destinations: [{server: https://kubernetes.default.svc, namespace: mlflow-prod}]
      namespaceResourceWhitelist: [{group: networking.k8s.io, kind: NetworkPolicy}]
    ---
    apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata: {name: prod, namespace: argocd}
    spec:
      project: prod
      source: {repoURL: https://github.com/example/mlflow-gitops.git, path: overlays/prod}
      destination: {server: https://kubernetes.default.svc, namespace: mlflow-prod}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: default-deny, namespace: mlflow-prod}
    spec: {podSelector: {}}

FAIL:
    apiVersion: argoproj.io/v1alpha1
    kind: AppProject
    metadata: {name: prod, namespace: argocd}
    spec:
      sourceRepos: ["*"]
      destinations: [{server: "*", namespace: "*"}]
      namespaceResourceBlacklist: [{group: networking.k8s.io, kind: NetworkPolicy}]
    ---
    apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata: {name: prod, namespace: argocd}
    spec:
      project: prod
      source: {repoURL: https://github.com/example/mlflow-gitops.git, path: overlays/prod}
      destination: {server: https://kubernetes.default.svc, namespace: mlflow-prod}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: default-deny, namespace: mlflow-prod}
    spec: {podSelector: {}}
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.models.argocd.project import Project
from generator.validate.context import Context
from generator.validate.crossref import memo
from generator.validate.model import Finding, Resource, Severity, is_cluster_scoped, pointer

ID = "argocd-project-denies"
CATEGORY = "argocd"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = None

ARGO_GROUP = "argoproj.io"


def _d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


@dataclass(frozen=True, slots=True)
class App:
    res: Resource
    project: Project

    @property
    def spec(self) -> dict[str, Any]:
        return _d(self.res.obj.get("spec"))

    @property
    def dest(self) -> dict[str, Any]:
        return _d(self.spec.get("destination"))

    @property
    def dest_namespace(self) -> str:
        return _s(self.dest.get("namespace"))

    @property
    def label(self) -> str:
        return f"Application {self.res.name} (AppProject {self.project.res.name})"


@dataclass
class _Index:
    apps: list[App]
    by_namespace: dict[str, list[App]]
    by_res: dict[int, App]
    leaf_apps: list[App]  # Applications that deploy workloads, not other Applications (app of apps)


def _index(ctx: Context) -> _Index:
    return memo(ctx, "argocd_project_denies", lambda: _build_index(ctx))


def _build_index(ctx: Context) -> _Index:
    apps: list[App] = []
    for res in ctx.by_kind("Application"):
        if res.group != ARGO_GROUP:
            continue
        name = _s(_d(res.obj.get("spec")).get("project"))
        project = ctx.get("AppProject", res.namespace, name) if name else None
        if project is not None and project.group == ARGO_GROUP:
            apps.append(App(res, Project(project)))
    by_namespace: dict[str, list[App]] = defaultdict(list)
    for app in apps:
        by_namespace[app.dest_namespace].append(app)
    app_namespaces = {res.namespace for res in ctx.by_kind("Application")}
    leaves = [app for app in apps if app.dest_namespace not in app_namespaces]
    return _Index(apps, dict(by_namespace), {id(app.res): app for app in apps}, leaves)


def _owners(index: _Index, obj: Resource) -> list[App]:
    if obj.kind == "Namespace":
        owners = index.by_namespace.get(obj.name, [])
    elif is_cluster_scoped(obj.group, obj.kind):
        owners = []
    else:
        owners = index.by_namespace.get(obj.namespace, [])
    if not owners and len(index.leaf_apps) == 1 and obj.group != ARGO_GROUP:
        owners = index.leaf_apps  # a single Application: everything else in the set is what it deploys
    return owners


def _sources(app: App) -> Iterator[tuple[str, str]]:
    source = _d(app.spec.get("source"))
    if "repoURL" in source:
        yield _s(source.get("repoURL")), pointer("spec", "source", "repoURL")
    for i, src in enumerate(_l(app.spec.get("sources"))):
        yield _s(_d(src).get("repoURL")), pointer("spec", "sources", i, "repoURL")


def _check_app(app: App) -> Iterator[Finding]:
    for url, path in _sources(app):
        if not app.project.repo_allowed(url):
            yield Finding(f"repository {url!r} is not in sourceRepos of AppProject {app.project.res.name}", path)
    server, name, namespace = _s(app.dest.get("server")), _s(app.dest.get("name")), app.dest_namespace
    if not app.project.destination_allowed(server, name, namespace):
        where = server or name
        yield Finding(
            f"destination {where} namespace {namespace!r} is not in destinations of AppProject {app.project.res.name}",
            pointer("spec", "destination"),
        )


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    index = _index(ctx)
    if not index.apps:
        return
    app_self = index.by_res.get(id(obj))
    if app_self is not None:
        yield from _check_app(app_self)
    for app in _owners(index, obj):
        if app.res is obj:
            continue
        namespaced = not is_cluster_scoped(obj.group, obj.kind)
        denied_by = app.project.kind_denied(obj.group, obj.kind, namespaced)
        if denied_by is not None:
            scope = "namespaced" if namespaced else "cluster-scoped"
            group = obj.group or "core"
            yield Finding(
                f"{scope} kind {group}/{obj.kind} is not permitted by {denied_by} of AppProject "
                f"{app.project.res.name}; {app.label} cannot sync it",
                pointer("kind"),
            )
        if namespaced and obj.namespace and obj.namespace != app.dest_namespace:
            server, name = _s(app.dest.get("server")), _s(app.dest.get("name"))
            if not app.project.destination_allowed(server, name, obj.namespace):
                yield Finding(
                    f"namespace {obj.namespace!r} is not a destination of AppProject {app.project.res.name}; "
                    f"{app.label} cannot sync it",
                    pointer("metadata", "namespace"),
                )
