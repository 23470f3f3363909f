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

import bisect
import itertools
import re
from collections.abc import Iterator
from typing import Any

from generator.errors import InputError
from generator.validate.fastpos import closing_quote
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
# A "!" at the start or after a blank, "[", ",", "{" or ":" (literal first, so re jumps from "!" to "!" in C)
_TAG = re.compile(r"!(?:(?<=[\s\[,{:]!)|(?<=^!))")
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

    A tag or a scalar can only start a node (:class:`_NodeStarts`). A ``!`` or ``0755`` inside a scalar's
    text (a CRD description's "0777", a CEL rule's ``a || !b`` or ``self.all(t, !t.x)``, the next line of a
    quoted rule) is text: before, such a document (most big CRDs) went to the pure-Python path, which reads
    argo-workflows' 2.7 MB CRDs in 0.15 s each instead of 0.02 s."""
    starts = _NodeStarts(chunk)
    if "!" in chunk:
        found = _TAG.search(chunk)
        while found is not None:
            if starts.at(found.start()):
                return False
            found = _TAG.search(chunk, found.end())
    found = _LEADING_ZERO.search(chunk)
    while found is not None:
        nxt = chunk[found.end() : found.end() + 1]
        if (nxt.isdigit() or nxt == "_") and starts.at(found.start() - (chunk[found.start() - 1] in "+-")):
            return False
        found = _LEADING_ZERO.search(chunk, found.end())
    return True


_FLOW_OPEN = re.compile(r"[\[{](?![\]}])")  # a flow collection that is not empty (char class first: fast)
_QUOTE_LOOKBACK = 64  # lines searched up for the quote a continuation line may belong to


class _NodeStarts:
    """Could a token of one document begin a node? (YAML 1.2 chapters 6 to 8; go-yaml v2 and libyaml
    agree.) Conservative, so a document that might hold a tag or a go-yaml octal goes to libyaml:

    - a node begins after a line's indentation, after ``[`` or ``{``, after ``:`` and a blank (at once
      after a quoted key or in a flow collection), after a ``-``, ``?`` or ``---`` that stands alone, after
      ``,`` where a flow collection may be open (:meth:`_in_flow`), and after a node property
      (``&anchor``, ``!tag``) that itself begins a node;
    - but not inside a quoted scalar: one that opens as its line's value (:func:`_in_quoted_value`), or
      one that a quote on an earlier line opens, with every line from there indented deeper than that line
      (a quote-like line in a block scalar's text cannot take a later node in: that node is indented less
      than the block's text; :meth:`_in_continued_quote`)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._flows: list[tuple[int, int]] = []  # (opening, closing) of the flow collections found so far
        self._scanned = 0  # where the search for them goes on

    def _in_flow(self, pos: int) -> bool:
        """Could ``pos`` be inside a flow collection? Each non-empty one that begins a node spans up to
        its closing bracket when that is on its own line with no quote or ``#`` before it (``metadata:
        {name: a}``), else to the end of the document. Found as far as ``pos`` only: a CRD's descriptions
        hold thousands of brackets."""
        text = self.text
        flows = self._flows
        while self._scanned <= pos:
            found = _FLOW_OPEN.search(text, self._scanned, pos + 1)
            if found is None:
                self._scanned = pos + 1
                break
            start = found.start()
            if self.at(start, commas=False):
                end = _flow_end(text, start)
                flows.append((start, end))
                self._scanned = end + 1
            else:
                self._scanned = start + 1
        index = bisect.bisect_left(flows, (pos,)) - 1  # the last one that opens before pos
        return index >= 0 and pos <= flows[index][1]

    def at(self, pos: int, *, commas: bool = True, quotes: bool = True) -> bool:
        line_start = self.text.rfind("\n", 0, pos) + 1
        if not self._after_node_start(line_start, pos, commas):
            return False
        return not quotes or not (
            _in_quoted_value(self.text, line_start, pos) or self._in_continued_quote(line_start, pos)
        )

    def _after_node_start(self, line_start: int, pos: int, commas: bool) -> bool:
        text = self.text
        while True:
            before = text[line_start:pos].rstrip(" \t")
            if not before:
                return not self._continues_plain(line_start)
            last = before[-1]
            if last in "[{":
                return True
            if last == ":":
                # "a:[x" and "a:!b" are plain text in block context; a JSON-like key ("a":b) or a flow
                # collection may be followed at once
                spaced = line_start + len(before) < pos
                return spaced or before[-2:-1] in ("'", '"') or (commas and self._in_flow(pos))
            if last == ",":
                return commas and self._in_flow(pos)
            word = before.rsplit(None, 1)[-1]
            if word in ("-", "?", "---"):
                return True
            if word[0] not in "&!":
                return False
            pos = line_start + len(before) - len(word)

    def _continues_plain(self, line_start: int) -> bool:
        """Is the line at ``line_start`` the next line of a plain scalar that a ``key: value`` line above opens,
        with every line from there indented deeper than the key? Then it is that scalar's text, where no node
        begins (YAML 1.2 7.3.3, ns-plain-multi-line: a ``rule:`` of a CRD continued by ``&& !has(x)``). Every
        line in between must read as plain text (no ``: ``, no comment, no indicator first); anything else,
        a blank or comment line included, is not taken as sure."""
        text = self.text
        deepest = _indent(text, line_start)
        end = line_start - 1
        for _ in range(_QUOTE_LOOKBACK):
            if end <= 0:
                return False
            start = text.rfind("\n", 0, end) + 1
            line = text[start:end]
            opener = _PLAIN_OPENER.fullmatch(line)
            if opener is not None:
                return len(opener.group(1)) < deepest
            if _PLAIN_TEXT_LINE.fullmatch(line) is None:
                return False
            deepest = min(deepest, _indent(text, start))
            end = start - 1
        return False

    def _in_continued_quote(self, line_start: int, pos: int) -> bool:
        """Is ``pos`` inside a quoted scalar that an earlier line opens, with every line from there to
        ``pos``'s indented deeper than that one?"""
        text = self.text
        deepest = _indent(text, line_start)
        end = line_start - 1
        for _ in range(_QUOTE_LOOKBACK):
            if end < 0:
                return False
            start = text.rfind("\n", 0, end) + 1
            indent = _indent(text, start)
            if start + indent < end:  # not blank
                for quote in ("'", '"'):
                    at = text.find(quote, start, end)
                    while at >= 0:
                        if self.at(at, quotes=False) and closing_quote(text, at, pos) < 0:
                            return indent < deepest
                        at = text.find(quote, at + 1, end)
                deepest = min(deepest, indent)
            end = start - 1
        return False


# A block mapping entry whose value is a plain scalar that may go on on the next lines: indentation and block
# sequence entries (group 1: where the key begins), a plain key, ": ", and a value that begins as plain text
# (no indicator first) and holds no ": " and no comment.
_PLAIN_OPENER = re.compile(
    r"([ \t]*(?:-[ \t]+)*)[^\s'\"#&!*{}\[\],?:|>%@`-][^'\"#{}\[\],]*?:[ \t]+"
    r"(?![-?:][ \t]|[-?:]$)[^\s'\"#&!*{}\[\],|>%@`](?:(?!:[ \t]|:$|[ \t]#).)*"
)
# A line that can only be a plain scalar's text: indented, no indicator first, no ": " and no comment.
_PLAIN_TEXT_LINE = re.compile(r"[ ]+(?![-?:][ \t]|[-?:]$)[^\s'\"#&!*{}\[\],|>%@`](?:(?!:[ \t]|:$|[ \t]#).)*")

# What may stand before a quote that opens a line's value for sure: indentation, block sequence entries and a
# plain key with its ":" (no quote, comment, flow or other indicator in it).
_VALUE_OPENER = re.compile(r"[ \t]*(?:-[ \t]+)*(?:[^\s'\"#&!*{}\[\],?:|>%@`-][^'\"#{}\[\],]*?:[ \t]+)?")


def _in_quoted_value(text: str, line_start: int, pos: int) -> bool:
    """Is ``pos`` inside a quoted scalar that opens on its line as the line's value (``rule: 'a ? !b : c'``)?
    Only a quote in that place counts (:data:`_VALUE_OPENER`): another one may be a plain scalar's text."""
    found = [at for at in (text.find("'", line_start, pos), text.find('"', line_start, pos)) if at >= 0]
    quote = min(found, default=-1)
    if quote < 0 or _VALUE_OPENER.fullmatch(text, line_start, quote) is None:
        return False
    return closing_quote(text, quote, pos) < 0


def _flow_end(text: str, start: int) -> int:
    """Where the flow collection opening at ``start`` closes, when that is sure from its line alone; else the
    end of ``text``. On that line a quote that follows ``[``, ``{``, ``,`` or ``:`` opens a quoted scalar,
    skipped to its closing quote (none on the line: unsure); ``#`` may start a comment (unsure)."""
    line_end = text.find("\n", start)
    if line_end < 0:
        line_end = len(text)
    depth = 0
    at = start
    while at < line_end:
        char = text[at]
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return at
        elif char == "#":
            break
        elif char in "'\"":
            if text[start:at].rstrip(" \t")[-1] not in "[{,:":
                break  # a quote inside a plain scalar's text, or something else unsure
            close = closing_quote(text, at, line_end)
            if close < 0:
                break
            at = close
        at += 1
    return len(text)


def _indent(text: str, line_start: int) -> int:
    pos = line_start
    while pos < len(text) and text[pos] == " ":
        pos += 1
    return pos - line_start


def document_chunks(text: str) -> Iterator[tuple[int, int, int]]:
    """(begin, end, first line) of each document of ``text``, split at its "---" markers
    (:func:`document_starts`; comments before the first marker are a chunk of their own)."""
    starts = document_starts(text)
    bounds = ([0] if not starts or starts[0] != 0 else []) + starts + [len(text)]
    line = 0
    prev = 0
    for begin, end in itertools.pairwise(bounds):
        line += text.count("\n", prev, begin)
        prev = begin
        yield begin, end, line


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


def _ended(chunk: str) -> str:
    """``chunk`` with a comment line after its end, which changes nothing for libyaml: yaml-rs reads a block
    scalar at the end of its input otherwise (``a: |`` and nothing after it: "\\n" where libyaml reads "";
    no final line break: "x\\n" where libyaml reads "x"; seen on argo-workflows, Tekton and Knative
    files). A block scalar that ends without a final line break goes to libyaml (ValueError)."""
    if chunk.endswith("\n"):
        return chunk + "#\n"
    if "|" in chunk or ">" in chunk:
        raise ValueError("a block scalar may end without a line break")
    return chunk + "\n#\n"


def fast_documents(text: str, display: str) -> list[FastDoc] | None:
    """The documents of a stream, each parsed by yaml-rs where that is provably exact and by libyaml
    otherwise; None when the whole stream should go to libyaml (e.g. for its error messages)."""
    if not stream_fast_ok(text):
        return None
    check_chunks = not _chunk_fast_ok(text)  # most streams are clean as a whole: one scan, not one per doc
    out: list[FastDoc] = []
    for begin, end, line in document_chunks(text):
        chunk = text[begin:end]
        data: Any = _MISSING
        if not check_chunks or _chunk_fast_ok(chunk):
            try:
                raw = yaml_rs.loads(_ended(chunk), parse_datetime=False)
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
