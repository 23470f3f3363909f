"""The Kubernetes API server's validation of built-in kinds, offline: what ``kubectl apply --dry-run=server``
would reject (or accept with a warning) that a JSON schema cannot express.

One entry point, :func:`validate`, dispatching by kind to modules grouped like upstream's packages:

- :mod:`.apimachinery` k8s.io/apimachinery helpers (names, qualified names, labels, annotations, ports,
  env var names, quantities, label selectors);
- :mod:`.pods` core PodSpec (containers, ports, env, volumes and mounts, resources, probes) and
  :mod:`.scheduling` (tolerations, affinity, topology spread, DNS, pod security context);
- :mod:`.workloads` apps (Deployment, StatefulSet, DaemonSet, ReplicaSet) and batch (Job, CronJob with the
  robfig/cron schedule parser and time zones);
- :mod:`.network` Service, Ingress, NetworkPolicy;
- :mod:`.access` PodDisruptionBudget, HorizontalPodAutoscaler, RBAC, ConfigMap/Secret keys, object metadata.

Every :class:`Violation` names the upstream function (kubernetes/kubernetes path + function) it ports.
Object names (metadata.name/namespace, container and port names) are checked by the ``invalid-name`` rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.models.kube_apiserver import access, network, workloads
from generator.models.kube_apiserver.base import Options, Path, Violation, d, lst, parse_version, text
from generator.models.kube_apiserver.pods import container_lists

__all__ = ["VALIDATED_KINDS", "Options", "Violation", "parse_version", "probe_port_problems", "validate"]

_BY_KIND: dict[str, Callable[[dict[str, Any], Options], list[Violation]]] = {
    "Pod": workloads.validate_pod,
    "Deployment": workloads.validate_deployment,
    "StatefulSet": workloads.validate_statefulset,
    "DaemonSet": workloads.validate_daemonset,
    "ReplicaSet": workloads.validate_replicaset,
    "ReplicationController": workloads.validate_replicationcontroller,
    "Job": workloads.validate_job,
    "CronJob": workloads.validate_cronjob,
    "Service": lambda obj, _o: network.validate_service(obj),
    "Ingress": lambda obj, _o: network.validate_ingress(obj),
    "NetworkPolicy": lambda obj, _o: network.validate_network_policy(obj),
    "PodDisruptionBudget": lambda obj, _o: access.validate_pdb(obj),
    "HorizontalPodAutoscaler": lambda obj, _o: access.validate_hpa(obj),
    "Role": lambda obj, _o: access.validate_role(obj, cluster=False),
    "ClusterRole": lambda obj, _o: access.validate_role(obj, cluster=True),
    "RoleBinding": lambda obj, _o: access.validate_binding(obj, cluster=False),
    "ClusterRoleBinding": lambda obj, _o: access.validate_binding(obj, cluster=True),
    "ConfigMap": lambda obj, _o: access.validate_data_keys(obj),
    "Secret": lambda obj, _o: access.validate_data_keys(obj),
}
# Only the built-in API groups: a CRD that happens to reuse a kind name (e.g. a "Service" of Knative) has
# its own validation.
_GROUPS = {
    "Pod": ("v1",),
    "Service": ("v1",),
    "ConfigMap": ("v1",),
    "Secret": ("v1",),
    "ReplicationController": ("v1",),
    "Deployment": ("apps/",),
    "StatefulSet": ("apps/",),
    "DaemonSet": ("apps/",),
    "ReplicaSet": ("apps/",),
    "Job": ("batch/",),
    "CronJob": ("batch/",),
    # networking.k8s.io/v1beta1 defaulted pathType and is gone since 1.22 (deprecated-api reports it)
    "Ingress": ("networking.k8s.io/v1",),
    "NetworkPolicy": ("networking.k8s.io/",),
    "PodDisruptionBudget": ("policy/",),
    "HorizontalPodAutoscaler": ("autoscaling/",),
    "Role": ("rbac.authorization.k8s.io/",),
    "ClusterRole": ("rbac.authorization.k8s.io/",),
    "RoleBinding": ("rbac.authorization.k8s.io/",),
    "ClusterRoleBinding": ("rbac.authorization.k8s.io/",),
}
VALIDATED_KINDS = frozenset(_BY_KIND)


def _built_in(obj: dict[str, Any]) -> bool:
    api_version = text(obj.get("apiVersion"))
    prefixes = _GROUPS.get(text(obj.get("kind")), ())
    return any(api_version == p or (p.endswith("/") and api_version.startswith(p)) for p in prefixes)


def validate(obj: dict[str, Any], opts: Options | None = None) -> list[Violation]:
    """Everything the API server's validation finds in ``obj`` (a built-in kind), in field order."""
    opts = opts or Options()
    out = access.validate_metadata(obj) if text(obj.get("apiVersion")) else []
    if _built_in(obj):
        out += _BY_KIND[text(obj.get("kind"))](obj, opts)
    return out


def probe_port_problems(spec: dict[str, Any], base: Path) -> list[Violation]:
    """Probes whose named port the kubelet cannot use. The API server accepts them (the name only has to be an
    IANA_SVC_NAME); the kubelet resolves the name against the container's own ports (pkg/kubelet/prober/
    prober.go: findPortByName, first port of that name whatever its protocol): a TCP/HTTP probe sent to a
    port declared UDP/SCTP only fails forever. (An unknown name is the ``port-mismatch`` rule's.)"""
    out: list[Violation] = []
    for key, i, c in container_lists(spec):
        ports: dict[str, str] = {}
        for port in lst(c.get("ports")):
            name = text(d(port).get("name"))
            if name and name not in ports:
                ports[name] = text(d(port).get("protocol")) or "TCP"
        for probe_key in ("livenessProbe", "readinessProbe", "startupProbe"):
            probe = d(c.get(probe_key))
            for handler in ("httpGet", "tcpSocket"):
                port = d(probe.get(handler)).get("port")
                if not isinstance(port, str) or not port or port.isdigit():
                    continue
                where = (*base, key, i, probe_key, handler, "port")
                if port in ports and ports[port] != "TCP":
                    out.append(
                        Violation(
                            where,
                            f'{probe_key} port "{port}" is declared {ports[port]}: a '
                            f"{handler} probe speaks TCP and never succeeds",
                            "pkg/kubelet/prober/prober.go:findPortByName",
                            "runtime",
                        )
                    )
    return out
