"""Positions without composing: the JSON-pointer walk of :func:`positions.walk` done on the text of a
block-style YAML document with a few C-level regex searches per pointer step.

Composing a document with libyaml costs about 70 us even with no Python callbacks; a finding's pointer
needs only the keys along its path. In block style the key of a mapping whose keys sit at column ``c``
is a line ``<c columns of spaces and "- ">KEY:``, and everything below a key is indented deeper (YAML's
indentation rules, which libyaml enforces: block scalar content and plain scalar continuation lines
are indented more than their parent's column), so a search within the value's range at the exact
column finds exactly that mapping's key.

Anything this does not model returns None and the caller composes the document as before: anchors and
aliases (except a whole block value after a key, ``labels: &labels`` / ``labels: *labels``, which the walk
steps around but never into), tags, merge keys, quoted or complex keys, tabs, CR line ends, a document
that starts on its ``---`` line, quoted scalars spanning lines, a sequence of sequences, and descending
into a flow collection other than a one-line ``{k: v, ...}`` or ``[a, b]`` of plain scalars. Duplicate
keys are handled by the caller (it composes). A test compares both paths for every pointer of generated
and hand-written documents, and both paths' JSON reports byte for byte on generated corpora
(tests/validate/test_fastpos.py).
"""

from __future__ import annotations

import re
from typing import Any

# Every pattern starts with a newline: re then jumps from newline to newline (a pattern starting with "^"
# and re.M is tried at every character, which made these searches cost as much as composing).
_DOC_END = re.compile(r"\n(?:---|\.\.\.)(?=[ \n]|\Z)")


# The helpers below do in compiled code what a regex search and its match's group()/start(), or
# str.startswith/index with an offset, did through Python method calls (500 to 1,000 instructions each,
# bench/validate_instructions.py): the walk's steps made tens of thousands of them per 2,000 resources.


def _significant(text: str, pos: int, end: int) -> tuple[int, int]:
    """``re.compile(r"^( *)([^ \\n#])", re.M).search(text, pos, end)`` as (offset of group 2, length of
    group 1), or (-1, 0): the first line starting at or after ``pos`` (a line start: after a newline, or
    0) that holds something other than spaces before its end or a comment."""
    if pos > 0 and text[pos - 1] != "\n":
        newline = text.find("\n", pos, end)
        if newline < 0:
            return -1, 0
        pos = newline + 1
    while pos < end:
        at = pos
        while at < end and text[at] == " ":
            at += 1
        if at >= end:
            return -1, 0
        char = text[at]
        if char != "\n" and char != "#":
            return at, at - pos
        newline = text.find("\n", at, end)
        if newline < 0:
            return -1, 0
        pos = newline + 1
    return -1, 0


def _dash(text: str, at: int) -> bool:
    """``text.startswith("- ", at) or text.startswith("-\\n", at)``."""
    return at + 1 < len(text) and text[at] == "-" and (text[at + 1] == " " or text[at + 1] == "\n")


def _ended(text: str, start: int, stop: int, col: int, seq: bool) -> bool:
    """Has the mapping whose keys sit at ``col`` (``seq``: the sequence whose dashes do), starting at
    ``start``, ended before offset ``stop``? A node's range is not computed up front (that search runs to
    the node's last line, for every step of every pointer: most of the walk's cost); a node knows only an
    upper bound of its range (its parent's), and a line found within it is checked here instead: no
    content at a column < ``col`` (or, in a sequence, at ``col`` other than a dash) comes before it.
    Those are exactly the lines that end such a node in YAML's block style.

    A loop over the line starts from ``str.find``, not a regex search: called from compiled code, a
    pattern's ``search`` goes through Python (~5,000 instructions a call on the findings corpus). It
    answers what ``re.search(r"\n {0,C}[^ \n#]", text[start:stop + 1])`` does with C = ``col - 1`` (a
    mapping), and for a sequence also a line at ``col`` that starts with anything but a dash entry ("- ",
    "-\n", or "-" at the bound): tests/validate/test_fastpos.py compares both on random text."""
    if not seq and col == 0:
        return False  # a mapping at column 0 is the document's root: it ends with the document
    bound = min(stop + 1, len(text))
    deepest = col if seq else col - 1  # content at this column or less ends the node
    nl = text.find("\n", start, bound)
    while nl >= 0:
        line = nl + 1
        last = min(line + deepest + 1, bound)  # the columns 0..deepest of this line, within the bound
        at = line
        while at < last and text[at] == " ":
            at += 1
        if at < last:
            char = text[at]
            if char != "\n" and char != "#":
                if not seq or at - line < col or char != "-":
                    return True
                after = at + 1  # a "-" at ``col`` ends a sequence unless it starts an entry
                if after < bound and text[after] != " " and text[after] != "\n":
                    return True
        nl = text.find("\n", line, bound)
    return False


class Unsupported(Exception):
    """This document or pointer needs the composer."""


def document_ok(text: str, begin: int, end: int) -> bool:
    """False when the document has something :func:`locate` does not model (see the module docstring).
    Scans for the few special characters with ``str.find`` and looks at their context only: a regex
    over every line costs as much as composing."""
    doc = text[begin:end]
    if "\t" in doc or "\r" in doc or "<<" in doc:
        return False
    for char in "&*!?":
        pos = doc.find(char)
        while pos >= 0:
            if (
                _at_node_start(doc, pos)
                and (char != "?" or doc[pos + 1 : pos + 2] in (" ", "\n", ""))
                and not (char in "&*" and _whole_value(doc, pos))
            ):
                return False  # an anchor, alias, tag or complex key
            pos = doc.find(char, pos + 1)
    for quote in "\"'":
        pos = doc.find(quote)
        while pos >= 0:
            if not _at_node_start(doc, pos):
                pos = doc.find(quote, pos + 1)
                continue
            close = _closing(doc, pos, quote)
            if close < 0:
                return False  # a quoted scalar spanning lines
            after = close + 1
            while doc[after : after + 1] == " ":
                after += 1
            if doc[after : after + 1] == ":" and doc[after + 1 : after + 2] in (" ", "\n", ""):
                return False  # a quoted key
            pos = doc.find(quote, close + 1)
    return True


def _whole_value(doc: str, pos: int) -> bool:
    """Is the anchor or alias at ``pos`` all there is after a ``key: `` on its line (``labels: &labels``
    before a block mapping, ``labels: *labels``)? The walk refuses to descend into such a value (the
    composer follows aliases); the keys around it and the key itself are found as usual."""
    i = pos - 1
    while i >= 0 and doc[i] == " ":
        i -= 1
    if i < 0 or i == pos - 1 or doc[i] != ":":
        return False
    eol = doc.find("\n", pos)
    after = doc[pos : len(doc) if eol < 0 else eol].partition(" ")[2].strip()
    return not after or after.startswith("#")


def _at_node_start(doc: str, pos: int) -> bool:
    """Is the character at ``pos`` the first of a node (after an indentation, "- ", ": ", "[", "{" or ",")?"""
    i = pos - 1
    while i >= 0 and doc[i] == " ":
        i -= 1
    return i < 0 or doc[i] in "\n:-[{,"


def _closing(doc: str, pos: int, quote: str) -> int:
    """Offset of the quote closing the scalar opened at ``pos`` on the same line, or -1."""
    eol = doc.find("\n", pos)
    return closing_quote(doc, pos, len(doc) if eol < 0 else eol)


def closing_quote(doc: str, pos: int, end: int) -> int:
    """Offset of the quote closing the quoted scalar opened at ``pos`` (``'`` or ``"``), if it is before
    ``end``; else -1. ``''`` inside single quotes and ``\\"`` inside double quotes are escapes."""
    quote = doc[pos]
    i = pos + 1
    while True:
        i = doc.find(quote, i, end)
        if i < 0:
            return -1
        if quote == '"':
            slashes = 0
            while doc[i - 1 - slashes] == "\\":
                slashes += 1
            if slashes % 2 == 0:
                return i
        elif doc[i + 1 : i + 2] == "'":
            i += 2
            continue
        else:
            return i
        i += 1


# A step of the walk: (offset of the node found so far, the current node or None while it is not needed
# yet, the loaded value there, what :func:`_value` needs to compute the node from its key).
_Step = tuple[int, "tuple[str, int, int, int] | None", Any, "tuple[int, int, str, int] | None"]


class Memo:
    """The steps already walked in one document, as a trie by pointer part: the root's ``step`` is the
    document's root node, a child's the step after its part. Keyed by the part strings themselves (their
    hashes are cached), not by tuples of the path so far, which were built and hashed at every step: the
    78,098 positions of the benchmark's findings corpus took 0.59 s with those, 0.52 to 0.55 s with this
    (timed alone, best of 5)."""

    def __init__(self) -> None:
        self.step: _Step | None = None
        self.children: dict[str, Memo] = {}


def locate(text: str, begin: int, end: int, parts: list[str], obj: Any, memo: Memo | None = None) -> tuple[int, int]:
    """(line offset inside the document, column), 0-based, of the node :func:`positions.walk` finds for
    ``parts`` in the document text[begin:end]. Raises Unsupported.

    ``memo``: the steps already walked in this same document (same ``text``, ``begin``, ``end`` and
    ``obj``): the findings of one resource share most of their paths. The node below a key is computed
    only when a further step needs it."""
    if memo is None:
        memo = Memo()
    step = memo.step
    if step is None:
        stop = _DOC_END.search(text, begin, end)
        end = stop.start() + 1 if stop else end
        first, indent = _significant(text, begin, end)
        if first < 0 or text.startswith("---", first):
            raise Unsupported
        # The current node: (kind, offset of its first content, column, where its range ends at the
        # latest: the parent's bound, see _ended)
        step = (first, _node_at(text, first, indent, end), obj, None)
        memo.step = step
    found, node, obj, pending = step  # found: offset of the node found so far (the root)
    here = memo
    for part in parts:
        known = here.children.get(part)
        if known is not None:
            here = known
            assert known.step is not None
            found, node, obj, pending = known.step
            continue
        if node is None:
            assert pending is not None
            key_at, key_col, key_part, key_end = pending  # not _value(text, *pending): a call through Python
            node = _value(text, key_at, key_col, key_part, key_end)
            here.step = (found, node, obj, None)
        kind, start, col, stop_at = node
        if kind == "map":
            at = _find_key(text, start, stop_at, col, part)
            if at is None:
                break
            found = at
            node, pending = None, (at, col, part, stop_at)
            obj = obj.get(part) if isinstance(obj, dict) else None
        elif kind == "seq":
            if not part.isdigit():
                break
            index = int(part)
            if start == 0:
                raise Unsupported  # a sequence at the very start of the stream: no newline before it
            item_obj = obj[index] if isinstance(obj, list) and index < len(obj) else None
            target = _by_name(obj, item_obj) if isinstance(item_obj, dict) else None
            dashes = _dashes(text, start, col, stop_at, (index if target is None else target) + 2)
            if target is None:
                if index >= len(dashes):
                    break
                target = index
            if target >= len(dashes):
                raise Unsupported
            dash = dashes[target]
            item_end = dashes[target + 1] if target + 1 < len(dashes) else stop_at
            found, node = _item(text, dash, col, item_end)
            pending = None
            obj = item_obj
        elif kind == "flow":
            at = _flow_step(text, start, part)
            if at is None:
                break
            found = at
            node, pending = ("scalar", at, 0, at), None
            obj = None
        else:
            break
        child = Memo()
        child.step = (found, node, obj, pending)
        here.children[part] = child
        here = child
    line = text.count("\n", begin, found)
    return line, found - (text.rfind("\n", 0, found) + 1)


def _by_name(seq: Any, item: dict[str, Any]) -> int | None:
    """The index :func:`positions._by_name` picks: the first item whose ``name`` equals the item's."""
    name = item.get("name")
    if not isinstance(name, str):
        return None
    for j, other in enumerate(seq):
        if isinstance(other, dict) and "name" in other:
            value = other["name"]
            if isinstance(value, str):
                if value == name:
                    return j
            elif value is None or isinstance(value, bool | int | float):
                raise Unsupported  # its text (e.g. "123") might equal the name
    return None


def _find_key(text: str, start: int, end: int, col: int, key: str) -> int | None:
    """Offset of ``key`` of the mapping at ``col`` whose lines start at ``start`` (the line of its first
    key, after spaces or after the "- " of a sequence entry; the other keys: ``col`` spaces) and end at
    or before ``end``."""
    pos = start + col
    if text.startswith(key, pos) and _colon_after(text, pos + len(key), end):
        return pos
    needle = "\n" + " " * col + key
    checked = start
    i = text.find(needle, start, end)
    while i >= 0:
        if _ended(text, checked, i, col, False):
            return None  # that line is past the mapping: a key of a later one at the same column
        checked = i
        pos = i + 1 + col
        if _colon_after(text, pos + len(key), end):
            return pos
        i = text.find(needle, i + 1, end)
    return None


def _dashes(text: str, start: int, col: int, end: int, want: int) -> list[int]:
    """Offsets of the dashes of the first ``want`` items of the sequence at ``col`` whose lines start at
    ``start`` and end at or before ``end`` (fewer when it has fewer)."""
    found: list[int] = []
    needle = "\n" + " " * col + "-"  # an entry's dash: followed by a blank, a line end or the end
    checked = start - 1
    while len(found) < want:
        i = text.find(needle, checked, end)
        while i >= 0:
            after = i + len(needle)
            if after == end or text[after] == " " or text[after] == "\n":
                break
            i = text.find(needle, i + 1, end)
        if i < 0 or _ended(text, checked, i, col, True):
            break
        checked = i + len(needle) - 1
        found.append(checked)
    return found


def _colon_after(text: str, pos: int, end: int) -> bool:
    """Does a plain key end at ``pos``: spaces, ":", then a blank, a line end or the end?"""
    while pos < end and text[pos] == " ":
        pos += 1
    return pos < end and text[pos] == ":" and (pos + 1 == len(text) or text[pos + 1] in " \n")


def _value(text: str, key: int, col: int, part: str, end: int) -> tuple[str, int, int, int]:
    """The node below the key at offset ``key`` (column ``col``)."""
    colon = text.find(":", key + len(part))
    if colon < 0:
        raise Unsupported  # (never: the key was found with its colon)
    eol = text.find("\n", colon)
    eol = end if eol < 0 or eol > end else eol
    rest = text[colon + 1 : eol].strip()
    if rest and not rest.startswith("#"):
        if rest[0] in "&*":
            raise Unsupported  # an anchored or aliased value: the composer follows aliases
        return _inline(rest, text.find(rest[0], colon + 1))
    after = eol + 1
    if after >= end:
        return ("scalar", after, col, end)
    at, indent = _significant(text, after, end)
    if at < 0:
        return ("scalar", after, col, end)
    is_dash = _dash(text, at) or (at + 1 == end and text[at] == "-")
    if indent < col or (indent == col and not is_dash):
        return ("scalar", after, col, end)  # an empty (null) value
    return _node_at(text, at, indent, end)  # within ``end``, the parent's bound (see _ended)


def _inline(rest: str, at: int) -> tuple[str, int, int, int]:
    """The value on its key's line (``at``: the offset of its first character)."""
    if rest[0] in "[{":
        return ("flow", at, 0, at)
    return ("scalar", at, 0, at)


# A flow collection the text walk handles: on one line, plain scalars only (no quotes, nesting, anchors,
# tags, comments or block indicators inside), then nothing but an optional comment.
_FLOW_SPECIAL = frozenset("{}[]\"'#&*!?|>%@`\n")
_FLOW_KEY = re.compile(r" *([^ :,]+) *: +(?:[^ ].*)?")
_FLOW_ITEM = re.compile(r" *([^ ](?:.*[^ ])?) *")


def _flow_step(text: str, at: int, part: str) -> int | None:
    """Offset of the key ``part`` of the flow mapping, or of item ``part`` of the flow sequence, opening
    at offset ``at``; None when there is no such key or item (the walk stops, as the composer's does).
    Raises Unsupported for any flow collection not in the simple form above."""
    opening = text[at]
    eol = text.find("\n", at)
    line = text[at : len(text) if eol < 0 else eol]
    close = line.find("}" if opening == "{" else "]")
    if close < 0:
        raise Unsupported
    inner = line[1:close]
    tail = line[close + 1 :].strip()
    if (tail and not tail.startswith("#")) or any(c in _FLOW_SPECIAL for c in inner):
        raise Unsupported
    if not inner.strip():
        return None  # {} or []
    offset = at + 1
    found = None
    for index, entry in enumerate(inner.split(",")):
        if opening == "{":
            m = _FLOW_KEY.fullmatch(entry)
            if m is None or ": " in entry[m.end(1) :].lstrip(" :").rstrip():
                raise Unsupported  # a key without a value, or a value with ": " in it
            if m.group(1) == part:
                found = offset + m.start(1)  # the last one wins, as in the composed walk
        else:
            m = _FLOW_ITEM.fullmatch(entry)
            if m is None or ": " in entry or entry.rstrip().endswith(":"):
                raise Unsupported  # an empty item or a single-pair mapping
            if part.isdigit() and int(part) == index:
                found = offset + m.start(1)
        offset += len(entry) + 1
    return found


def _node_at(text: str, at: int, col: int, end: int) -> tuple[str, int, int, int]:
    """The node whose first content is at offset ``at`` (column ``col``), its range ending at ``end`` at the
    latest."""
    if _dash(text, at) or (at + 1 == end and text[at] == "-"):
        return ("seq", at - col, col, end)  # from its line start: the items are found per line
    eol = text.find("\n", at, end)
    line = text[at : eol if eol >= 0 else end]
    if line[0] in "&*":
        raise Unsupported  # an anchored or aliased node
    if line[0] in "[{":
        return ("flow", at, col, end)
    if line[0] in "|>\"'":
        return ("scalar", at, col, end)
    if _is_key_line(line):
        return ("map", at - col, col, end)
    return ("scalar", at, col, end)


def _is_key_line(line: str) -> bool:
    """A plain ``key: ...`` or ``key:`` (the colon followed by a blank or the line end)."""
    pos = line.find(":")
    while pos >= 0:
        if pos + 1 == len(line) or line[pos + 1] == " ":
            return " #" not in line[:pos]
        pos = line.find(":", pos + 1)
    return False


def _item(text: str, dash: int, col: int, end: int) -> tuple[int, tuple[str, int, int, int]]:
    """(offset of the item node, the item node) of the sequence entry whose dash is at offset ``dash``."""
    eol = text.find("\n", dash, end)
    eol = end if eol < 0 else eol
    content = dash + 1
    while content < eol and text[content] == " ":
        content += 1
    if content < eol and text[content] != "#":
        ccol = col + (content - dash)
        if _dash(text, content) or text[content] in "&*":
            raise Unsupported  # a sequence of sequences, an anchor or an alias
        line = text[content:eol]
        if line[0] in "[{":
            return content, ("flow", content, ccol, end)
        if line[0] in "|>\"'" or not _is_key_line(line):
            return content, ("scalar", content, ccol, end)
        # A mapping whose first key is on the dash line: its other keys are the lines at ``ccol``.
        return content, ("map", dash - col, ccol, end)
    # The item starts on a later line ("- # comment" or a bare "-"): its first content, indented deeper.
    at, indent = _significant(text, eol, end) if eol < end else (-1, 0)
    if at < 0 or indent <= col:
        raise Unsupported  # an empty item
    if _dash(text, at) or text[at] in "&*":
        raise Unsupported
    return at, _node_at(text, at, indent, end)
