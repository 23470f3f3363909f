"""generator.validate.operators: the pods operators and self-labelling programs make, as the cross-resource
rules see them. made_pods reads only the modelled kinds through the context's index; these tests pin what it
returns to a pass over every resource of the set, in the set's order."""

from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.operators import made_pods, operator_pods, self_labelled_pods


def _cr(api_version: str, kind: str, name: str) -> dict[str, Any]:
    return {"apiVersion": api_version, "kind": kind, "metadata": {"name": name, "namespace": "ns"}, "spec": {}}


def _deployment(name: str, image: str, command: list[str] | None = None) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "c", "image": image}
    if command is not None:
        container["command"] = command
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "ns"},
        "spec": {"template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [container]}}},
    }


def test_made_pods_is_every_modelled_resource_in_the_order_of_the_set() -> None:
    objects = [
        _cr("postgresql.cnpg.io/v1", "Cluster", "db"),
        _cr("monitoring.coreos.com/v1", "Prometheus", "k8s"),
        _cr("cluster.x-k8s.io/v1beta1", "Cluster", "not-cnpg"),  # a Cluster of another group
        _deployment("app", "nginx:1.27"),
        _cr("monitoring.coreos.com/v1", "Alertmanager", "main"),
        _cr("postgresql.cnpg.io/v1", "Pooler", "pool"),
        _cr("monitoring.coreos.com/v1", "Prometheus", "second"),
        _cr("ceph.rook.io/v1", "CephCluster", "rook-ceph"),
        _cr("minio.min.io/v2", "Tenant", "tenant"),
        _cr("acid.zalan.do/v1", "postgresql", "pg"),
        _cr("monitoring.coreos.com/v1", "ThanosRuler", "ruler"),
        _cr("monitoring.coreos.com/v1alpha1", "PrometheusAgent", "agent"),
    ]
    ctx = Context.from_objects(objects)
    expected = [pods.description for res in ctx.resources if (pods := operator_pods(res)) is not None]
    assert [pods.description for pods in made_pods(ctx)] == expected
    assert expected == [
        "Cluster ns/db",
        "Prometheus ns/k8s",
        "Alertmanager ns/main",
        "Pooler ns/pool",
        "Prometheus ns/second",
        "CephCluster ns/rook-ceph",
        "Tenant ns/tenant",
        "postgresql ns/pg",
        "ThanosRuler ns/ruler",
        "PrometheusAgent ns/agent",
    ]


def test_self_labelled_pods_are_the_minio_operator_and_longhorn_manager_only() -> None:
    objects = [
        _deployment("minio-operator", "quay.io/minio/operator:v7.1.1", ["minio-operator", "controller"]),
        _deployment("longhorn-manager", "longhornio/longhorn-manager:v1.9.0", ["longhorn-manager", "daemon"]),
        _deployment("app", "nginx:1.27", ["nginx"]),
        _deployment("operator-console", "quay.io/minio/operator:v7.1.1", ["minio-operator", "ui"]),
    ]
    found = self_labelled_pods(Context.from_objects(objects))
    assert [(pods.description.split(",")[0], pods.labels) for pods in found] == [
        ("Deployment ns/minio-operator", {"app": "minio-operator", "operator": "leader"}),
        (
            "Deployment ns/longhorn-manager",
            {
                "app": "longhorn-manager",
                "longhorn.io/admission-webhook": "longhorn-admission-webhook",
                "longhorn.io/recovery-backend": "longhorn-recovery-backend",
            },
        ),
    ]
