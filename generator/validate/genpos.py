"""Positions on the ConfigMaps and Secrets that kustomize generates (``configMapGenerator``,
``secretGenerator``): a finding on a generated object points at what a human edits, the generator entry
that defines the key, instead of line 0 of a kustomization file.

How kustomize makes the keys (kubernetes-sigs/kustomize ``api/types/kvpairsources.go`` and
``api/kv/kv.go``):

- ``literals: [KEY=value]``: the key is what precedes the first ``=`` (``parseLiteralSource``); the finding
  points at that list item;
- ``files: ["[key=]path"]``: the key is ``key``, or the path's base name (``generators.ParseFileSource``);
  the finding points at that list item (the value is the whole file);
- ``envs: [path]`` (and the older ``env: path``): one ``KEY=value`` a line, leading blanks trimmed, empty
  lines and lines starting with ``#`` skipped (``keyValuesFromLine``); the finding points at the line of the
  env file that sets the key.

A generated object's name is the generator's ``name`` with the overlays' prefixes and suffixes and a content
hash: the longest generator name contained in it is taken, the overlay's own generator first (its
``behavior: merge`` or ``replace`` is what the key came from). A pointer outside ``data``, ``binaryData``
and ``stringData`` points at the entry's ``name``.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_GENERATORS = {"configMapGenerator": "ConfigMap", "secretGenerator": "Secret"}
_DATA_FIELDS = ("data", "binaryData", "stringData")


@dataclass(frozen=True, slots=True)
class _Generator:
    kind: str
    name: str
    entry: MappingNode
    kustomization: str  # the kustomization file, as findings show it
    directory: Path  # where its files and env files are
    in_overlay: bool


def _child(node: MappingNode, key: str) -> Node | None:
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == key and isinstance(v, Node):
            return v
    return None


def _items(node: Node | None) -> list[ScalarNode]:
    if isinstance(node, ScalarNode):
        return [node]  # the older singular ``env: path``
    if isinstance(node, SequenceNode):
        return [item for item in node.value if isinstance(item, ScalarNode)]
    return []


class GeneratorMap:
    """The generator entries of the kustomization files that one overlay's render reads, by kind. The
    source map (:class:`generator.validate.positions.SourceMap`) composes those files and adds them here."""

    def __init__(self) -> None:
        self.generators: dict[str, list[_Generator]] = {}

    def add(self, node: Node, shown: str, directory: Path, in_overlay: bool) -> None:
        """The generators of one kustomization file: its root ``node``, shown as ``shown``."""
        if not isinstance(node, MappingNode):
            return
        for field, kind in _GENERATORS.items():
            entries = _child(node, field)
            if not isinstance(entries, SequenceNode):
                continue
            for entry in entries.value:
                name = _child(entry, "name") if isinstance(entry, MappingNode) else None
                if isinstance(entry, MappingNode) and isinstance(name, ScalarNode) and name.value:
                    gen = _Generator(kind, name.value, entry, shown, directory, in_overlay)
                    self.generators.setdefault(kind, []).append(gen)

    def _candidates(self, kind: str, name: str) -> list[_Generator]:
        """The generators whose name is the longest contained in ``name``, the overlay's first."""
        fitting = [g for g in self.generators.get(kind, []) if g.name in name]
        if not fitting:
            return []
        longest = max(len(g.name) for g in fitting)
        return sorted((g for g in fitting if len(g.name) == longest), key=lambda g: not g.in_overlay)

    def match_length(self, kind: str, name: str) -> int:
        """How long the generator name is that ``name`` was generated from (0: none)."""
        return max((len(g.name) for g in self.generators.get(kind, []) if g.name in name), default=0)

    def locate(self, kind: str, name: str, parts: list[str]) -> tuple[str, int, int] | None:
        candidates = self._candidates(kind, name)
        if not candidates:
            return None
        if len(parts) >= 2 and parts[0] in _DATA_FIELDS:
            for gen in candidates:
                found = _key_position(gen, parts[1])
                if found is not None:
                    return found
        first = candidates[0]
        at = _child(first.entry, "name") or first.entry
        return first.kustomization, at.start_mark.line + 1, at.start_mark.column + 1


def _key_position(gen: _Generator, key: str) -> tuple[str, int, int] | None:
    """Where ``gen`` sets ``key``: its literal, its env file's line, or its file entry."""
    for item in _items(_child(gen.entry, "literals")):
        if str(item.value).split("=", 1)[0] == key:
            return gen.kustomization, item.start_mark.line + 1, item.start_mark.column + 1
    for item in [*_items(_child(gen.entry, "envs")), *_items(_child(gen.entry, "env"))]:
        found = _env_line(gen.directory / str(item.value), key)
        if found is not None:
            line, column = found
            shown = posixpath.join(posixpath.dirname(gen.kustomization), str(item.value))
            return posixpath.normpath(shown), line, column
    for item in _items(_child(gen.entry, "files")):
        source = str(item.value)
        file_key = source.split("=", 1)[0] if source.count("=") == 1 else posixpath.basename(source)
        if file_key == key:
            return gen.kustomization, item.start_mark.line + 1, item.start_mark.column + 1
    return None


def _env_line(path: Path, key: str) -> tuple[int, int] | None:
    """The 1-based line and column of ``KEY=`` in an env file, read as kustomize reads it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.split("=", 1)[0] == key:
            return number, len(line) - len(stripped) + 1
    return None
