"""The documents of the files kustomize reads, by identity, composed only when a position is looked up.

A finding on a rendered object points at the source document that defines or patches it
(:class:`generator.validate.positions.SourceMap`). Finding that document needs each document's kind and
``metadata.name``, not its node tree: composing a node tree (libyaml) costs about 50 ms a megabyte, and
a repository's overlays name the same files again and again (argo-workflows: some 30 kustomize
directories, each pulling in 12 MB of CRDs, composed once per overlay, 17 s of a 52 s run). So a file's
documents are split at their ``---`` markers (YAML forbids one inside any scalar), their identities are read
by yaml-rs once per process (the identities of an unchanged file are kept), and a document is composed
when a finding's position is looked up in it, once per source map.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from generator.validate.yaml_fast import document_chunks, stream_fast_ok, yaml_rs

# (begin, end, first line) of a document in its file's text, and its kind and metadata.name
Identity = tuple[int, int, int, str, str]


class _PositionLoader(yaml.CSafeLoader):
    """libyaml's C composer with every Python callback replaced by a C-level no-op: positions need the
    node tree and its marks, never tags (the ``"...".format`` bound method ignores its arguments and
    returns the string), so composing a document runs no Python code per node."""

    resolve = "tag:yaml.org,2002:str".format
    descend_resolver = staticmethod({}.get)  # type: ignore[assignment,var-annotated]
    ascend_resolver = staticmethod(tuple)  # type: ignore[assignment]


def compose_all(text: str) -> list[Node]:
    """The root nodes of ``text``'s documents; none when any of them is not valid YAML."""
    loader = _PositionLoader(text)
    nodes: list[Node] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                nodes.append(node)
    except yaml.YAMLError:
        return []
    finally:
        loader.dispose()
    return nodes


def scalar(node: MappingNode, *keys: str) -> str:
    """The text of the scalar at ``keys`` below ``node`` (the last of duplicate keys); "" when there is none."""
    current: Node = node
    for key in keys:
        if not isinstance(current, MappingNode):
            return ""
        nxt = None
        for k, v in current.value:
            if isinstance(k, ScalarNode) and k.value == key:
                nxt = v
        if nxt is None:
            return ""
        current = nxt
    return str(current.value) if isinstance(current, ScalarNode) else ""


@dataclass(slots=True)
class SourceDoc:
    """One document of a source file, as shown in findings (``file``: repo-relative)."""

    file: str
    kind: str
    name: str
    in_overlay: bool
    text: str  # the whole file
    begin: int
    end: int
    first_line: int  # of ``begin``, 0-based
    _root: list[MappingNode | None] = field(default_factory=list)  # composed: [root] once looked up

    def root(self) -> MappingNode | None:
        """The document's node tree (lines relative to :attr:`first_line`), composed on first use."""
        if not self._root:
            nodes = compose_all(self.text[self.begin : self.end])
            self._root.append(nodes[0] if nodes and isinstance(nodes[0], MappingNode) else None)
        return self._root[0]


def _identity(chunk: str) -> tuple[str, str]:
    """(kind, metadata.name) of one document, as libyaml's node tree gives them (:func:`scalar`): from
    yaml-rs where both are strings or absent (a string is the same text either way), else composed."""
    if yaml_rs is not None and stream_fast_ok(chunk):
        try:
            data: Any = yaml_rs.loads(chunk, parse_datetime=False)
        except Exception:
            data = None
        else:
            if not isinstance(data, dict):
                return "", ""
            meta = data.get("metadata")
            kind = data.get("kind", "")
            name = meta.get("name", "") if isinstance(meta, dict) else ("" if "metadata" not in data else None)
            if isinstance(kind, str) and isinstance(name, str):
                return kind, name
    nodes = compose_all(chunk)
    node = nodes[0] if nodes else None
    if not isinstance(node, MappingNode):
        return "", ""
    return scalar(node, "kind"), scalar(node, "metadata", "name")


def identities(text: str) -> list[Identity]:
    """Every document of ``text`` that has a kind and a name."""
    out: list[Identity] = []
    for begin, end, line in document_chunks(text):
        kind, name = _identity(text[begin:end])
        if kind and name:
            out.append((begin, end, line, kind, name))
    return out


# path -> ((mtime_ns, size), text, identities): what a run's overlays share; bounded by the texts' size
_FILES: dict[Path, tuple[tuple[int, int], str, list[Identity]]] = {}
_FILES_MAX_CHARS = 64_000_000


def read_documents(path: Path) -> tuple[str, list[Identity]] | None:
    """The text of ``path`` and the identities of its documents; None when it cannot be read as UTF-8."""
    try:
        stat = os.stat(path)
        key = (stat.st_mtime_ns, stat.st_size)
        known = _FILES.get(path)
        if known is not None and known[0] == key:
            return known[1], known[2]
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = identities(text)
    if sum(len(t) for _, t, _ in _FILES.values()) + len(text) > _FILES_MAX_CHARS:
        _FILES.clear()
    _FILES[path] = (key, text, found)
    return text, found
