"""Pure diff logic for ``gitops-gen diff``: rendered objects before/after -> per-resource changes, and the
text and markdown reports (markdown capped for a PR comment). No I/O here.

Resources are matched by (API group, kind, namespace, name); each changed resource gets a unified diff of
its YAML (keys sorted). Secret ``data``/``stringData`` values never appear: they are replaced by a mask
that only says whether the value changed, so a diff shows *that* a secret changed, not its value.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.models.argocd import syncorder
from generator.models.k8s import Obj

MARKDOWN_LIMIT = 65_536
MASK = "<masked>"
MASK_CHANGED = "<masked, changed>"
_SECRET_FIELDS = ("data", "stringData")
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


@dataclass(frozen=True, order=True, slots=True)
class ResourceKey:
    group: str
    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {where}{self.name}"


def key_of(obj: dict[str, Any]) -> ResourceKey:
    api = obj.get("apiVersion")
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    assert isinstance(meta, dict)
    group = api.rpartition("/")[0] if isinstance(api, str) else ""
    return ResourceKey(group, str(obj.get("kind", "")), str(meta.get("namespace", "") or ""), str(meta.get("name", "")))


def _is_secret(obj: dict[str, Any] | None) -> bool:
    return obj is not None and obj.get("kind") == "Secret" and obj.get("apiVersion") == "v1"


def mask_secrets(
    old: dict[str, Any] | None, new: dict[str, Any] | None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Copies of a Secret's two versions with every data/stringData value masked (changed ones marked)."""
    if not _is_secret(old) and not _is_secret(new):
        return old, new
    masked_old = _copy(old)
    masked_new = _copy(new)
    for fld in _SECRET_FIELDS:
        before = old.get(fld) if old is not None and isinstance(old.get(fld), dict) else {}
        after = new.get(fld) if new is not None and isinstance(new.get(fld), dict) else {}
        assert isinstance(before, dict) and isinstance(after, dict)
        if masked_old is not None and fld in masked_old:
            masked_old[fld] = {k: MASK for k in before} if isinstance(masked_old[fld], dict) else MASK
        if masked_new is not None and fld in masked_new:
            if isinstance(masked_new[fld], dict):
                masked_new[fld] = {
                    k: MASK if k not in before or before[k] == v else MASK_CHANGED for k, v in after.items()
                }
            else:
                masked_new[fld] = MASK
    for obj in (masked_old, masked_new):
        annotations = (obj or {}).get("metadata", {}).get("annotations")
        if isinstance(annotations, dict) and _LAST_APPLIED in annotations:
            annotations[_LAST_APPLIED] = MASK
    return masked_old, masked_new


def _copy(obj: dict[str, Any] | None) -> dict[str, Any] | None:
    if obj is None:
        return None
    out: dict[str, Any] = yaml.safe_load(yaml.safe_dump(obj))
    return out


class _DiffDumper(yaml.SafeDumper):
    """Multi-line strings (dashboards, scripts, config files in ConfigMaps) as literal blocks, so a
    one-line change in them is a one-line change in the diff instead of one huge escaped line."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_DiffDumper.add_representer(str, _represent_str)


def to_yaml(obj: dict[str, Any] | None) -> str:
    if obj is None:
        return ""
    return yaml.dump(obj, Dumper=_DiffDumper, sort_keys=True, default_flow_style=False, width=1_000_000)


@dataclass(frozen=True, slots=True)
class Change:
    key: ResourceKey
    status: str  # "added" | "removed" | "changed"
    diff: str  # unified diff (masked)
    sync: str = ""  # where Argo CD applies it ("Sync wave 2"; "Sync wave 2 -> Sync wave 4" when it moves)

    @property
    def sign(self) -> str:
        return {"added": "+", "removed": "-", "changed": "~"}[self.status]


@dataclass
class EnvDiff:
    env: str
    changes: list[Change] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for c in self.changes if c.status == status)

    @property
    def summary(self) -> str:
        return f"{self.count('added')} added, {self.count('removed')} removed, {self.count('changed')} changed"


def _index(objects: Iterable[dict[str, Any]]) -> dict[ResourceKey, dict[str, Any]]:
    out: dict[ResourceKey, dict[str, Any]] = {}
    for obj in objects:
        key = key_of(obj)
        n = 1
        while key in out:  # duplicates cannot come out of kustomize, but never lose one
            n += 1
            key = ResourceKey(key.group, key.kind, key.namespace, f"{key.name}#{n}")
        out[key] = obj
    return out


def sync_step(obj: dict[str, Any] | None) -> str:
    """The (phase, wave) Argo CD applies ``obj`` in, from the Argo CD model ("" for a Skip hook or None)."""
    if obj is None:
        return ""
    res = Obj(obj)
    phases = syncorder.hook_phases(res)
    if phases == ():
        return ""
    where = f"wave {syncorder.resource_wave(res)}"
    return f"{'/'.join(phases)} hook, {where}" if phases else f"Sync {where}"


def _sync_note(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    old, new = sync_step(before), sync_step(after)
    if before is None or after is None or old == new:
        return new or old
    return f"{old} -> {new}"


def diff_env(
    env: str,
    old_objects: Iterable[dict[str, Any]],
    new_objects: Iterable[dict[str, Any]],
    *,
    old_label: str = "base",
    new_label: str = "working tree",
) -> EnvDiff:
    """Per-resource changes of one environment, sorted by (group, kind, namespace, name)."""
    old, new = _index(old_objects), _index(new_objects)
    result = EnvDiff(env)
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        status = "added" if before is None else "removed" if after is None else "changed"
        shown_old, shown_new = mask_secrets(before, after)
        path = f"{env}/{key.kind}/{key.namespace or '_'}/{key.name}"
        lines = difflib.unified_diff(
            to_yaml(shown_old).splitlines(),
            to_yaml(shown_new).splitlines(),
            fromfile=f"a/{path} ({old_label})" if before is not None else "/dev/null",
            tofile=f"b/{path} ({new_label})" if after is not None else "/dev/null",
            lineterm="",
        )
        result.changes.append(Change(key, status, "\n".join(lines), _sync_note(before, after)))
    return result


def has_changes(diffs: Sequence[EnvDiff]) -> bool:
    return any(d.changes for d in diffs)


# -------------------------------------------------------------------------------------------- reports


def render_text(diffs: Sequence[EnvDiff], *, title: str, notes: Sequence[str] = ()) -> str:
    out = [title, *(f"warning: {note}" for note in notes)]
    for d in diffs:
        out.append(f"\n== {d.env}: {d.summary}")
        for change in d.changes:
            out.append(f"{change.sign} {change.key}" + (f"  [{change.sync}]" if change.sync else ""))
            if change.diff:
                out.append(change.diff)
    if not has_changes(diffs):
        out.append("\nNo changes to the rendered manifests.")
    return "\n".join(out) + "\n"


def _block(change: Change) -> str:
    fence = "````" if "```" in change.diff else "```"
    sync = f" ({change.sync})" if change.sync else ""
    return f"#### {change.sign} {change.status}: `{change.key}`{sync}\n\n{fence}diff\n{change.diff}\n{fence}\n\n"


def render_markdown(
    diffs: Sequence[EnvDiff], *, title: str, limit: int = MARKDOWN_LIMIT, notes: Sequence[str] = ()
) -> str:
    """A PR comment: summary table, one collapsible section per environment, at most ``limit`` chars.

    When the diffs do not fit, whole resource diffs are left out (in order, from the first that does not
    fit) and a closing note says how many and which were cut."""
    head = [
        f"### {title}\n\n",
        *(f"> :warning: {note}\n\n" for note in notes),
        "| Environment | Added | Removed | Changed |\n|---|---:|---:|---:|\n",
    ]
    for d in diffs:
        head.append(f"| `{d.env}` | {d.count('added')} | {d.count('removed')} | {d.count('changed')} |\n")
    head.append("\n")
    if not has_changes(diffs):
        head.append("No changes to the rendered manifests.\n")
        return _cap("".join(head), limit)
    openers = {d.env: f"<details>\n<summary><b>{d.env}</b>: {d.summary}</summary>\n\n" for d in diffs if d.changes}
    closer = "</details>\n\n"
    note_reserve = 2_000
    fixed = sum(map(len, head)) + sum(len(o) + len(closer) for o in openers.values()) + note_reserve
    budget = limit - fixed
    body: list[str] = []
    omitted: list[tuple[str, Change]] = []
    for d in diffs:
        if not d.changes:
            continue
        body.append(openers[d.env])
        for change in d.changes:
            block = _block(change)
            if not omitted and len(block) <= budget:
                body.append(block)
                budget -= len(block)
            else:
                omitted.append((d.env, change))
        body.append(closer)
    text = "".join(head) + "".join(body)
    if omitted:
        text += _note(omitted, limit, note_reserve - 50)
    return _cap(text, limit)


def _note(omitted: list[tuple[str, Change]], limit: int, room: int) -> str:
    envs = sorted({env for env, _ in omitted})
    note = (
        f"> **Output cut at {limit:,} characters**: {len(omitted)} resource diff(s) left out "
        f"({', '.join(envs)}). Run `gitops-gen diff --env {' --env '.join(envs)}` locally for the full diff.\n"
        "> Left out:"
    )
    listed = 0
    for env, change in omitted:
        item = f" `{env}: {change.key}`,"
        if len(note) + len(item) + 40 > room:
            break
        note += item
        listed += 1
    note = note.rstrip(",")
    if listed < len(omitted):
        note += f" and {len(omitted) - listed} more"
    return note + ".\n"


def _cap(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    tail = "\n\n> **Output cut**: the comment limit was reached.\n"
    return text[: limit - len(tail)] + tail
