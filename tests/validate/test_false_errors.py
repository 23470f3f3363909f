"""Regression tests for the false errors found on real repositories (issue 12, "Why"): each case was an
error before and must pass now; each has a firing twin so the rule is still alive."""

from __future__ import annotations

import textwrap
from typing import Any

import yaml

from generator.validate.context import Context, ExternalObject
from generator.validate.model import Finding
from generator.validate.rules import RULES


def _run(rule_id: str, text: str, **kw: Any) -> list[Finding]:
    ctx = Context.from_objects([d for d in yaml.safe_load_all(textwrap.dedent(text)) if d], **kw)
    rule = RULES[rule_id]
    return [f for r in ctx.resources if rule.KINDS is None or r.kind in rule.KINDS for f in rule.check(ctx, r)]


# ------------------------------------------------------------------ network-blocked: Prometheus in the set

EXPORTER = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: exporter, namespace: monitoring}
spec:
  selector: {matchLabels: {app: exporter}}
  template:
    metadata: {labels: {app: exporter}}
    spec: {containers: [{name: e, image: "e:1", ports: [{name: metrics, containerPort: 9100}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: exporter, namespace: monitoring, labels: {app: exporter}}
spec: {selector: {app: exporter}, ports: [{name: metrics, port: 9100, targetPort: metrics}]}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: exporter, namespace: monitoring, labels: {team: obs}}
spec:
  selector: {matchLabels: {app: exporter}}
  endpoints: [{port: metrics}]
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec:
  serviceMonitorSelector: {matchLabels: {team: obs}}
  podMetadata: {labels: {scraper: "yes"}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: exporter, namespace: monitoring}
spec:
  podSelector: {matchLabels: {app: exporter}}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: {matchLabels: {FROM}}}]
      ports: [{port: 9100}]
"""


def test_passes_network_blocked_with_prometheus_in_the_same_namespace() -> None:
    # the policy admits only same-namespace pods labelled by the operator: was "from other namespaces" error
    assert _run("network-blocked", EXPORTER.replace("FROM", "app.kubernetes.io/name: prometheus")) == []


def test_passes_network_blocked_when_prometheus_labels_come_from_pod_metadata() -> None:
    assert _run("network-blocked", EXPORTER.replace("FROM", 'scraper: "yes"')) == []


def test_fires_network_blocked_when_the_policy_admits_other_pods_than_prometheus() -> None:
    [finding] = _run("network-blocked", EXPORTER.replace("FROM", "app: grafana"))
    assert "Prometheus monitoring/k8s" in finding.message and finding.path == "/spec/endpoints/0/port"


def test_fires_network_blocked_the_old_way_when_no_prometheus_of_the_set_selects_the_monitor() -> None:
    # the Prometheus selects team=platform only: Prometheus is assumed to run in another namespace
    text = EXPORTER.replace("FROM", "app.kubernetes.io/name: prometheus").replace(
        "serviceMonitorSelector: {matchLabels: {team: obs}}", "serviceMonitorSelector: {matchLabels: {team: x}}"
    )
    [finding] = _run("network-blocked", text)
    assert "from other namespaces" in finding.message


# -------------------------------------------------------------- dangling-service: operator-made pods

OPERATOR_SERVICES = """
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec: {podMetadata: {labels: {team: obs}}}
---
apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata: {name: main, namespace: monitoring}
spec: {}
---
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: pg, namespace: data}
spec: {instances: 3}
---
apiVersion: v1
kind: Service
metadata: {name: prometheus-k8s, namespace: monitoring}
spec: {selector: {app.kubernetes.io/name: prometheus, prometheus: k8s, team: obs}, ports: [{port: 9090}]}
---
apiVersion: v1
kind: Service
metadata: {name: alertmanager-main, namespace: monitoring}
spec: {selector: {alertmanager: main, app.kubernetes.io/name: alertmanager}, ports: [{port: 9093}]}
---
apiVersion: v1
kind: Service
metadata: {name: pg-primary, namespace: data}
spec: {selector: {cnpg.io/cluster: pg, cnpg.io/instanceRole: primary}, ports: [{port: 5432}]}
"""


def test_passes_dangling_service_for_pods_prometheus_operator_and_cnpg_make() -> None:
    assert _run("dangling-service", OPERATOR_SERVICES) == []


def test_fires_dangling_service_when_the_operator_labels_do_not_match() -> None:
    text = OPERATOR_SERVICES.replace("prometheus: k8s", "prometheus: other").replace("cluster: pg,", "cluster: pg2,")
    found = _run("dangling-service", text)
    assert sorted(f.message.split()[1] for f in found) == ["pg-primary", "prometheus-k8s"]


def test_passes_dangling_service_for_external_pods_and_fires_without_them() -> None:
    svc = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {app: made}, ports: [{port: 80}]}\n"
    assert len(_run("dangling-service", svc)) == 1
    pods = ExternalObject("Pod", "", "default", (("app", "made"),), "operator in another repo")
    assert _run("dangling-service", svc, external=frozenset({pods})) == []


# ---------------------------------------------------------- dangling-servicemonitor: cluster Services

KUBELET_MONITOR = """
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: kubelet, namespace: monitoring}
spec:
  namespaceSelector: {matchNames: [kube-system]}
  selector: {matchLabels: {app.kubernetes.io/name: kubelet}}
  endpoints: [{port: https-metrics}]
"""


def test_passes_dangling_servicemonitor_for_a_declared_cluster_service() -> None:
    assert len(_run("dangling-servicemonitor", KUBELET_MONITOR)) == 1
    kubelet = ExternalObject("Service", "kubelet", "kube-system", (("app.kubernetes.io/name", "kubelet"),), "r")
    assert _run("dangling-servicemonitor", KUBELET_MONITOR, external=frozenset({kubelet})) == []
    elsewhere = ExternalObject("Service", "kubelet", "default", (("app.kubernetes.io/name", "kubelet"),), "r")
    assert len(_run("dangling-servicemonitor", KUBELET_MONITOR, external=frozenset({elsewhere}))) == 1


# ----------------------------------------------------------------- secret-in-env: flag names

WEBHOOK = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: cert-manager-webhook}
spec:
  template:
    spec:
      containers:
        - name: webhook
          image: quay.io/jetstack/cert-manager-webhook:v1.16.1
          args: [ARGS]
"""


def test_passes_secret_in_env_on_a_flag_that_names_a_namespace() -> None:
    args = '"--dynamic-serving-ca-secret-namespace=$(POD_NAMESPACE)", "--webhook-secret-namespace=cert-manager"'
    assert _run("secret-in-env", WEBHOOK.replace("ARGS", args)) == []
    assert _run("secret-in-env", WEBHOOK.replace("ARGS", '"--webhook-secret-namespace", "cert-manager"')) == []


def test_fires_secret_in_env_on_a_flag_that_is_a_secret() -> None:
    assert len(_run("secret-in-env", WEBHOOK.replace("ARGS", '"--webhook-secret=hunter2"'))) == 1


# ---------------------------------------------------------- missing-reference: sibling objects

CONSUMER = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: ml}
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1.0
          envFrom: [{configMapRef: {name: shared-settings}}]
"""


def test_passes_missing_reference_for_an_object_a_sibling_provides() -> None:
    assert len(_run("missing-reference", CONSUMER)) == 1
    sibling = ExternalObject("ConfigMap", "shared-settings", "ml", (), "defined in sibling base")
    assert _run("missing-reference", CONSUMER, external=frozenset({sibling})) == []


# ------------------------------------------------------- argocd-sync-order: plain manifests

PLAIN = """
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db, namespace: ml}
spec: {target: {name: db}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: ml}
spec:
  template:
    spec:
      containers:
        - {name: api, image: "api:1", env: [{name: P, valueFrom: {secretKeyRef: {name: db, key: p}}}]}
"""


def test_passes_argocd_sync_order_on_plain_manifests() -> None:
    assert _run("argocd-sync-order", PLAIN) == []


def test_fires_argocd_sync_order_as_a_warning_only_with_an_argocd_context() -> None:
    annotated = PLAIN.replace("{name: api, namespace: ml}", "{name: api, namespace: ml, annotations: X}")
    annotated = annotated.replace("X", '{argocd.argoproj.io/sync-wave: "0"}')
    assert len(_run("argocd-sync-order", annotated)) == 1
    assert RULES["argocd-sync-order"].SEVERITY.value == "warning"


# ------------------------------------------- dangling-service / dangling-ingress: a MinIO Tenant's objects


def _tenant(tls: str = "") -> str:
    return f"""
apiVersion: minio.min.io/v2
kind: Tenant
metadata: {{name: myminio, namespace: s3}}
spec:
  {tls}
  pools: [{{name: pool-0, servers: 4, volumesPerServer: 2, labels: {{zone: a}}}}]
"""


def _tenant_service(selector: str) -> str:
    return f"""
---
apiVersion: v1
kind: Service
metadata: {{name: minio-nodeport, namespace: s3}}
spec:
  selector: {selector}
  ports: [{{name: http-minio, port: 80, targetPort: 9000}}]
"""


def _tenant_ingress(service: str, port: int) -> str:
    return f"""
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: s3, namespace: s3}}
spec:
  rules:
    - host: s3.example.com
      http:
        paths: [{{path: /, pathType: Prefix, backend: {{service: {{name: {service}, port: {{number: {port}}}}}}}}}]
"""


def test_passes_a_service_selecting_the_pods_the_minio_operator_makes() -> None:
    # minio/operator pkg/resources/statefulsets/minio-statefulset.go PodMetadata: v1.min.io/tenant, the pool
    assert _run("dangling-service", _tenant() + _tenant_service("{v1.min.io/tenant: myminio}")) == []
    assert _run("dangling-service", _tenant() + _tenant_service("{v1.min.io/tenant: myminio, zone: a}")) == []
    assert len(_run("dangling-service", _tenant() + _tenant_service("{v1.min.io/tenant: other}"))) == 1
    assert len(_run("dangling-service", _tenant_service("{v1.min.io/tenant: myminio}"))) == 1


def test_passes_an_ingress_to_the_services_the_minio_operator_makes() -> None:
    # pkg/resources/services/service.go: "minio" and "<tenant>-console", TLS unless requestAutoCert: false
    plain = _tenant("requestAutoCert: false")
    assert _run("dangling-ingress", plain + _tenant_ingress("minio", 80)) == []
    assert _run("dangling-ingress", plain + _tenant_ingress("myminio-console", 9090)) == []
    assert _run("dangling-ingress", _tenant() + _tenant_ingress("minio", 443)) == []
    assert _run("dangling-ingress", _tenant() + _tenant_ingress("myminio-console", 9443)) == []
    [wrong_port] = _run("dangling-ingress", _tenant() + _tenant_ingress("minio", 80))
    assert "has no port number 80 (it has: 443, https-minio)" in wrong_port.message
    assert len(_run("dangling-ingress", plain + _tenant_ingress("myminio-ui", 9090))) == 1
    assert len(_run("dangling-ingress", _tenant_ingress("minio", 80))) == 1


# ------------------------------------------------ dangling-service: programs that label their own pod


def _self_labelling(image: str, argv: str, selector: str) -> str:
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: controller, namespace: system}}
spec:
  selector: {{matchLabels: {{app: controller}}}}
  template:
    metadata: {{labels: {{app: controller}}}}
    spec:
      containers: [{{name: c, image: {image}, {argv}}}]
---
apiVersion: v1
kind: Service
metadata: {{name: controller, namespace: system}}
spec:
  selector: {selector}
  ports: [{{port: 4221}}]
"""


def test_passes_a_service_selecting_the_label_the_minio_operator_leader_gives_itself() -> None:
    # minio/operator pkg/controller/main-controller.go: OnNewLeader patches operator=leader onto its pod
    leader = "{app: controller, operator: leader}"
    assert _run("dangling-service", _self_labelling("minio/operator:v7.1.1", "args: [controller]", leader)) == []
    image = "quay.io/minio/operator:v7.1.1@sha256:0123"
    assert _run("dangling-service", _self_labelling(image, "args: [controller]", leader)) == []
    # another image, or the operator's other subcommands, label nothing
    assert len(_run("dangling-service", _self_labelling("nginx:1.27", "args: [controller]", leader))) == 1
    assert len(_run("dangling-service", _self_labelling("minio/operator:v7.1.1", "args: [sidecar]", leader))) == 1
    assert len(_run("dangling-service", _self_labelling("minio/operator:v7.1.1", "args: [controller]", "{x: y}"))) == 1


def test_passes_services_selecting_the_labels_longhorn_manager_gives_itself() -> None:
    # longhorn/longhorn-manager app/daemon.go startManager: AddLabelToManagerPod after the webhook and the
    # recovery backend start
    argv = "command: [longhorn-manager, -d, daemon, --engine-image, e]"
    image = "longhornio/longhorn-manager:v1.9.1"
    for selector in (
        "{longhorn.io/admission-webhook: longhorn-admission-webhook}",
        "{longhorn.io/recovery-backend: longhorn-recovery-backend}",
    ):
        assert _run("dangling-service", _self_labelling(image, argv, selector)) == []
    waiting = "command: [sh, -c, 'until curl http://longhorn-backend:9500; do sleep 2; done']"
    selector = "{longhorn.io/admission-webhook: longhorn-admission-webhook}"
    assert len(_run("dangling-service", _self_labelling(image, waiting, selector))) == 1
