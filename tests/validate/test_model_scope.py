"""Which kinds have no namespace: a cluster-scoped object is shown and indexed without one, even where the
context gives plain files a default namespace."""

from __future__ import annotations

import pytest

from generator.validate.model import Resource


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("rbac.authorization.k8s.io/v1", "ClusterRole"),
        # custom kinds whose CRDs say scope: Cluster (gateway-api, kueue, kubeflow trainer, kserve)
        ("gateway.networking.k8s.io/v1", "GatewayClass"),
        ("kueue.x-k8s.io/v1beta1", "ClusterQueue"),
        ("kueue.x-k8s.io/v1beta1", "ResourceFlavor"),
        ("trainer.kubeflow.org/v1alpha1", "ClusterTrainingRuntime"),
        ("serving.kserve.io/v1alpha1", "ClusterServingRuntime"),
    ],
)
def test_cluster_scoped_kinds_have_no_namespace(api_version: str, kind: str) -> None:
    obj = {"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}}
    assert Resource(obj, "x.yaml", default_namespace="default").namespace == ""


@pytest.mark.parametrize("kind", ["Gateway", "LocalQueue", "TrainJob", "ServingRuntime"])
def test_namespaced_kinds_take_the_default_namespace(kind: str) -> None:
    obj = {"apiVersion": "example.com/v1", "kind": kind, "metadata": {"name": "x"}}
    assert Resource(obj, "x.yaml", default_namespace="team").namespace == "team"
