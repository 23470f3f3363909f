"""Positions in JSON 6902 patches: a field of a rendered object that an overlay's JSON patch wrote is found
at the patch's ``value``, not at the base document that the patch changed.

kustomize applies a JSON 6902 patch (RFC 6902: a list of ``{op, path, value}``) named by a ``patches`` or
``patchesJson6902`` entry with a ``target`` (kubernetes-sigs/kustomize api/types/patch.go ``Patch``:
``Path``, ``Patch``, ``Target``; api/filters/patchjson6902). The patch has no kind or name of its own, so
the source map (:class:`generator.validate.positions.SourceMap`) could not find it by identity: kubeflow's
katib ``DB_PASSWORD``, added by a patch of an overlay, was reported at the base's ``env:`` line. Here each
``add`` or ``replace`` op of a patch file becomes a candidate: when a finding's pointer runs through the op's
``path`` into its ``value``, the position is in that value. A ``-`` (append) or numeric index in the op's path
matches the rendered item only when they agree on the item's ``name`` (where the value has one): the op
cannot say which index its item ends up at after the other ops.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.kustomize.files import read_kustomization
from generator.validate.sourcedocs import compose_all

_PATCH_ENTRIES = ("patches", "patchesJson6902")
_WRITES = ("add", "replace")


@dataclass(frozen=True, slots=True)
class PatchOp:
    """One ``add``/``replace`` op of a JSON patch file, with what its entry targets."""

    file: str  # as shown in findings
    kind: str  # the target's kind ("" for any)
    name: str  # the target's name, a regular expression in kustomize ("" for any)
    path: tuple[str, ...]  # the op's path, parsed
    value: Node  # the op's value (marks relative to the patch's text)
    # where the patch's text starts in ``file``: 0, 0 for a patch file; the first content line of an inline
    # patch's literal block and the block's indentation
    line: int = 0
    column: int = 0

    def position(self, node: Node) -> tuple[str, int, int]:
        """(file, line, column), 1-based, of a node of this op's value."""
        return self.file, self.line + node.start_mark.line + 1, self.column + node.start_mark.column + 1


def patch_ops(kustomization_dir: Path, shown: Any) -> list[PatchOp]:
    """The ops of the JSON patches that ``kustomization_dir``'s kustomization has with a target, in order: the
    files its entries name and the inline ones (``patch: |``). ``shown(path)`` gives a file's name as
    findings show it."""
    loaded = read_kustomization(kustomization_dir)
    if loaded is None:
        return []
    kfile, data = loaded
    out: list[PatchOp] = []
    inline: dict[tuple[str, int], ScalarNode] | None = None
    for key in _PATCH_ENTRIES:
        entries = data.get(key)
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            target = entry.get("target") if isinstance(entry, dict) else None
            if not isinstance(target, dict):
                continue  # without a target it is a strategic-merge patch, found by its kind and name
            kind, name = target.get("kind"), target.get("name")
            kind, name = (kind if isinstance(kind, str) else ""), (name if isinstance(name, str) else "")
            if isinstance(entry.get("path"), str):
                file = kustomization_dir / entry["path"]
                try:
                    text = file.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                out.extend(_ops(compose_all(text), shown(file), kind, name, 0, 0))
            elif isinstance(entry.get("patch"), str):
                if inline is None:
                    inline = _inline_patches(kfile)
                node = inline.get((key, index))
                if node is None:
                    continue
                line, column = _block_start(kfile, node)
                if line >= 0:
                    out.extend(_ops(compose_all(str(node.value)), shown(kfile), kind, name, line, column))
    return out


def _inline_patches(kfile: Path) -> dict[tuple[str, int], ScalarNode]:
    """The ``patch`` scalars of the kustomization's patch entries written as literal blocks (``|``, ``|-``):
    their text maps line for line onto the file. By (field, index of the entry)."""
    try:
        nodes = compose_all(kfile.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return {}
    out: dict[tuple[str, int], ScalarNode] = {}
    root = nodes[0] if nodes else None
    if not isinstance(root, MappingNode):
        return out
    for key, value in root.value:
        if not isinstance(key, ScalarNode) or key.value not in _PATCH_ENTRIES or not isinstance(value, SequenceNode):
            continue
        for index, item in enumerate(value.value):
            for k, v in item.value if isinstance(item, MappingNode) else []:
                if isinstance(k, ScalarNode) and k.value == "patch" and isinstance(v, ScalarNode) and v.style == "|":
                    out[(key.value, index)] = v
    return out


def _block_start(kfile: Path, node: ScalarNode) -> tuple[int, int]:
    """(line, indentation), 0-based, of a literal block's first content line; (-1, 0) when unknown."""
    try:
        lines = kfile.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return -1, 0
    for number in range(node.start_mark.line + 1, min(node.end_mark.line + 1, len(lines))):
        text = lines[number]
        if text.strip():
            return node.start_mark.line + 1, len(text) - len(text.lstrip(" "))
    return -1, 0


def _ops(nodes: list[Node], file: str, kind: str, name: str, line: int, column: int) -> list[PatchOp]:
    """The ``add``/``replace`` ops of a composed JSON patch (one sequence: a strategic-merge patch, a mapping,
    has none)."""
    if len(nodes) != 1 or not isinstance(nodes[0], SequenceNode):
        return []
    out: list[PatchOp] = []
    for item in nodes[0].value:
        if not isinstance(item, MappingNode):
            continue
        fields = {k.value: v for k, v in item.value if isinstance(k, ScalarNode)}
        op, path, value = fields.get("op"), fields.get("path"), fields.get("value")
        if not isinstance(op, ScalarNode) or op.value not in _WRITES or value is None:
            continue
        if not isinstance(path, ScalarNode) or not path.value.startswith("/"):
            continue
        parts = tuple(p.replace("~1", "/").replace("~0", "~") for p in path.value[1:].split("/"))
        out.append(PatchOp(file, kind, name, parts, value, line, column))
    return out


def targets(op: PatchOp, kind: str, name: str) -> bool:
    """Whether ``op``'s entry targets an object of ``kind`` rendered as ``name`` (a name prefix or suffix the
    overlay adds is tolerated, as for source documents)."""
    if op.kind and op.kind != kind:
        return False
    if not op.name:
        return True
    try:
        return re.fullmatch(op.name, name) is not None or op.name in name
    except re.error:
        return op.name in name


def locate_in_op(op: PatchOp, parts: list[str], obj: Any) -> tuple[Node, int] | None:
    """The deepest node of ``op``'s value on the pointer ``parts`` of the rendered object ``obj``, and how many
    parts of the pointer that is, when the pointer runs through the op's path; else None."""
    from generator.validate.positions import walk

    if len(parts) < len(op.path):
        return None
    current = obj
    last = len(op.path) - 1
    for i, (want, got) in enumerate(zip(op.path, parts, strict=False)):
        if isinstance(current, list):
            if not got.isdigit() or int(got) >= len(current):
                return None
            current = current[int(got)]
            if i == last:
                # the item the op wrote: where it landed is known only by its name
                if not _same_item(op.value, current) and not (want == got and not _named(op.value)):
                    return None
            elif want != got:
                return None
        elif isinstance(current, dict):
            if want != got:
                return None
            current = current.get(got)
        else:
            return None
    node, depth = walk(op.value, parts[len(op.path) :], current)
    return node, len(op.path) + depth


def _same_item(value: Node, rendered: Any) -> bool:
    """Whether the op's value (an item it adds or replaces at an index) names the same ``name`` as the
    rendered item at the finding's index."""
    name = _named(value)
    return name is not None and isinstance(rendered, dict) and rendered.get("name") == name


def _named(value: Node) -> str | None:
    """The ``name`` of a mapping value, if it has one."""
    if isinstance(value, MappingNode):
        for key, node in value.value:
            if isinstance(key, ScalarNode) and key.value == "name" and isinstance(node, ScalarNode):
                return str(node.value)
    return None
