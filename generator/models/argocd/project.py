"""Argo CD AppProject permissions, offline: repository, destination and kind checks with Argo CD's list
semantics (globs, ``!`` deny entries, whitelists and blacklists). Used by the ``argocd-project-denies`` rule.
Moved out of the rule so every Argo CD semantic lives in one model package (``generator.models.argocd``).

Sources: argo-cd ``pkg/apis/application/v1alpha1/`` (``app_project_types.go``: ``AppProject.IsSourcePermitted``,
``IsDestinationPermitted``, ``IsGroupKindPermitted``) and ``util/glob``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from generator.models.k8s import K8sObject, d, lst


def _d(value: Any) -> dict[str, Any]:
    return d(value)


def _l(value: Any) -> list[Any]:
    return lst(value)


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def normalize_repo(url: str) -> str:
    """Argo CD compares repository URLs case-insensitively, without a trailing ``/`` or ``.git``."""
    url = url.strip().lower().rstrip("/")
    return url.removesuffix(".git")


def _glob_allows(patterns: Iterable[str], value: str, normalize: Callable[[str], str] = str) -> bool:
    """Argo CD's list semantics: some positive pattern matches and no ``!pattern`` does."""
    allowed = False
    for pattern in patterns:
        if pattern.startswith("!"):
            if fnmatchcase(normalize(value), normalize(pattern[1:])):
                return False
        elif fnmatchcase(normalize(value), normalize(pattern)):
            allowed = True
    return allowed


@dataclass(frozen=True, slots=True)
class Project:
    res: K8sObject

    @property
    def spec(self) -> dict[str, Any]:
        return _d(self.res.obj.get("spec"))

    def _kinds(self, key: str) -> list[tuple[str, str]] | None:
        if key not in self.spec or self.spec[key] is None:
            return None
        return [(_s(_d(e).get("group")), _s(_d(e).get("kind"))) for e in _l(self.spec[key])]

    @staticmethod
    def _in(kinds: list[tuple[str, str]] | None, group: str, kind: str) -> bool:
        return bool(kinds) and any(fnmatchcase(group, g) and fnmatchcase(kind, k) for g, k in kinds or [])

    def kind_denied(self, group: str, kind: str, namespaced: bool) -> str | None:
        """Why ``group/kind`` is not permitted (the list responsible), or None when it is."""
        if namespaced:
            white = self._kinds("namespaceResourceWhitelist")
            if white is not None and not self._in(white, group, kind):
                return "namespaceResourceWhitelist"
            if self._in(self._kinds("namespaceResourceBlacklist"), group, kind):
                return "namespaceResourceBlacklist"
            return None
        if not self._in(self._kinds("clusterResourceWhitelist"), group, kind):
            return "clusterResourceWhitelist"
        if self._in(self._kinds("clusterResourceBlacklist"), group, kind):
            return "clusterResourceBlacklist"
        return None

    def repo_allowed(self, url: str) -> bool:
        repos = [_s(r) for r in _l(self.spec.get("sourceRepos"))]
        return _glob_allows(repos, url, normalize_repo)

    def destination_allowed(self, server: str, name: str, namespace: str) -> bool:
        allowed = False
        for dest in _l(self.spec.get("destinations")):
            dest = _d(dest)
            ns_pattern = _s(dest.get("namespace"))
            if dest.get("server"):
                cluster_pattern, cluster = _s(dest.get("server")), server
            else:
                cluster_pattern, cluster = _s(dest.get("name")), name
            negative = ns_pattern.startswith("!") or cluster_pattern.startswith("!")
            cluster_ok = fnmatchcase(cluster, cluster_pattern.lstrip("!")) if cluster else False
            ns_ok = fnmatchcase(namespace, ns_pattern.lstrip("!"))
            if negative:
                # a deny entry: "!ns" on a matching cluster (or "!cluster" on a matching namespace)
                if ns_pattern.startswith("!") and cluster_ok and ns_ok:
                    return False
                if cluster_pattern.startswith("!") and cluster_ok and ns_ok:
                    return False
            elif cluster_ok and ns_ok:
                allowed = True
        return allowed
