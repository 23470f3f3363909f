"""The pod template of a workload (generator/models/k8s.py ``pod_template``): its labels as strings, the
object's own labels dict when they already are (no copy per workload)."""

from __future__ import annotations

from typing import Any

from generator.models.k8s import pod_template
from generator.validate.model import Resource


def _deployment(labels: dict[str, Any]) -> Resource:
    template = {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "app", "image": "x:1"}]}}
    return Resource({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"template": template}}, "d.yaml")


def test_string_labels_are_the_objects_own_dict() -> None:
    res = _deployment({"app": "web", "tier": "api"})
    tmpl = pod_template(res)
    assert tmpl is not None
    assert tmpl.labels is res.obj["spec"]["template"]["metadata"]["labels"]
    assert tmpl.path == ("spec", "template", "spec")


def test_other_label_values_become_strings_in_a_copy() -> None:
    labels: dict[str, Any] = {"app": "web", "version": 2, "canary": True}
    res = _deployment(labels)
    tmpl = pod_template(res)
    assert tmpl is not None
    assert tmpl.labels == {"app": "web", "version": "2", "canary": "True"}
    assert labels == {"app": "web", "version": 2, "canary": True}  # the loaded object is left as it was


def test_a_pod_and_a_cronjob() -> None:
    pod = Resource({"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": {"a": "b"}}, "spec": {}}, "p.yaml")
    tmpl = pod_template(pod)
    assert tmpl is not None and tmpl.labels == {"a": "b"} and tmpl.path == ("spec",)
    job_tmpl = {"metadata": {"labels": {1: "x"}}, "spec": {}}
    cron = Resource(
        {"apiVersion": "batch/v1", "kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": job_tmpl}}}},
        "c.yaml",
    )
    tmpl = pod_template(cron)
    assert tmpl is not None and tmpl.labels == {"1": "x"}
    assert tmpl.path == ("spec", "jobTemplate", "spec", "template", "spec")
    no_labels = pod_template(_deployment({}))
    assert no_labels is not None and no_labels.labels == {}
