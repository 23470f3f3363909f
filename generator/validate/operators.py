"""Pods that no manifest templates: operators make them from a custom resource, or the cluster runs them.

A Service selecting the pods of a ``Prometheus`` custom resource has no Deployment to match in the
rendered set, yet its pods exist once the operator reconciles the CR. This module models those pods
explicitly, with the labels each operator's source puts on them, so cross-resource rules
(``dangling-service``, ``network-blocked``) treat them like templated pods:

- prometheus-operator ``Prometheus`` (monitoring.coreos.com): prometheus-operator/prometheus-operator
  pkg/prometheus/server/statefulset.go ``makeStatefulSetSpec``: ``spec.podMetadata.labels`` plus
  ``app.kubernetes.io/name: prometheus``, ``app.kubernetes.io/managed-by: prometheus-operator``,
  ``app.kubernetes.io/instance: <name>``, ``prometheus: <name>``, ``operator.prometheus.io/name: <name>``,
  ``operator.prometheus.io/shard: <n>``; container port ``web`` 9090 (``prompkg.DefaultPortName``).
- ``Alertmanager``: pkg/alertmanager/statefulset.go ``makeStatefulSetSpec``: ``spec.podMetadata.labels``
  plus ``app: alertmanager``, ``app.kubernetes.io/name: alertmanager``, ``app.kubernetes.io/version``,
  ``app.kubernetes.io/managed-by: prometheus-operator``, ``app.kubernetes.io/instance: <name>``,
  ``alertmanager: <name>``; port ``web`` 9093.
- ``ThanosRuler``: pkg/thanos/statefulset.go: ``app.kubernetes.io/name: thanos-ruler``,
  ``app.kubernetes.io/managed-by: prometheus-operator``, ``app.kubernetes.io/instance: <name>``,
  ``thanos-ruler: <name>`` (older releases also ``app: thanos-ruler``).
- CloudNativePG ``Cluster`` (postgresql.cnpg.io): cloudnative-pg/cloudnative-pg
  pkg/utils/labels_annotations.go: ``cnpg.io/cluster: <name>``, ``cnpg.io/podRole: instance``,
  ``cnpg.io/instanceName``, ``cnpg.io/instanceRole`` and the deprecated ``role`` (primary or replica),
  plus ``spec.inheritedMetadata.labels``; a ``Pooler``: ``cnpg.io/poolerName: <name>``,
  ``cnpg.io/podRole: pooler``.
- MinIO ``Tenant`` (minio.min.io): minio/operator pkg/resources/statefulsets/minio-statefulset.go
  ``PodMetadata``: ``spec.poolsMetadata.labels``, each pool's ``labels``, ``v1.min.io/tenant: <name>``
  (``Tenant.MinIOPodLabels``), ``v1.min.io/console: <name>-console`` (``ConsolePodLabels``) and
  ``v1.min.io/pool: <pool>``; container ports ``minio-port`` 9000 and ``console-port`` 9090, 9443 with TLS
  (``poolMinioServerContainer``; TLS is on unless ``requestAutoCert: false`` and no
  ``externalCertSecret``: ``Tenant.TLS``). The Services the operator makes for it are
  :func:`generator.validate.producers.made_services`.

- Rook ``CephCluster`` (ceph.rook.io): its mgr pods, whose Services (``rook-ceph-mgr``, the dashboard's)
  select ``app: rook-ceph-mgr``, ``rook_cluster: <namespace>`` and ``mgr_role: active`` (:data:`ROOK_MGR`
  and below). The mons, OSDs and the pods of CephObjectStore, CephFilesystem and CephNFS are not modelled.
- Zalando postgres-operator ``postgresql`` (acid.zalan.do): zalando/postgres-operator pkg/cluster/util.go
  ``labelsSet``: the operator's ``cluster_labels`` (default ``application: spilo``,
  pkg/util/config/config.go) plus ``cluster_name_label`` (default ``cluster-name``) set to the resource's
  name and ``team: spec.teamId``, for the StatefulSet's pod template (pkg/cluster/k8sres.go,
  ``generateStatefulSet``); Patroni in the Spilo container then labels its pod ``spilo-role`` (the
  ``pod_role_label``, ``master`` or ``replica``, passed as ``KUBERNETES_ROLE_LABEL``). The container ports
  (8008, 5432, 8080: ``generateContainer``) have no names. An operator configured with other labels is
  not modelled: declare its pods as external ``Pod`` objects.

Some programs add a label to their own pod once they run, and the Service that reaches them selects it
(:func:`self_labelled_pods`, read by ``dangling-service`` only, when nothing else matches):

- the MinIO Operator (image ``minio/operator``, subcommand ``controller``): the elected leader patches
  ``operator: leader`` onto its pod "so the main service uses it" (minio/operator
  pkg/controller/main-controller.go, ``Start``: the ``OnNewLeader`` callback); its Service ``operator``
  selects that label;
- ``longhorn-manager daemon``: ``longhorn.io/admission-webhook: longhorn-admission-webhook`` once its
  admission webhook runs and ``longhorn.io/recovery-backend: longhorn-recovery-backend`` once its recovery
  backend runs (longhorn/longhorn-manager app/daemon.go, ``startManager``, calling
  ``AddLabelToManagerPod`` with ``types.GetAdmissionWebhookLabel`` and ``GetRecoveryBackendLabel``).

Labels whose value varies between the pods of one resource (the shard, the instance name, the role)
match any value. Pods declared in ``.gitops-gen.yaml`` as ``external`` objects of kind ``Pod`` with
``labels`` (operator-made or cluster-provided pods) are modelled the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generator.validate.context import Context
from generator.validate.crossref import (
    as_dict,
    as_list,
    container_argv,
    container_program,
    memo,
    str_map,
    template_labels,
)
from generator.validate.model import Resource
from generator.validate.workloads import WORKLOAD_KINDS, containers

PROMETHEUS_GROUP = "monitoring.coreos.com"
CNPG_GROUP = "postgresql.cnpg.io"
MINIO_GROUP = "minio.min.io"
ZALANDO_GROUP = "acid.zalan.do"
ROOK_GROUP = "ceph.rook.io"


@dataclass(frozen=True, slots=True)
class MadePods:
    """Pods that exist at run time without a pod template in the set."""

    namespace: str  # "" = any namespace (an external declaration without one)
    labels: Mapping[str, str]
    any_value: frozenset[str]  # label keys present with a value that varies (shard, role, instance)
    description: str  # "Prometheus monitoring/k8s" or "external Pod (.gitops-gen.yaml)"
    ports: Mapping[str, int]  # known container ports by name
    owner: Resource | None = None  # the custom resource the operator reconciles

    def matches(self, selector: Mapping[str, str]) -> bool:
        return all(self.labels.get(k) == v or k in self.any_value for k, v in selector.items())

    def label_view(self) -> dict[str, str]:
        """Concrete labels for a NetworkPolicy evaluation (varying keys present with a placeholder)."""
        return {**{k: "" for k in self.any_value}, **self.labels}


def _pod_metadata_labels(res: Resource, field: str = "podMetadata") -> dict[str, str]:
    return str_map(as_dict(as_dict(res.obj.get("spec")).get(field)).get("labels"))


# The kinds operator_pods models (their groups are checked there)
MODELLED_KINDS = (
    "Prometheus",
    "PrometheusAgent",
    "Alertmanager",
    "ThanosRuler",
    "Cluster",
    "Pooler",
    "Tenant",
    "postgresql",
    "CephCluster",
)


def operator_pods(res: Resource) -> MadePods | None:
    """The pods the operator of ``res`` makes, or None when ``res`` is not a modelled custom resource."""
    group, kind, name, ns = res.group, res.kind, res.name, res.namespace
    who = f"{kind} {ns + '/' if ns else ''}{name}"
    managed = {"app.kubernetes.io/managed-by": "prometheus-operator", "app.kubernetes.io/instance": name}
    if group == PROMETHEUS_GROUP and kind in ("Prometheus", "PrometheusAgent"):
        labels = {
            **_pod_metadata_labels(res),
            **managed,
            "app.kubernetes.io/name": "prometheus" if kind == "Prometheus" else "prometheus-agent",
            "operator.prometheus.io/name": name,
        }
        if kind == "Prometheus":
            labels["prometheus"] = name
        return MadePods(ns, labels, frozenset({"operator.prometheus.io/shard"}), who, {"web": 9090}, res)
    if group == PROMETHEUS_GROUP and kind == "Alertmanager":
        labels = {
            **_pod_metadata_labels(res),
            **managed,
            "app": "alertmanager",
            "app.kubernetes.io/name": "alertmanager",
            "alertmanager": name,
        }
        return MadePods(ns, labels, frozenset({"app.kubernetes.io/version"}), who, {"web": 9093}, res)
    if group == PROMETHEUS_GROUP and kind == "ThanosRuler":
        labels = {
            **_pod_metadata_labels(res),
            **managed,
            "app.kubernetes.io/name": "thanos-ruler",
            "thanos-ruler": name,
        }
        return MadePods(ns, labels, frozenset({"app"}), who, {"web": 10902, "grpc": 10901}, res)
    if group == CNPG_GROUP and kind == "Cluster":
        labels = {
            **_pod_metadata_labels(res, "inheritedMetadata"),
            "cnpg.io/cluster": name,
            "cnpg.io/podRole": "instance",
        }
        varying = frozenset({"cnpg.io/instanceName", "cnpg.io/instanceRole", "role"})
        return MadePods(ns, labels, varying, who, {"postgresql": 5432, "metrics": 9187}, res)
    if group == CNPG_GROUP and kind == "Pooler":
        cluster = str(as_dict(as_dict(res.obj.get("spec")).get("cluster")).get("name") or "")
        labels = {"cnpg.io/poolerName": name, "cnpg.io/podRole": "pooler"}
        if cluster:
            labels["cnpg.io/cluster"] = cluster
        return MadePods(ns, labels, frozenset(), who, {"pgbouncer": 5432}, res)
    if group == MINIO_GROUP and kind == "Tenant":
        spec = as_dict(res.obj.get("spec"))
        pools = [as_dict(p) for p in as_list(spec.get("pools"))]
        labels = {
            **_pod_metadata_labels(res, "poolsMetadata"),
            "v1.min.io/tenant": name,
            "v1.min.io/console": f"{name}-console",
        }
        varying = frozenset({"v1.min.io/pool", *(k for p in pools for k in str_map(p.get("labels")))})
        ports = {"minio-port": 9000, "console-port": 9443 if minio_tls(res) else 9090}
        return MadePods(ns, labels, varying, who, ports, res)
    if group == ROOK_GROUP and kind == "CephCluster":
        spec = as_dict(res.obj.get("spec"))
        labels_spec = as_dict(spec.get("labels"))
        labels = {
            **str_map(labels_spec.get("all")),
            **str_map(labels_spec.get("mgr")),
            "app": ROOK_MGR,
            "rook_cluster": ns,
            "ceph_daemon_type": "mgr",
        }
        return MadePods(
            ns, labels, ROOK_MGR_VARYING, who, {**ROOK_MGR_PORTS, "dashboard": rook_dashboard_port(res)[1]}, res
        )
    if group == ZALANDO_GROUP and kind == "postgresql":
        labels = {"application": "spilo", "cluster-name": name}
        team = as_dict(res.obj.get("spec")).get("teamId")
        if isinstance(team, str):
            labels["team"] = team
        return MadePods(ns, labels, frozenset({"spilo-role"}), who, {}, res)
    return None


# A CephCluster's mgr pods (rook/rook pkg/operator/ceph/cluster/mgr/spec.go, getPodLabels and
# makeMgrDaemonContainer; controller/spec.go CephDaemonAppLabels): app rook-ceph-mgr, rook_cluster the
# namespace, ceph_daemon_type mgr, the daemon id under ceph_daemon_id, mgr and instance, mgr_role active or
# standby (set by the operator: mgr.go SetMgrRoleLabel), the recommended app.kubernetes.io labels, and
# spec.labels "all" and "mgr" (cephv1 GetMgrLabels).
ROOK_MGR = "rook-ceph-mgr"
ROOK_MGR_VARYING = frozenset(
    {
        "ceph_daemon_id",
        "mgr",
        "instance",
        "mgr_role",
        "app.kubernetes.io/name",
        "app.kubernetes.io/instance",
        "app.kubernetes.io/component",
        "app.kubernetes.io/part-of",
        "app.kubernetes.io/managed-by",
        "app.kubernetes.io/created-by",
        "rook.io/operator-namespace",
    }
)
ROOK_MGR_PORTS = {"mgr": 6800, "http-metrics": 9283}  # mgr.go DefaultMetricsPort


def rook_dashboard_port(res: Resource) -> tuple[int, int]:
    """(Service port, container port) of a CephCluster's dashboard (mgr/config.go dashboardPublicPort and
    dashboardInternalPort: ``spec.dashboard.port``, else 8443 with ``ssl`` and 7000 without; a port below
    1024 is served on the default inside the pod)."""
    dashboard = as_dict(as_dict(res.obj.get("spec")).get("dashboard"))
    default = 8443 if dashboard.get("ssl") is True else 7000
    port = dashboard.get("port")
    public = port if isinstance(port, int) and not isinstance(port, bool) and port > 0 else default
    return public, public if public >= 1024 else default


def minio_tls(res: Resource) -> bool:
    """Whether a MinIO Tenant serves TLS: ``requestAutoCert`` (default true) or an ``externalCertSecret``
    (minio/operator pkg/apis/minio.min.io/v2/helper.go, ``Tenant.TLS``, ``AutoCert``, ``ExternalCert``)."""
    spec = as_dict(res.obj.get("spec"))
    return spec.get("requestAutoCert") is not False or bool(as_list(spec.get("externalCertSecret")))


def made_pods(ctx: Context) -> list[MadePods]:
    """Every operator-made pod group of the set plus the external pods declared for it."""

    def build() -> list[MadePods]:
        # Only the modelled kinds (by the context's kind index, not a pass over every resource: with
        # --jobs N each process builds this), in the order of the set.
        found = [res for kind in MODELLED_KINDS for res in ctx.by_kind(kind)]
        if len({res.kind for res in found}) > 1:
            wanted = {id(res) for res in found}
            found = [res for res in ctx.resources if id(res) in wanted]
        out = [pods for res in found if (pods := operator_pods(res)) is not None]
        for ext in sorted(ctx.external, key=lambda e: (e.namespace, e.name)):
            if ext.kind == "Pod" and ext.labels:
                where = f"{ext.namespace}/" if ext.namespace else ""
                out.append(
                    MadePods(ext.namespace, dict(ext.labels), frozenset(), f"external Pod {where}{ext.name}", {})
                )
        return out

    return memo(ctx, "made_pods", build)


def made_pods_selected(ctx: Context, namespace: str, selector: Mapping[str, str]) -> list[MadePods]:
    """The operator-made or external pods in ``namespace`` that a Service selector matches."""
    if not selector:
        return []
    return [p for p in made_pods(ctx) if p.namespace in ("", namespace) and p.matches(selector)]


def image_repository(image: str) -> str:
    """``registry/path/name`` of an image reference, without its tag and digest."""
    name = image.partition("@")[0]
    head, slash, last = name.rpartition("/")
    return f"{head}{slash}{last.partition(':')[0]}"


def self_labels(res: Resource) -> dict[str, str]:
    """The labels that a program in the workload's pods puts on its own pod at run time (see the module
    docs); {} for other workloads."""
    out: dict[str, str] = {}
    for container in containers(res):
        image = container.obj.get("image")
        repository = image_repository(image) if isinstance(image, str) else ""
        argv = container_argv(container.obj)
        if (repository == "minio/operator" or repository.endswith("/minio/operator")) and "controller" in argv:
            out["operator"] = "leader"
        if container_program(argv) == "longhorn-manager" and "daemon" in argv:
            out["longhorn.io/admission-webhook"] = "longhorn-admission-webhook"
            out["longhorn.io/recovery-backend"] = "longhorn-recovery-backend"
    return out


def self_labelled_pods(ctx: Context) -> list[MadePods]:
    """The pods of the set's workloads with the labels their programs add (:func:`self_labels`): it reads
    every container of the set, so only a rule that found nothing else asks."""

    def build() -> list[MadePods]:
        out: list[MadePods] = []
        for kind in sorted(WORKLOAD_KINDS):
            for res in ctx.by_kind(kind):
                added = self_labels(res)
                if added:
                    labels = {**template_labels(ctx, res), **added}
                    who = f"{kind} {res.namespace}/{res.name}, whose program labels its own pod"
                    out.append(MadePods(res.namespace, labels, frozenset(), who, {}, res))
        return out

    return memo(ctx, "self_labelled_pods", build)
