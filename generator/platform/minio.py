"""MinIO artifact store (objectStore.type: minio): a single-replica Deployment on a PVC, a ClusterIP
Service (console only when asked), health probes, and the idempotent bucket-creation hook Job."""

from __future__ import annotations

from typing import Any

from generator.config.model import Environment
from generator.platform import names
from generator.platform.common import (
    NON_ROOT_UID,
    WAVE_DATA,
    WAVE_HOOKS,
    container_security,
    empty_dir,
    env,
    hook_annotations,
    http_probe,
    labels,
    metadata,
    pod_security,
    resources,
    secret_env,
    selector,
    single_replica_by_design,
)

APP = names.MINIO
COMPONENT = "object-store"


def pvc(e: Environment) -> dict[str, Any]:
    store = e.object_store
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        # The artifacts live here: deleting the Application (its finalizer cascades) or pruning must never
        # delete them. Argo CD keeps resources marked Delete=false/Prune=false.
        "metadata": metadata(
            names.MINIO_PVC,
            namespace=e.namespace,
            app=APP,
            component=COMPONENT,
            wave=WAVE_DATA,
            annotations={"argocd.argoproj.io/sync-options": "Delete=false,Prune=false"},
        ),
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "storageClassName": store.storage.storage_class,
            "resources": {"requests": {"storage": store.storage.size}},
        },
    }


def deployment(e: Environment) -> dict[str, Any]:
    store = e.object_store
    ports = [{"name": "api", "containerPort": names.MINIO_PORT, "protocol": "TCP"}]
    ports.append({"name": "console", "containerPort": names.MINIO_CONSOLE_PORT, "protocol": "TCP"})
    container = {
        "name": "minio",
        "image": e.images.minio,
        "imagePullPolicy": "IfNotPresent",
        "args": [
            "server",
            "/data",
            "--address",
            f":{names.MINIO_PORT}",
            "--console-address",
            f":{names.MINIO_CONSOLE_PORT}",
            "--certs-dir",
            "/tmp/certs",
        ],
        "ports": ports,
        "env": [
            secret_env("MINIO_ROOT_USER", names.OBJECT_STORE_SECRET, "accessKey"),
            secret_env("MINIO_ROOT_PASSWORD", names.OBJECT_STORE_SECRET, "secretKey"),
            env("MINIO_BROWSER", "on" if store.console else "off"),
            env("HOME", "/tmp"),
        ],
        "resources": resources(store.resources),
        "startupProbe": http_probe("/minio/health/live", "api", period=5, failure=60),
        "readinessProbe": http_probe("/minio/health/ready", "api", period=10, failure=3),
        "livenessProbe": http_probe("/minio/health/live", "api", period=20, failure=3),
        "securityContext": container_security(NON_ROOT_UID),
        "volumeMounts": [{"name": "data", "mountPath": "/data"}, {"name": "tmp", "mountPath": "/tmp"}],
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(
            APP,
            namespace=e.namespace,
            app=APP,
            component=COMPONENT,
            wave=WAVE_DATA,
            annotations=single_replica_by_design(
                "standalone MinIO owns one ReadWriteOnce volume and cannot run two replicas; "
                "use objectStore.type external-s3 for a highly available artifact store"
            ),
        ),
        "spec": {
            "replicas": 1,
            # one pod owns the ReadWriteOnce volume: stop the old pod before starting the new one
            "strategy": {"type": "Recreate"},
            "selector": {"matchLabels": selector(APP)},
            "template": {
                "metadata": {"labels": labels(APP, COMPONENT)},
                "spec": {
                    "serviceAccountName": names.MINIO,
                    "automountServiceAccountToken": False,
                    "enableServiceLinks": False,
                    "securityContext": pod_security(NON_ROOT_UID),
                    "containers": [container],
                    "volumes": [
                        {"name": "data", "persistentVolumeClaim": {"claimName": names.MINIO_PVC}},
                        empty_dir("tmp", size="256Mi"),
                    ],
                },
            },
        },
    }


def service(e: Environment) -> dict[str, Any]:
    ports: list[dict[str, Any]] = [{"name": "api", "port": names.MINIO_PORT, "targetPort": "api", "protocol": "TCP"}]
    if e.object_store.console:
        ports.append({"name": "console", "port": names.MINIO_CONSOLE_PORT, "targetPort": "console", "protocol": "TCP"})
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(APP, namespace=e.namespace, app=APP, component=COMPONENT, wave=WAVE_DATA),
        "spec": {"type": "ClusterIP", "selector": selector(APP), "ports": ports},
    }


BUCKET_SCRIPT = """\
set -eu
attempt=0
until mc alias set store "$MINIO_ENDPOINT" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then echo "MinIO not reachable at $MINIO_ENDPOINT" >&2; exit 1; fi
  sleep 5
done
mc mb --ignore-existing "store/$BUCKET"
"""


def bucket_job(e: Environment) -> dict[str, Any]:
    app = names.BUCKET_JOB
    container = {
        "name": "create-bucket",
        "image": e.images.mc,
        "imagePullPolicy": "IfNotPresent",
        "command": ["/bin/sh", "-c", BUCKET_SCRIPT],
        "env": [
            env("MINIO_ENDPOINT", f"http://{names.MINIO}:{names.MINIO_PORT}"),
            env("BUCKET", e.object_store.bucket),
            secret_env("MINIO_ROOT_USER", names.OBJECT_STORE_SECRET, "accessKey"),
            secret_env("MINIO_ROOT_PASSWORD", names.OBJECT_STORE_SECRET, "secretKey"),
            env("MC_CONFIG_DIR", "/tmp/.mc"),
            env("HOME", "/tmp"),
        ],
        "resources": resources(e.object_store.resources),
        "securityContext": container_security(NON_ROOT_UID),
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": metadata(
            app,
            namespace=e.namespace,
            app=app,
            component="bucket-init",
            wave=WAVE_HOOKS,
            annotations=hook_annotations(),
        ),
        "spec": {
            "backoffLimit": 4,
            "activeDeadlineSeconds": 600,
            "ttlSecondsAfterFinished": 3600,
            "template": {
                "metadata": {"labels": labels(app, "bucket-init")},
                "spec": {
                    "restartPolicy": "Never",
                    "serviceAccountName": names.BUCKET_JOB,
                    "automountServiceAccountToken": False,
                    "enableServiceLinks": False,
                    "securityContext": pod_security(NON_ROOT_UID),
                    "containers": [container],
                    "volumes": [empty_dir("tmp", size="64Mi")],
                },
            },
        },
    }


def minio(e: Environment) -> list[dict[str, Any]]:
    if not e.object_store.is_minio:
        return []
    return [pvc(e), deployment(e), service(e), bucket_job(e)]
