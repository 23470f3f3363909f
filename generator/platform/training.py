"""Training: a CronJob on the configured schedule and a one-off smoke Job, both logging to the in-cluster
tracking server (no S3 credentials: artifacts go through the server's proxy).

The one-off Job is an Argo CD Sync hook (wave 3, recreated on each sync): a plain Job with
``ttlSecondsAfterFinished`` would be deleted by the TTL controller and re-created by self-heal, re-running
training forever; a hook is not part of the compared state.
"""

from __future__ import annotations

from typing import Any

from generator.config.model import Environment
from generator.platform import auth, names
from generator.platform.common import (
    NON_ROOT_UID,
    WAVE_CLIENTS,
    container_security,
    empty_dir,
    env,
    hook_annotations,
    labels,
    metadata,
    pod_security,
    resources,
)

APP = names.TRAINING
COMPONENT = "training"


def _job_spec(e: Environment) -> dict[str, Any]:
    tr = e.training
    container = {
        "name": "train",
        "image": tr.image,
        "imagePullPolicy": "IfNotPresent",
        "command": list(tr.command),
        "env": [
            env("MLFLOW_TRACKING_URI", names.mlflow_service_url()),
            env("MLFLOW_EXPERIMENT_NAME", tr.experiment),
            env("HOME", "/tmp"),
            *auth.client_env(e, "training"),
        ],
        "resources": resources(tr.resources),
        "securityContext": container_security(NON_ROOT_UID),
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }
    return {
        "backoffLimit": tr.backoff_limit,
        "activeDeadlineSeconds": tr.active_deadline_seconds,
        "ttlSecondsAfterFinished": tr.ttl_seconds_after_finished,
        "template": {
            "metadata": {"labels": labels(APP, COMPONENT)},
            "spec": {
                "restartPolicy": "Never",
                "serviceAccountName": names.TRAINING,
                "automountServiceAccountToken": False,
                "enableServiceLinks": False,
                "securityContext": pod_security(NON_ROOT_UID),
                "containers": [container],
                "volumes": [empty_dir("tmp", size="2Gi")],
            },
        },
    }


def cronjob(e: Environment) -> dict[str, Any]:
    tr = e.training
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": metadata(APP, namespace=e.namespace, app=APP, component=COMPONENT, wave=WAVE_CLIENTS),
        "spec": {
            "schedule": tr.schedule,
            "concurrencyPolicy": "Forbid",
            "startingDeadlineSeconds": tr.starting_deadline_seconds,
            "successfulJobsHistoryLimit": tr.successful_jobs_history_limit,
            "failedJobsHistoryLimit": tr.failed_jobs_history_limit,
            "jobTemplate": {"metadata": {"labels": labels(APP, COMPONENT)}, "spec": _job_spec(e)},
        },
    }


def job(e: Environment) -> dict[str, Any]:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": metadata(
            names.TRAINING_JOB,
            namespace=e.namespace,
            app=APP,
            component=COMPONENT,
            wave=WAVE_CLIENTS,
            annotations=hook_annotations(),
        ),
        "spec": _job_spec(e),
    }


def training(e: Environment) -> list[dict[str, Any]]:
    if not e.training.enabled:
        return []
    return [job(e), cronjob(e)]
