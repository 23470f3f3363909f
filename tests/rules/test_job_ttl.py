from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import job_ttl as rule


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _job(annotations: dict[str, str] | None = None, **spec: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "train"}
    if annotations:
        meta["annotations"] = annotations
    pod = {"restartPolicy": "Never", "containers": [{"name": "t", "image": "train:1"}]}
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta, "spec": {"template": {"spec": pod}, **spec}}


def test_fires_without_ttl() -> None:
    [finding] = _findings(_job())
    assert finding.path == "/spec"
    assert 'Job "train"' in finding.message and "ttlSecondsAfterFinished" in finding.message


def test_passes_argocd_hook_without_explicit_delete_policy() -> None:
    # Argo CD (gitops-engine) applies BeforeHookCreation when the annotation is absent
    assert _findings(_job({"argocd.argoproj.io/hook": "PreSync,Sync"})) == []


def test_passes_helm_hook() -> None:
    assert _findings(_job({"helm.sh/hook": "pre-upgrade"})) == []


def test_fires_on_empty_hook_annotation() -> None:
    assert len(_findings(_job({"argocd.argoproj.io/hook": " "}))) == 1


def test_fires_on_skip_hook_with_delete_policy() -> None:
    annotations = {"argocd.argoproj.io/hook": "Skip", "argocd.argoproj.io/hook-delete-policy": "HookSucceeded"}
    assert len(_findings(_job(annotations))) == 1


def test_passes_with_ttl() -> None:
    assert _findings(_job(ttlSecondsAfterFinished=3600)) == []


def test_passes_argocd_hook_with_delete_policy() -> None:
    annotations = {
        "argocd.argoproj.io/hook": "Sync",
        "argocd.argoproj.io/hook-delete-policy": "BeforeHookCreation",
    }
    assert _findings(_job(annotations)) == []
