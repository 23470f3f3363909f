"""Source mapping: a finding's JSON pointer -> the file, line and column a human has to edit.

Plain files: the one document is re-composed (only documents with findings pay for it) and the pointer
is walked down the node tree to the key of the offending field (or its deepest existing parent).

Kustomize output: the rendered stream has no useful lines, so the resource is looked up by kind and name
(namePrefix/nameSuffix tolerated) in the files that the overlay's kustomizations name (resources, CRDs,
patches: :func:`generator.kustomize.files.kustomize_tree`; :mod:`sourcedocs` reads them); an overlay
patch that sets the field wins over the base document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.kustomize.files import KustomizeTree, kustomization_file, kustomize_tree
from generator.validate import fastpos
from generator.validate.genpos import GeneratorMap
from generator.validate.model import Resource
from generator.validate.patchpos import PatchOp, locate_in_op, patch_ops, targets
from generator.validate.sourcedocs import SourceDoc, compose_all, read_documents


def parse_pointer(ptr: str) -> list[str]:
    if not ptr:
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in ptr.lstrip("/").split("/")]


def walk(node: Node, parts: list[str], obj: Any = None) -> tuple[Node, int]:
    """The node of the deepest existing prefix of ``parts`` (a mapping key node where the last step was a
    key) and how many parts matched. ``obj`` (the loaded value) maps list indexes by item ``name``."""
    current: Node = node
    found: Node = node
    depth = 0
    for part in parts:
        if isinstance(current, MappingNode):
            match = None
            for key, value in current.value:
                if isinstance(key, ScalarNode) and key.value == part:
                    match = (key, value)  # last one wins, as in the loaded object
            if match is None:
                break
            found, current = match
            obj = obj.get(part) if isinstance(obj, dict) else None
        elif isinstance(current, SequenceNode):
            if not part.isdigit():
                break
            index = int(part)
            item_obj = obj[index] if isinstance(obj, list) and index < len(obj) else None
            target = _by_name(current, item_obj) if isinstance(item_obj, dict) else None
            if target is None:
                if index >= len(current.value) or _named_elsewhere(current, item_obj):
                    break
                target = current.value[index]
            found = current = target
            obj = item_obj
        else:
            break
        depth += 1
    return found, depth


def _named_elsewhere(seq: SequenceNode, item: Any) -> bool:
    """The rendered item has a ``name`` that no item of this source sequence has, while its items are named:
    a patch added it (kustomize puts a strategic-merge patch's new env entries first), so the source item
    at the same index is another one, and the position stays at the sequence."""
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        return False
    return any(
        isinstance(child, MappingNode) and any(isinstance(k, ScalarNode) and k.value == "name" for k, _ in child.value)
        for child in seq.value
    )


def _by_name(seq: SequenceNode, item: dict[str, Any]) -> Node | None:
    """The sequence item whose ``name`` equals the rendered item's name (strategic-merge list key)."""
    name = item.get("name")
    if not isinstance(name, str):
        return None
    for child in seq.value:
        if isinstance(child, MappingNode):
            for key, value in child.value:
                if isinstance(key, ScalarNode) and key.value == "name" and getattr(value, "value", None) == name:
                    return child
    return None


_LINE_STARTS: list[tuple[str, list[int]]] = []  # the last stream only: findings come stream by stream


def _line_starts(text: str) -> list[int]:
    """Offsets of every line start of ``text`` (kept for the last stream, shared by its documents)."""
    if _LINE_STARTS and _LINE_STARTS[0][0] is text:
        return _LINE_STARTS[0][1]
    # Line i starts after the i newlines before it: the running sum of (length + 1) of the lines before.
    starts = list(accumulate(map((1).__add__, map(len, text.split("\n"))), initial=0))[:-1]
    _LINE_STARTS[:] = [(text, starts)]
    return starts


def _bounds(src: Any, text: str) -> tuple[int, int] | None:
    """(begin, end) offsets of the document's lines ``start_line`` to ``end_line`` in ``text``; None when
    the document starts beyond the text's last line. From the offsets the loader recorded when it has
    them (without splitting the whole stream into lines)."""
    if src.start_offset >= 0:
        return src.start_offset, len(text) if src.end_line < 0 else src.end_offset
    starts = _line_starts(text)
    if src.start_line >= len(starts):
        return None
    end = len(text) if src.end_line < 0 or src.end_line >= len(starts) else starts[src.end_line]
    return starts[src.start_line], end


def _doc_node(res: Resource) -> tuple[Node | None, int]:
    src = res.source
    text = src.stream_text()
    bounds = _bounds(src, text)
    if bounds is None:  # (the last line, as before)
        starts = _line_starts(text)
        bounds = starts[len(starts) - 1], len(text)
    begin, end = bounds
    nodes = compose_all(text[begin:end])
    return (nodes[0] if nodes else None), src.start_line


def locate_plain(res: Resource, ptr: str, node: Node | None = None) -> tuple[str, int, int]:
    """(file, line, column), 1-based, of the field at ``ptr`` in a document read from a file or stdin."""
    src = res.source
    if ptr in src.duplicate_marks:
        line, col = src.duplicate_marks[ptr]
        return src.display, line, col
    offset = src.start_line
    if node is None:
        node, offset = _doc_node(res)
    if node is None:
        return src.display, res.line, 1
    parts = [str(p) for p in src.base] + parse_pointer(ptr)
    found, _ = walk(node, parts, _wrap(res, src.base))
    return src.display, found.start_mark.line + offset + 1, found.start_mark.column + 1


def _wrap(res: Resource, base: tuple[str | int, ...]) -> Any:
    """The loaded object nested under ``base`` so that ``walk`` can follow the same path through it."""
    obj: Any = res.obj
    for part in reversed(base):
        obj = [None] * part + [obj] if isinstance(part, int) else {part: obj}
    return obj


# ------------------------------------------------------------------------------------------ kustomize


def _in_walk_order(tree: KustomizeTree) -> list[Path]:
    """The named files and kustomization files of ``tree``, directory by directory in the order kustomize
    pulls them in, each directory's files in the order of a sorted top-down walk (files before the
    subdirectories'). (kustomize's load restrictor keeps a named file in or below its kustomization's
    directory; files outside them, were it lifted, would come last, sorted.) On a tie between two documents the
    first one found wins (:meth:`SourceMap.locate`), so the order is part of the result."""
    wanted = set(tree.files) | set(tree.kustomizations)
    ordered: list[Path] = []
    for root in tree.dirs:
        below = [p for p in wanted if root in p.parents]
        below.sort(key=lambda p: [*((1, part) for part in p.parent.relative_to(root).parts), (0, p.name)])
        ordered.extend(below)
        wanted.difference_update(below)
    ordered.extend(sorted(wanted))
    return ordered


class SourceMap:
    """The YAML documents kustomize reads for one overlay (the files its kustomizations and those of the
    local directories it pulls in name), indexed by (kind, name)."""

    def __init__(self, repo: Path, overlay_dir: Path) -> None:
        self.repo = repo.resolve()
        self.docs: dict[tuple[str, str], list[SourceDoc]] = {}
        # Only the files the kustomizations name (resources, CRDs, patches) and the kustomization files: a
        # YAML file that sits in one of those directories unnamed is never rendered, and its copy of an
        # object (an alternative example, a file another overlay names) must not take the findings.
        tree = kustomize_tree(overlay_dir)
        # the kustomization files of those directories: their configMapGenerator and secretGenerator entries
        self.generated = GeneratorMap()
        self._kustomizations = set(tree.kustomizations)
        for path in _in_walk_order(tree):
            self._index(path, path.parent == overlay_dir or overlay_dir in path.parents, overlay_dir)
        # the ops of the JSON patch files, base first: a later op (the overlay's) wins (patchpos)
        self.patch_ops: list[PatchOp] = [op for d in reversed(tree.dirs) for op in patch_ops(d, self._shown)]

    def _shown(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.repo).as_posix()
        except ValueError:
            return path.as_posix()

    def _index(self, path: Path, in_overlay: bool, overlay_dir: Path) -> None:
        try:
            rel = path.relative_to(self.repo).as_posix()
        except ValueError:
            rel = path.as_posix()  # outside the repository: the absolute path
        if path in self._kustomizations:
            try:
                nodes = compose_all(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                return
            if nodes:
                self.generated.add(nodes[0], rel, path.parent, path.parent == overlay_dir)
            return
        read = read_documents(path)
        if read is None:
            return
        text, found = read
        for begin, end, line, kind, name in found:
            if kind not in ("Kustomization", "Component"):
                doc = SourceDoc(rel, kind, name, in_overlay, text, begin, end, line)
                self.docs.setdefault((kind, name), []).append(doc)

    def candidates(self, kind: str, name: str) -> list[SourceDoc]:
        found = self._named(kind, name)
        if found:
            return found
        # only then the kinds a patch turned into ``kind`` (a pass over every op: not once per finding)
        for source_kind in self._kinds_before(kind):
            found = self._named(source_kind, name)
            if found:
                return found
        return []

    def _kinds_before(self, kind: str) -> list[str]:
        """The kinds a JSON patch op turned into ``kind`` (``replace /kind``, the op's target kind):
        grafana-operator's ``overlays/namespace_scoped`` makes its ClusterRole a Role that way."""
        out: list[str] = []
        for op in reversed(self.patch_ops):
            value = op.value
            if op.path != ("kind",) or not isinstance(value, ScalarNode) or value.value != kind:
                continue
            if op.kind and op.kind != kind and op.kind not in out:
                out.append(op.kind)
        return out

    def _named(self, kind: str, name: str) -> list[SourceDoc]:
        exact = self.docs.get((kind, name))
        if exact:
            return exact
        # namePrefix / nameSuffix: the longest source name contained in the rendered name
        best: list[SourceDoc] = []
        best_len = 0
        for (k, n), docs in self.docs.items():
            if k == kind and n in name and len(n) > best_len:
                best, best_len = docs, len(n)
        return best or self._renamed(kind, name)

    def _renamed(self, kind: str, name: str) -> list[SourceDoc]:
        """The documents a JSON patch op renamed to ``name`` (an ``add`` or ``replace`` of ``/metadata/name``
        whose value the rendered name holds, a prefix or suffix tolerated): the documents of ``kind`` the op's
        target selects, by their names before the patch, as kustomize selects them (grafana/grafana-operator
        deploy/kustomize/base renames its one ClusterRole, ``manager-role``, with a ``target: {kind:
        ClusterRole}`` op; its findings fell back to the overlay's kustomization file, with no line)."""
        for op in reversed(self.patch_ops):
            value = op.value
            if op.path != ("metadata", "name") or not isinstance(value, ScalarNode) or not value.value:
                continue
            if value.value not in name or (op.kind and op.kind != kind):
                continue
            docs = [doc for (k, n), found in self.docs.items() if k == kind and targets(op, k, n) for doc in found]
            if docs:
                return docs
        return []

    def locate(self, res: Resource, ptr: str) -> tuple[str, int, int] | None:
        docs = self.candidates(res.kind, res.name)
        parts = parse_pointer(ptr)
        # a generated ConfigMap or Secret: its generator entry, unless a document's name fits it better
        if self.generated.match_length(res.kind, res.name) > max((len(d.name) for d in docs), default=0):
            return self.generated.locate(res.kind, res.name, parts)
        # a JSON patch op that wrote the field (the last one that did): its value, in the patch file; an op
        # that wrote a part of the path wins where no document has the whole path (patchpos)
        in_op: tuple[PatchOp, Node, int] | None = None
        # an op's target names the object as its kustomization saw it: the rendered name, or the source
        # document's before a rename (:meth:`_renamed`)
        names = {res.name, *(doc.name for doc in docs)}
        for op in reversed(self.patch_ops):
            if any(targets(op, res.kind, name) for name in names):
                reached = locate_in_op(op, parts, res.obj)
                if reached is not None and (in_op is None or reached[1] > in_op[2]):
                    in_op = (op, *reached)
                    if reached[1] == len(parts):
                        break
        if in_op is not None and in_op[2] == len(parts):
            return in_op[0].position(in_op[1])
        found = self._in_docs(res, docs, parts)
        if in_op is not None and (found is None or found[1] < in_op[2]):
            return in_op[0].position(in_op[1])
        return found[0] if found is not None else None

    def _in_docs(
        self, res: Resource, docs: list[SourceDoc], parts: list[str]
    ) -> tuple[tuple[str, int, int], int] | None:
        """The position in the source documents ``docs`` and how many parts of the path it reaches."""
        if not docs:
            return None
        # An overlay patch that sets the field itself wins; otherwise the document holding the deepest part
        # of the path, the defining (base) document on ties.
        best: tuple[tuple[int, int, int], SourceDoc, Node] | None = None
        for doc in docs:
            root = doc.root()
            if root is None:
                continue
            node, depth = walk(root, parts, res.obj)
            full = depth == len(parts)
            score = (1 if full else 0, depth, (1 if doc.in_overlay else 0) if full else (0 if doc.in_overlay else 1))
            if best is None or score > best[0]:
                best = (score, doc, node)
        if best is None:
            return None
        score, doc, node = best
        return (doc.file, doc.first_line + node.start_mark.line + 1, node.start_mark.column + 1), score[1]


class Locator:
    """Positions for every finding of a run: source maps are built once per overlay, and a document is
    composed once for all the findings of its resource."""

    def __init__(self, *, fast: bool = True) -> None:
        self._maps: dict[tuple[str, str], SourceMap] = {}
        self._last: tuple[Resource, Node | None] | None = None
        self._doc: _FastDoc | None = None
        self.fast = fast

    def locate(self, res: Resource, ptr: str) -> tuple[str, int, int]:
        src = res.source
        if src is None:
            return res.file, res.line, 0
        if src.rendered_from:
            key = (src.repo, src.overlay_dir)
            if key not in self._maps:
                self._maps[key] = SourceMap(Path(src.repo), Path(src.overlay_dir))
            found = self._maps[key].locate(res, ptr)
            if found is not None:
                return found
            return _kustomization_file(Path(src.overlay_dir), src.rendered_from), 0, 0
        if ptr in src.duplicate_marks:
            return locate_plain(res, ptr)
        if self.fast and not src.duplicate_marks:
            found = self._fast(res, ptr)
            if found is not None:
                return found
        if self._last is None or self._last[0] is not res:
            self._last = (res, _doc_node(res)[0])
        return locate_plain(res, ptr, self._last[1])

    def _fast(self, res: Resource, ptr: str) -> tuple[str, int, int] | None:
        """The position from the document's text (:mod:`fastpos`), or None where only composing knows."""
        doc = self._doc
        if doc is None or doc.res is not res:
            doc = self._doc = _FastDoc.of(res)
        if not doc.ok:
            return None
        parts = doc.base + _parts(ptr) if doc.base else _parts(ptr)  # (locate only reads it)
        try:
            line, column = fastpos.locate(doc.text, doc.begin, doc.end, parts, doc.obj, doc.memo)
        except fastpos.Unsupported:
            return None
        return doc.display, line + doc.start_line + 1, column + 1


@dataclass(slots=True)
class _FastDoc:
    """What :meth:`Locator._fast` needs about the document of the resource whose findings it locates
    (they come resource by resource): computed once, not once per finding."""

    res: Resource
    ok: bool  # the document can be walked on its text (fastpos.document_ok)
    text: str = ""
    begin: int = 0
    end: int = 0
    start_line: int = 0
    display: str = ""
    base: list[str] = field(default_factory=list)
    obj: Any = None
    memo: fastpos.Memo = field(default_factory=fastpos.Memo)

    @classmethod
    def of(cls, res: Resource) -> _FastDoc:
        src = res.source
        text = src.stream_text()
        bounds = _bounds(src, text)
        if bounds is None:
            return cls(res, False)
        begin, end = bounds
        if not fastpos.document_ok(text, begin, end):
            return cls(res, False)
        base = [str(p) for p in src.base]
        return cls(res, True, text, begin, end, src.start_line, src.display, base, _wrap(res, src.base))


@lru_cache(maxsize=100_000)  # the same few hundred pointers come back for every resource
def _parts(ptr: str) -> list[str]:
    """:func:`parse_pointer`, memoised (the list is shared: never mutate it)."""
    return parse_pointer(ptr)


def _kustomization_file(overlay_dir: Path, display: str) -> str:
    found = kustomization_file(overlay_dir)
    return f"{display}/{found.name}" if found is not None else display
