"""The objects the Rook operator makes for a CephCluster, as the cross-resource rules see them (rook/rook
pkg/operator/ceph/cluster/mgr/spec.go, mgr.go, dashboard.go; controller/cluster_info.go; cluster/mon/mon.go).
Found on rook's deploy/examples: the dashboard Services, the dashboard Ingress, the mgr ServiceMonitor and
the toolbox's references were false findings."""

from __future__ import annotations

from typing import Any

from generator.validate.engine import validate_resources
from generator.validate.load import load_text

CLUSTER = """apiVersion: ceph.rook.io/v1
kind: CephCluster
metadata: {name: rook-ceph, namespace: rook-ceph}
spec:
  cephVersion: {image: quay.io/ceph/ceph:v19.2.3}
  dataDirHostPath: /var/lib/rook
  mon: {count: 3}
  dashboard: {enabled: true, ssl: true}
"""

# deploy/examples/dashboard-external-https.yaml
DASHBOARD_SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: rook-ceph-mgr-dashboard-external-https
  namespace: rook-ceph
  labels: {app: rook-ceph-mgr, rook_cluster: rook-ceph}
spec:
  ports: [{name: dashboard, port: 8443, protocol: TCP, targetPort: 8443}]
  selector: {app: rook-ceph-mgr, mgr_role: active, rook_cluster: rook-ceph}
  type: NodePort
"""

# deploy/examples/dashboard-ingress-https.yaml (the backend; its TLS Secret is left out)
DASHBOARD_INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: rook-ceph-mgr-dashboard, namespace: rook-ceph}
spec:
  ingressClassName: nginx
  rules:
    - host: rook-ceph.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: rook-ceph-mgr-dashboard, port: {name: https-dashboard}}}
"""

# deploy/examples/monitoring/service-monitor.yaml
MGR_MONITOR = """apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: rook-ceph-mgr, namespace: rook-ceph}
spec:
  namespaceSelector: {matchNames: [rook-ceph]}
  selector: {matchLabels: {app: rook-ceph-mgr, rook_cluster: rook-ceph}}
  endpoints: [{port: http-metrics, path: /metrics, interval: 10s}]
"""

# deploy/examples/toolbox.yaml, the references
TOOLBOX = """apiVersion: apps/v1
kind: Deployment
metadata: {name: rook-ceph-tools, namespace: rook-ceph}
spec:
  selector: {matchLabels: {app: rook-ceph-tools}}
  template:
    metadata: {labels: {app: rook-ceph-tools}}
    spec:
      containers:
        - name: rook-ceph-tools
          image: quay.io/ceph/ceph:v19.2.3
          env:
            - name: ROOK_CEPH_USERNAME
              valueFrom: {secretKeyRef: {name: rook-ceph-mon, key: ceph-username}}
          volumeMounts: [{name: mon-endpoint-volume, mountPath: /etc/rook}]
      volumes:
        - name: mon-endpoint-volume
          configMap: {name: rook-ceph-mon-endpoints, items: [{key: data, path: mon-endpoints}]}
"""

RULES = ("dangling-service", "dangling-ingress", "dangling-servicemonitor", "missing-reference")


def _found(*docs: str) -> list[tuple[str, str]]:
    resources = load_text("---\n".join(docs), "rook.yaml")
    report = validate_resources(resources, kubernetes_version="1.33", only=frozenset(RULES))
    return sorted((f.rule, f.path) for f in report.findings)


def test_what_the_operator_makes_for_a_ceph_cluster_is_found() -> None:
    assert _found(CLUSTER, DASHBOARD_SERVICE, DASHBOARD_INGRESS, MGR_MONITOR, TOOLBOX) == []


def test_without_the_ceph_cluster_every_reference_dangles() -> None:
    found = _found(DASHBOARD_SERVICE, DASHBOARD_INGRESS, MGR_MONITOR, TOOLBOX)
    assert [rule for rule, _ in found] == [
        "dangling-ingress",
        "dangling-service",
        "dangling-servicemonitor",
        "missing-reference",
        "missing-reference",
    ]


def test_the_dashboard_service_exists_only_when_the_dashboard_is_enabled() -> None:
    disabled = CLUSTER.replace("enabled: true", "enabled: false")
    assert _found(disabled, DASHBOARD_INGRESS) == [
        ("dangling-ingress", "/spec/rules/0/http/paths/0/backend/service/name")
    ]
    # without ssl the port is http-dashboard (mgr/spec.go makeDashboardService)
    plain = CLUSTER.replace("ssl: true", "ssl: false")
    [(rule, path)] = _found(plain, DASHBOARD_INGRESS)
    assert rule == "dangling-ingress" and path.endswith("/port/name")


def test_a_key_the_operator_does_not_write_is_missing() -> None:
    wrong = TOOLBOX.replace("key: ceph-username", "key: admin-password")
    assert _found(CLUSTER, wrong) == [
        ("missing-reference", "/spec/template/spec/containers/0/env/0/valueFrom/secretKeyRef/key")
    ]


def test_a_cluster_of_another_group_makes_nothing() -> None:
    other: Any = CLUSTER.replace("ceph.rook.io/v1", "example.com/v1")
    assert len(_found(other, DASHBOARD_SERVICE)) == 1


# deploy/examples/monitoring/exporter-service-monitor.yaml
EXPORTER_MONITOR = """apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: rook-ceph-exporter, namespace: rook-ceph}
spec:
  namespaceSelector: {matchNames: [rook-ceph]}
  selector: {matchLabels: {app: rook-ceph-exporter, rook_cluster: rook-ceph}}
  endpoints: [{port: ceph-exporter-http-metrics, path: /metrics, interval: 10s}]
"""


def test_the_ceph_exporter_service_is_found_unless_metrics_are_disabled() -> None:
    # rook/rook pkg/operator/ceph/cluster/nodedaemon/reconcile.go createOrUpdateNodeDaemons and
    # exporter.go MakeCephExporterMetricsService: unless spec.monitoring.metricsDisabled, the operator
    # keeps the Service rook-ceph-exporter (controller.AppLabels) with port ceph-exporter-http-metrics.
    # Found on rook's deploy/examples: monitoring/exporter-service-monitor.yaml was a false
    # dangling-servicemonitor error next to cluster.yaml.
    assert _found(CLUSTER, EXPORTER_MONITOR) == []
    disabled = CLUSTER + "  monitoring: {metricsDisabled: true}\n"
    assert _found(disabled, EXPORTER_MONITOR) == [("dangling-servicemonitor", "/spec/selector")]
    wrong_port = EXPORTER_MONITOR.replace("port: ceph-exporter", "port: http-exporter")
    [(rule, _)] = _found(CLUSTER, wrong_port)
    assert rule == "dangling-servicemonitor"
    other_namespace = EXPORTER_MONITOR.replace("rook_cluster: rook-ceph", "rook_cluster: other")
    assert _found(CLUSTER, other_namespace) == [("dangling-servicemonitor", "/spec/selector")]


OBJECT_STORE = """apiVersion: ceph.rook.io/v1
kind: CephObjectStore
metadata: {name: my-store, namespace: rook-ceph}
spec:
  gateway: {port: 80, securePort: 443, instances: 1, service: {labels: {team: storage}}}
"""
RGW_INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: s3, namespace: rook-ceph}
spec:
  rules:
    - host: s3.example.com
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: rook-ceph-rgw-my-store, port: {name: PORT}}}}
"""
RGW_MONITOR = """apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: rgw, namespace: rook-ceph}
spec:
  selector: {matchLabels: {rook_object_store: my-store, team: storage}}
  endpoints: [{port: http}]
"""


def test_the_gateway_service_of_a_ceph_object_store_is_found() -> None:
    """rook/rook pkg/operator/ceph/object/spec.go generateService: rook-ceph-rgw-<name>, ports http and https;
    the store's Ingress (the usual way to publish S3) and a ServiceMonitor on its labels were reported."""
    for port in ("http", "https"):
        assert _found(OBJECT_STORE, RGW_INGRESS.replace("PORT", port), RGW_MONITOR) == []
    # without the store, or on a port it does not open, or another store's name, they dangle
    found = _found(RGW_INGRESS.replace("PORT", "http"), RGW_MONITOR)
    assert [rule for rule, _ in found] == ["dangling-ingress", "dangling-servicemonitor"]
    no_tls = OBJECT_STORE.replace(" securePort: 443,", "")
    assert [rule for rule, _ in _found(no_tls, RGW_INGRESS.replace("PORT", "https"))] == ["dangling-ingress"]
    other = RGW_INGRESS.replace("PORT", "http").replace("rgw-my-store", "rgw-other")
    assert [rule for rule, _ in _found(OBJECT_STORE, other)] == ["dangling-ingress"]
