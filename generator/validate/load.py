"""Manifest reader: YAML/JSON streams -> :class:`Resource` objects, with the YAML 1.1 semantics
``kubectl apply`` uses (sigs.k8s.io/yaml on go-yaml v2: unquoted ``yes``/``on`` are booleans, ``0755`` is
octal, merge keys work, timestamps stay strings).

Two parsers, one result:
- yaml-rs (Rust) parses each document where its YAML 1.2 result provably equals go-yaml v2's (see the
  "fast path" section below); identical strings are shared;
- otherwise libyaml's C parser composes the node tree and a small non-generator constructor turns nodes
  into plain dicts/lists with go-yaml v2 scalar resolution, sharing identical scalars. Duplicate mapping
  keys are noticed for free (fewer dict entries than key nodes) and located only then.
Line/column positions are not kept: :mod:`generator.validate.positions` re-composes the one document
that has findings, from the :class:`DocSource` attached to each resource.
"""

from __future__ import annotations

import gc
import itertools
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.errors import InputError, RenderError
from generator.validate.model import Resource, pointer
from generator.validate.values import Ambiguous, canonical

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
HELM_CHART_SUFFIX = "Chart.yaml"

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BINARY = "tag:yaml.org,2002:binary"
_VALUE = "tag:yaml.org,2002:value"


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


_NO_MARKS: dict[str, tuple[int, int]] = {}  # shared by documents without duplicate keys (never mutated)
_REREAD: dict[str, str] = {}


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


_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"

# Plain-scalar resolution exactly as go-yaml v2 (sigs.k8s.io/yaml, i.e. kubectl) does it: YAML 1.1 booleans
# including y/n, ints in any Go base (0x, 0o, 0b, leading-0 octal, "_" ignored), Go's float syntax
# (``1e3`` is a float), timestamps kept as strings, no sexagesimal numbers (``10:30`` is a string).
_TRUE = frozenset({"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})
_FALSE = frozenset({"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_INT_RE = re.compile(r"[-+]?(?:0[bB][01_]+|0[oO][0-7_]+|0[xX][0-9a-fA-F_]+|[0-9][0-9_]*)")
_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {
    **{v: float("inf") for v in (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")},
    **{v: float("-inf") for v in ("-.inf", "-.Inf", "-.INF")},
    **{v: float("nan") for v in (".nan", ".NaN", ".NAN")},
}


def resolve_plain(value: str) -> str:
    """The tag go-yaml v2 gives an unquoted scalar."""
    if value in _NULLS:
        return _NULL
    if value in _TRUE or value in _FALSE:
        return _BOOL
    if value == "<<":
        return _MERGE
    first = value[0]
    if first in "+-.0123456789":
        if _INT_RE.fullmatch(value) and _go_int(value) is not None:
            return _INT
        if value in _SPECIAL_FLOATS or _FLOAT_RE.fullmatch(value):
            return _FLOAT
    return _STR


def _go_int(value: str) -> int | None:
    """strconv.ParseInt (then ParseUint) of the value without "_", base 0, as go-yaml v2 calls them."""
    plain = value.replace("_", "")
    sign = -1 if plain.startswith("-") else 1
    body = plain.lstrip("+-")
    try:
        if body.startswith(("0b", "0B")):
            number = int(body[2:], 2)
        elif body.startswith(("0o", "0O")):
            number = int(body[2:], 8)
        elif body.startswith(("0x", "0X")):
            number = int(body[2:], 16)
        elif len(body) > 1 and body.startswith("0"):
            number = int(body[1:], 8)
        else:
            number = int(body, 10)
    except ValueError:
        return None
    number *= sign
    return number if -(2**63) <= number < 2**64 else None


def _scalar_value(tag: str, value: str) -> Any:
    if tag == _BOOL:
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
    elif tag == _NULL:
        if value in _NULLS:
            return None
    elif tag == _INT:
        number = _go_int(value)
        if number is not None:
            return number
    elif tag == _FLOAT:
        if value in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[value]
        try:
            return float(value.replace("_", ""))
        except ValueError:
            pass
    raise ValueError(f"cannot read {value!r} as {tag.rsplit(':', 1)[-1]}")


class _Loader(yaml.CSafeLoader):
    """CSafeLoader with go-yaml v2 scalar resolution (cached per value) and a tight recursive constructor
    (no generators) that shares identical scalars between documents (fewer objects, less memory)."""

    # The C composer calls these for path resolvers, which are never used here: C-level no-ops.
    descend_resolver = staticmethod({}.get)  # type: ignore[assignment,var-annotated]
    ascend_resolver = staticmethod(tuple)  # type: ignore[assignment]

    def __init__(self, stream: str, display: str) -> None:
        super().__init__(stream)
        self.display = display
        self.scalars: dict[tuple[str, str], Any] = {}
        self.plain_tags: dict[str, str] = {}
        self.duplicates: list[tuple[MappingNode, Node]] = []
        self.built: dict[int, Any] = {}  # id(collection node) -> value, for aliases (per document)
        self.weights: dict[int, int] = {}  # id(node) -> expanded size, computed for aliased nodes only
        self.alias_weight = 0
        self._build = self._builder()

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            if not implicit[0]:
                return _STR
            tag = self.plain_tags.get(value)
            if tag is None:
                tag = self.plain_tags[value] = resolve_plain(value)
            return tag
        return _SEQ if kind is SequenceNode else _MAP

    def release(self) -> None:
        """Drop the caches and the builder's closures. They call one another (``build``, ``key_of``,
        ``build_collection``...) and refer to the loader, whose parser holds the stream: a cycle that only
        the cyclic collector frees, and the CLI pauses it while it validates (pipeline.run_units). Emptying
        the cells of ``build`` (the cells of ``_builder``'s locals, shared by all its closures) breaks
        the cycle, so the loader and its caches are freed now, by reference counting."""
        for cell in getattr(self._build, "__closure__", None) or ():
            cell.cell_contents = None
        self.scalars = {}
        self.plain_tags = {}
        self._build = _released

    def build(self, node: Node) -> Any:
        """The plain value of a composed document (dicts, lists, str, int, float, bool, None)."""
        return self._build(node)

    def _builder(self) -> Callable[[Node], Any]:
        # A closure over locals: this is the hot loop of loading (every node of every document).
        scalars = self.scalars
        scalars[(_MERGE, "<<")] = _MERGE_KEY
        duplicates = self.duplicates
        display = self.display
        construct_object = self.construct_object
        built = self.built
        weights = self.weights
        scalar_cls, mapping_cls, sequence_cls = ScalarNode, MappingNode, SequenceNode
        missing = _MISSING

        def scalar(node: Node) -> Any:
            tag, value = node.tag, node.value
            if tag == _STR or tag in (_TIMESTAMP, _BINARY, _VALUE):
                result: Any = value  # kubectl keeps timestamps (and these) as strings
            elif tag in (_BOOL, _NULL, _INT, _FLOAT):
                try:
                    result = _scalar_value(tag, value)
                except ValueError as exc:
                    mark = node.start_mark
                    raise InputError(f"{display}:{mark.line + 1}:{mark.column + 1}: {exc}") from None
            else:
                result = construct_object(node, deep=True)  # an unknown tag raises ConstructorError
            scalars[(tag, value)] = result
            return result

        def key_of(key_node: Node) -> Any:
            if key_node.__class__ is scalar_cls:
                key = scalars.get((key_node.tag, key_node.value), missing)
                return scalar(key_node) if key is missing else key
            return build(key_node)

        def build(node: Node) -> Any:
            cls = node.__class__
            if cls is scalar_cls:
                result = scalars.get((node.tag, node.value), missing)
                return scalar(node) if result is missing else result
            done = built.get(id(node))
            if done is not None:  # an alias: the same object, as PyYAML builds it; bounded like go-yaml
                self.alias_weight += weight(node)
                if self.alias_weight > _MAX_ALIAS_WEIGHT:
                    mark = node.start_mark
                    raise InputError(f"{display}:{mark.line + 1}:{mark.column + 1}: excessive aliasing")
                return done
            result = build_collection(node, cls)
            built[id(node)] = result
            return result

        def weight(node: Node) -> int:
            """How many nodes an alias to ``node`` stands for once expanded (memoised per node)."""
            known = weights.get(id(node))
            if known is None:
                if isinstance(node, MappingNode):
                    known = 1 + sum(weight(k) + weight(v) for k, v in node.value)
                elif isinstance(node, SequenceNode):
                    known = 1 + sum(weight(item) for item in node.value)
                else:
                    known = 1
                weights[id(node)] = known
            return known

        def build_collection(node: Node, cls: type) -> Any:
            if cls is mapping_cls and node.tag == _MAP:
                pairs = node.value
                out: dict[str, Any] = {}
                for key_node, value_node in pairs:
                    key = key_of(key_node)
                    if key.__class__ is not str:
                        if key is _MERGE_KEY:
                            self.flatten_mapping(cast(MappingNode, node))  # resolves ``<<`` in place
                            return build(node)
                        key = _json_key(key, key_node, display)
                    if value_node.__class__ is scalar_cls:
                        value = scalars.get((value_node.tag, value_node.value), missing)
                        out[key] = scalar(value_node) if value is missing else value
                    else:
                        out[key] = build(value_node)
                if len(out) < len(pairs):
                    seen: set[str] = set()
                    for key_node, _ in pairs:
                        k = key_of(key_node)
                        k = k if isinstance(k, str) else _json_key(k, key_node, display)
                        if k in seen:
                            duplicates.append((cast(MappingNode, node), key_node))
                        seen.add(k)
                return out
            if cls is sequence_cls and node.tag == _SEQ:
                return [build(item) for item in node.value]
            return construct_object(node, deep=True)  # !!omap, !!set, unknown tags (raises)

        return build


def _released(node: Node) -> Any:
    raise RuntimeError("loader already released")


_MISSING = object()
_MERGE_KEY = object()
_MAX_ALIAS_WEIGHT = 1_000_000  # nodes reached through aliases per document ("billion laughs" refused)


def _json_key(key: Any, node: Node, display: str) -> str:
    """A non-string mapping key as sigs.k8s.io/yaml turns it into a JSON object key."""
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int | float):
        return str(key)
    mark = node.start_mark
    raise InputError(f"{display}:{mark.line + 1}:{mark.column + 1}: mapping key must be a scalar")


def _locate(root: Node, targets: dict[int, list[Node]]) -> Iterator[tuple[str, Node]]:
    """JSON pointers of duplicate key nodes, found by one walk of the document's node tree."""
    stack: list[tuple[Node, tuple[str | int, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, MappingNode):
            for dup in targets.get(id(node), []):
                yield pointer(*path, str(dup.value)), dup
            for k, v in node.value:
                stack.append((v, (*path, str(k.value))))
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                stack.append((item, (*path, i)))


# ------------------------------------------------------------------------------------------ fast path
#
# yaml-rs (Rust, YAML 1.2 core schema) parses about five times faster than libyaml + Python node
# construction. It is used only where its result is provably the one go-yaml v2 gives; anything else
# falls back to the libyaml path above, for the whole stream:
# - YAML 1.2 reads some plain scalars as strings that go-yaml v2 reads otherwise (yes/no/on/off/y/n,
#   0b101, 1_000, 0X1F, the merge key <<). A string result that go-yaml would have resolved to something
#   else if it had been unquoted cannot tell whether it was quoted: such a stream falls back;
# - leading-zero integers (0755: octal for go-yaml, decimal for YAML 1.2) are found by a text pre-check;
# - non-string keys, integers beyond int64, tags, directives, "..." markers, NEL/LS/PS line breaks, a BOM
#   and any yaml-rs error (duplicate keys included) fall back too.
# Documents are split at "---" lines, which YAML forbids inside any scalar, so each document keeps its
# own line numbers. Identical strings are shared, as on the libyaml path.

_yaml_rs: Any
try:
    import yaml_rs as _yaml_rs
except ImportError:  # pragma: no cover - optional speed-up
    _yaml_rs = None

_GO_ONLY_WORDS = frozenset(
    {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO"} | {"on", "On", "ON", "off", "Off", "OFF", "<<"}
)
_CORE12_NUMBER = re.compile(
    r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_TAG = re.compile(r"(?:^|[\s\[,{:])!", re.MULTILINE)


def _plain_differs(value: str) -> bool:
    """Would ``value``, unquoted, be a string for YAML 1.2 but not for go-yaml v2?"""
    if value in _GO_ONLY_WORDS:
        return True
    if not value or value[0] not in "+-.0123456789" or resolve_plain(value) == _STR:
        return False
    return _CORE12_NUMBER.fullmatch(value) is None


# Strings shared across every stream of the process, not per stream: keys and common values ("name",
# "app.kubernetes.io/name", "containerPort", "TCP"...) would otherwise be one object per file, which made up
# most of the memory of 20,000 loaded resources. Bounded: cleared when it grows past _SHARED_MAX entries.
_SHARED: dict[str, str] = {}
_SHARED_MAX = 500_000


def _canonical(raw: Any) -> Any:
    """What yaml-rs read, with identical strings shared (:func:`values.canonical`); raises
    :class:`values.Ambiguous` where go-yaml v2 might read the document otherwise."""
    if len(_SHARED) > _SHARED_MAX:
        _SHARED.clear()
    return canonical(raw, _SHARED, _plain_differs)


def _stream_fast_ok(text: str) -> bool:
    """No stream-level feature the fast path leaves to libyaml (directives, "...", BOM, NEL/LS/PS)."""
    return (
        _yaml_rs is not None
        and not text.startswith(("%", "...", "\ufeff"))
        and "\n%" not in text
        and "\n..." not in text
        and not any(c in text for c in "\x85\u2028\u2029\ufeff")
    )


# A "0" after one of " ", "\t", "\n", "[", ",", "{" (or a sign after " ", "[", ","), followed by an ASCII digit,
# "_" or any non-ASCII character (str.isdigit decides those). The pattern starts with the literal "0", so re
# jumps from "0" to "0" in C: ten times faster than a str.find per prefix.
_LEADING_ZERO = re.compile(r"0(?:(?<=[ \t\n\[,{]0)|(?<=[ \[,][-+]0))(?=[0-9_]|[^\x00-\x7f])")


def _chunk_fast_ok(chunk: str) -> bool:
    """No tag and no leading-zero integer (0755) in this document."""
    if "!" in chunk and _TAG.search(chunk) is not None:
        return False
    found = _LEADING_ZERO.search(chunk)
    while found is not None:
        nxt = chunk[found.end() : found.end() + 1]
        if nxt.isdigit() or nxt == "_":
            return False
        found = _LEADING_ZERO.search(chunk, found.end())
    return True


def _document_starts(text: str) -> list[int]:
    """Offsets of the "---" document markers (at a line start, followed by a blank or the end)."""
    starts = []
    pos = 0 if text.startswith("---") else text.find("\n---")
    while pos >= 0:
        at = pos if pos == 0 and text.startswith("---") else pos + 1
        after = text[at + 3 : at + 4]
        if after in ("", " ", "\t", "\n", "\r"):
            starts.append(at)
        pos = text.find("\n---", at + 3)
    return starts


def _root_line(text: str, begin: int, end: int, line: int) -> tuple[int, int]:
    """The line of a document's first content (skipping blank lines, comments and a bare marker) and the
    offset where that line starts (``begin``: the start of line ``line``)."""
    pos = begin
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        content = text[pos:stop].strip()
        if content and not content.startswith("#") and not (content.startswith("---") and _bare_marker(content)):
            return line, pos
        if nl < 0:
            break
        pos = nl + 1
        line += 1
    return line, pos


def _line_offset(text: str, pos: int, lines: int) -> int:
    """The offset of the line ``lines`` lines below the line starting at ``pos``."""
    for _ in range(lines):
        nl = text.find("\n", pos)
        if nl < 0:
            return -1
        pos = nl + 1
    return pos


def _bare_marker(content: str) -> bool:
    rest = content[3:].strip()
    return not rest or rest.startswith("#")


_Doc = tuple[Any, int, dict[str, tuple[int, int]]]  # value, 0-based root line, duplicate-key marks
_FastDoc = tuple[Any, int, dict[str, tuple[int, int]], int]  # ... and the offset of the root line (-1: unknown)


def _fast_documents(text: str, display: str) -> list[_FastDoc] | None:
    """The documents of a stream, each parsed by yaml-rs where that is provably exact and by libyaml
    otherwise; None when the whole stream should go to libyaml (e.g. for its error messages)."""
    if not _stream_fast_ok(text):
        return None
    starts = _document_starts(text)
    bounds = ([0] if not starts or starts[0] != 0 else []) + starts + [len(text)]
    check_chunks = not _chunk_fast_ok(text)  # most streams are clean as a whole: one scan, not one per doc
    out: list[_FastDoc] = []
    line = 0
    prev = 0
    for begin, end in itertools.pairwise(bounds):
        line += text.count("\n", prev, begin)
        prev = begin
        chunk = text[begin:end]
        data: Any = _MISSING
        if not check_chunks or _chunk_fast_ok(chunk):
            try:
                raw = _yaml_rs.loads(chunk, parse_datetime=False)
                data = None if raw is None else _canonical(raw)
            except (Ambiguous, ValueError, TypeError, RecursionError):
                data = _MISSING
        if data is _MISSING:
            try:
                docs = _slow_documents(chunk, display)
            except InputError:
                return None  # report the error with the positions of the whole stream
            for value, root, marks in docs:
                moved = {p: (ln + line, col) for p, (ln, col) in marks.items()} if marks else _NO_MARKS
                out.append((value, root + line, moved, _line_offset(text, begin, root)))
            continue
        if data is None and not chunk.startswith("---"):
            continue  # comments before the first marker: not a document
        root_line, root_offset = _root_line(text, begin, end, line)
        out.append((data, root_line, _NO_MARKS, root_offset))
    return out


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
        docs = _fast_documents(text, display) if fast and _yaml_rs is not None else None
        if docs is None:
            docs = [(data, start, marks, -1) for data, start, marks in _slow_documents(text, display)]
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


def _slow_documents(text: str, display: str) -> list[_Doc]:
    """The documents of a stream through libyaml and go-yaml v2 resolution (duplicate keys located)."""
    loader = _Loader(text, display)
    pending: list[_Doc] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            dups_before = len(loader.duplicates)
            data = loader.build(node)
            loader.constructed_objects.clear()
            loader.built.clear()
            loader.weights.clear()
            loader.alias_weight = 0
            marks: dict[str, tuple[int, int]] = _NO_MARKS
            if len(loader.duplicates) > dups_before:
                marks = {}
                targets: dict[int, list[Node]] = {}
                for mapping, key_node in loader.duplicates[dups_before:]:
                    targets.setdefault(id(mapping), []).append(key_node)
                for ptr, key_node in _locate(node, targets):
                    marks[ptr] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                del loader.duplicates[:]
            pending.append((data, node.start_mark.line, marks))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{display}:{mark.line + 1}:{mark.column + 1}" if mark else display
        raise InputError(f"{where}: invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{display}: invalid YAML: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise InputError(f"{display}: invalid YAML: recursive alias") from None
    finally:
        loader.dispose()
        loader.release()  # break the loader <-> builder cycle now: the collector may be paused
    return pending


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


def load_json(text: str, display: str, *, default_namespace: str = "") -> list[Resource]:
    """A ``.json`` file: one JSON value (object or ``kind: List``); duplicate keys recorded."""
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
        raise InputError(f"{display}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    if not dup_objects:
        src = DocSource(text, 0, -1, display)
        for problem in _shape_problems(data) if isinstance(data, dict) else []:
            src.problem = problem
        return _resources(data, src, 0, default_namespace)
    # Duplicate keys: the YAML path gives positions (JSON is YAML here); fall back to pointers only.
    try:
        return load_text(text, display, default_namespace=default_namespace)
    except InputError:
        return _resources(data, DocSource(text, 0, -1, display), 0, default_namespace)


def is_kustomization_dir(path: Path) -> bool:
    return path.is_dir() and any((path / name).is_file() for name in KUSTOMIZATION_FILES)


def is_helm_chart(path: Path) -> bool:
    """A directory Argo CD renders with helm: it holds a file whose name ends in ``Chart.yaml`` and no
    kustomization. (argoproj/argo-cd util/app/discovery/discovery.go ``Discover``: a ``*Chart.yaml``
    makes the directory Helm, a kustomization file makes it Kustomize, and the kustomization, later in
    the walk's lexical order, wins when both are there.) Its templates are Go templates, not YAML."""
    if not path.is_dir() or is_kustomization_dir(path):
        return False
    try:
        return any(entry.name.endswith(HELM_CHART_SUFFIX) and entry.is_file() for entry in os.scandir(path))
    except OSError:
        return False


def display_path(path: Path, repo: Path | None) -> str:
    if repo is not None:
        try:
            return path.resolve().relative_to(repo.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _decode(path: Path | str) -> str:
    """The file's text as ``open(path, encoding="utf-8").read()`` returns it (universal newlines: "\\r\\n"
    and "\\r" read as "\\n"), from its bytes: a third cheaper than the text layer on 6,000 small files."""
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _read(path: Path | str, display: str) -> str:
    try:
        return _decode(path)
    except UnicodeDecodeError:
        raise InputError(f"{display}: not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{display}: cannot read: {exc.strerror}") from None


def load_file(path: Path, *, repo: Path | None = None, default_namespace: str = "") -> list[Resource]:
    return _load_file(str(path), display_path(path, repo), str(path.resolve()), default_namespace)


def _load_file(path: str, display: str, resolved: str, default_namespace: str) -> list[Resource]:
    text = _read(path, display)
    # The positions of this file's findings are computed next: they need its text, not a second read.
    _REREAD.clear()
    _REREAD[resolved] = text
    if path.endswith(".json"):
        return load_json(text, display, default_namespace=default_namespace)
    return load_text(text, display, default_namespace=default_namespace, path=resolved)


def manifest_files(directory: Path) -> list[Path]:
    """YAML/JSON files under a directory (recursively, sorted, hidden entries skipped)."""
    found: list[Path] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(root) / f for f in sorted(files) if f.endswith(MANIFEST_SUFFIXES) and not f.startswith("."))
    return found


@dataclass(frozen=True, slots=True)
class _Entry:
    """One input below a walked directory."""

    parts: tuple[str, ...]  # the path relative to the directory walked
    kustomize: bool  # a kustomize directory (rendered), not a file
    link: bool  # a symbolic link: its target decides the file's real path


def _input_entries(directory: Path) -> list[_Entry]:
    """The inputs below ``directory``, sorted by path, walked as ``os.walk`` walks (hidden entries and
    symbolic links to directories are not entered, unreadable directories are skipped), with what
    ``os.scandir`` already knows about each entry: no pathlib object and no ``lstat`` per file."""
    found: list[_Entry] = []
    _visit(str(directory), (), found)
    found.sort(key=lambda e: e.parts)
    return found


def _visit(path: str, parts: tuple[str, ...], found: list[_Entry]) -> None:
    """:func:`_input_entries` below ``path``. A module function, not a closure: a recursive closure refers
    to itself through its cell, a cycle that would keep ``found`` alive until the collector runs."""
    here = Path(path)
    if parts and is_kustomization_dir(here):
        found.append(_Entry(parts, True, False))
        return
    if is_helm_chart(here):  # not read as YAML: the ``helm-chart-not-rendered`` rule reports it
        return
    try:
        with os.scandir(path) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if not entry.is_symlink():
                _visit(entry.path, (*parts, name), found)
        elif name.endswith(MANIFEST_SUFFIXES):
            found.append(_Entry((*parts, name), False, entry.is_symlink()))


def stream_inputs(directory: Path) -> list[Path]:
    """What a plain directory holds, in order: its YAML/JSON files and, instead of their files, the
    kustomize directories below it (each is rendered: ``validate overlays/`` renders every overlay).
    Helm charts (:func:`is_helm_chart`) are left out: :func:`helm_charts` lists them."""
    return [directory.joinpath(*entry.parts) for entry in _input_entries(directory)]


def kustomize_dirs_below(directory: Path) -> list[Path]:
    """The kustomize directories that :func:`stream_inputs` lists for ``directory`` (no Path per file)."""
    return [directory.joinpath(*entry.parts) for entry in _input_entries(directory) if entry.kustomize]


def helm_charts(directory: Path) -> list[Path]:
    """The Helm charts at or below a directory that :func:`stream_inputs` leaves out, in walk order
    (not those below a kustomize directory: kustomize renders its own ``helmCharts``)."""
    found: list[Path] = []
    for root, dirs, _files in os.walk(directory):
        here = Path(root)
        if here != directory and is_kustomization_dir(here):
            dirs[:] = []
            continue
        if is_helm_chart(here):
            found.append(here)
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
    return sorted(found, key=lambda p: p.relative_to(directory).parts)


def render_kustomization(path: Path) -> str:
    """Render a kustomize directory with the generator's renderer (the only caller of kustomize).
    Deprecated kustomization fields do not refuse the target: ``kustomize-deprecated`` reports them."""
    from generator.kustomize.render import kustomize_build

    return kustomize_build(path, allow_deprecations=True)


class SourceDuplicateKeys(RenderError):
    """kustomize refused an overlay because a source file has duplicate mapping keys; ``resources`` are
    the source documents with duplicates (the ``duplicate-key`` rule reports them at file:line)."""

    def __init__(self, message: str, resources: list[Resource]) -> None:
        super().__init__(message)
        self.resources = resources


def kustomize_dirs(directory: Path) -> list[Path]:
    """The kustomize directory and every local directory it pulls in (``resources``, ``components``,
    ``bases``), recursively: where the sources of its rendered objects live. Remote entries are skipped."""
    found: list[Path] = []
    pending = [directory.resolve()]
    while pending:
        current = pending.pop(0)
        if current in found or not current.is_dir():
            continue
        found.append(current)
        kfile = next((current / n for n in KUSTOMIZATION_FILES if (current / n).is_file()), None)
        if kfile is None:
            continue
        try:
            data = yaml.safe_load(kfile.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if not isinstance(data, dict):
            continue
        for key in ("resources", "components", "bases"):
            entries = data.get(key)
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, str) and "://" not in entry and not entry.startswith("git@"):
                    target = (current / entry).resolve()
                    if target.is_dir():
                        pending.append(target)
    return found


def kustomize_sources(overlay: Path) -> list[Path]:
    """The YAML files kustomize may read for an overlay (every YAML file of :func:`kustomize_dirs`)."""
    files: list[Path] = []
    for root in kustomize_dirs(overlay):
        files.extend(p for p in manifest_files(root) if p.suffix in (".yaml", ".yml") and p not in files)
    return files


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
    """One command-line input: a kustomize directory (rendered), another directory, or a file."""
    return [res for item in path_items(path, repo=repo, default_namespace=default_namespace) for res in item.load()]


@dataclass(frozen=True, slots=True)
class FileItem:
    """A YAML/JSON file still to be read (loaded where the work is done: in a worker with ``--jobs``)."""

    path: str  # as given or found (what is opened)
    display: str  # the name shown in findings
    resolved: str  # absolute path without symlinks (positions re-read it)
    default_namespace: str

    def load(self) -> list[Resource]:
        return _load_file(self.path, self.display, self.resolved, self.default_namespace)


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


InputItem = FileItem | TextItem


def _file_item(path: Path, repo: Path | None, default_namespace: str) -> FileItem:
    return FileItem(str(path), display_path(path, repo), str(path.resolve()), default_namespace)


def _kustomize_item(path: Path, repo: Path | None, default_namespace: str) -> TextItem:
    display = display_path(path, repo)
    text = _render_or_duplicates(path, repo, display)
    root = str(repo.resolve()) if repo is not None else str(path.resolve())
    return TextItem(text, display, default_namespace, display, root, str(path.resolve()))


def path_items(path: Path, *, repo: Path | None = None, default_namespace: str = "") -> list[InputItem]:
    """What :func:`load_path` loads, not loaded yet: kustomize directories are rendered here (raising
    :class:`SourceDuplicateKeys` as ``load_kustomization`` does), files are listed."""
    if is_kustomization_dir(path):
        return [_kustomize_item(path, repo, default_namespace)]
    if is_helm_chart(path):
        return []  # nothing to read as YAML; the chart is reported (ksources.helm_chart_sources)
    if path.is_dir():
        out: list[InputItem] = []
        # Strings, not pathlib (~10 us an operation, several per file): the walk never enters a linked
        # directory, so a file that is no link itself resolves to <resolved directory>/<relative path>.
        root = str(path)
        real_dir = os.path.realpath(path)
        repo_prefix = os.path.join(os.path.realpath(repo), "") if repo is not None else None
        for entry in _input_entries(path):
            shown = os.path.join(root, *entry.parts) if root != "." else os.path.join(*entry.parts)
            if entry.kustomize:
                out.append(_kustomize_item(Path(shown), repo, default_namespace))
            elif entry.link:
                out.append(_file_item(Path(shown), repo, default_namespace))
            else:
                resolved = os.path.join(real_dir, *entry.parts)
                display = shown
                if repo_prefix is not None and resolved.startswith(repo_prefix):
                    display = resolved[len(repo_prefix) :]
                out.append(FileItem(shown, display, resolved, default_namespace))
        return out
    if path.is_file():
        return [_file_item(path, repo, default_namespace)]
    raise InputError(f"{path}: no such file or directory")


def input_items(
    inputs: Sequence[str],
    *,
    repo: Path | None = None,
    stdin: TextIO | None = None,
    default_namespace: str = "",
) -> list[InputItem]:
    """Every command-line input in order, as items to load; ``-`` reads ``stdin`` (default: sys.stdin)."""
    out: list[InputItem] = []
    for item in inputs:
        if item == "-":
            out.append(TextItem((stdin or sys.stdin).read(), "<stdin>", default_namespace))
        else:
            out.extend(path_items(Path(item), repo=repo, default_namespace=default_namespace))
    return out


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
