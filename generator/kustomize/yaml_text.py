"""Deterministic YAML text: insertion-ordered keys (builders order them), block style, literal blocks for
multi-line strings, no anchors, no line folding. Same input, byte-identical output."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml

# libyaml's emitter when PyYAML was built with it (about 5x faster), else the pure-Python one; both
# produce the same text for the plain data the builders emit.
_Base: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_Base):  # type: ignore[valid-type,misc]
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: Any, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    node: yaml.ScalarNode = dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)
    return node


_Dumper.add_representer(str, _str)


def dump(obj: Any) -> str:
    """One YAML document (no leading ``---``)."""
    text: str = yaml.dump(
        obj, Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=1_000_000
    )
    return text


def dump_documents(objs: Iterable[Any], *, header: str) -> str:
    """``header`` (comment lines) followed by the documents separated by ``---``."""
    body = "---\n".join(dump(o) for o in objs)
    return header + body


def comment_header(*lines: str) -> str:
    return "".join(f"# {line}\n" if line else "#\n" for line in lines)
