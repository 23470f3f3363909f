"""A Role or ClusterRole may create pods, directly or through a workload, or exec/attach into them.

Whoever may create a pod may run it with any ServiceAccount of the namespace and mount any of its
Secrets; ``pods/exec`` and ``pods/attach`` open a shell in running pods with their credentials. Either is
a path to every permission in the namespace. Creating a Deployment, ReplicaSet, StatefulSet, DaemonSet,
Job, CronJob or ReplicationController is the same path: its controller creates the pods, with whatever
ServiceAccount the template names, and nothing checks that the creator could have used it. Same check:
kube-linter ``access-to-create-pods`` (on bindings; its list, in
``pkg/builtinchecks/yamls/access-to-create-pods.yaml``, is pods, deployments, statefulsets, replicasets,
jobs, daemonsets and ``cronjob``, a singular that never matches the ``cronjobs`` resource), CIS Benchmark
5.1.4. Resolved like the RBAC authorizer (kubernetes/kubernetes ``pkg/apis/rbac/v1/evaluation_helpers.go``:
``*`` and ``pods/*`` count), group by group (``apps`` and ``batch`` for the workloads). ``get`` on
``pods/exec`` or ``pods/attach`` counts for target versions before 1.35, where a WebSocket exec needs no
more; from 1.35 it also needs ``create`` (the ``AuthorizePodWebsocketUpgradeCreatePermission`` gate, on by
default).

PASS:

    apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata: {name: pod-reader}
    rules:
      - {apiGroups: [""], resources: [pods, pods/log], verbs: [get, list, watch]}

FAIL:

    apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata: {name: debugger}
    rules:
      - {apiGroups: [""], resources: [pods/exec], verbs: [create]}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata: {name: deployer}
    rules:
      - {apiGroups: [apps], resources: [deployments], verbs: [create, update]}
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.models.rbac import grants
from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules.deprecated_api import parse_minor

ID = "rbac-pod-exec"
CATEGORY = "rbac"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = frozenset({"Role", "ClusterRole"})

# (verb, resource): creating pods, and exec/attach. Up to 1.34 a WebSocket upgrade (a GET) is authorized with
# the verb get alone; from 1.35 the AuthorizePodWebsocketUpgradeCreatePermission gate (beta, on by default:
# kubernetes pkg/features/kube_features.go) also asks for create (pkg/registry/core/pod/rest/subresources.go,
# ExecREST.Connect and AttachREST.Connect), so get alone opens nothing.
_DANGEROUS: tuple[tuple[str, str], ...] = (
    ("create", "pods"),
    ("create", "pods/exec"),
    ("create", "pods/attach"),
)
_GET_UPGRADES: tuple[tuple[str, str], ...] = (("get", "pods/exec"), ("get", "pods/attach"))
_CREATE_REQUIRED_FROM = (1, 35)
# (group, resource) of the workloads whose controllers create pods from a template
_POD_CREATORS = (
    ("", "replicationcontrollers"),
    ("apps", "daemonsets"),
    ("apps", "deployments"),
    ("apps", "replicasets"),
    ("apps", "statefulsets"),
    ("batch", "cronjobs"),
    ("batch", "jobs"),
)


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    rules = obj.obj.get("rules")
    out: list[Finding] = []
    dangerous = _DANGEROUS
    if parse_minor(ctx.kubernetes_version) < _CREATE_REQUIRED_FROM:
        dangerous = (*_DANGEROUS, *_GET_UPGRADES)
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        found = sorted({res for verb, res in dangerous if grants([rule], verb, "", res)})
        through = [res for group, res in _POD_CREATORS if grants([rule], "create", group, res)]
        if found or through:
            parts = ["creating pods" if r == "pods" else r for r in found]
            if through:
                parts.insert("pods" in found, "creating pods through " + ", ".join(through))
            what = " and ".join(parts)
            out.append(
                Finding(
                    f"{obj.kind} {obj.shown_name} rule {i} allows {what}"
                    ": a path to every ServiceAccount and Secret of the namespace",
                    pointer("rules", i),
                )
            )
    return out
