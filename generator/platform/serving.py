"""Model serving: per ``serving.models`` entry a Deployment running ``mlflow models serve`` and a Service.
Models are fetched through the tracking server (``models:/`` URIs), so the pods need no S3 credentials."""

from __future__ import annotations

from typing import Any

from generator.config.model import Environment, ServingModel
from generator.platform import auth, names
from generator.platform.common import (
    NON_ROOT_UID,
    WAVE_CLIENTS,
    container_security,
    empty_dir,
    env,
    http_probe,
    labels,
    metadata,
    pod_security,
    resources,
    selector,
)

APP = names.MODEL_SERVER
COMPONENT = "serving"


def deployment(e: Environment, model: ServingModel) -> dict[str, Any]:
    name = names.model_server(model.name)
    port = e.serving.port
    container = {
        "name": "server",
        "image": e.serving.image,
        "imagePullPolicy": "IfNotPresent",
        "command": ["mlflow"],
        "args": [
            "models",
            "serve",
            "--model-uri",
            model.model_uri,
            "--host",
            "0.0.0.0",
            "--port",
            str(port),
            "--env-manager",
            "local",
        ],
        "ports": [{"name": "http", "containerPort": port, "protocol": "TCP"}],
        "env": [
            env("MLFLOW_TRACKING_URI", names.mlflow_service_url()),
            env("HOME", "/tmp"),
            *auth.client_env(e, "serving"),
        ],
        "resources": resources(model.resources),
        "startupProbe": http_probe("/ping", "http", period=10, failure=60),
        "readinessProbe": http_probe("/ping", "http", period=10, failure=3),
        "livenessProbe": http_probe("/ping", "http", period=20, failure=3),
        "securityContext": container_security(NON_ROOT_UID),
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }
    sel = selector(APP, instance=model.name)
    spread = (
        [
            {
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": sel},
            },
            {
                "maxSkew": 1,
                "topologyKey": "kubernetes.io/hostname",
                "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": {"matchLabels": sel},
            },
        ]
        if model.replicas > 1
        else None
    )
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(
            name, namespace=e.namespace, app=APP, component=COMPONENT, wave=WAVE_CLIENTS, instance=model.name
        ),
        "spec": {
            "replicas": model.replicas,
            "selector": {"matchLabels": sel},
            "template": {
                "metadata": {"labels": labels(APP, COMPONENT, instance=model.name)},
                "spec": {
                    "serviceAccountName": name,
                    "automountServiceAccountToken": False,
                    "enableServiceLinks": False,
                    "securityContext": pod_security(NON_ROOT_UID),
                    "topologySpreadConstraints": spread,
                    "containers": [container],
                    "volumes": [empty_dir("tmp", size="4Gi")],
                },
            },
        },
    }


def service(e: Environment, model: ServingModel) -> dict[str, Any]:
    name = names.model_server(model.name)
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(
            name, namespace=e.namespace, app=APP, component=COMPONENT, wave=WAVE_CLIENTS, instance=model.name
        ),
        "spec": {
            "type": "ClusterIP",
            "selector": selector(APP, instance=model.name),
            "ports": [{"name": "http", "port": e.serving.port, "targetPort": "http", "protocol": "TCP"}],
        },
    }


def pdb(e: Environment, model: ServingModel) -> dict[str, Any]:
    name = names.model_server(model.name)
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": metadata(
            name, namespace=e.namespace, app=APP, component=COMPONENT, wave=WAVE_CLIENTS, instance=model.name
        ),
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector(APP, instance=model.name)}},
    }


def serving(e: Environment) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for model in e.serving.models:
        out.append(deployment(e, model))
        out.append(service(e, model))
        if model.replicas > 1:
            out.append(pdb(e, model))
    return out
