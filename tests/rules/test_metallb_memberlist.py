"""missing-reference knows the memberlist Secret MetalLB's controller creates at start (metallb/metallb
controller/main.go, the ml-secret-name and namespace flags and their METALLB_* variables;
internal/k8s/k8s.go CreateMlSecret, key ``secretkey``). Found on metallb's config/: the speaker DaemonSet mounts
Secret memberlist, which no manifest declares."""

from __future__ import annotations

from typing import Any

import pytest

from generator.validate.context import Context
from generator.validate.rules import missing_reference as rule


def _controller(env: list[dict[str, Any]] | None = None, args: list[str] | None = None) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": "controller",
        "image": "quay.io/metallb/controller:v0.14.9",
        "args": args or [],
    }
    if env is not None:
        container["env"] = env
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "controller", "namespace": "metallb-system"},
        "spec": {
            "selector": {"matchLabels": {"component": "controller"}},
            "template": {"metadata": {"labels": {"component": "controller"}}, "spec": {"containers": [container]}},
        },
    }


SPEAKER = {
    "apiVersion": "apps/v1",
    "kind": "DaemonSet",
    "metadata": {"name": "speaker", "namespace": "metallb-system"},
    "spec": {
        "selector": {"matchLabels": {"component": "speaker"}},
        "template": {
            "metadata": {"labels": {"component": "speaker"}},
            "spec": {
                "containers": [
                    {
                        "name": "speaker",
                        "image": "quay.io/metallb/speaker:v0.14.9",
                        "env": [
                            {
                                "name": "METALLB_ML_SECRET_KEY_PATH",
                                "value": "/etc/ml_secret_key",
                            }
                        ],
                        "volumeMounts": [{"name": "memberlist", "mountPath": "/etc/ml_secret_key"}],
                    }
                ],
                "volumes": [{"name": "memberlist", "secret": {"secretName": "memberlist", "defaultMode": 420}}],
            },
        },
    },
}


def _missing(*objs: dict[str, Any]) -> list[str]:
    ctx = Context.from_objects(list(objs))
    return [f.message for res in ctx.resources if res.kind == "DaemonSet" for f in rule.check(ctx, res)]


@pytest.mark.parametrize(
    ("env", "args"),
    [
        ([{"name": "METALLB_ML_SECRET_NAME", "value": "memberlist"}], None),  # metallb's own manifests
        (None, ["--ml-secret-name=memberlist"]),
        (None, ["-ml-secret-name", "memberlist", "-namespace=metallb-system"]),
    ],
)
def test_the_controller_makes_the_memberlist_secret(env: Any, args: Any) -> None:
    assert _missing(_controller(env, args), SPEAKER) == []


@pytest.mark.parametrize(
    ("env", "args"),
    [
        (None, None),  # no name: the controller creates nothing
        ([{"name": "METALLB_ML_SECRET_NAME", "value": "other"}], None),
        (None, ["--ml-secret-name=memberlist", "--namespace=elsewhere"]),
    ],
)
def test_other_settings_leave_the_reference_missing(env: Any, args: Any) -> None:
    [message] = _missing(_controller(env, args), SPEAKER)
    assert "memberlist" in message
