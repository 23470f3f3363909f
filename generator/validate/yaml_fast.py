"""The fast YAML path.

yaml-rs (Rust, YAML 1.2 core schema) parses about five times faster than libyaml + Python node
construction. It is used only where its result is provably the one go-yaml v2 gives; anything else
falls back to the exact path (:mod:`generator.validate.yaml_exact`), for the document or the whole
stream:
- YAML 1.2 reads some plain scalars as strings that go-yaml v2 reads otherwise (yes/no/on/off/y/n,
  0b101, 1_000, 0X1F, the merge key <<). A string result that go-yaml would have resolved to something
  else if it had been unquoted cannot tell whether it was quoted: such a stream falls back;
- leading-zero integers (0755: octal for go-yaml, decimal for YAML 1.2) are found by a text pre-check;
- non-string keys, integers beyond int64, tags, directives, "..." markers, NEL/LS/PS line breaks, a BOM
  and any yaml-rs error (duplicate keys included) fall back too.
Documents are split at "---" lines, which YAML forbids inside any scalar, so each document keeps its
own line numbers. Identical strings are shared, as on the libyaml path.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from generator.errors import InputError
from generator.validate.values import Ambiguous, canonical
from generator.validate.yaml_exact import NO_MARKS, STR_TAG, exact_documents, resolve_plain

yaml_rs: Any
try:
    import yaml_rs
except ImportError:  # pragma: no cover - optional speed-up
    yaml_rs = None

_GO_ONLY_WORDS = frozenset(
    {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO"} | {"on", "On", "ON", "off", "Off", "OFF", "<<"}
)
_CORE12_NUMBER = re.compile(
    r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_TAG = re.compile(r"(?:^|[\s\[,{:])!", re.MULTILINE)
_MISSING = object()


def _plain_differs(value: str) -> bool:
    """Would ``value``, unquoted, be a string for YAML 1.2 but not for go-yaml v2?"""
    if value in _GO_ONLY_WORDS:
        return True
    if not value or value[0] not in "+-.0123456789" or resolve_plain(value) == STR_TAG:
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


def stream_fast_ok(text: str) -> bool:
    """No stream-level feature the fast path leaves to libyaml (directives, "...", BOM, NEL/LS/PS)."""
    return (
        yaml_rs is not None
        and not text.startswith(("%", "...", "\ufeff"))
        and "\n%" not in text
        and "\n..." not in text
        and not any(c in text for c in "\x85\u2028\u2029\ufeff")
    )


# A "0" after one of " ", "\t", "\n", "[", ",", "{" (or a sign after one of them), followed by an ASCII digit,
# "_" or any non-ASCII character (str.isdigit decides those). The pattern starts with the literal "0", so re
# jumps from "0" to "0" in C: ten times faster than a str.find per prefix.
_LEADING_ZERO = re.compile(r"0(?:(?<=[ \t\n\[,{]0)|(?<=[ \t\n\[,{][-+]0))(?=[0-9_]|[^\x00-\x7f])")


def _chunk_fast_ok(chunk: str) -> bool:
    """No tag and no leading-zero integer (0755) that starts a node in this document.

    A tag or a scalar can only start a node: at a line's first content, or after an indicator (``:``,
    ``-``, ``?``, ``[``, ``{``, ``,``) or an anchor (:func:`_starts_node`). A ``!`` or ``0755`` in the middle
    of a scalar's text (a CRD description's "0777", a CEL rule's ``a || !b``) is text: before, such
    a document (every CRD that embeds a pod spec) went to the pure-Python path, which reads 2.7 MB of
    argo-workflows' CRDs several times slower."""
    if "!" in chunk:
        found = _TAG.search(chunk)
        while found is not None:
            if _starts_node(chunk, found.end() - 1):
                return False
            found = _TAG.search(chunk, found.end())
    found = _LEADING_ZERO.search(chunk)
    while found is not None:
        nxt = chunk[found.end() : found.end() + 1]
        if (nxt.isdigit() or nxt == "_") and _starts_node(chunk, found.start() - (chunk[found.start() - 1] in "+-")):
            return False
        found = _LEADING_ZERO.search(chunk, found.end())
    return True


_INDICATORS = frozenset(":-?[{,")


def _starts_node(text: str, pos: int) -> bool:
    """Could the token at ``pos`` begin a node? Node properties and scalars follow a line's indentation, an
    indicator, or another node property that itself begins a node (``&anchor !tag``; YAML 1.2 section
    6.9). Conservative: any ``:``, ``-``, ``?`` or flow indicator before it counts, spaced or not, and so
    does any word that starts with ``&`` or ``!`` and begins a node itself; ``a && !b`` inside a CEL rule does
    not."""
    line_start = text.rfind("\n", 0, pos) + 1
    while True:
        before = text[line_start:pos].rstrip(" \t")
        if not before or before[-1] in _INDICATORS:
            return True
        word = before.rsplit(None, 1)[-1]
        if word[0] not in "&!":
            return False
        pos = line_start + len(before) - len(word)


def document_starts(text: str) -> list[int]:
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


FastDoc = tuple[Any, int, dict[str, tuple[int, int]], int]  # a Doc and the offset of its root line (-1: unknown)


def fast_documents(text: str, display: str) -> list[FastDoc] | None:
    """The documents of a stream, each parsed by yaml-rs where that is provably exact and by libyaml
    otherwise; None when the whole stream should go to libyaml (e.g. for its error messages)."""
    if not stream_fast_ok(text):
        return None
    starts = document_starts(text)
    bounds = ([0] if not starts or starts[0] != 0 else []) + starts + [len(text)]
    check_chunks = not _chunk_fast_ok(text)  # most streams are clean as a whole: one scan, not one per doc
    out: list[FastDoc] = []
    line = 0
    prev = 0
    for begin, end in itertools.pairwise(bounds):
        line += text.count("\n", prev, begin)
        prev = begin
        chunk = text[begin:end]
        data: Any = _MISSING
        if not check_chunks or _chunk_fast_ok(chunk):
            try:
                raw = yaml_rs.loads(chunk, parse_datetime=False)
                data = None if raw is None else _canonical(raw)
            except (Ambiguous, ValueError, TypeError, RecursionError):
                data = _MISSING
        if data is _MISSING:
            try:
                docs = exact_documents(chunk, display)
            except InputError:
                return None  # report the error with the positions of the whole stream
            for value, root, marks in docs:
                moved = {p: (ln + line, col) for p, (ln, col) in marks.items()} if marks else NO_MARKS
                out.append((value, root + line, moved, _line_offset(text, begin, root)))
            continue
        if data is None and not chunk.startswith("---"):
            continue  # comments before the first marker: not a document
        root_line, root_offset = _root_line(text, begin, end, line)
        out.append((data, root_line, NO_MARKS, root_offset))
    return out
