"""The exact YAML path: libyaml's C parser composes the node tree and a small non-generator constructor
turns nodes into plain dicts/lists with go-yaml v2's scalar resolution (sigs.k8s.io/yaml, which ``kubectl
apply`` uses: unquoted ``yes``/``on`` are booleans, ``0755`` is octal, merge keys work, timestamps stay
strings), sharing identical scalars. Duplicate mapping keys are noticed for free (fewer dict entries than
key nodes) and located only then.

Every stream can take this path; :mod:`generator.validate.yaml_fast` takes a faster one where it provably
gives the same result, and falls back here otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.errors import UnreadableFile
from generator.validate.model import pointer

STR_TAG = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BINARY = "tag:yaml.org,2002:binary"
_VALUE = "tag:yaml.org,2002:value"
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
    return STR_TAG


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


# One document: its value, the 0-based line of its root node, and where its duplicate keys are
# (JSON pointer -> 1-based line and column).
Doc = tuple[Any, int, dict[str, tuple[int, int]]]
NO_MARKS: dict[str, tuple[int, int]] = {}  # shared by documents without duplicate keys (never mutated)


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
                return STR_TAG
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
            if tag == STR_TAG or tag in (_TIMESTAMP, _BINARY, _VALUE):
                result: Any = value  # kubectl keeps timestamps (and these) as strings
            elif tag in (_BOOL, _NULL, _INT, _FLOAT):
                try:
                    result = _scalar_value(tag, value)
                except ValueError as exc:
                    raise _unreadable(display, node, str(exc)) from None
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
                    raise _unreadable(display, node, "excessive aliasing")
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
    raise _unreadable(display, node, "mapping key must be a scalar")


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


def exact_documents(text: str, display: str) -> list[Doc]:
    """The documents of a stream through libyaml and go-yaml v2 resolution (duplicate keys located)."""
    loader = _Loader(text, display)
    pending: list[Doc] = []
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
            marks: dict[str, tuple[int, int]] = NO_MARKS
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
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        where = f"{display}:{line}:{column}" if mark else display
        problem = f"invalid YAML: {exc.problem or exc.context}"
        raise UnreadableFile(f"{where}: {problem}", display, line, column, problem) from None
    except yaml.YAMLError as exc:
        problem = f"invalid YAML: {str(exc).splitlines()[0]}"
        raise UnreadableFile(f"{display}: {problem}", display, problem=problem) from None
    except RecursionError:
        problem = "invalid YAML: recursive alias"
        raise UnreadableFile(f"{display}: {problem}", display, problem=problem) from None
    finally:
        loader.dispose()
        loader.release()  # break the loader <-> builder cycle now: the collector may be paused
    return pending


def _unreadable(display: str, node: Node, problem: str) -> UnreadableFile:
    """The error for ``problem`` at ``node`` (``file:line:column: problem``, 1-based)."""
    mark = node.start_mark
    line, column = mark.line + 1, mark.column + 1
    return UnreadableFile(f"{display}:{line}:{column}: {problem}", display, line, column, problem)
