"""Model serving: per ``serving.models`` entry a Deployment running ``mlflow models serve`` and a Service.
Models are fetched through the tracking server (``models:/`` URIs), so the pods need no S3 credentials.

On a fresh cluster no model version is registered yet: ``mlflow models serve`` would exit with
RESOURCE_DOES_NOT_EXIST, crash-loop and, after the progress deadline, turn its Deployment (and so the
Application) Degraded (gitops-engine ``pkg/health/health_deployment.go``). Three things prevent that:

- serving sits in the last sync wave, which holds no hook, so Argo CD does not wait for its health
  (gitops-engine ``pkg/sync/sync_context.go``: the final wave of non-hooks succeeds "EVEN if those objects
  subsequently degraded");
- an init container ``wait-for-model`` polls the registry (``mlflow.models.get_model_info``) until the URI
  resolves, so the server starts only once a version (or the alias) exists, and never crash-loops;
- ``progressDeadlineSeconds`` is 2147483647, which the Deployment controller treats as "no deadline"
  (kubernetes pkg/controller/deployment/util/deployment_util.go ``HasProgressDeadline``), so a
  Deployment waiting for its model stays Progressing instead of going Degraded.
"""

from __future__ import annotations

from typing import Any

from generator.config.model import Environment, ServingModel
from generator.platform import auth, names
from generator.platform.common import (
    NON_ROOT_UID,
    WAVE_LAST,
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
WAIT_CONTAINER = "wait-for-model"
NO_PROGRESS_DEADLINE = 2147483647  # math.MaxInt32: the Deployment controller never reports a deadline
# Polls the registry until the model URI resolves (an alias set, a version registered); logs why it waits.
WAIT_SCRIPT = """\
import sys, time
import mlflow
uri = sys.argv[1]
while True:
    try:
        mlflow.models.get_model_info(uri)
        print(f"{uri} is registered", flush=True)
        break
    except Exception as exc:
        print(f"waiting for {uri}: {exc}", flush=True)
        time.sleep(30)
"""


def wait_container(e: Environment, model: ServingModel) -> dict[str, Any]:
    """The init container that holds the pod until ``model.model_uri`` resolves in the registry."""
    return {
        "name": WAIT_CONTAINER,
        "image": e.serving.image,
        "imagePullPolicy": "IfNotPresent",
        "command": ["python", "-c", WAIT_SCRIPT, model.model_uri],
        "env": [env("MLFLOW_TRACKING_URI", names.mlflow_service_url()), env("HOME", "/tmp")],
        "resources": resources(model.resources),
        "securityContext": container_security(NON_ROOT_UID),
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }


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
            name, namespace=e.namespace, app=APP, component=COMPONENT, wave=WAVE_LAST, instance=model.name
        ),
        "spec": {
            "replicas": model.replicas,
            "progressDeadlineSeconds": NO_PROGRESS_DEADLINE,
            "selector": {"matchLabels": sel},
            "template": {
                "metadata": {"labels": labels(APP, COMPONENT, instance=model.name)},
                "spec": {
                    "serviceAccountName": name,
                    "automountServiceAccountToken": False,
                    "enableServiceLinks": False,
                    "securityContext": pod_security(NON_ROOT_UID),
                    "topologySpreadConstraints": spread,
                    "initContainers": [wait_container(e, model)],
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
            name, namespace=e.namespace, app=APP, component=COMPONENT, wave=WAVE_LAST, instance=model.name
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
            name, namespace=e.namespace, app=APP, component=COMPONENT, wave=WAVE_LAST, instance=model.name
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
