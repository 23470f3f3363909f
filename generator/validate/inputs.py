"""What ``validate`` reads: the YAML/JSON files below a directory, the kustomize directories it renders
(and the sources behind them), the Helm charts it leaves unread, and the items that load them.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from generator.errors import InputError, KustomizeRefused, RenderError, UnreadableFile
from generator.kustomize.files import kustomization_file, kustomize_tree
from generator.kustomize.remote import RemoteRefused
from generator.kustomize.renders import rendered
from generator.validate.load import FailedItem, FileItem, InputItem, TextItem, load_file_at
from generator.validate.model import Resource, pointer
from generator.validate.positions import locate_plain
from generator.validate.walk import (
    MANIFEST_SUFFIXES,
    input_entries,
    is_helm_chart,
    is_kustomization_dir,
    kustomize_dirs_below,
)


def display_path(path: Path, repo: Path | None) -> str:
    if repo is not None:
        try:
            return path.resolve().relative_to(repo.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def load_file(path: Path, *, repo: Path | None = None, default_namespace: str = "") -> list[Resource]:
    return load_file_at(str(path), display_path(path, repo), str(path.resolve()), default_namespace)


def manifest_files(directory: Path) -> list[Path]:
    """YAML/JSON files under a directory (recursively, sorted, hidden entries skipped)."""
    found: list[Path] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(root) / f for f in sorted(files) if f.endswith(MANIFEST_SUFFIXES) and not f.startswith("."))
    return found


def render_kustomization(path: Path) -> str:
    """Render a kustomize directory with the generator's renderer (the only caller of kustomize), or take
    its render started ahead (:mod:`generator.kustomize.renders`). What kustomize logs while it succeeds
    does not refuse the target (Argo CD syncs it: see ``kustomize_build``); ``kustomize-deprecated``
    reports deprecated fields."""
    return rendered(path, render_now)


def render_now(path: Path) -> str:
    """:func:`render_kustomization` in this thread, now."""
    from generator.kustomize.render import kustomize_build

    return kustomize_build(path, strict=False)


def kustomize_targets(inputs: Sequence[str]) -> list[Path]:
    """The kustomize directories that :func:`input_items` renders for ``inputs``, in its order."""
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if item == "-":
            continue
        if is_kustomization_dir(path):
            found.append(path)
        elif path.is_dir() and not is_helm_chart(path):
            found.extend(kustomize_dirs_below(path))
    return found


class SourceDuplicateKeys(RenderError):
    """kustomize refused an overlay because a source file has duplicate mapping keys; ``resources`` are
    the source documents with duplicates (the ``duplicate-key`` rule reports them at file:line)."""

    def __init__(self, message: str, resources: list[Resource]) -> None:
        super().__init__(message)
        self.resources = resources


def kustomize_dirs(directory: Path) -> list[Path]:
    """The kustomize directory and every local directory it pulls in (``resources``, ``components``,
    ``bases``), recursively: where the sources of its rendered objects live. Remote entries are skipped."""
    return kustomize_tree(directory).dirs


def kustomize_sources(overlay: Path) -> list[Path]:
    """The files kustomize reads objects and patches from for an overlay (:func:`kustomize_tree`), sorted."""
    return sorted(kustomize_tree(overlay).files)


def _render_or_duplicates(path: Path, repo: Path | None, display: str) -> str:
    try:
        return render_kustomization(path)
    except RenderError as exc:
        # kustomize rejects duplicate keys without naming the file: find them and report them properly.
        found: list[Resource] = []
        for source in kustomize_sources(path):
            try:
                found.extend(r for r in load_file(source, repo=repo) if r.duplicate_keys)
            except InputError:
                continue
        if not found:
            raise
        first = found[0]
        line, col = first.source.duplicate_marks[first.duplicate_keys[0]]
        raise SourceDuplicateKeys(
            f"{first.file}:{line}:{col}: duplicate key {first.duplicate_keys[0]} (kustomize cannot render {display})",
            found,
        ) from exc


def load_kustomization(path: Path, *, repo: Path | None = None, default_namespace: str = "") -> list[Resource]:
    return _kustomize_item(path, repo, default_namespace).load()


def load_path(path: Path, *, repo: Path | None = None, default_namespace: str = "") -> list[Resource]:
    """One command-line input: a kustomize directory (rendered), another directory, or a file. Files that Argo
    CD leaves out unread (a FIFO, a dangling symbolic link) are left out here too."""
    items = path_items(path, repo=repo, default_namespace=default_namespace)
    return [res for item in items if not (isinstance(item, FailedItem) and item.ignored) for res in item.load()]


def _file_item(path: Path, repo: Path | None, default_namespace: str, *, walked: bool = False) -> FileItem:
    return FileItem(str(path), display_path(path, repo), str(path.resolve()), default_namespace, walked)


def _walked_kustomize_item(path: Path, repo: Path | None, default_namespace: str) -> TextItem | FailedItem:
    """A kustomize directory found while walking a directory: its render, or, when kustomize refuses it,
    an item that the run reports as ``unreadable-input`` (the other inputs are validated all the same,
    as Argo CD syncs each Application whatever another one's render does). kustomize that cannot run
    at all (missing, timed out) still ends the run: that is this machine's problem, not the directory's."""
    try:
        return _kustomize_item(path, repo, default_namespace)
    except SourceDuplicateKeys as exc:
        first = exc.resources[0]
        key = first.duplicate_keys[0]
        line, column = first.source.duplicate_marks[key] if first.source is not None else (0, 0)
        problem = f"duplicate key {key}: kustomize cannot build {display_path(path, repo)}"
        return FailedItem(UnreadableFile(str(exc), first.file, line, column, problem))
    except KustomizeRefused as exc:
        return FailedItem(_refused(path, repo, exc))
    except RemoteRefused as exc:
        return FailedItem(_remote(path, repo, exc))


# kustomize names the field of the kustomization it could not read as a Go struct field ("json: cannot
# unmarshal string into Go struct field Kustomization.patches of type types.Patch": Go src/encoding/json/
# decode.go, UnmarshalTypeError.Error, "Struct.Field" where Field is the path of keys from the root); the
# finding points at that top-level key when the file has it.
_KUSTOMIZATION_FIELD = re.compile(r"Go struct field Kustomization\.([A-Za-z0-9_]+)")


def _remote(path: Path, repo: Path | None, exc: RemoteRefused) -> UnreadableFile:
    """A walked kustomize directory that would fetch a remote input: at that entry of its kustomization."""
    ref = exc.ref
    if ref is None:
        return UnreadableFile(str(exc), display_path(path, repo), problem=exc.problem)
    file, line, column = display_path(ref.kustomization, repo), 1, 1
    try:
        docs = load_file(ref.kustomization, repo=repo)
    except InputError:
        docs = []
    entries = docs[0].obj.get(ref.field) if docs and docs[0].source is not None else None
    if isinstance(entries, list) and ref.entry in entries:
        file, line, column = locate_plain(docs[0], pointer(ref.field, entries.index(ref.entry)))
    return UnreadableFile(str(exc), file, line, column, f"{display_path(path, repo)}: {exc.problem}")


def _refused(path: Path, repo: Path | None, exc: KustomizeRefused) -> UnreadableFile:
    """Where and why kustomize refused ``path``: at its kustomization file, on the key its error names."""
    shown = display_path(path, repo)
    problem = f"kustomize cannot build {shown}: {exc.detail}"
    kfile = kustomization_file(path)
    if kfile is None:
        return UnreadableFile(str(exc), shown, problem=problem)
    file, line, column = display_path(kfile, repo), 1, 1
    named = _KUSTOMIZATION_FIELD.search(exc.detail)
    if named is not None:
        try:
            docs = load_file(kfile, repo=repo)
        except InputError:
            docs = []
        if docs and docs[0].source is not None and named.group(1) in docs[0].obj:
            file, line, column = locate_plain(docs[0], pointer(named.group(1)))
    return UnreadableFile(str(exc), file, line, column, problem)


def _kustomize_item(path: Path, repo: Path | None, default_namespace: str) -> TextItem:
    display = display_path(path, repo)
    text = _render_or_duplicates(path, repo, display)
    root = str(repo.resolve()) if repo is not None else str(path.resolve())
    return TextItem(text, display, default_namespace, display, root, str(path.resolve()))


def path_items(
    path: Path, *, repo: Path | None = None, default_namespace: str = "", seen: set[str] | None = None
) -> list[InputItem]:
    """What :func:`load_path` loads, not loaded yet: kustomize directories are rendered here (raising
    :class:`SourceDuplicateKeys` as ``load_kustomization`` does), files are listed. ``seen`` holds the
    resolved paths of the kustomize directories and files listed already (by earlier inputs of the same
    run): those are left out, so an input given twice (``a``, ``a/``, or ``a`` and a file below it) is read
    once instead of being its own duplicate."""
    if seen is None:
        seen = set()
    if is_kustomization_dir(path):
        return [_kustomize_item(path, repo, default_namespace)] if _first(os.path.realpath(path), seen) else []
    if is_helm_chart(path):
        return []  # nothing to read as YAML; the chart is reported (ksources.helm_chart_sources)
    if path.is_dir():
        out: list[InputItem] = []
        # Strings, not pathlib (~10 us an operation, several per file): the walk never enters a linked
        # directory, so a file that is no link itself resolves to <resolved directory>/<relative path>.
        # Joined by hand: entry names hold no "/", so this is os.path.join's result, ~8 ms sooner.
        root = str(path)
        shown_prefix = "" if root == "." else root if root.endswith("/") else root + "/"
        real_dir = os.path.join(os.path.realpath(path), "")
        repo_prefix = os.path.join(os.path.realpath(repo), "") if repo is not None else None
        for entry in input_entries(path):
            relative = "/".join(entry.parts)
            shown = shown_prefix + relative
            if entry.kustomize:
                if _first(real_dir + relative, seen):
                    out.append(_walked_kustomize_item(Path(shown), repo, entry.namespace or default_namespace))
            elif entry.error or entry.unread:
                # not read, named by the entry itself (not by what a link points to): a directory that cannot
                # be listed is an error, a file Argo CD leaves out unread is ignored (a warning)
                display = _repo_relative(real_dir + relative, shown, repo_prefix)
                problem = entry.error or entry.unread
                error = UnreadableFile(f"{display}: {problem}", display, problem=problem)
                out.append(FailedItem(error, ignored=not entry.error))
            elif entry.link:
                item = _file_item(Path(shown), repo, default_namespace, walked=True)
                if _first(item.resolved, seen):
                    out.append(item)
            else:
                resolved = real_dir + relative
                if not _first(resolved, seen):
                    continue
                display = _repo_relative(resolved, shown, repo_prefix)
                out.append(FileItem(shown, display, resolved, default_namespace, walked=True))
        return out
    if path.is_file():
        item = _file_item(path, repo, default_namespace)
        return [item] if _first(item.resolved, seen) else []
    raise InputError(f"{path}: no such file or directory")


def _repo_relative(resolved: str, shown: str, repo_prefix: str | None) -> str:
    """A walked entry's name in findings: its path below the repository, else as walked."""
    if repo_prefix is not None and resolved.startswith(repo_prefix):
        return resolved[len(repo_prefix) :]
    return shown


def _first(resolved: str, seen: set[str]) -> bool:
    """Whether ``resolved`` is new to ``seen`` (and add it)."""
    if resolved in seen:
        return False
    seen.add(resolved)
    return True


def input_items(
    inputs: Sequence[str],
    *,
    repo: Path | None = None,
    stdin: TextIO | None = None,
    default_namespace: str = "",
) -> list[InputItem]:
    """Every command-line input in order, as items to load; ``-`` reads ``stdin`` (default: sys.stdin). A
    kustomize directory or file reached twice is listed once (:func:`path_items`)."""
    out: list[InputItem] = []
    seen: set[str] = set()
    for item in inputs:
        if item == "-":
            out.append(TextItem((stdin or sys.stdin).read(), "<stdin>", default_namespace))
        else:
            out.extend(path_items(Path(item), repo=repo, default_namespace=default_namespace, seen=seen))
    return out


def load_inputs(
    inputs: Sequence[str],
    *,
    repo: Path | None = None,
    stdin: TextIO | None = None,
    default_namespace: str = "",
) -> list[Resource]:
    """All command-line inputs in order; ``-`` reads the stream ``stdin`` (default: sys.stdin)."""
    items = input_items(inputs, repo=repo, stdin=stdin, default_namespace=default_namespace)
    return [res for item in items for res in item.load()]


def overlay_dirs(repo: Path) -> list[Path]:
    """Every ``overlays/*`` directory with a kustomization file, sorted."""
    base = repo / "overlays"
    if not base.is_dir():
        return []
    return [p for p in sorted(base.iterdir()) if is_kustomization_dir(p)]
