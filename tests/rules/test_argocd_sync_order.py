"""argocd-sync-order: consumers applied before their producers, hooks before what they need."""

from __future__ import annotations

from typing import Any

import yaml

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import argocd_sync_order as rule
from generator.validate.rules import documentation

WAVE = "argocd.argoproj.io/sync-wave"


def _meta(name: str, wave: int | None = None, **ann: str) -> dict[str, Any]:
    annotations = dict(ann)
    if wave is not None:
        annotations[WAVE] = str(wave)
    meta: dict[str, Any] = {"name": name, "namespace": "ml"}
    if annotations:
        meta["annotations"] = annotations
    return meta


def _external_secret(name: str, wave: int | None = None, target: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"target": {"name": target}} if target else {}
    return {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": _meta(name, wave),
        "spec": spec,
    }


def _statefulset(
    name: str, wave: int | None = None, secret: str = "db", labels: dict[str, str] | None = None
) -> dict[str, Any]:
    container = {
        "name": name,
        "image": "postgres:16.4",
        "env": [{"name": "PGPASSWORD", "valueFrom": {"secretKeyRef": {"name": secret, "key": "password"}}}],
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": _meta(name, wave),
        "spec": {"template": {"metadata": {"labels": labels or {"app": name}}, "spec": {"containers": [container]}}},
    }


def _service(name: str, selector: dict[str, str], wave: int | None = None) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _meta(name, wave),
        "spec": {"selector": selector, "ports": [{"port": 5432}]},
    }


def _job(name: str, wave: int, env: list[dict[str, Any]], hook: bool = True, sa: str | None = None) -> dict[str, Any]:
    ann = {"argocd.argoproj.io/hook": "Sync"} if hook else {}
    pod: dict[str, Any] = {"containers": [{"name": "c", "image": "x:1", "env": env}], "restartPolicy": "Never"}
    if sa:
        pod["serviceAccountName"] = sa
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": _meta(name, wave, **ann),
        "spec": {"template": {"metadata": {"labels": {"app": name}}, "spec": pod}},
    }


def _findings(objects: list[dict[str, Any]]) -> dict[str, list[Finding]]:
    ctx = Context.from_objects(objects, namespace="ml")
    out: dict[str, list[Finding]] = {}
    for res in ctx.resources:
        if rule.KINDS is None or res.kind in rule.KINDS:
            found = list(rule.check(ctx, res))
            if found:
                out[f"{res.kind}/{res.name}"] = found
    return out


def test_fires_when_external_secret_lands_after_its_consumer_in_the_same_wave() -> None:
    # Same wave 0: ExternalSecret is a custom kind, so Argo CD applies it after the StatefulSet.
    found = _findings([_external_secret("db", wave=0), _statefulset("postgres")])
    assert list(found) == ["StatefulSet/postgres"]
    (finding,) = found["StatefulSet/postgres"]
    assert "Secret ml/db" in finding.message and "ExternalSecret" in finding.message
    assert finding.path == "/spec/template/spec/containers/0/env/0/valueFrom/secretKeyRef/name"


def test_fires_when_hook_shares_the_step_of_its_secret_even_if_applied_first() -> None:
    # The Secret sorts before the Job in wave 1, but a hook needs its inputs in an earlier step.
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": _meta("db", 1)}
    env = [{"name": "P", "valueFrom": {"secretKeyRef": {"name": "db", "key": "p"}}}]
    found = _findings([secret, _job("migrate", 1, env)])
    assert "same step" in found["Job/migrate"][0].message


def test_fires_for_target_name_of_external_secret_in_a_later_wave() -> None:
    found = _findings([_external_secret("creds", 3, target="db"), _statefulset("postgres", 0)])
    assert "made by ExternalSecret creds" in found["StatefulSet/postgres"][0].message


def test_passes_when_the_secret_producer_is_in_an_earlier_wave() -> None:
    assert _findings([_external_secret("db", -1), _statefulset("postgres", 0)]) == {}


def test_passes_for_a_plain_secret_in_the_same_wave() -> None:
    # Secret sorts before StatefulSet in the kind order and exists as soon as it is applied.
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": _meta("db"), "type": "Opaque"}
    assert _findings([secret, _statefulset("postgres")]) == {}


def test_fires_when_hook_needs_service_whose_pods_start_in_the_same_wave() -> None:
    env = [{"name": "DB_HOST", "value": "postgres"}]
    objects = [
        _external_secret("db", -1),
        _statefulset("postgres", 1),
        _service("postgres", {"app": "postgres"}, 0),
        _job("migrate", 1, env),
    ]
    found = _findings(objects)
    assert list(found) == ["Job/migrate"]
    assert "StatefulSet postgres" in found["Job/migrate"][0].message


def test_passes_when_hook_runs_after_the_database_wave() -> None:
    env = [{"name": "DB_URI", "value": "postgresql://u:p@postgres.ml.svc:5432/db"}]
    objects = [
        _external_secret("db", -1),
        _statefulset("postgres", 0),
        _service("postgres", {"app": "postgres"}, 0),
        _job("migrate", 1, env),
    ]
    assert _findings(objects) == {}


def test_fires_when_hook_service_account_arrives_in_its_own_wave() -> None:
    sa = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta("migrate", 1)}
    found = _findings([sa, _job("migrate", 1, [], sa="migrate")])
    assert "ServiceAccount ml/migrate" in found["Job/migrate"][0].message


def test_fires_when_network_policy_for_the_pods_comes_later() -> None:
    policy = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": _meta("allow-migrate", 2),
        "spec": {"podSelector": {"matchLabels": {"app": "migrate"}}, "policyTypes": ["Egress"]},
    }
    found = _findings([policy, _job("migrate", 1, [])])
    assert "NetworkPolicy ml/allow-migrate" in found["Job/migrate"][0].message


def test_passes_when_network_policy_selects_other_pods() -> None:
    policy = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": _meta("allow-web", 2),
        "spec": {"podSelector": {"matchLabels": {"app": "web"}}},
    }
    assert _findings([policy, _job("migrate", 1, [])]) == {}


def test_fires_on_a_sync_wave_that_is_not_an_integer() -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta("c", None, **{WAVE: "early"})}
    found = _findings([cm])
    assert "not an integer" in found["ConfigMap/c"][0].message


def test_passes_for_a_deployment_naming_a_service_it_backs_itself() -> None:
    # The MLflow server's own Service is not a dependency of the MLflow server.
    dep = _statefulset("mlflow", 2, secret="s", labels={"app": "mlflow"})
    dep["spec"]["template"]["spec"]["containers"][0]["args"] = ["--host", "mlflow:5000"]
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": _meta("s", 0)}
    assert _findings([secret, dep, _service("mlflow", {"app": "mlflow"}, 2)]) == {}


def test_fires_on_a_pre_sync_hook_needing_a_secret_of_the_sync_phase() -> None:
    # PreSync runs before every Sync-phase wave, however early: the Secret does not exist yet.
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": _meta("db", -10)}
    job = _job("migrate", 0, [{"name": "P", "valueFrom": {"secretKeyRef": {"name": "db", "key": "p"}}}])
    job["metadata"]["annotations"]["argocd.argoproj.io/hook"] = "PreSync"
    found = _findings([secret, job])
    assert "PreSync wave 0" in found["Job/migrate"][0].message and "Sync wave -10" in found["Job/migrate"][0].message


def _doc_example(label: str) -> list[dict[str, Any]]:
    lines = documentation(rule).splitlines()
    start = lines.index(label)
    block = []
    for line in lines[start + 1 :]:
        if line.strip() and not line.startswith("    "):
            break
        block.append(line[4:])
    return [d for d in yaml.safe_load_all("\n".join(block)) if d]


def test_docstring_fail_example_fires_and_pass_example_passes() -> None:
    assert _findings(_doc_example("FAIL:")) != {}
    assert _findings(_doc_example("PASS:")) == {}


def test_passes_on_plain_manifests_that_argo_cd_does_not_sync() -> None:
    """The same hazard without any Argo CD context (no argocd annotation, no Application, no environment
    profile): kubectl applies everything at once and the controllers retry, so nothing is reported."""
    assert _findings([_external_secret("db"), _statefulset("postgres")]) == {}


def test_fires_in_an_environment_profile_or_next_to_an_application() -> None:
    objects = [_external_secret("db"), _statefulset("postgres")]
    ctx = Context.from_objects(objects, namespace="ml", profile="prod")
    assert [f for res in ctx.resources for f in rule.check(ctx, res)]
    app = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "ml"}, "spec": {}}
    assert list(_findings([*objects, app])) == ["StatefulSet/postgres"]


def test_default_severity_is_a_warning() -> None:
    assert rule.SEVERITY.value == "warning"
