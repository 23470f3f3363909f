"""The types that cross every boundary of validation: a loaded :class:`Resource` and a :class:`Finding`.

Rules yield ``Finding(message, path)``; the engine fills in rule, severity, resource and position, so a
rule never knows about profiles, ignores, positions or output formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from generator.models.k8s import pointer as pointer  # one JSON-pointer builder for rules and models


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


# ResourceRef and Finding are made for every finding, up to several times (a rule's, the positioned one, the
# one a worker's tuple becomes): their __init__ is written out, so that mypyc compiles it (about 0.2 us, where
# the one dataclasses generates runs as Python, and frozen=True sets each field through object.__setattr__:
# 1.8 us for a Finding). Not frozen for the same reason; nothing mutates them (unsafe_hash keeps them
# hashable by value, as frozen did).
@dataclass(slots=True, unsafe_hash=True)
class ResourceRef:
    api_version: str
    kind: str
    namespace: str
    name: str

    def __init__(self, api_version: str, kind: str, namespace: str, name: str) -> None:
        self.api_version = api_version
        self.kind = kind
        self.namespace = namespace
        self.name = name

    def to_dict(self) -> dict[str, str]:
        return {"apiVersion": self.api_version, "kind": self.kind, "namespace": self.namespace, "name": self.name}

    def __str__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {where}{self.name}"


@dataclass(slots=True)
class Resource:
    """One document of a manifest stream, as ``kubectl apply`` would read it (YAML 1.1)."""

    obj: dict[str, Any]
    file: str  # the path a human edits (repo-relative where possible); never just "stdin" for overlays
    doc_index: int = 0  # position of the document in its stream
    line: int = 0  # 1-based line where the document starts in ``file``; 0 when unknown
    duplicate_keys: list[str] = field(default_factory=list)  # JSON pointers of keys seen twice
    default_namespace: str = ""  # namespace applied when metadata.namespace is absent (namespaced kinds)
    # Where the document came from (generator.validate.load.DocSource), used for positions; None in tests.
    source: Any = field(default=None, repr=False, compare=False)

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
        value = self.obj.get("metadata")
        return value if isinstance(value, dict) else {}

    @property
    def name(self) -> str:
        value = self.metadata.get("name")
        return value if isinstance(value, str) else ""

    @property
    def namespace(self) -> str:
        # A cluster-scoped object has none, even when its manifest names one: the API server clears it
        # (k8s.io/apiserver pkg/registry/rest/create.go, BeforeCreate: SetNamespace(NamespaceNone)).
        kind = self.kind
        if kind in CLUSTER_SCOPED_KINDS or (_CLUSTER_SCOPED_CUSTOM and (self.group, kind) in _CLUSTER_SCOPED_CUSTOM):
            return ""
        value = self.metadata.get("namespace")
        if isinstance(value, str) and value:
            return value
        return self.default_namespace

    @property
    def labels(self) -> dict[str, str]:
        value = self.metadata.get("labels")
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    @property
    def annotations(self) -> dict[str, str]:
        value = self.metadata.get("annotations")
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    @property
    def shown_name(self) -> str:
        """The name findings show: ``metadata.name``; for an object that only has ``metadata.generateName``,
        that prefix followed by ``*``, since the API server names it so and appends five random characters
        (k8s.io/apiserver ``pkg/storage/names/generate.go``, ``SimpleNameGenerator``). Lookups by name keep
        using :attr:`name`, which stays empty: no reference can name such an object ahead of time."""
        name = self.name
        if name:
            return name
        prefix = self.metadata.get("generateName")
        return f"{prefix}*" if isinstance(prefix, str) and prefix else ""

    @property
    def ref(self) -> ResourceRef:
        return ResourceRef(self.api_version, self.kind, self.namespace, self.shown_name)


@dataclass(slots=True, unsafe_hash=True)
class Finding:
    """One problem. Rules set ``message`` and ``path`` (a JSON pointer); the engine sets the rest."""

    message: str
    path: str = ""
    rule: str = ""
    severity: Severity = Severity.ERROR
    resource: ResourceRef | None = None
    file: str = ""
    line: int = 0
    column: int = 0

    def __init__(
        self,
        message: str,
        path: str = "",
        rule: str = "",
        severity: Severity = Severity.ERROR,
        resource: ResourceRef | None = None,
        file: str = "",
        line: int = 0,
        column: int = 0,
    ) -> None:
        self.message = message
        self.path = path
        self.rule = rule
        self.severity = severity
        self.resource = resource
        self.file = file
        self.line = line
        self.column = column

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "resource": self.resource.to_dict() if self.resource else None,
            "path": self.path,
        }


# Kinds without a namespace. Others default to the context's namespace.
CLUSTER_SCOPED_KINDS = frozenset(
    {
        "Namespace",
        "Node",
        "PersistentVolume",
        "StorageClass",
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
        "PriorityClass",
        "IngressClass",
        "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
        "APIService",
        "ClusterIssuer",
        "ClusterSecretStore",
        "ClusterExternalSecret",
        "RuntimeClass",
        "ClusterPolicy",  # kyverno.io
        "ClusterCleanupPolicy",
        "ClusterAnalysisTemplate",  # argoproj.io (Argo Rollouts)
        "ClusterPushSecret",  # external-secrets.io
        "CSIDriver",
        "VolumeAttachment",
        # built-in kinds whose registry strategy says NamespaceScoped() false (kubernetes pkg/registry/...,
        # e.g. admissionregistration/validatingadmissionpolicy/strategy.go: "cluster-scoped resource")
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "MutatingAdmissionPolicy",
        "MutatingAdmissionPolicyBinding",
        "CertificateSigningRequest",
        "ClusterTrustBundle",
        "FlowSchema",
        "PriorityLevelConfiguration",
        "CSINode",
        "VolumeAttributesClass",
        "ServiceCIDR",
        "DeviceClass",
        "ResourceSlice",
        # custom kinds whose CRDs say scope: Cluster, with names no namespaced kind shares
        "GatewayClass",  # gateway.networking.k8s.io (config/crd/standard/..._gatewayclasses.yaml)
        "ClusterQueue",  # kueue.x-k8s.io (config/components/crd/bases/kueue.x-k8s.io_*.yaml)
        "ResourceFlavor",
        "WorkloadPriorityClass",
        "MultiKueueCluster",
        "MultiKueueConfig",
        "ProvisioningRequestConfig",
        "ClusterTrainingRuntime",  # trainer.kubeflow.org
        "ClusterServingRuntime",  # serving.kserve.io
        "ClusterStorageContainer",
    }
)


# Custom kinds that a CustomResourceDefinition of the run declares ``scope: Cluster``
# (apiextensions-apiserver pkg/apis/apiextensions/v1/types.go: ``ResourceScope``, "Cluster" or "Namespaced"),
# as (group, kind): one kind name can be cluster-scoped in one group and namespaced in another (Crossplane's
# pkg.crossplane.io Provider, Flux's notification.toolkit.fluxcd.io Provider). Changed only through
# :func:`declaring_cluster_scoped`, for the CRDs given with ``--crd`` and for those of a validated unit.
_CLUSTER_SCOPED_CUSTOM: set[tuple[str, str]] = set()


def is_cluster_scoped(group: str, kind: str) -> bool:
    """Whether objects of this API group ("" for the core group) and kind have no namespace."""
    return kind in CLUSTER_SCOPED_KINDS or (group, kind) in _CLUSTER_SCOPED_CUSTOM


def declare_cluster_scoped(kinds: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Add (group, kind) pairs to the cluster-scoped kinds; returns those that were not there (to withdraw)."""
    new = {k for k in kinds if k not in _CLUSTER_SCOPED_CUSTOM and k[1] not in CLUSTER_SCOPED_KINDS}
    _CLUSTER_SCOPED_CUSTOM.update(new)
    return new


def withdraw_cluster_scoped(kinds: set[tuple[str, str]]) -> None:
    """Undo :func:`declare_cluster_scoped` (what it returned)."""
    _CLUSTER_SCOPED_CUSTOM.difference_update(kinds)
