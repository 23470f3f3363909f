"""Where pods live inside workload kinds: one helper so every rule walks pod templates the same way."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.validate.model import Resource, pointer

WORKLOAD_KINDS = frozenset({"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"})


@dataclass(frozen=True, slots=True)
class PodTemplate:
    labels: dict[str, str]
    spec: dict[str, Any]
    path: tuple[str | int, ...]  # path parts of the pod spec, e.g. ("spec", "template", "spec")


@dataclass(frozen=True, slots=True)
class Container:
    obj: dict[str, Any]
    path: tuple[str | int, ...]  # path parts of the container itself
    init: bool

    @property
    def name(self) -> str:
        return str(self.obj.get("name", ""))

    def pointer(self, *more: str | int) -> str:
        return pointer(*self.path, *more)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def pod_template(res: Resource) -> PodTemplate | None:
    """The pod template of a workload, or None for other kinds (or malformed ones)."""
    obj = res.obj
    if res.kind == "Pod":
        return PodTemplate(res.labels, _dict(obj.get("spec")), ("spec",))
    if res.kind == "CronJob":
        tmpl = _dict(_dict(_dict(_dict(obj.get("spec")).get("jobTemplate")).get("spec")).get("template"))
        base: tuple[str | int, ...] = ("spec", "jobTemplate", "spec", "template")
    elif res.kind in WORKLOAD_KINDS:
        tmpl = _dict(_dict(obj.get("spec")).get("template"))
        base = ("spec", "template")
    else:
        return None
    meta = _dict(tmpl.get("metadata"))
    labels = {str(k): str(v) for k, v in _dict(meta.get("labels")).items()}
    return PodTemplate(labels, _dict(tmpl.get("spec")), (*base, "spec"))


def containers(res: Resource, *, include_init: bool = True) -> Iterator[Container]:
    """Every container (and init container) of a workload with its path."""
    tmpl = pod_template(res)
    if tmpl is None:
        return
    keys = ("initContainers", "containers") if include_init else ("containers",)
    for key in keys:
        items = tmpl.spec.get(key)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield Container(item, (*tmpl.path, key, i), key == "initContainers")
