"""Two walks over every loaded value, compiled with mypyc (generator/compiled.py): they touch each dict, list
and string of the input once, so they cost as much as the rules on the benchmark corpora when they run as
Python.

- :func:`canonical` takes what yaml-rs parsed (YAML 1.2) and returns it with identical strings shared, or
  raises :class:`Ambiguous` where go-yaml v2 (kubectl) might read the document otherwise; the loader
  (generator/validate/yaml_fast.py) then reads that document with libyaml and go-yaml's resolution.
- :func:`share` makes equal sub-objects of a batch of resources one object, for the cross-resource phase
  (generator/validate/pipeline.py, ``_share_values``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Ambiguous(Exception):
    """The fast parse may differ from go-yaml v2 here: use the libyaml path."""


# int64, or uint64 for positive values: what go-yaml v2 reads as an integer
_GO_INT_MIN = -(2**63)
_GO_INT_END = 2**64


def canonical(obj: Any, strings: dict[str, str], differs: Callable[[str], bool]) -> Any:
    """``obj`` rebuilt with every string taken from ``strings`` (new ones added), so identical strings of
    every stream are one object. Raises :class:`Ambiguous` for a key that is not a string, an integer out of
    Go's range, or a new string that YAML 1.2 and go-yaml v2 read differently unquoted (``differs``)."""
    cls = obj.__class__
    if cls is dict:
        mapping: dict[Any, Any] = obj  # typed: mypyc's own dict iteration, not Python's iterator protocol
        out: dict[str, Any] = {}
        for key, value in mapping.items():
            k = strings.get(key)
            if k is None:
                if key.__class__ is not str:
                    raise Ambiguous
                k = _new_string(key, strings, differs)
            out[k] = _value(value, strings, differs)
        return out
    if cls is list:
        items: list[Any] = obj
        return [_value(value, strings, differs) for value in items]
    return _value(obj, strings, differs)


def _value(value: Any, strings: dict[str, str], differs: Callable[[str], bool]) -> Any:
    cls = value.__class__
    if cls is str:
        found = strings.get(value)
        return found if found is not None else _new_string(value, strings, differs)
    if cls is dict or cls is list:
        return canonical(value, strings, differs)
    if cls is int and not _GO_INT_MIN <= value < _GO_INT_END:
        raise Ambiguous
    return value


def _new_string(value: str, strings: dict[str, str], differs: Callable[[str], bool]) -> str:
    if differs(value):
        raise Ambiguous
    strings[value] = value
    return value


# Equal subtrees of a batch's objects, by a key of their scalars and their (already shared) children's ids.
ShareTable = dict[tuple[Any, ...], Any]

# In a sharing key, a bool stands for itself only (True == 1 and False == 0 otherwise), a shared child for
# its id (a 1-tuple: equal to no scalar). Strings, ints and None stand for themselves.
_TRUE, _FALSE = object(), object()


def share(obj: Any, table: ShareTable) -> Any:
    """The first object seen in ``table`` equal to ``obj`` (a dict or a list), after sharing its children
    in place; ``obj`` itself when it is new or holds a float or another scalar type, or a key that is not a
    string (``1 == True == 1.0`` and ``0.0 == -0.0`` compare equal)."""
    # A loop over a value typed dict and one over a value typed list, not one loop over
    # ``obj.items() if is_dict else enumerate(obj)``: mypyc iterates typed dicts and lists with its own
    # fast paths, an Any through Python's iterator protocol (bench/validate_instructions.py).
    parts: list[Any]
    if obj.__class__ is dict:
        mapping: dict[Any, Any] = obj
        parts = [True]
        for key, value in mapping.items():
            part = _part(mapping, key, value, table)
            if part is _UNSHARED or key.__class__ is not str:  # YAML 1.1 keys 1 and true are equal
                return obj
            parts.append(key)
            parts.append(part)
    else:
        items: list[Any] = obj
        parts = [False]
        for index, item in enumerate(items):
            part = _part(items, index, item, table)
            if part is _UNSHARED:
                return obj
            parts.append(part)
    return table.setdefault(tuple(parts), obj)


_UNSHARED = object()  # stands for a value that keeps its container from being shared


def _part(container: Any, key: Any, value: Any, table: ShareTable) -> Any:
    """What stands for ``value`` (``container[key]``) in its container's sharing key: itself for a string,
    an int or None; a sentinel for a bool; for a dict or a list, the id of its shared object (in a 1-tuple:
    equal to no scalar), which replaces it in ``container``; :data:`_UNSHARED` for a float or another
    type."""
    cls = value.__class__
    if cls is str or cls is int or value is None:
        return value
    if cls is dict or cls is list:
        same = share(value, table)
        if same is not value:
            container[key] = same
        return (id(same),)
    if cls is bool:
        return _TRUE if value else _FALSE
    return _UNSHARED
