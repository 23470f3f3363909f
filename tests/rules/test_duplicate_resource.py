"""duplicate-resource: one group/kind/namespace/name defined twice."""

from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import duplicate_resource as rule


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources for f in rule.check(ctx, res)]


def _svc(name: str, namespace: str | None = None, api: str = "v1", kind: str = "Service") -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return {"apiVersion": api, "kind": kind, "metadata": meta}


def test_fires_once_on_the_second_copy() -> None:
    [finding] = _findings(_svc("web"), _svc("other"), _svc("web"))
    assert finding.path == "/metadata/name"
    assert "Service default/web" in finding.message and "document 1" in finding.message


def test_fires_when_namespace_is_implicit_default() -> None:
    assert len(_findings(_svc("web"), _svc("web", "default"))) == 1


def test_passes_same_name_in_other_namespace_kind_or_group() -> None:
    assert _findings(_svc("web", "a"), _svc("web", "b")) == []
    assert _findings(_svc("web"), _svc("web", kind="ConfigMap")) == []
    assert _findings(_svc("x", api="example.com/v1", kind="Thing"), _svc("x", api="other.io/v1", kind="Thing")) == []
