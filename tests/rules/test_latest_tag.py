from __future__ import annotations

from typing import Any

import pytest

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import latest_tag as rule


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _deployment(image: str, init_image: str = "busybox:1.36") -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "minio"},
        "spec": {
            "template": {
                "spec": {
                    "initContainers": [{"name": "init", "image": init_image}],
                    "containers": [{"name": "minio", "image": image}],
                }
            }
        },
    }


def test_fires_on_latest_tag() -> None:
    [finding] = _findings(_deployment("minio/minio:latest"))
    assert finding.path == "/spec/template/spec/containers/0/image"
    assert '"minio"' in finding.message and "minio/minio:latest" in finding.message


@pytest.mark.parametrize("image", ["minio/minio", "registry.example.com:5000/team/minio"])
def test_fires_on_missing_tag_even_with_registry_port(image: str) -> None:
    [finding] = _findings(_deployment(image))
    assert finding.path == "/spec/template/spec/containers/0/image"
    assert "without a tag" in finding.message


def test_fires_on_init_container() -> None:
    [finding] = _findings(_deployment("minio/minio:RELEASE.2024-06-13T22-53-53Z", init_image="busybox"))
    assert finding.path == "/spec/template/spec/initContainers/0/image"
    assert 'Init container "init"' in finding.message


def test_fires_on_cronjob_template() -> None:
    cronjob = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "train"},
        "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "t", "image": "x:latest"}]}}}}},
    }
    [finding] = _findings(cronjob)
    assert finding.path == "/spec/jobTemplate/spec/template/spec/containers/0/image"


@pytest.mark.parametrize(
    "image",
    [
        "minio/minio:RELEASE.2024-06-13T22-53-53Z",
        "registry.example.com:5000/minio:1.2.3",
        "minio/minio@sha256:" + "a" * 64,
        "minio/minio:latest@sha256:" + "b" * 64,
    ],
)
def test_passes_pinned_tag_or_digest(image: str) -> None:
    assert _findings(_deployment(image)) == []


def test_passes_non_workload_kinds() -> None:
    assert rule.KINDS is not None and "ConfigMap" not in rule.KINDS
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"image": "a:latest"}}
    ctx = Context.from_objects([cm])
    assert list(rule.check(ctx, ctx.resources[0])) == []


def test_a_ko_import_path_is_named_as_such_not_as_a_missing_tag() -> None:
    """knative/serving and tektoncd/pipeline commit ``ko://`` import paths, which ``ko resolve`` replaces with a
    digest-pinned image; before, the message said the image had no tag "(that is :latest)"."""
    [finding] = _findings(_deployment("ko://knative.dev/serving/cmd/activator"))
    assert "ko import path" in finding.message and "ko resolve" in finding.message
    assert ":latest" not in finding.message
