"""Reading an env file safely and checking it against the JSON Schema, with every error at ``file:line:col``.

The text is read with a size limit, deep flow nesting is refused before ruamel.yaml sees it, and too deep
nesting, anchors, aliases and extra documents are refused in an event pass before anything is constructed.
The round-trip document is turned into plain data, checked against the schema
(``generator/config/schema.json``, with the ``cron`` format of :mod:`generator.config.cron`), and schema
errors are mapped back to the line and column of the key path they name. Nothing here knows the
environment model: :mod:`generator.config.load` drives it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, DocumentStartEvent, NodeEvent
from ruamel.yaml.parser import RoundTripParser

from generator.config.cron import is_cron
from generator.errors import ConfigError, excerpt, sanitize

MAX_FILE_BYTES = 1_000_000  # an env file is a few KB; README "Limits"
MAX_DEPTH = 32  # nesting levels (block or flow); the deepest real key path is 5


# -------------------------------------------------------------------------------------------- schema


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of an environment file (shipped as ``generator/config/schema.json``)."""
    text = resources.files("generator.config").joinpath("schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _check_cron(instance: object) -> bool:
    return not isinstance(instance, str) or is_cron(instance)


@cache
def _validator() -> Any:
    """The reference validator (python-jsonschema): its errors are what :func:`schema_check` reports. Imported
    here, not at the top: it costs ~0.1 s, and a valid file never needs it (:func:`_fast_validator`)."""
    import jsonschema  # type: ignore[import-untyped,unused-ignore]

    formats = jsonschema.FormatChecker(formats=())  # no format is checked but ours
    formats.checks("cron")(_check_cron)
    cls = jsonschema.validators.validator_for(schema())
    return cls(schema(), format_checker=formats)


# The characters Python's ``re`` matches with ``\s`` in a str pattern: str.isspace (CPython
# Modules/_sre/sre.c, SRE_CATEGORY_UNI_SPACE is Py_UNICODE_ISSPACE). The Rust regex engine behind
# jsonschema-rs matches Unicode's White_Space property instead, which leaves out U+001C..U+001F: written out,
# the two engines agree.
PYTHON_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)
# The escapes the schema's patterns may use: each means the same in both engines, ``\s`` once written out.
SAME_ESCAPES = frozenset(".*+?()[]{}|^$/-\\")


def rust_pattern(pattern: str) -> str:
    r"""``pattern`` for jsonschema-rs with the meaning it has for python-jsonschema: ``\s`` written out as
    :data:`PYTHON_SPACE`. ValueError on another escape whose meaning could differ (``\w``, ``\d``...)."""
    spaces = "".join(f"\\x{{{ord(c):x}}}" for c in PYTHON_SPACE)
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            nxt = pattern[i + 1 : i + 2]
            if nxt == "s":
                out.append(spaces if in_class else f"[{spaces}]")
            elif nxt in SAME_ESCAPES:
                out.append(ch + nxt)
            else:
                raise ValueError(f"pattern {pattern!r}: escape \\{nxt} may mean something else in jsonschema-rs")
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


def _rust_schema(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: rust_pattern(v) if k == "pattern" and isinstance(v, str) else _rust_schema(v) for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rust_schema(v) for v in node]
    return node


@cache
def _fast_validator() -> Any:
    """jsonschema-rs, which the validator has loaded anyway (generator.validate.schemas), on the same schema:
    it answers "valid" for a valid file in well under a millisecond, where importing python-jsonschema
    alone takes ~0.1 s. It only decides that a file is valid; for any other answer :func:`_validator`
    decides, and gives the errors. So a file is accepted by the fast path only if jsonschema-rs finds it
    valid under the same formats (cron) and patterns (:func:`rust_pattern`); tests/config/test_fast_schema.py
    checks that it never accepts what python-jsonschema refuses."""
    import jsonschema_rs

    return jsonschema_rs.validator_for(_rust_schema(schema()), formats={"cron": is_cron}, validate_formats=True)


# -------------------------------------------------------------------------------------------- reading


def read_text(path: Path, display: str) -> str:
    """The file's text; never reads more than ``MAX_FILE_BYTES + 1`` bytes (a huge or endless file costs nothing)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"{display}: no such environment file") from None
    except OSError as exc:
        raise ConfigError(f"{display}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise ConfigError(f"{display}: file is larger than the limit of {MAX_FILE_BYTES:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{display}: not UTF-8 text (byte {exc.start})") from None


def round_trip_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def mark_error(display: str, exc: MarkedYAMLError, what: str) -> ConfigError:
    mark = exc.problem_mark or exc.context_mark
    # ruamel quotes input in some problems (duplicate keys with their values): keep a short excerpt only
    problem = sanitize((exc.problem or exc.context or "invalid YAML").strip().replace("\n", " "), 120)
    if mark is None:
        return ConfigError(f"{display}: {what}: {problem}")
    return ConfigError(f"{display}:{mark.line + 1}:{mark.column + 1}: {what}: {problem}")


def yaml_problem(exc: YAMLError) -> str:
    lines = str(exc).splitlines()
    return sanitize(lines[0], 120) if lines else "invalid YAML"


def check_flow_depth(text: str, display: str) -> None:
    """Refuse flow nesting (``[[[...`` / ``{{{...``) deeper than ``MAX_DEPTH`` with one linear pass over the text.

    This runs before any YAML parsing because ruamel's scanner is quadratic on deep flow nesting: in a flow
    collection every ``[`` may start a simple key, and the scanner looks up to 1024 characters ahead while
    re-checking every open candidate (scanner.py ``stale_possible_simple_keys``), so 1,000 levels cost seconds
    even when the parser stops at level 33. Quoted scalars and comments are skipped; brackets inside plain
    scalars (``a[b``) count, which can only over-estimate the depth of absurd files, never miss a deep one.
    """
    depth = 0
    line = 1
    col = 0
    i = 0
    n = len(text)
    quote = ""
    prev = "\n"
    while i < n:
        ch = text[i]
        col += 1
        if ch == "\n":
            line, col = line + 1, 0
        if quote:
            if ch == quote:
                if quote == "'" and i + 1 < n and text[i + 1] == "'":  # '' escapes ' in single quotes
                    i += 1
                else:
                    quote = ""
            elif ch == "\\" and quote == '"':
                i += 1
        elif ch == "#" and prev in " \t\n":
            end = text.find("\n", i)
            if end < 0:
                return
            i, prev = end, " "
            continue
        elif ch in "\"'" and prev in " \t\n[{,:":
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ConfigError(f"{display}:{line}:{col}: nesting deeper than {MAX_DEPTH} levels")
        elif ch in "]}":
            depth = max(depth - 1, 0)
        prev = ch
        i += 1


def checked_yaml(display: str) -> YAML:
    """A round-trip loader that refuses too deep nesting, anchors, aliases (alias bombs, merge keys) and
    multi-document files (ConfigError naming ``display``), each event checked as the composer takes it: at
    the first offence, before anything is constructed (the composer builds the whole node tree before the
    constructor runs: ruamel/yaml/constructor.py ``get_single_data``), in the same parse that loads the file."""
    yaml = round_trip_yaml()
    yaml.Parser = _checked_parser(display)
    return yaml


def _checked_parser(display: str) -> type[RoundTripParser]:
    class CheckedParser(RoundTripParser):
        # the composer takes every event through get_event (ruamel/yaml/composer.py)
        depth = 0
        documents = 0

        def get_event(self) -> Any:
            event = super().get_event()
            if isinstance(event, CollectionStartEvent):
                self.depth += 1
                if self.depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise ConfigError(
                        f"{display}:{mark.line + 1}:{mark.column + 1}: nesting deeper than {MAX_DEPTH} levels"
                    )
            elif isinstance(event, CollectionEndEvent):
                self.depth -= 1
            if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor is not None):
                mark = event.start_mark
                raise ConfigError(
                    f"{display}:{mark.line + 1}:{mark.column + 1}: YAML anchors and aliases are not allowed "
                    "in environment files (write the value out)"
                )
            if isinstance(event, DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    mark = event.start_mark
                    raise ConfigError(f"{display}:{mark.line + 1}:{mark.column + 1}: expected a single YAML document")
            return event

    return CheckedParser


def plain(node: Any, display: str, where: str = "") -> Any:
    """ruamel round-trip objects -> plain dict/list/str/int/float/bool/None (keys must be strings)."""
    if isinstance(node, Mapping):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if not isinstance(key, str):
                line, col = _key_pos(node, key)
                raise ConfigError(
                    f"{display}:{line}:{col}: {where or '<root>'}: keys must be strings, got {excerpt(key)}"
                )
            out[key] = plain(value, display, f"{where}.{key}" if where else key)
        return out
    if isinstance(node, list):
        return [plain(v, display, f"{where}[{i}]") for i, v in enumerate(node)]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node  # e.g. a YAML timestamp: the schema reports the wrong type


def _key_pos(node: Any, key: Any) -> tuple[int, int]:
    try:
        line, col = node.lc.key(key)
        return line + 1, col + 1
    except (AttributeError, KeyError, TypeError):
        return node_pos(node)


def node_pos(node: Any) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    if lc is not None and lc.line is not None:
        return lc.line + 1, lc.col + 1
    return 1, 1


def position(doc: Any, path: Sequence[str | int], *, at_key: bool = False) -> tuple[int, int]:
    """1-based (line, col) of the value at ``path`` (or of its key with ``at_key``); falls back to the
    deepest ancestor that exists."""
    node = doc
    pos = node_pos(doc)
    for i, step in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, CommentedMap) and isinstance(step, str) and step in node:
            try:
                line, col = node.lc.key(step) if (last and at_key) else node.lc.value(step)
                pos = (line + 1, col + 1)
            except (KeyError, TypeError):
                pos = _key_pos(node, step)
            node = node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            try:
                line, col = node.lc.item(step)
                pos = (line + 1, col + 1)
            except (KeyError, TypeError, IndexError):
                pass
            node = node[step]
        else:
            break
    return pos


def key_path(path: Sequence[str | int]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out or "<root>"


def describe(value: Any) -> str:
    """A short escaped excerpt of a value from the env file (an env file may be any file: never quote it all)."""
    return excerpt(value) if isinstance(value, str) else excerpt(json.dumps(value, default=str), 60)[1:-1]


def _expected(error: Any) -> tuple[list[str | int], str, bool]:
    """(path, message, at_key) for one schema error."""
    path: list[str | int] = list(error.absolute_path)
    sub = error.schema if isinstance(error.schema, dict) else {}
    validator = error.validator
    got = describe(error.instance)
    if validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(sub.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in sub.get("properties", {}))
        key = extra[0] if extra else ""
        hint = f" (expected one of: {', '.join(allowed)})" if allowed else ""
        return [*path, key], f"unknown key {excerpt(key)}{hint}", True
    if validator == "required":
        missing = str(error.message).split("'")[1] if "'" in str(error.message) else "?"
        return path, f"missing required key {missing!r}", False
    if "x-expected" in sub:
        return path, f"expected {sub['x-expected']}, got {got}", False
    if validator == "type":
        types = error.validator_value
        names = " or ".join(types) if isinstance(types, list) else str(types)
        return path, f"expected {names}, got {got}", False
    if validator == "enum":
        options = ", ".join(str(o) for o in error.validator_value)
        return path, f"expected one of: {options}; got {got}", False
    if validator == "minimum":
        return path, f"expected a number >= {error.validator_value}, got {got}", False
    if validator == "maximum":
        return path, f"expected a number <= {error.validator_value}, got {got}", False
    if validator == "propertyNames":
        return path, f"invalid key: {error.message}", False
    return path, f"{error.message}", False


def schema_check(doc: Any, data: dict[str, Any], display: str) -> None:
    if _fast_validator().is_valid(data):
        return
    errors = list(_validator().iter_errors(data))
    if not errors:
        return
    located = []
    for err in errors:
        path, message, at_key = _expected(err)
        line, col = position(doc, path, at_key=at_key)
        located.append((line, col, key_path([p for p in path if p != ""]), message))
    located.sort()
    line, col, key, message = located[0]
    more = f" (and {len(located) - 1} more error{'s' if len(located) > 2 else ''})" if len(located) > 1 else ""
    raise ConfigError(f"{display}:{line}:{col}: {key}: {message}{more}")
