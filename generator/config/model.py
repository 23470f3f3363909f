"""The resolved environment: frozen dataclasses built by :mod:`generator.config.build` (profile defaults
deep-merged with the env file). Builders read only these; nothing here touches the outside world."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Resources:
    """Container requests and limits (Kubernetes quantities as strings)."""

    requests_cpu: str
    requests_memory: str
    limits_cpu: str
    limits_memory: str


@dataclass(frozen=True, slots=True)
class Storage:
    size: str
    storage_class: str | None = None


@dataclass(frozen=True, slots=True)
class Images:
    mlflow: str
    postgres: str
    minio: str
    mc: str
    training: str
    serving: str
    oauth2_proxy: str


@dataclass(frozen=True, slots=True)
class PostgresSettings:
    database: str
    storage: Storage
    resources: Resources


@dataclass(frozen=True, slots=True)
class ObjectStoreSettings:
    type: str  # "minio" | "external-s3"
    bucket: str
    endpoint: str  # in-cluster MinIO URL or the external S3 endpoint
    region: str
    storage: Storage
    console: bool
    resources: Resources

    @property
    def is_minio(self) -> bool:
        return self.type == "minio"


@dataclass(frozen=True, slots=True)
class HpaSettings:
    enabled: bool
    min_replicas: int
    max_replicas: int
    target_cpu_utilization: int


@dataclass(frozen=True, slots=True)
class MlflowSettings:
    replicas: int
    workers: int
    db_pool_size: int
    db_max_overflow: int
    resources: Resources
    hpa: HpaSettings


@dataclass(frozen=True, slots=True)
class GatewayRef:
    """The (shared) Gateway API Gateway an HTTPRoute attaches to."""

    name: str
    namespace: str
    section_name: str  # empty: every listener of the Gateway
    certificate: bool  # the environment owns its certificate (Certificate + ReferenceGrant)


@dataclass(frozen=True, slots=True)
class IngressSettings:
    host: str
    class_name: str
    tls: bool
    cluster_issuer: str
    tls_secret_name: str
    controller_namespace: str  # where the pods that forward outside traffic run (controller or gateway)
    acme_solver: str = "http01"  # "http01" | "dns01": how the ClusterIssuer solves ACME challenges
    kind: str = "ingress"  # "ingress" | "gateway"
    gateway: GatewayRef | None = None

    @property
    def is_gateway(self) -> bool:
        return self.kind == "gateway"


@dataclass(frozen=True, slots=True)
class OidcSettings:
    issuer_url: str
    client_id: str
    email_domains: tuple[str, ...]
    allowed_groups: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AuthSettings:
    """Authentication of the tracking server (see generator.platform.auth)."""

    mode: str  # "none" | "basic" | "oidc"
    default_permission: str  # basic: MLflow's default_permission
    database: str  # basic: PostgreSQL database of the auth store
    oidc: OidcSettings | None = None

    @property
    def basic(self) -> bool:
        return self.mode == "basic"

    @property
    def oidc_enabled(self) -> bool:
        return self.mode == "oidc"


@dataclass(frozen=True, slots=True)
class SecretStoreRef:
    kind: str  # "ClusterSecretStore" | "SecretStore"
    name: str


@dataclass(frozen=True, slots=True)
class SecretsSettings:
    provider: str  # "external-secrets" | "sealed-secrets"
    store: SecretStoreRef
    refresh_interval: str
    postgres_key: str  # remote key of the PostgreSQL credentials (external-secrets)
    object_store_key: str  # remote key of the object-store credentials (external-secrets)
    auth_key: str = "mlflow/auth"  # remote key of the MLflow basic-auth credentials (external-secrets)
    oauth2_proxy_key: str = "mlflow/oauth2-proxy"  # remote key of the oauth2-proxy secrets (external-secrets)
    # (the loader always sets all four: <secrets.keyPrefix>/<name> unless secrets.remoteKeys names them)
    # sealed-secrets: Secret name -> {data key -> encrypted value}
    sealed: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: MappingProxyType({}), hash=False)


@dataclass(frozen=True, slots=True)
class TrainingSettings:
    enabled: bool
    image: str
    schedule: str
    experiment: str
    command: tuple[str, ...]
    resources: Resources
    backoff_limit: int
    ttl_seconds_after_finished: int
    starting_deadline_seconds: int
    active_deadline_seconds: int
    successful_jobs_history_limit: int
    failed_jobs_history_limit: int


@dataclass(frozen=True, slots=True)
class ServingModel:
    name: str
    model_uri: str
    replicas: int
    resources: Resources


@dataclass(frozen=True, slots=True)
class ServingSettings:
    image: str
    port: int
    models: tuple[ServingModel, ...]


@dataclass(frozen=True, slots=True)
class MonitoringSettings:
    enabled: bool
    prometheus_namespace: str
    scrape_interval: str
    service_monitor_labels: Mapping[str, str] = field(hash=False)
    grafana_dashboard: bool


@dataclass(frozen=True, slots=True)
class NetworkPolicySettings:
    enabled: bool
    dns_namespace: str
    node_local_dns: str | None = "169.254.20.10"  # NodeLocal DNSCache address admitted by the DNS egress rule


@dataclass(frozen=True, slots=True)
class ArgoSettings:
    repo_url: str
    target_revision: str
    destination_server: str
    project: str
    automated: bool
    prune: bool
    self_heal: bool
    # Folder of the GitOps project inside its git repository ("" at the top level; "platform" for
    # `--repo platform` in a monorepo): Argo CD paths are relative to the repository, so they follow it.
    repo_path: str = ""


@dataclass(frozen=True, slots=True)
class ExternalRef:
    """An object the platform references that lives outside the tree (e.g. a ClusterSecretStore)."""

    kind: str
    name: str
    namespace: str = ""  # empty: any namespace


@dataclass(frozen=True, slots=True)
class Policy:
    severity: Mapping[str, str] = field(hash=False)
    external: tuple[ExternalRef, ...] = ()


@dataclass(frozen=True, slots=True)
class Environment:
    """One environment, resolved (profile defaults + env file). Hashable and immutable; mapping fields are
    read-only views and take no part in the hash."""

    name: str
    source_file: str
    profile: str
    namespace: str
    kubernetes_version: str
    images: Images
    postgres: PostgresSettings
    object_store: ObjectStoreSettings
    mlflow: MlflowSettings
    ingress: IngressSettings
    secrets: SecretsSettings
    training: TrainingSettings
    serving: ServingSettings
    monitoring: MonitoringSettings
    network_policy: NetworkPolicySettings
    argocd: ArgoSettings
    policy: Policy
    # Non-fatal findings about the env file, each "file:line:col: key: message" (printed by build and plan).
    warnings: tuple[str, ...] = ()
    auth: AuthSettings = AuthSettings(mode="none", default_permission="READ", database="mlflow_auth")

    @property
    def host(self) -> str:
        return self.ingress.host
