"""Manifest reader: YAML/JSON streams -> :class:`Resource` objects, with the YAML 1.1 semantics
``kubectl apply`` uses (sigs.k8s.io/yaml on go-yaml v2: unquoted ``yes``/``on`` are booleans, ``0755`` is
octal, merge keys work, timestamps stay strings).

Two parsers, one result:
- yaml-rs (Rust) parses each document where its YAML 1.2 result provably equals go-yaml v2's
  (:mod:`generator.validate.yaml_fast`); identical strings are shared;
- otherwise libyaml, with go-yaml v2's scalar resolution (:mod:`generator.validate.yaml_exact`), which
  also locates duplicate keys.
Line/column positions are not kept: :mod:`generator.validate.positions` re-composes the one document
that has findings, from the :class:`DocSource` attached to each resource. Which files and kustomize
directories are read is :mod:`generator.validate.inputs`' business.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import InputError, UnreadableFile
from generator.validate.model import Resource, pointer
from generator.validate.yaml_exact import exact_documents
from generator.validate.yaml_fast import fast_documents


@dataclass(slots=True)
class DocSource:
    """Where one resource came from: enough to re-compose its document for positions on demand."""

    text: str  # the whole stream (shared by its documents); "" when ``path`` can be read again instead
    start_line: int  # 0-based line of the document's root node in ``text``
    end_line: int  # 0-based exclusive end line (the next document's root line), -1 = end of text
    display: str  # the file name shown in findings (repo-relative where possible)
    base: tuple[str | int, ...] = ()  # path of the resource inside its document (``kind: List`` items)
    problem: str = ""  # the document is not an object with apiVersion/kind (reported by schema-invalid)
    duplicate_marks: dict[str, tuple[int, int]] = field(default_factory=dict)  # pointer -> (line, col), 1-based
    rendered_from: str = ""  # repo-relative kustomize directory when the stream is kustomize output
    repo: str = ""  # absolute repo root for rendered streams (source mapping), "" otherwise
    path: str = ""  # the file on disk the stream was read from ("" for stdin and kustomize output)
    overlay_dir: str = ""  # absolute kustomize directory for rendered streams
    # Offsets in the stream text of the lines ``start_line`` and ``end_line`` (-1: not known, count the
    # lines); known for documents read by the fast path, so positions need not split the whole stream.
    start_offset: int = -1
    end_offset: int = -1

    def stream_text(self) -> str:
        """The text of the whole stream (re-read from ``path`` when it was not kept in memory)."""
        if self.text or not self.path:
            return self.text
        return _reread(self.path)


_REREAD: dict[str, str] = {}


def file_text(resolved: str) -> str:
    """The text of a file just loaded (kept for its positions), or read again; "" when it cannot be read."""
    return _reread(resolved)


def _reread(path: str) -> str:
    text = _REREAD.get(path)
    if text is None:
        _REREAD.clear()  # the last file only: positions are computed resource by resource, file by file
        try:
            text = _decode(path)
        except (OSError, UnicodeDecodeError):
            text = ""
        _REREAD[path] = text
    return text


def load_text(
    text: str,
    display: str,
    *,
    default_namespace: str = "",
    rendered_from: str = "",
    repo: str = "",
    path: str = "",
    overlay_dir: str = "",
    fast: bool = True,
) -> list[Resource]:
    """Every resource of a YAML (or JSON) stream. Raises InputError (file:line:col) on a syntax error.

    ``path``: the file the text was read from; then the text is not kept (positions re-read the file).
    ``fast``: allow the yaml-rs fast path (same result; False forces the libyaml path)."""
    with paused_gc() if gc.isenabled() else nullcontext():
        docs = fast_documents(text, display) if fast else None
        if docs is None:
            docs = [(data, start, marks, -1) for data, start, marks in exact_documents(text, display)]
    resources: list[Resource] = []
    stored = "" if path else text
    count = len(docs)
    for index, (data, start, marks, offset) in enumerate(docs):
        end, end_offset = (docs[index + 1][1], docs[index + 1][3]) if index + 1 < count else (-1, -1)
        if end_offset < 0 <= end:
            offset = -1  # (both offsets or none)
        src = DocSource(
            stored, start, end, display, (), "", marks, rendered_from, repo, path, overlay_dir, offset, end_offset
        )
        resources.extend(_resources(data, src, index, default_namespace))
    return resources


def _resources(data: Any, src: DocSource, index: int, default_namespace: str) -> list[Resource]:
    if data is None:
        return []  # an empty document or one of comments only
    line = src.start_line + 1
    if not isinstance(data, dict):
        src.problem = f"document is a {type(data).__name__ if data is not None else 'null'}, not an object"
        return [Resource({}, src.display, index, line, default_namespace=default_namespace, source=src)]
    kind = data.get("kind")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(data.get("items"), list):
        out = []
        for i, item in enumerate(data["items"]):
            item_src = DocSource(
                src.text, src.start_line, src.end_line, src.display, ("items", i),
                rendered_from=src.rendered_from, repo=src.repo, path=src.path, overlay_dir=src.overlay_dir,
                start_offset=src.start_offset, end_offset=src.end_offset,
            )  # fmt: skip
            prefix = pointer("items", i)
            item_src.duplicate_marks = {
                p[len(prefix) :]: m for p, m in src.duplicate_marks.items() if p.startswith(prefix + "/")
            }
            if not isinstance(item, dict):
                item_src.problem = f"List item {i} is not an object"
                item = {}
            res = Resource(item, src.display, index, line, default_namespace=default_namespace, source=item_src)
            res.duplicate_keys = sorted(item_src.duplicate_marks)
            out.append(res)
        return out
    res = Resource(data, src.display, index, line, default_namespace=default_namespace, source=src)
    res.duplicate_keys = sorted(src.duplicate_marks)
    for problem in _shape_problems(data):
        src.problem = problem
    return [res]


def _shape_problems(data: dict[str, Any]) -> list[str]:
    missing = [key for key in ("apiVersion", "kind") if not isinstance(data.get(key), str) or not data.get(key)]
    return [f"document has no {' or '.join(missing)}"] if missing else []


def load_json(text: str, display: str, *, default_namespace: str = "", path: str = "") -> list[Resource]:
    """A ``.json`` file: one JSON value (object or ``kind: List``); duplicate keys recorded. ``path``: the
    file on disk (its directory tells which objects are applied together: rules/duplicate_resource.py)."""
    dup_objects: dict[int, list[str]] = {}

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(pairs)
        if len(out) < len(pairs):
            seen: set[str] = set()
            for k, _ in pairs:
                if k in seen:
                    dup_objects.setdefault(id(out), []).append(k)
                seen.add(k)
        return out

    try:
        data = json.loads(text, object_pairs_hook=pairs_hook)
    except json.JSONDecodeError as exc:
        problem, line, column = f"invalid JSON: {exc.msg}", exc.lineno, exc.colno
        raise UnreadableFile(f"{display}:{line}:{column}: {problem}", display, line, column, problem) from None
    if not dup_objects:
        src = DocSource(text, 0, -1, display, path=path)
        for problem in _shape_problems(data) if isinstance(data, dict) else []:
            src.problem = problem
        return _resources(data, src, 0, default_namespace)
    # Duplicate keys: the YAML path gives positions (JSON is YAML here); fall back to pointers only.
    try:
        return load_text(text, display, default_namespace=default_namespace, path=path)
    except InputError:
        return _resources(data, DocSource(text, 0, -1, display, path=path), 0, default_namespace)


# The byte order marks of UTF-16 (little and big endian). A file that starts with one is UTF-16, as
# Windows PowerShell 5 writes `kubectl get -o yaml > file.yaml`: Argo CD reads manifests with
# TomOnTime/utfutil (reposerver/repository/repository.go), which decodes by the byte order mark
# (golang.org/x/text unicode.BOMOverride) and UTF-8 otherwise, and so does kubectl (k8s.io/cli-runtime
# pkg/resource/visitor.go). Python's "utf-16" codec reads the mark and drops it.
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _decode(path: Path | str) -> str:
    """The file's text as ``open(path, encoding="utf-8").read()`` returns it (universal newlines: "\\r\\n"
    and "\\r" read as "\\n"), from its bytes: a third cheaper than the text layer on 6,000 small files.
    A file with a UTF-16 byte order mark is read as UTF-16 (:data:`_UTF16_BOMS`)."""
    with open(path, "rb") as handle:
        data = handle.read()
    text = data.decode("utf-16") if data[:2] in _UTF16_BOMS else data.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _read(path: Path | str, display: str) -> str:
    try:
        return _decode(path)
    except UnicodeDecodeError:
        raise UnreadableFile(f"{display}: not UTF-8 text", display, problem="not UTF-8 text") from None
    except OSError as exc:
        problem = f"cannot read: {exc.strerror}"
        raise UnreadableFile(f"{display}: {problem}", display, problem=problem) from None


def load_file_at(path: str, display: str, resolved: str, default_namespace: str) -> list[Resource]:
    text = _read(path, display)
    # The positions of this file's findings are computed next: they need its text, not a second read.
    _REREAD.clear()
    _REREAD[resolved] = text
    if path.endswith(".json"):
        return load_json(text, display, default_namespace=default_namespace, path=resolved)
    return load_text(text, display, default_namespace=default_namespace, path=resolved)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector. Loaded manifests are acyclic: there is no cyclic garbage to
    find, and each full collection would rescan every object loaded so far, again and again while one
    large stream is read or the rules run. Reference counting still frees everything. (Not held across
    files while loading: the collections between files also trim free lists, which keeps RSS lower.)"""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True, slots=True)
class FileItem:
    """A YAML/JSON file still to be read (loaded where the work is done: in a worker with ``--jobs``)."""

    path: str  # as given or found (what is opened)
    display: str  # the name shown in findings
    resolved: str  # absolute path without symlinks (positions re-read it)
    default_namespace: str
    # found while walking a directory, not named on the command line: when it cannot be read
    # (UnreadableFile), the run reports it (``unreadable-input``) and goes on
    walked: bool = False

    def load(self) -> list[Resource]:
        return load_file_at(self.path, self.display, self.resolved, self.default_namespace)


@dataclass(frozen=True, slots=True)
class TextItem:
    """A stream already read: kustomize output or stdin."""

    text: str
    display: str
    default_namespace: str
    rendered_from: str = ""
    repo: str = ""
    overlay_dir: str = ""

    def load(self) -> list[Resource]:
        return load_text(
            self.text,
            self.display,
            default_namespace=self.default_namespace,
            rendered_from=self.rendered_from,
            repo=self.repo,
            overlay_dir=self.overlay_dir,
        )


@dataclass(frozen=True, slots=True)
class FailedItem:
    """A kustomize directory found while walking a directory that kustomize refused to build: loading it
    raises its error, which the run reports as an ``unreadable-input`` finding (:attr:`walked`). With
    ``ignored``, a file found while walking that Argo CD leaves out with a warning and that is not read (a
    FIFO, a dangling symbolic link: :mod:`generator.models.argocd.directory`): ``not-a-manifest``."""

    error: UnreadableFile
    walked: bool = True
    ignored: bool = False

    def load(self) -> list[Resource]:
        raise self.error


InputItem = FileItem | TextItem | FailedItem
