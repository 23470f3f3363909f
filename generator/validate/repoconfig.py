"""``.gitops-gen.yaml``: repository-level settings for ``gitops-gen validate``, usable on plain files.

Found in the validated repository's root or the nearest ancestor directory that has one (or given with
``--config``). Every error names ``file:line:col: key`` in one line and is an input error (exit 2).

```yaml
external:                  # objects that exist in the cluster but not in the validated files
  - kind: Service          # a cluster-provided Service a ServiceMonitor selects
    name: kube-dns
    namespace: kube-system
    labels: {k8s-app: kube-dns}
    reason: CoreDNS is part of the cluster
  - kind: Pod              # pods an operator outside these files makes (labels required, name optional)
    namespace: data
    labels: {cnpg.io/cluster: pg}
    reason: the CloudNativePG Cluster lives in the platform repo
  - kind: Secret           # what a sibling kustomization provides
    name: mlflow-db
    namespace: ml
    reason: rendered by ../platform/overlays/prod
siblings:                  # sibling kustomizations / manifest directories whose objects all exist
  - ../platform/overlays/prod
severity:                  # per rule: error | warning | info | off (the environment file wins)
  missing-pdb: off
ignore:                    # drop findings, each with a reason; kind/name/namespace/file narrow it
  - rule: latest-tag
    kind: Deployment
    name: debug-shell
    reason: a throwaway debugging pod
exclude:                   # paths not read when walking a directory: globs relative to this file's
  - docs                   # directory (* also matches /); a matching directory is not entered
  - "*/testdata"
  - "renovate.json"
```
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import InputError
from generator.validate.context import ExternalObject
from generator.validate.model import Finding
from generator.validate.profiles import LEVELS

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

CONFIG_NAME = ".gitops-gen.yaml"
TOP_KEYS = ("external", "siblings", "severity", "ignore", "exclude")
EXTERNAL_KEYS = ("kind", "name", "namespace", "labels", "reason")
IGNORE_KEYS = ("rule", "kind", "name", "namespace", "file", "reason")


@dataclass(frozen=True)
class Ignore:
    """Findings of ``rules`` to drop, optionally narrowed to objects and files (``fnmatch`` globs)."""

    rules: frozenset[str]
    reason: str
    kind: str = ""
    name: str = ""
    namespace: str = ""
    file: str = ""

    def matches(self, f: Finding) -> bool:
        if f.rule not in self.rules:
            return False
        ref = f.resource
        for want, have in ((self.kind, ref.kind if ref else ""), (self.name, ref.name if ref else ""),
                           (self.namespace, ref.namespace if ref else "")):  # fmt: skip
            if want and not fnmatch.fnmatchcase(have, want):
                return False
        return not self.file or fnmatch.fnmatchcase(f.file, self.file)


@dataclass(frozen=True)
class RepoConfig:
    path: Path | None = None
    external: tuple[ExternalObject, ...] = ()
    siblings: tuple[Path, ...] = ()  # absolute
    severity: dict[str, str] = field(default_factory=dict)
    ignores: tuple[Ignore, ...] = ()
    exclude: tuple[str, ...] = ()  # globs of paths relative to ``path``'s directory (inputs.Exclusions)

    def apply_ignores(self, findings: Iterable[Finding]) -> list[Finding]:
        if not self.ignores:
            return list(findings)  # no generator per finding: 14 ms of 78,098 findings, serial at the end
        return [f for f in findings if not any(i.matches(f) for i in self.ignores)]


def find_config(start: Path) -> Path | None:
    """``.gitops-gen.yaml`` in ``start`` or the nearest ancestor directory."""
    here = start.resolve()
    for directory in (here, *here.parents):
        candidate = directory / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


class _Reader:
    def __init__(self, path: Path, display: str) -> None:
        self.path = path
        self.display = display

    def fail(self, node: Any, key: str | int | None, where: str, message: str) -> InputError:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        line, col = 1, 1
        try:
            if isinstance(node, CommentedMap) and key is not None and key in node:
                line, col = (n + 1 for n in node.lc.key(key))
            elif isinstance(node, CommentedSeq) and isinstance(key, int):
                line, col = (n + 1 for n in node.lc.item(key))
            elif node is not None and getattr(node, "lc", None) is not None and node.lc.line is not None:
                line, col = node.lc.line + 1, node.lc.col + 1
        except (KeyError, TypeError, IndexError, AttributeError):
            pass
        return InputError(f"{self.display}:{line}:{col}: {where}: {message}")

    def mapping(self, parent: Any, key: str | int, where: str) -> CommentedMap:
        from ruamel.yaml.comments import CommentedMap

        value = parent[key]
        if not isinstance(value, CommentedMap):
            raise self.fail(parent, key, where, "expected a mapping")
        return value

    def sequence(self, parent: Any, key: str, where: str) -> CommentedSeq:
        from ruamel.yaml.comments import CommentedSeq

        value = parent[key]
        if not isinstance(value, CommentedSeq):
            raise self.fail(parent, key, where, "expected a list")
        return value

    def string(self, parent: CommentedMap, key: str, where: str, *, required: bool = False) -> str:
        if key not in parent:
            if required:
                raise self.fail(parent, None, where, "required key is missing")
            return ""
        value = parent[key]
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(parent, key, where, "expected a non-empty string")
        return value.strip()

    def keys(self, node: CommentedMap, allowed: Sequence[str], where: str) -> None:
        for key in node:
            if key not in allowed:
                raise self.fail(node, key, f"{where}.{key}" if where else str(key),
                                f"unknown key (expected one of: {', '.join(allowed)})")  # fmt: skip

    def labels(self, node: CommentedMap, where: str) -> tuple[tuple[str, str], ...]:
        if "labels" not in node:
            return ()
        value = self.mapping(node, "labels", f"{where}.labels")
        out = []
        for key, item in value.items():
            if not isinstance(key, str) or not isinstance(item, (str, int, bool)) or isinstance(item, float):
                raise self.fail(value, key, f"{where}.labels.{key}", "expected string keys and values")
            text = str(item).lower() if isinstance(item, bool) else str(item)
            out.append((key, text))
        return tuple(sorted(out))


def load_config(path: Path, *, display: str | None = None) -> RepoConfig:
    """Read and check a ``.gitops-gen.yaml``; InputError (one line, ``file:line:col: key: ...``) when bad."""
    # ruamel.yaml is imported here, not with the module: most repositories have no such file, and it costs
    # ~10 ms of every ``validate``'s start.
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import YAMLError

    from generator.validate.rules import RULES

    shown = display or path.as_posix()
    r = _Reader(path, shown)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{shown}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        doc = yaml.load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.line + 1}:{mark.column + 1}" if mark is not None else "1:1"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"{shown}:{where}: invalid YAML: {problem}") from None
    if doc is None:
        return RepoConfig(path)
    if not isinstance(doc, CommentedMap):
        raise InputError(f"{shown}:1:1: (top level): expected a mapping with keys {', '.join(TOP_KEYS)}")
    r.keys(doc, TOP_KEYS, "")

    external: list[ExternalObject] = []
    if "external" in doc:
        items = r.sequence(doc, "external", "external")
        for i, _ in enumerate(items):
            where = f"external[{i}]"
            item = r.mapping(items, i, where)
            r.keys(item, EXTERNAL_KEYS, where)
            kind = r.string(item, "kind", f"{where}.kind", required=True)
            name = r.string(item, "name", f"{where}.name")
            labels = r.labels(item, where)
            if not name and not labels:
                raise r.fail(item, None, where, "needs a name or labels")
            reason = r.string(item, "reason", f"{where}.reason", required=True)
            external.append(
                ExternalObject(kind, name, r.string(item, "namespace", f"{where}.namespace"), labels, reason)
            )

    siblings: list[Path] = []
    if "siblings" in doc:
        items = r.sequence(doc, "siblings", "siblings")
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                raise r.fail(items, i, f"siblings[{i}]", "expected a path")
            target = (path.parent / item).resolve()
            if not target.exists():
                raise r.fail(items, i, f"siblings[{i}]", f"no such file or directory: {item}")
            siblings.append(target)

    severity: dict[str, str] = {}
    if "severity" in doc:
        table = r.mapping(doc, "severity", "severity")
        for rule_id, level in table.items():
            if rule_id not in RULES:
                raise r.fail(table, rule_id, f"severity.{rule_id}", "unknown rule (see `gitops-gen rules`)")
            if not isinstance(level, str) or level.strip().lower() not in LEVELS:
                raise r.fail(table, rule_id, f"severity.{rule_id}", f"expected one of {', '.join(LEVELS)}")
            severity[str(rule_id)] = level.strip().lower()

    ignores: list[Ignore] = []
    if "ignore" in doc:
        items = r.sequence(doc, "ignore", "ignore")
        for i, _ in enumerate(items):
            where = f"ignore[{i}]"
            item = r.mapping(items, i, where)
            r.keys(item, IGNORE_KEYS, where)
            if "rule" not in item:
                raise r.fail(item, None, where, "rule: required")
            raw = item["rule"]
            rule_ids = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, CommentedSeq) else None
            if not rule_ids or not all(isinstance(x, str) for x in rule_ids):
                raise r.fail(item, "rule", f"{where}.rule", "expected a rule id or a list of rule ids")
            for rule_id in rule_ids:
                if rule_id not in RULES:
                    raise r.fail(item, "rule", f"{where}.rule", f"unknown rule '{rule_id}' (see `gitops-gen rules`)")
            reason = r.string(item, "reason", f"{where}.reason", required=True)
            ignores.append(
                Ignore(
                    frozenset(rule_ids),
                    reason,
                    r.string(item, "kind", f"{where}.kind"),
                    r.string(item, "name", f"{where}.name"),
                    r.string(item, "namespace", f"{where}.namespace"),
                    r.string(item, "file", f"{where}.file"),
                )
            )
    exclude: list[str] = []
    if "exclude" in doc:
        items = r.sequence(doc, "exclude", "exclude")
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip().strip("/"):
                raise r.fail(items, i, f"exclude[{i}]", "expected a path or glob")
            if item.strip().startswith("/") or ".." in item.split("/"):
                raise r.fail(items, i, f"exclude[{i}]", f"expected a path relative to {CONFIG_NAME}'s directory")
            exclude.append(item.strip().rstrip("/"))
    return RepoConfig(path, tuple(external), tuple(siblings), severity, tuple(ignores), tuple(exclude))


def sibling_objects(paths: Iterable[Path], *, repo: Path) -> list[ExternalObject]:
    """Every object that the sibling kustomizations or manifest files define, as external objects; the
    pods their workloads and operator custom resources make become external ``Pod`` objects with labels."""
    from generator.validate.inputs import load_path
    from generator.validate.operators import operator_pods
    from generator.validate.workloads import pod_template

    out: list[ExternalObject] = []
    for path in paths:
        reason = f"defined in sibling {path.name}"
        for res in load_path(path, repo=repo):
            if not res.kind or not res.name:
                continue
            out.append(ExternalObject(res.kind, res.name, res.namespace, tuple(sorted(res.labels.items())), reason))
            tmpl = pod_template(res)
            labels = tmpl.labels if tmpl is not None else None
            made = operator_pods(res)
            if made is not None:
                labels = dict(made.labels)
            if labels:
                out.append(ExternalObject("Pod", res.name, res.namespace, tuple(sorted(labels.items())), reason))
    return out
