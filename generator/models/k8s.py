"""The Kubernetes object shape the models work on, and where pods live inside workload kinds.

Models sit below ``validate/`` (imports run commands -> gitops/validate -> models -> platform -> config),
so they never import ``generator.validate.model.Resource``: they accept anything with its read-only
properties (:class:`K8sObject`), which ``Resource`` satisfies structurally, and plain dicts through
:class:`Obj`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

# Argo Rollouts' Rollout (argoproj.io) runs pods from ``spec.template``, a PodTemplateSpec, as a Deployment
# does (argoproj/argo-rollouts pkg/apis/rollouts/v1alpha1/types.go, RolloutSpec.Template); a Rollout with
# ``spec.workloadRef`` instead takes the template of the Deployment it names, which is a workload of its own.
# Another group's Rollout (OpenKruise's rollouts.kruise.io has no template) is not a workload: pod_template
# checks the group.
# ReplicationController (core v1, still served) runs pods from ``spec.template`` too (kubernetes
# staging/src/k8s.io/api/core/v1/types.go, ReplicationControllerSpec.Template).
ROLLOUT_GROUP = "argoproj.io"
WORKLOAD_KINDS = frozenset(
    {
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "ReplicationController",
        "Job",
        "CronJob",
        "Rollout",
    }
)

# Kinds without a namespace (the ones the platform and its prerequisites use).
CLUSTER_SCOPED = frozenset(
    {
        "Namespace",
        "PersistentVolume",
        "StorageClass",
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
        "IngressClass",
        "ClusterIssuer",
        "ClusterSecretStore",
        "APIService",
    }
)


class K8sObject(Protocol):
    """Read-only view of one manifest object (``generator.validate.model.Resource`` is one)."""

    @property
    def obj(self) -> dict[str, Any]: ...
    @property
    def api_version(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def group(self) -> str: ...
    @property
    def metadata(self) -> dict[str, Any]: ...
    @property
    def name(self) -> str: ...
    @property
    def namespace(self) -> str: ...
    @property
    def labels(self) -> dict[str, str]: ...
    @property
    def annotations(self) -> dict[str, str]: ...


def d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def lst(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


@dataclass(slots=True)
class Obj:
    """A plain dict as a :class:`K8sObject` (``plan`` and tests; validation uses ``Resource``)."""

    obj: dict[str, Any]
    default_namespace: str = ""

    @property
    def api_version(self) -> str:
        value = self.obj.get("apiVersion")
        return value if isinstance(value, str) else ""

    @property
    def kind(self) -> str:
        value = self.obj.get("kind")
        return value if isinstance(value, str) else ""

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def metadata(self) -> dict[str, Any]:
        return d(self.obj.get("metadata"))

    @property
    def name(self) -> str:
        value = self.metadata.get("name")
        return value if isinstance(value, str) else ""

    @property
    def namespace(self) -> str:
        value = self.metadata.get("namespace")
        if isinstance(value, str) and value:
            return value
        return "" if self.kind in CLUSTER_SCOPED else self.default_namespace

    @property
    def labels(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in d(self.metadata.get("labels")).items()}

    @property
    def annotations(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in d(self.metadata.get("annotations")).items()}


def pointer(*parts: str | int) -> str:
    """A JSON pointer (RFC 6901) from path parts: ``pointer("spec", "containers", 0)``.

    A loop, not a generator of ``str.replace`` calls: a part is escaped only when it holds "~" or "/" (a
    method call through Python from compiled code costs more than the rest; 3,435 pointers of the
    findings corpus's 2,000 resources cost 28 million instructions that way)."""
    out: list[str] = []
    for p in parts:
        s = p if isinstance(p, str) else str(p)
        if "~" in s or "/" in s:
            s = s.replace("~", "~0").replace("/", "~1")
        out.append(s)
    return "/" + "/".join(out) if out else ""


def ref(res: K8sObject) -> str:
    """``Kind ns/name`` (or ``Kind name`` for cluster-scoped objects)."""
    return f"{res.kind} {res.namespace}/{res.name}" if res.namespace else f"{res.kind} {res.name}"


@dataclass(frozen=True, slots=True)
class PodTemplate:
    labels: dict[str, str]  # may be the loaded object's own dict (k8s._string_map): read only
    spec: dict[str, Any]
    path: tuple[str | int, ...]  # path parts of the pod spec, e.g. ("spec", "template", "spec")


@dataclass(frozen=True, slots=True)
class Container:
    obj: dict[str, Any]
    path: tuple[str | int, ...]  # path parts of the container itself
    init: bool

    @property
    def name(self) -> str:
        return str(self.obj.get("name", ""))

    def pointer(self, *more: str | int) -> str:
        return pointer(*self.path, *more)


# The last object asked for and its answer: the rules of one resource run one after the other and most
# of them ask (17 calls per workload on the benchmark corpus). Holds the object itself, so its identity
# cannot be reused; objects are not mutated once loaded, and PodTemplate is frozen (its dicts are read only).
_LAST_TEMPLATE: list[Any] = [None, None]


def pod_template(res: K8sObject) -> PodTemplate | None:
    """The pod template of a workload, or None for other kinds (or malformed ones)."""
    obj = res.obj
    last = _LAST_TEMPLATE
    if last[0] is obj:
        found: PodTemplate | None = last[1]
        return found
    found = _pod_template(res)
    last[0], last[1] = obj, found
    return found


def _string_map(value: dict[Any, Any]) -> dict[str, str]:
    """``value`` itself when its keys and values are all strings (labels almost always are), else a copy
    with them made strings. Not copying spares a dict per workload each time a template is built, and the
    cross-resource context keeps every workload's template labels (15 MB of 200,000 resources)."""
    for k, v in value.items():
        if type(k) is not str or type(v) is not str:
            return {str(k): str(v) for k, v in value.items()}
    return value


def _pod_template(res: K8sObject) -> PodTemplate | None:
    obj = res.obj
    if res.kind == "Pod":
        return PodTemplate(_string_map(d(res.metadata.get("labels"))), d(obj.get("spec")), ("spec",))
    if res.kind == "CronJob":
        tmpl = d(d(d(d(obj.get("spec")).get("jobTemplate")).get("spec")).get("template"))
        base: tuple[str | int, ...] = ("spec", "jobTemplate", "spec", "template")
    elif res.kind in WORKLOAD_KINDS:
        spec = d(obj.get("spec"))
        if res.kind == "Rollout" and (res.group != ROLLOUT_GROUP or "template" not in spec):
            return None  # another group's Rollout, or one whose pods come from its workloadRef
        tmpl = d(spec.get("template"))
        base = ("spec", "template")
    else:
        return None
    meta = d(tmpl.get("metadata"))
    return PodTemplate(_string_map(d(meta.get("labels"))), d(tmpl.get("spec")), (*base, "spec"))


def containers(res: K8sObject, *, include_init: bool = True) -> Iterator[Container]:
    """Every container (and init container) of a workload with its path."""
    tmpl = pod_template(res)
    if tmpl is None:
        return
    keys = ("initContainers", "containers") if include_init else ("containers",)
    for key in keys:
        items = tmpl.spec.get(key)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield Container(item, (*tmpl.path, key, i), key == "initContainers")


def label_matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """A LabelSelector (matchLabels and matchExpressions) against a label set."""
    match = {str(k): str(v) for k, v in d(selector.get("matchLabels")).items()}
    if not match.items() <= labels.items():
        return False
    for expr in lst(selector.get("matchExpressions")):
        expr = d(expr)
        key, op = str(expr.get("key", "")), expr.get("operator")
        values = {str(v) for v in lst(expr.get("values"))}
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True
