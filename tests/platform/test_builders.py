"""The pure builders: plain dicts, no None values, stable names, labels from one helper."""

from __future__ import annotations

from typing import Any

import pytest

from generator.config.load import parse_environment
from generator.config.model import Environment
from generator.platform.build import COMPONENTS, build_objects, build_platform
from generator.platform.common import drop_none, labels, selector

PROFILES = ("dev", "staging", "prod")


def env_for(profile: str, extra: str = "") -> Environment:
    return parse_environment(f"profile: {profile}\n{extra}", name=f"t-{profile}", source_file="environments/t.yaml")


def _walk(value: Any) -> Any:
    if isinstance(value, dict):
        for v in value.values():
            yield v
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield v
            yield from _walk(v)


@pytest.mark.parametrize("profile", PROFILES)
def test_objects_are_plain_data_without_none(profile: str) -> None:
    for obj in build_objects(env_for(profile)):
        for value in _walk(obj):
            assert value is not None, obj["metadata"]["name"]
            assert isinstance(value, dict | list | str | int | float | bool)


@pytest.mark.parametrize("profile", PROFILES)
def test_names_are_unique_and_human_readable(profile: str) -> None:
    objs = build_objects(env_for(profile, "serving:\n  models:\n    - name: iris\n      modelUri: models:/iris/1\n"))
    keys = [(o["apiVersion"], o["kind"], o["metadata"]["name"]) for o in objs]
    assert len(keys) == len(set(keys))
    for _, _, name in keys:
        assert name.replace("-", "").isalpha() or name.startswith("t-"), name  # no hashes or numbers


def test_building_twice_gives_equal_objects() -> None:
    env = env_for("prod")
    assert build_objects(env) == build_objects(env)


def test_features() -> None:
    dev = {p.feature for p in build_platform(env_for("dev"))}
    prod = {p.feature for p in build_platform(env_for("prod"))}
    assert dev == {"core", "local"}
    assert prod == {"core", "local", *COMPONENTS}


def test_labels_and_selectors_come_from_one_helper() -> None:
    lab = labels("mlflow", "tracking-server", instance="mlflow")
    assert selector("mlflow", instance="mlflow").items() <= lab.items()
    assert lab["app.kubernetes.io/part-of"] == "mlflow-platform"
    assert lab["app.kubernetes.io/managed-by"] == "gitops-gen"
    assert list(lab) == sorted(lab)


def test_drop_none_keeps_empty_dicts() -> None:
    assert drop_none({"a": None, "b": {"emptyDir": {}}, "c": [{"d": None, "e": 1}]}) == {
        "b": {"emptyDir": {}},
        "c": [{"e": 1}],
    }


@pytest.mark.parametrize(("replicas", "deployments"), [(1, {"mlflow"}), (2, {"mlflow", "mlflow-tasks"})])
def test_tasks_deployment_only_with_more_than_one_replica(replicas: int, deployments: set[str]) -> None:
    env = env_for("staging", f"mlflow:\n  replicas: {replicas}\n")
    found = {
        o["metadata"]["name"]
        for o in build_objects(env)
        if o["kind"] == "Deployment" and "mlflow" in o["metadata"]["name"]
    }
    assert found == deployments
    pdbs = [o for o in build_objects(env) if o["kind"] == "PodDisruptionBudget"]
    assert bool(pdbs) == (replicas > 1)


def test_training_can_be_disabled_and_console_enabled() -> None:
    objs = build_objects(env_for("dev", "training:\n  enabled: false\nobjectStore:\n  console: true\n"))
    kinds = {(o["kind"], o["metadata"]["name"]) for o in objs}
    assert ("CronJob", "training") not in kinds and ("ServiceAccount", "training") not in kinds
    (svc,) = [o for o in objs if o["kind"] == "Service" and o["metadata"]["name"] == "minio"]
    assert [p["name"] for p in svc["spec"]["ports"]] == ["api", "console"]


def test_mlflow_memory_request_is_raised_to_the_measured_need() -> None:
    """A request below what a server pod measurably uses (tests/e2e/test_sizing.py) is raised to it, and
    the limit with it (the API server rejects limit < request); larger values are kept."""
    from dataclasses import replace

    from generator.config.model import Resources
    from generator.platform.mlflow import measured_memory_mib, server_resources

    env = env_for("prod")
    small = replace(env, mlflow=replace(env.mlflow, workers=4, resources=Resources("100m", "1Gi", "1", "1Gi")))
    need = measured_memory_mib(4, periodic_tasks=True)
    assert need == 2560  # 1400 + 4 x 200 + 175 = 2375, rounded up to 256 MiB
    res = server_resources(small, periodic_tasks=True)
    assert res["requests"]["memory"] == f"{need}Mi" and res["limits"]["memory"] == f"{need}Mi"
    big = replace(env, mlflow=replace(env.mlflow, workers=4, resources=Resources("1", "3Gi", "2", "4Gi")))
    assert server_resources(big, periodic_tasks=True)["requests"]["memory"] == "3Gi"
    assert measured_memory_mib(2, periodic_tasks=False) == 2048  # 1400 + 2 x 200 = 1800 -> 8 x 256
