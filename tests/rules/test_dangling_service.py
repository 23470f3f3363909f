"""dangling-service: a Service whose selector matches no pod template in its namespace."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from generator.validate.context import Context
from generator.validate.model import Finding, Resource
from generator.validate.rules import dangling_service as rule
from generator.validate.rules import documentation


def _run(text: str) -> list[tuple[Resource, Finding]]:
    ctx = Context.from_objects([d for d in yaml.safe_load_all(textwrap.dedent(text)) if d], namespace="ml")
    return [(r, f) for r in ctx.resources if rule.KINDS is None or r.kind in rule.KINDS for f in rule.check(ctx, r)]


DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: mlflow, namespace: ml}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/name: mlflow, tier: web}}
    spec: {containers: [{name: mlflow, image: "mlflow:2.10.0"}]}
"""


def _service(selector: str, namespace: str = "ml", extra: str = "") -> str:
    return f"""
---
apiVersion: v1
kind: Service
metadata: {{name: mlflow, namespace: {namespace}}}
spec:
  selector: {selector}
  ports: [{{port: 5000}}]
{extra}"""


def test_fires_when_no_template_carries_the_selector_labels() -> None:
    found = _run(DEPLOYMENT + _service("{app: mlflow-server}"))
    assert [(r.name, f.path) for r, f in found] == [("mlflow", "/spec/selector")]
    assert "app=mlflow-server" in found[0][1].message


def test_fires_when_only_part_of_the_selector_matches() -> None:
    found = _run(DEPLOYMENT + _service("{app.kubernetes.io/name: mlflow, tier: api}"))
    assert len(found) == 1


def test_fires_when_the_matching_template_is_in_another_namespace() -> None:
    found = _run(DEPLOYMENT + _service("{app.kubernetes.io/name: mlflow}", namespace="other"))
    assert len(found) == 1 and "namespace other" in found[0][1].message


def test_passes_when_a_template_matches_every_selector_label() -> None:
    assert _run(DEPLOYMENT + _service("{app.kubernetes.io/name: mlflow, tier: web}")) == []


def test_passes_for_a_cronjob_or_statefulset_template() -> None:
    cronjob = """
apiVersion: batch/v1
kind: CronJob
metadata: {name: train}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: train}}
        spec: {containers: [{name: t, image: "t:1"}]}
"""
    assert _run(cronjob + _service("{app: train}")) == []


def test_passes_without_selector_and_for_external_name() -> None:
    text = """
apiVersion: v1
kind: Service
metadata: {name: manual}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: ext}
spec: {type: ExternalName, externalName: db.example.com, selector: {app: nothing}}
"""
    assert _run(text) == []


def _doc_example(label: str) -> str:
    doc = documentation(rule)
    block = doc.split(f"{label}:", 1)[1].split("FAIL:", 1)[0] if label == "PASS" else doc.split("FAIL:", 1)[1]
    return textwrap.dedent(block)


def test_docstring_pass_example_passes_and_fail_example_fires() -> None:
    assert _run(_doc_example("PASS")) == []
    assert len(_run(_doc_example("FAIL"))) == 1


def _rollout(api_version: str, spec: str) -> str:
    return f"""
---
apiVersion: {api_version}
kind: Rollout
metadata: {{name: mlflow, namespace: ml}}
spec:
{spec}
"""


ROLLOUT_TEMPLATE = """\
  strategy: {canary: {}}
  template:
    metadata: {labels: {app: canary}}
    spec: {containers: [{name: mlflow, image: "mlflow:2.10.0"}]}
"""


def test_an_argo_rollout_s_template_is_a_pod_template() -> None:
    # argoproj/argo-rollouts pkg/apis/rollouts/v1alpha1/types.go: RolloutSpec.Template is a PodTemplateSpec
    assert _run(_rollout("argoproj.io/v1alpha1", ROLLOUT_TEMPLATE) + _service("{app: canary}")) == []


def test_another_group_s_rollout_has_no_pod_template() -> None:
    found = _run(_rollout("rollouts.kruise.io/v1beta1", ROLLOUT_TEMPLATE) + _service("{app: canary}"))
    assert [(r.kind, f.path) for r, f in found] == [("Service", "/spec/selector")]


def test_a_rollout_with_a_workload_ref_takes_the_deployment_s_template() -> None:
    ref = "  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: mlflow}\n"
    found = _run(DEPLOYMENT + _rollout("argoproj.io/v1alpha1", ref) + _service("{app.kubernetes.io/name: mlflow}"))
    assert found == []
    alone = _run(_rollout("argoproj.io/v1alpha1", ref) + _service("{app.kubernetes.io/name: mlflow}"))
    assert [r.kind for r, _ in alone] == ["Service"]  # the Rollout itself has no template


def test_a_replication_controller_s_template_is_a_pod_template() -> None:
    # kubernetes staging/src/k8s.io/api/core/v1/types.go: ReplicationControllerSpec.Template *PodTemplateSpec
    rc = """
---
apiVersion: v1
kind: ReplicationController
metadata: {name: redis, namespace: ml}
spec:
  selector: {app: redis}
  template:
    metadata: {labels: {app: redis}}
    spec: {containers: [{name: redis, image: "redis:7.2"}]}
"""
    assert _run(rc + _service("{app: redis}")) == []
    assert [r.kind for r, _ in _run(rc + _service("{app: cache}"))] == ["Service"]


def _statefulset(extra: str = "  replicas: 3\n") -> str:
    return f"""
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: redis, namespace: ml}}
spec:
{extra}  serviceName: redis
  selector: {{matchLabels: {{app: redis}}}}
  template:
    metadata: {{labels: {{app: redis}}}}
    spec: {{containers: [{{name: redis, image: "redis:7.2"}}]}}
"""


@pytest.mark.parametrize(
    ("selector", "extra", "dangling"),
    [
        ("{app: redis, statefulset.kubernetes.io/pod-name: redis-0}", "  replicas: 3\n", False),
        ("{statefulset.kubernetes.io/pod-name: redis-2}", "  replicas: 3\n", False),
        ("{statefulset.kubernetes.io/pod-name: redis-3}", "  replicas: 3\n", True),  # ordinals 0..2
        ("{statefulset.kubernetes.io/pod-name: redis-02}", "  replicas: 3\n", True),  # not a pod name
        ("{statefulset.kubernetes.io/pod-name: cache-0}", "  replicas: 3\n", True),  # another set's pod
        ("{app: cache, statefulset.kubernetes.io/pod-name: redis-0}", "  replicas: 3\n", True),
        ("{apps.kubernetes.io/pod-index: '1'}", "  replicas: 3\n", False),
        ("{statefulset.kubernetes.io/pod-name: redis-1, apps.kubernetes.io/pod-index: '2'}", "  replicas: 3\n", True),
        ("{statefulset.kubernetes.io/pod-name: redis-6}", "  replicas: 2\n  ordinals: {start: 5}\n", False),
        ("{statefulset.kubernetes.io/pod-name: redis-4}", "  replicas: 2\n  ordinals: {start: 5}\n", True),
        ("{statefulset.kubernetes.io/pod-name: redis-9}", "", False),  # no replicas: an autoscaler's
    ],
)
def test_the_statefulset_controller_s_pod_labels_select_its_pods(selector: str, extra: str, dangling: bool) -> None:
    # kubernetes pkg/controller/statefulset/stateful_set_utils.go (updateIdentity, podInOrdinalRange)
    found = _run(_statefulset(extra) + _service(selector))
    assert [r.kind for r, _ in found] == (["Service"] if dangling else [])


def _job(extra: str = "", labels: str = "") -> str:
    return f"""
apiVersion: batch/v1
kind: Job
metadata: {{name: workers, namespace: ml}}
spec:
  completionMode: Indexed
  completions: 3
{extra}  template:
    metadata: {{labels: {{{labels}}}}}
    spec:
      subdomain: workers
      restartPolicy: Never
      containers: [{{name: worker, image: "busybox:1.36"}}]
"""


@pytest.mark.parametrize(
    ("selector", "extra", "labels", "dangling"),
    [
        ("{job-name: workers}", "", "", False),
        ("{batch.kubernetes.io/job-name: workers}", "", "", False),
        ("{job-name: workers, app: w}", "", "app: w", False),
        ("{job-name: other}", "", "", True),  # another Job's pods
        ("{job-name: workers}", "  manualSelector: true\n  selector: {matchLabels: {app: w}}\n", "app: w", True),
        ("{job-name: mine}", "", "job-name: mine", False),  # the template's own value stands
        ("{job-name: workers}", "", "job-name: mine", True),
    ],
)
def test_the_labels_the_api_server_adds_to_a_job_select_its_pods(
    selector: str, extra: str, labels: str, dangling: bool
) -> None:
    # kubernetes pkg/registry/batch/job/strategy.go (generateSelector); kubernetes-engine-samples'
    # ai-ml/mix-train-and-inference headless Service selects job-name
    found = _run(_job(extra, labels) + _service(selector))
    assert bool(found) is dangling, [f.message for _, f in found]


def test_the_job_name_labels_are_those_of_batch_jobs_only() -> None:
    other = _job().replace("apiVersion: batch/v1", "apiVersion: example.com/v1")
    assert _run(other + _service("{job-name: workers}"))  # not a batch Job: no labels added


# zalando/postgres-operator manifests/minimal-master-replica-svcmonitor.yaml: metrics Services per role
ZALANDO = """
apiVersion: acid.zalan.do/v1
kind: postgresql
metadata: {name: acid-minimal-cluster, namespace: ml}
spec:
  teamId: acid
  numberOfInstances: 2
  postgresql: {version: "17"}
  volume: {size: 1Gi}
"""


@pytest.mark.parametrize(
    ("selector", "dangling"),
    [
        ("{application: spilo, cluster-name: acid-minimal-cluster, spilo-role: master}", False),
        ("{application: spilo, cluster-name: acid-minimal-cluster, spilo-role: replica}", False),
        ("{application: spilo, cluster-name: acid-minimal-cluster, team: acid}", False),
        ("{application: spilo, cluster-name: other-cluster}", True),
        ("{application: spilo, cluster-name: acid-minimal-cluster, team: other}", True),
        ("{app: postgres, cluster-name: acid-minimal-cluster}", True),
    ],
)
def test_the_pods_zalandos_operator_makes_for_a_postgresql_passes_or_fires(selector: str, dangling: bool) -> None:
    found = _run(ZALANDO + _service(selector))
    assert bool(found) is dangling
