"""Walking a directory for ``validate``: which YAML/JSON files, kustomize directories and Helm charts lie below
it, in one ``scandir`` per directory, with the files Argo CD's directory source leaves out unread (a FIFO, a
dangling symbolic link: :mod:`generator.models.argocd.directory`) and the directories it cannot list marked
as such. :mod:`generator.validate.inputs` turns the listing into input items.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import yaml

from generator.errors import UnreadableFile
from generator.kustomize.files import (
    KUSTOMIZATION_FILES,
    SAFE_LOADER,
    kustomization_file,
    kustomize_tree,
    read_kustomization,
)
from generator.kustomize.remote import is_remote
from generator.models.argocd.directory import DANGLING_LINK, NOT_REGULAR
from generator.models.flux import KUSTOMIZATION_GROUP, added_components, applied_directory

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
HELM_CHART_SUFFIX = "Chart.yaml"
# Argo CD's directory source evaluates these files with go-jsonnet (argoproj/argo-cd
# reposerver/repository/repository.go, findManifests: ``manifestFile`` matches yaml|yml|json|jsonnet and a
# ``.jsonnet`` file goes to ``vm.EvaluateFile``); ``.libsonnet`` files are only imported.
JSONNET_SUFFIX = ".jsonnet"


def is_kustomization_dir(path: Path) -> bool:
    return path.is_dir() and kustomization_file(path) is not None


def is_helm_chart(path: Path) -> bool:
    """A directory Argo CD renders with helm: it holds a file whose name ends in ``Chart.yaml`` and no
    kustomization. (argoproj/argo-cd util/app/discovery/discovery.go ``Discover``: a ``*Chart.yaml``
    makes the directory Helm, a kustomization file makes it Kustomize, and the kustomization, later in
    the walk's lexical order, wins when both are there.) Its templates are Go templates, not YAML."""
    if not path.is_dir():
        return False
    try:
        with os.scandir(path) as listing:
            return _directory_kind(list(listing)) == "helm"
    except OSError:
        return False


def is_component(directory: Path) -> bool:
    """A kustomize Component (``kind: Component``, kubernetes-sigs/kustomize api/types/kustomization.go
    ``ComponentKind``): a piece that overlays include through ``components:``, not a build of its own (its
    patches need the resources of the kustomization that includes it). Found below a directory ``validate``
    walks, it is neither rendered nor read as plain files: it is checked within the overlays that use it."""
    loaded = read_kustomization(directory)
    return loaded is not None and loaded[1].get("kind") == "Component"


def _directory_kind(entries: list[os.DirEntry[str]]) -> str:
    """What a directory's listing makes it: "kustomize" (a kustomization file), "helm" (a ``*Chart.yaml``
    file and no kustomization, see :func:`is_helm_chart`) or "" (plain files)."""
    if any(e.name in KUSTOMIZATION_FILES and _is_file(e) for e in entries):
        return "kustomize"
    if any(e.name.endswith(HELM_CHART_SUFFIX) and _is_file(e) for e in entries):
        return "helm"
    return ""


@dataclass(frozen=True, slots=True)
class Entry:
    """One input below a walked directory."""

    parts: tuple[str, ...]  # the path relative to the directory walked
    kustomize: bool  # a kustomize directory (rendered), not a file
    link: bool  # a symbolic link: its target decides the file's real path
    # why the file is left out unread, as Argo CD leaves it out (generator.models.argocd.directory); "" to read it
    unread: str = ""
    # why a directory below could not be listed ("" when it could): unreadable-input, as Argo CD's walk fails
    error: str = ""
    # a kustomize directory a Flux Kustomization of the walk applies with a targetNamespace: that namespace
    namespace: str = ""


class _Listing(NamedTuple):
    """One walk of a directory: what is below it, as paths relative to it."""

    entries: list[Entry]  # the inputs
    charts: list[tuple[str, ...]]  # the Helm charts (not read: ``helm-chart-not-rendered``)
    jsonnet: list[tuple[str, ...]]  # the ``.jsonnet`` files (not evaluated: ``jsonnet-not-rendered``)
    components: list[tuple[str, ...]]  # the kustomize Components (checked within the overlays that use them)
    # the kustomize directories below another kustomize directory (rendered only through the ones that pull
    # them in: :func:`nested_kustomize_dirs`)
    nested: list[tuple[str, ...]]
    # resolved Component directory -> the Flux Kustomization that adds it (spec.components)
    flux_components: dict[str, str]


_LISTINGS: ContextVar[dict[str, _Listing] | None] = ContextVar("listings", default=None)


@contextmanager
def one_walk_per_directory() -> Iterator[None]:
    """Within this block, a directory is walked once however often its listing is asked for. ``validate``
    asks three times for each directory it is given (its inputs, the kustomize directories among them, the
    Helm charts below it): about 25 ms of 6,668 files, before anything runs in parallel."""
    token = _LISTINGS.set({})
    try:
        yield
    finally:
        _LISTINGS.reset(token)


@dataclass(frozen=True, slots=True)
class Exclusions:
    """Paths that walking a directory skips (``.gitops-gen.yaml``'s ``exclude``): ``fnmatch`` globs over the
    POSIX path relative to ``base`` (the configuration file's directory), where ``*`` also matches ``/``. A
    directory that matches, with or without a trailing ``/``, is not entered. Inputs named on the command
    line are never excluded."""

    base: str  # absolute, resolved
    patterns: tuple[str, ...]

    def below(self, directory: str) -> str | None:
        """``directory``'s path relative to :attr:`base` ("" for the base itself), None when outside it."""
        real = os.path.realpath(directory)
        if real == self.base:
            return ""
        prefix = os.path.join(self.base, "")
        return real[len(prefix) :] if real.startswith(prefix) else None

    def skips(self, relative: str, is_dir: bool) -> bool:
        candidates = (relative, relative + "/") if is_dir else (relative,)
        return any(fnmatch.fnmatchcase(c, pattern) for pattern in self.patterns for c in candidates)


_EXCLUSIONS: ContextVar[Exclusions | None] = ContextVar("exclusions", default=None)


@contextmanager
def excluding(base: Path, patterns: Sequence[str]) -> Iterator[None]:
    """Within this block, walking a directory skips the paths ``patterns`` match (:class:`Exclusions`)."""
    token = _EXCLUSIONS.set(Exclusions(os.path.realpath(base), tuple(patterns)) if patterns else None)
    try:
        yield
    finally:
        _EXCLUSIONS.reset(token)


def listing(directory: Path) -> _Listing:
    cache = _LISTINGS.get()
    key = str(directory)
    if cache is not None and key in cache:
        return cache[key]
    walked = _Listing([], [], [], [], [], {})
    _visit(key, (), walked, _exclusions_at(key))
    nested = walked.nested
    components: dict[str, str] = {}
    if nested or walked.components:
        applied, components = _flux_applied(key, walked.entries)
        for parts in list(nested):
            namespace = applied.get(os.path.realpath(os.path.join(key, *parts)))
            if namespace is not None:
                nested.remove(parts)
                walked.entries.append(Entry(parts, True, False, namespace=namespace))
    found = sorted(walked.entries, key=lambda e: e.parts)
    done = _Listing(
        _without_pulled_in(key, found),
        sorted(walked.charts),
        sorted(walked.jsonnet),
        sorted(walked.components),
        sorted(nested),
        components,
    )
    if cache is not None:
        cache[key] = done
    return done


def _flux_applied(directory: str, found: list[Entry]) -> tuple[dict[str, str], dict[str, str]]:
    """The directories that the Flux ``Kustomization`` objects among the walk's inputs apply (resolved), with
    their ``targetNamespace``, and the Components they add (``spec.components``, resolved against the applied
    directory), with the Kustomization that adds each. A Flux monorepo (onedr0p's cluster template,
    bjw-s/home-ops) lists each app's ``ks.yaml`` in its namespace directory's kustomization and points
    ``spec.path`` at ``<app>/app``, a kustomize directory below that one: an apply of its own, co-deployed
    with the rest, so it is rendered (with the target namespace as the namespace of objects that name none).
    ``spec.path`` is relative to the source's root (:func:`_source_roots`)."""
    files: list[str] = []
    for entry in found:
        path = os.path.join(directory, *entry.parts)
        if entry.kustomize:
            files.extend(str(f) for f in kustomize_tree(Path(path)).files)
        elif not entry.unread and not entry.error:
            files.append(path)
    roots = _source_roots(directory)
    applied: dict[str, str] = {}
    components: dict[str, str] = {}
    for file in files:
        try:
            with open(file, encoding="utf-8") as stream:
                text = stream.read()
        except (OSError, UnicodeDecodeError):
            continue
        if KUSTOMIZATION_GROUP not in text:
            continue
        try:
            docs = list(yaml.load_all(text, Loader=SAFE_LOADER))
        except yaml.YAMLError:
            continue
        for doc in docs:
            target = applied_directory(doc)
            if target is None:
                continue
            found_at = next((p for p in (os.path.join(r, target[0]) for r in roots) if os.path.isdir(p)), None)
            if found_at is None:
                continue
            applied.setdefault(os.path.realpath(found_at), target[1])
            meta = doc.get("metadata")
            name = meta.get("name") if isinstance(meta, dict) else None
            for component in added_components(doc):
                components.setdefault(os.path.realpath(os.path.join(found_at, component)), str(name or "?"))
    return applied, components


def _source_roots(directory: str) -> list[str]:
    """Where a Flux source's root may be, most likely first: the nearest directory at or above ``directory``
    holding ``.git``, then ``directory`` and each directory above it (a checkout without its ``.git``)."""
    current = os.path.realpath(directory)
    chain = [current]
    while (parent := os.path.dirname(chain[-1])) != chain[-1]:
        chain.append(parent)
    git = [d for d in chain if os.path.exists(os.path.join(d, ".git"))]
    return git[:1] + chain


def _without_pulled_in(directory: str, found: list[Entry]) -> list[Entry]:
    """``found`` without the kustomize directories that another one of them pulls in (``resources``,
    ``components``, ``bases``, at any depth): a base is applied through the overlays that include it, as an
    Argo CD Application or a Flux Kustomization applies the overlay's directory, and its objects are
    validated in the overlays' renders, at their lines in the base's files. Rendered on its own as well, it
    was validated without the overlay's patches and prefixes and joined with the overlays' objects by the
    cross-resource rules: Gatekeeper's config/webhook Service was checked against config/manager's
    Deployment, without the webhook port that config/default patches in. A directory that nothing walked
    pulls in stays, and so does every directory named on the command line."""
    kustomize = [e for e in found if e.kustomize]
    if len(kustomize) < 2:
        return found
    real = {id(e): os.path.realpath(os.path.join(directory, *e.parts)) for e in kustomize}
    trees = {path: kustomize_tree(Path(path)).dirs for path in real.values()}
    pulls = {path: {str(d) for d in dirs[1:]} for path, dirs in trees.items()}
    # A directory whose tree names a local file or directory that is not there cannot be built: it is
    # reported (unreadable-input), and pulls nothing in. Gatekeeper's config/overlays/dev names
    # manager_image_patch.yaml, which its Makefile writes; config/default, which only it pulls in, went
    # unchecked in silence (31 objects).
    missing: dict[Path, bool] = {}
    broken = {path for path, dirs in trees.items() if any(missing.setdefault(d, _names_missing(d)) for d in dirs)}
    # pulled in by a directory that it does not pull in itself (a cycle is kustomize's error to report)
    pulled_in = {
        inner
        for outer, inners in pulls.items()
        if outer not in broken
        for inner in inners
        if outer not in pulls.get(inner, ())
    }
    return [e for e in found if not (e.kustomize and real[id(e)] in pulled_in)]


# kustomization fields that name local paths kustomize must read (kubernetes-sigs/kustomize
# api/types/kustomization.go); a missing one fails the build ("evalsymlink failure ... no such file or
# directory", or "must build at directory" for a resource that is neither file nor directory)
_PATH_LISTS = ("resources", "bases", "components", "crds", "patchesStrategicMerge")
_PATCH_PATH_LISTS = ("patches", "patchesJson6902")


def _names_missing(directory: Path) -> bool:
    """Whether ``directory``'s kustomization names a local path that does not exist. Remote entries are not
    local (:func:`generator.kustomize.remote.is_remote`), and a ``patchesStrategicMerge`` entry that is a
    patch written inline (a mapping, or several lines) is no path."""
    loaded = read_kustomization(directory)
    if loaded is None:
        return False
    data = loaded[1]
    for key in _PATH_LISTS:
        entries = data.get(key)
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, str) or not entry or "\n" in entry or is_remote(entry, directory):
                continue
            if key == "patchesStrategicMerge" and (":" in entry or "{" in entry):
                continue
            if not os.path.lexists(directory / entry):
                return True
    for key in _PATCH_PATH_LISTS:
        entries = data.get(key)
        for entry in entries if isinstance(entries, list) else []:
            path = entry.get("path") if isinstance(entry, dict) else None
            if isinstance(path, str) and path and not os.path.lexists(directory / path):
                return True
    return False


def input_entries(directory: Path) -> list[Entry]:
    """The inputs below ``directory``, sorted by path, walked as ``os.walk`` walks (hidden entries and
    symbolic links to directories are not entered, unreadable directories are skipped), with what
    ``os.scandir`` already knows about each entry: no pathlib object and no ``lstat`` per file."""
    return listing(directory).entries


def _visit(path: str, parts: tuple[str, ...], walked: _Listing, exclude: tuple[Exclusions, str] | None = None) -> None:
    """:func:`listing` below ``path``. A module function, not a closure: a recursive closure refers to
    itself through its cell, a cycle that would keep ``walked`` alive until the collector runs. One
    ``scandir`` per directory: its listing tells a kustomize directory and a Helm chart apart
    (:func:`_directory_kind`, as :func:`is_helm_chart` does). ``exclude``: the exclusions and the walked
    directory's path relative to their base ("" or ending in "/")."""
    entries = _scan(path, parts, walked)
    if entries is None:
        return
    kind = _directory_kind(entries)
    if kind == "kustomize" and parts:
        _add_kustomize(path, parts, walked)
        _visit_below_kustomize(path, parts, entries, walked, exclude)
        return
    if kind == "helm":
        walked.charts.append(parts)  # not read as YAML: the ``helm-chart-not-rendered`` rule reports it
        return
    prefix = path if path.endswith("/") else path + "/"
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if exclude is not None and exclude[0].skips(exclude[1] + "/".join((*parts, name)), is_dir):
            continue
        if is_dir:
            if not entry.is_symlink():
                _visit(prefix + name, (*parts, name), walked, exclude)
        elif name.endswith(MANIFEST_SUFFIXES):
            link = entry.is_symlink()
            walked.entries.append(Entry((*parts, name), False, link, _unread(entry, link)))
        elif name.endswith(JSONNET_SUFFIX) and _is_file(entry):
            walked.jsonnet.append((*parts, name))


def _sorted_entries(path: str) -> list[os.DirEntry[str]] | None:
    """The entries of the directory ``path``, sorted by name; None when it cannot be listed."""
    try:
        with os.scandir(path) as listing:
            return sorted(listing, key=lambda e: e.name)
    except OSError:
        return None


def _exclusions_at(directory: str) -> tuple[Exclusions, str] | None:
    """The exclusions in force and ``directory``'s path relative to their base ("" or ending in "/"), for
    :func:`_visit`; None when nothing is excluded there."""
    exclusions = _EXCLUSIONS.get()
    at = exclusions.below(directory) if exclusions is not None else None
    if exclusions is None or at is None:
        return None
    return exclusions, at + "/" if at else ""


def _scan(path: str, parts: tuple[str, ...], walked: _Listing) -> list[os.DirEntry[str]] | None:
    """The entries of ``path`` sorted by name; None when it cannot be listed (recorded in ``walked``)."""
    try:
        with os.scandir(path) as listing:
            return sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        # Argo CD's walk of a directory source stops the manifest generation at an unreadable directory
        # (reposerver/repository/repository.go, getPotentiallyValidManifests: "if err != nil { return err }"):
        # an error, not a directory silently left out
        problem = f"cannot read the directory: {exc.strerror or exc}"
        if not parts:
            raise UnreadableFile(f"{path}: {problem}", path, problem=problem) from None
        walked.entries.append(Entry(parts, False, False, error=problem))
        return None


def _add_kustomize(path: str, parts: tuple[str, ...], walked: _Listing, *, nested: bool = False) -> None:
    if is_component(Path(path)):
        walked.components.append(parts)
    elif nested:
        walked.nested.append(parts)
    else:
        walked.entries.append(Entry(parts, True, False))


def _visit_below_kustomize(
    path: str,
    parts: tuple[str, ...],
    entries: list[os.DirEntry[str]],
    walked: _Listing,
    exclude: tuple[Exclusions, str] | None,
) -> None:
    """The kustomize directories and Components below the kustomize directory ``path`` (its files are its own
    inputs, read through its render). A directory there that nothing rendered pulls in is a build of its own,
    often one of several alternatives (microservices-demo's ``kustomize/tests/*``, each the app with other
    components, below ``kustomize/``): rendered with the rest of the run, one alternative's default-deny
    NetworkPolicies would be judged against another's pods. It is not rendered; ``kustomize-not-rendered``
    names it, so that it is validated on its own."""
    prefix = path if path.endswith("/") else path + "/"
    for entry in entries:
        name = entry.name
        if name.startswith(".") or entry.is_symlink():
            continue
        try:
            if not entry.is_dir():
                continue
        except OSError:
            continue
        inner = (*parts, name)
        if exclude is not None and exclude[0].skips(exclude[1] + "/".join(inner), True):
            continue
        below = _sorted_entries(prefix + name)
        if below is None:
            continue  # not read by kustomize unless pulled in, and then kustomize says so
        if _directory_kind(below) == "kustomize":
            _add_kustomize(prefix + name, inner, walked, nested=True)
        _visit_below_kustomize(prefix + name, inner, below, walked, exclude)


def _unread(entry: os.DirEntry[str], link: bool) -> str:
    """Why a walked file is not read: it is no regular file (opening a FIFO would wait for a writer for
    ever) or a symbolic link to nothing; "" for a file to read. No system call for a file that is no link:
    ``scandir`` knows its type."""
    if _is_file(entry):
        return ""
    if link and not os.path.exists(entry.path):
        return DANGLING_LINK
    return NOT_REGULAR


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def stream_inputs(directory: Path) -> list[Path]:
    """What a plain directory holds, in order: its YAML/JSON files and, instead of their files, the
    kustomize directories below it (each is rendered: ``validate overlays/`` renders every overlay).
    Helm charts (:func:`is_helm_chart`) are left out: :func:`helm_charts` lists them."""
    return [directory.joinpath(*entry.parts) for entry in input_entries(directory)]


def kustomize_dirs_below(directory: Path) -> list[Path]:
    """The kustomize directories that :func:`stream_inputs` lists for ``directory`` (no Path per file)."""
    return [directory.joinpath(*entry.parts) for entry in input_entries(directory) if entry.kustomize]


def helm_charts(directory: Path) -> list[Path]:
    """The Helm charts at or below a directory that :func:`stream_inputs` leaves out, sorted by path
    (not those below a kustomize directory: kustomize renders its own ``helmCharts``)."""
    return [directory.joinpath(*parts) for parts in listing(directory).charts]


def jsonnet_files(directory: Path) -> list[Path]:
    """The ``.jsonnet`` files at or below a directory that a walk leaves unread, sorted by path (not those in
    a kustomize directory or a Helm chart, which Argo CD does not evaluate either)."""
    return [directory.joinpath(*parts) for parts in listing(directory).jsonnet]


def components_below(directory: Path) -> list[Path]:
    """The kustomize Components at or below a directory (each is checked within the overlays that use it)."""
    return [directory.joinpath(*parts) for parts in listing(directory).components]


def inside_kustomize_dir(directory: Path) -> _Listing:
    """What lies below the kustomize directory ``directory`` named on the command line (it is rendered, not
    walked): the kustomize directories (``nested``) and Components below it, found as a walk finds those
    below a walked kustomize directory (:func:`_visit_below_kustomize`)."""
    cache = _LISTINGS.get()
    key = str(directory) + "\0inside"
    if cache is not None and key in cache:
        return cache[key]
    walked = _Listing([], [], [], [], [], {})
    # (unreadable: kustomize reports it when it renders the directory)
    entries = _sorted_entries(str(directory)) or []
    _visit_below_kustomize(str(directory), (), entries, walked, _exclusions_at(str(directory)))
    done = _Listing([], [], [], sorted(walked.components), sorted(walked.nested), {})
    if cache is not None:
        cache[key] = done
    return done


def flux_components(directory: Path) -> dict[str, str]:
    """The Components that Flux Kustomizations found in the walk of ``directory`` add to their builds:
    resolved directory -> the Kustomization's name (:func:`_flux_applied`)."""
    return listing(directory).flux_components


def nested_kustomize_dirs(directory: Path) -> list[Path]:
    """The kustomize directories below another kustomize directory below ``directory`` (not rendered by a
    walk: :func:`_visit_below_kustomize`)."""
    return [directory.joinpath(*parts) for parts in listing(directory).nested]
