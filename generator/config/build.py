"""Turning a merged, schema-checked config document into the frozen :class:`Environment`: the cross-key
checks the JSON Schema cannot express, the env file's shorthands, and the names of the in-cluster Secrets the
platform consumes (the sealed values are keyed by them).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from generator.config.model import (
    ArgoSettings,
    AuthSettings,
    Environment,
    ExternalRef,
    GatewayRef,
    HpaSettings,
    Images,
    IngressSettings,
    MlflowSettings,
    MonitoringSettings,
    NetworkPolicySettings,
    ObjectStoreSettings,
    OidcSettings,
    Policy,
    PostgresSettings,
    Resources,
    SecretsSettings,
    SecretStoreRef,
    ServingModel,
    ServingSettings,
    Storage,
    TrainingSettings,
)
from generator.config.profiles import deep_merge
from generator.config.read import key_path, position
from generator.errors import ConfigError, excerpt

# Names of the in-cluster Secrets the platform consumes (produced by ExternalSecret / SealedSecret).
POSTGRES_SECRET = "postgres-credentials"
OBJECT_STORE_SECRET = "object-store-credentials"
MINIO_ENDPOINT = "http://minio:9000"


def _resources(d: Mapping[str, Any]) -> Resources:
    return Resources(
        requests_cpu=str(d["requests"]["cpu"]),
        requests_memory=str(d["requests"]["memory"]),
        limits_cpu=str(d["limits"]["cpu"]),
        limits_memory=str(d["limits"]["memory"]),
    )


def _storage(d: Mapping[str, Any]) -> Storage:
    return Storage(size=str(d["size"]), storage_class=d.get("storageClass"))


def semantic_checks(doc: Any, cfg: dict[str, Any], display: str) -> None:
    def fail(path: list[str | int], message: str) -> ConfigError:
        line, col = position(doc, path)
        return ConfigError(f"{display}:{line}:{col}: {key_path(path)}: {message}")

    store = cfg["objectStore"]
    if store["type"] == "external-s3" and not store.get("endpoint"):
        raise fail(["objectStore", "endpoint"], "expected an endpoint URL when objectStore.type is external-s3")
    if store["type"] == "minio" and store.get("endpoint"):
        raise fail(["objectStore", "endpoint"], "only valid with objectStore.type external-s3 (MinIO runs in-cluster)")
    secrets = cfg["secrets"]
    if secrets["provider"] == "sealed-secrets":
        sealed = secrets.get("sealed", {})
        needed = ["postgres", "objectStore"]
        for name in needed:
            if name not in sealed:
                raise fail(
                    ["secrets", "sealed"] if "sealed" in secrets else ["secrets", "provider"],
                    f"expected secrets.sealed.{name} (kubeseal-encrypted values) with provider sealed-secrets",
                )
    _auth_checks(cfg, fail)
    hpa = cfg["mlflow"]["hpa"]
    if hpa["enabled"] and hpa["minReplicas"] > hpa["maxReplicas"]:
        raise fail(["mlflow", "hpa", "minReplicas"], "expected minReplicas <= maxReplicas")
    seen: set[str] = set()
    for i, model in enumerate(cfg["serving"]["models"]):
        if model["name"] in seen:
            raise fail(["serving", "models", i, "name"], f"duplicate model name {excerpt(model['name'])}")
        seen.add(model["name"])


def normalize_auth_and_gateway(data: dict[str, Any]) -> dict[str, Any]:
    """The env file's shorthands, expanded before the profile merge: ``auth: basic`` is
    ``auth: {mode: basic}``; with ``ingress.kind: gateway`` the namespace whose pods forward outside
    traffic (``ingress.controllerNamespace``, used by every NetworkPolicy) defaults to the Gateway's
    namespace instead of ingress-nginx's."""
    out = dict(data)
    if isinstance(out.get("auth"), str):
        out["auth"] = {"mode": out["auth"]}
    ingress = out.get("ingress")
    if isinstance(ingress, dict) and ingress.get("kind") == "gateway" and "controllerNamespace" not in ingress:
        gateway = ingress.get("gateway")
        if isinstance(gateway, dict) and "namespace" in gateway:
            out["ingress"] = {**ingress, "controllerNamespace": gateway["namespace"]}
    return out


def _auth_checks(cfg: dict[str, Any], fail: Any) -> None:
    """Cross-key rules of ``auth`` and ``ingress.kind`` the JSON Schema cannot express."""
    auth = cfg["auth"]
    mode = auth["mode"]
    if mode == "oidc":
        oidc = auth.get("oidc", {})
        for key in ("issuerURL", "clientID"):
            if not oidc.get(key):
                raise fail(
                    ["auth", "oidc", key] if "oidc" in auth else ["auth"],
                    f"expected auth.oidc.{key} with auth mode oidc",
                )
    if mode == "basic" and auth["database"] == cfg["postgres"]["database"]:
        raise fail(
            ["auth", "database"], "expected a database other than postgres.database (the auth store is separate)"
        )
    secrets = cfg["secrets"]
    if secrets["provider"] == "sealed-secrets":
        sealed = secrets.get("sealed", {})
        needed = {"basic": "auth", "oidc": "oauth2Proxy"}.get(mode)
        if needed and needed not in sealed:
            raise fail(
                ["secrets", "sealed"] if "sealed" in secrets else ["secrets", "provider"],
                f"expected secrets.sealed.{needed} (kubeseal-encrypted values) with auth mode {mode}",
            )
    ingress = cfg["ingress"]
    if ingress["kind"] == "gateway" and not ingress.get("gateway"):
        raise fail(["ingress", "kind"], "expected ingress.gateway (name, namespace) with ingress.kind gateway")
    if ingress["kind"] == "ingress" and ingress.get("gateway"):
        raise fail(["ingress", "gateway"], "only valid with ingress.kind gateway")


def _implied_external(cfg: dict[str, Any], namespace: str) -> list[ExternalRef]:
    """Cluster objects the rendered tree references but does not contain."""
    ing = cfg["ingress"]
    if ing["kind"] == "gateway":
        gw = ing["gateway"]
        refs = [ExternalRef("Gateway", gw["name"], gw["namespace"])]
        if ing["tls"] and gw.get("certificate"):
            refs.append(ExternalRef("ClusterIssuer", ing["clusterIssuer"]))
    else:
        refs = [ExternalRef("IngressClass", ing["className"])]
        if ing["tls"]:
            refs.append(ExternalRef("ClusterIssuer", ing["clusterIssuer"]))
    if cfg["secrets"]["provider"] == "external-secrets":
        store = cfg["secrets"]["store"]
        refs.append(ExternalRef(store["kind"], store["name"], namespace if store["kind"] == "SecretStore" else ""))
    return refs


def build_environment(name: str, source_file: str, cfg: dict[str, Any]) -> Environment:
    """The frozen :class:`Environment` of a merged, validated config document."""
    namespace = cfg.get("namespace") or f"mlflow-{name}"
    images = cfg["images"]
    mlflow_image = images["mlflow"]
    training_image = images.get("training", mlflow_image)
    serving_image = images.get("serving", mlflow_image)
    store = cfg["objectStore"]
    ms = cfg["mlflow"]
    ing = cfg["ingress"]
    sec = cfg["secrets"]
    prefix = str(sec["keyPrefix"]).replace("{env}", name).rstrip("/")
    keys = sec.get("remoteKeys", {})  # explicit remote keys win over <keyPrefix>/<name>
    tr = cfg["training"]
    sv = cfg["serving"]
    mon = cfg["monitoring"]
    argo = cfg["argocd"]
    pol = cfg["policy"]
    default_model_res = ms["resources"]
    sealed = sec.get("sealed", {})
    external = {
        (r.kind, r.name, r.namespace): r
        for r in [
            *(ExternalRef(e["kind"], e["name"], e.get("namespace", "")) for e in pol.get("external", [])),
            *_implied_external(cfg, namespace),
        ]
    }
    return Environment(
        name=name,
        source_file=source_file,
        profile=cfg["profile"],
        namespace=namespace,
        kubernetes_version=str(cfg["kubernetesVersion"]),
        images=Images(
            mlflow=mlflow_image,
            postgres=images["postgres"],
            minio=images["minio"],
            mc=images["mc"],
            training=training_image,
            serving=serving_image,
            oauth2_proxy=images["oauth2Proxy"],
        ),
        postgres=PostgresSettings(
            database=cfg["postgres"]["database"],
            storage=_storage(cfg["postgres"]["storage"]),
            resources=_resources(cfg["postgres"]["resources"]),
        ),
        object_store=ObjectStoreSettings(
            type=store["type"],
            bucket=store["bucket"],
            endpoint=store.get("endpoint") or MINIO_ENDPOINT,
            region=store["region"],
            storage=_storage(store["storage"]),
            console=bool(store["console"]),
            resources=_resources(store["resources"]),
        ),
        mlflow=MlflowSettings(
            replicas=ms["replicas"],
            workers=ms["workers"],
            db_pool_size=ms["dbPoolSize"],
            db_max_overflow=ms["dbMaxOverflow"],
            resources=_resources(ms["resources"]),
            hpa=HpaSettings(
                enabled=ms["hpa"]["enabled"],
                min_replicas=ms["hpa"]["minReplicas"],
                max_replicas=ms["hpa"]["maxReplicas"],
                target_cpu_utilization=ms["hpa"]["targetCPUUtilization"],
            ),
        ),
        ingress=IngressSettings(
            host=ing.get("host") or f"mlflow.{name}.example.com",
            class_name=ing["className"],
            tls=ing["tls"],
            cluster_issuer=ing["clusterIssuer"],
            tls_secret_name=ing["tlsSecretName"],
            controller_namespace=ing["controllerNamespace"],
            acme_solver=ing["acmeSolver"],
            kind=ing["kind"],
            gateway=_gateway(ing.get("gateway")),
        ),
        secrets=SecretsSettings(
            provider=sec["provider"],
            store=SecretStoreRef(kind=sec["store"]["kind"], name=sec["store"]["name"]),
            refresh_interval=sec["refreshInterval"],
            postgres_key=keys.get("postgres") or f"{prefix}/postgres",
            object_store_key=keys.get("objectStore") or f"{prefix}/object-store",
            auth_key=keys.get("auth") or f"{prefix}/auth",
            oauth2_proxy_key=keys.get("oauth2Proxy") or f"{prefix}/oauth2-proxy",
            sealed=MappingProxyType(
                {
                    POSTGRES_SECRET: MappingProxyType(dict(sorted(sealed.get("postgres", {}).items()))),
                    OBJECT_STORE_SECRET: MappingProxyType(dict(sorted(sealed.get("objectStore", {}).items()))),
                    **_sealed_auth(sealed),
                }
                if sealed
                else {}
            ),
        ),
        training=TrainingSettings(
            enabled=tr["enabled"],
            image=tr.get("image") or training_image,
            schedule=tr["schedule"],
            experiment=tr["experiment"],
            command=tuple(tr["command"]),
            resources=_resources(tr["resources"]),
            backoff_limit=tr["backoffLimit"],
            ttl_seconds_after_finished=tr["ttlSecondsAfterFinished"],
            starting_deadline_seconds=tr["startingDeadlineSeconds"],
            active_deadline_seconds=tr["activeDeadlineSeconds"],
            successful_jobs_history_limit=tr["successfulJobsHistoryLimit"],
            failed_jobs_history_limit=tr["failedJobsHistoryLimit"],
        ),
        serving=ServingSettings(
            image=sv.get("image") or serving_image,
            port=sv["port"],
            models=tuple(
                ServingModel(
                    name=m["name"],
                    model_uri=m["modelUri"],
                    replicas=m.get("replicas", sv["defaultReplicas"]),
                    resources=_resources(deep_merge(default_model_res, m.get("resources", {}))),
                )
                for m in sv["models"]
            ),
        ),
        monitoring=MonitoringSettings(
            enabled=mon["enabled"],
            prometheus_namespace=mon["prometheusNamespace"],
            scrape_interval=mon["scrapeInterval"],
            service_monitor_labels=MappingProxyType(dict(sorted(mon["serviceMonitorLabels"].items()))),
            grafana_dashboard=mon["grafanaDashboard"],
        ),
        network_policy=NetworkPolicySettings(
            enabled=cfg["networkPolicy"]["enabled"],
            dns_namespace=cfg["networkPolicy"]["dnsNamespace"],
            node_local_dns=cfg["networkPolicy"]["nodeLocalDNS"],
        ),
        argocd=ArgoSettings(
            repo_url=argo["repoURL"],
            target_revision=argo["targetRevision"],
            destination_server=argo["destination"],
            project=argo["project"],
            automated=argo["automated"],
            prune=argo["prune"],
            self_heal=argo["selfHeal"],
        ),
        policy=Policy(
            severity=MappingProxyType(dict(sorted(pol.get("severity", {}).items()))),
            external=tuple(external[k] for k in sorted(external)),
        ),
        auth=_auth(cfg["auth"]),
    )


# In-cluster Secrets of the auth modes (generator.platform.auth); names live here like the others so the
# sealed values can be keyed by Secret name.
AUTH_SECRET = "mlflow-auth"
OAUTH2_PROXY_SECRET = "oauth2-proxy"


def _sealed_auth(sealed: Mapping[str, Any]) -> dict[str, Mapping[str, str]]:
    out: dict[str, Mapping[str, str]] = {}
    for key, secret in (("auth", AUTH_SECRET), ("oauth2Proxy", OAUTH2_PROXY_SECRET)):
        if key in sealed:
            out[secret] = MappingProxyType(dict(sorted(sealed[key].items())))
    return out


def _gateway(gw: Mapping[str, Any] | None) -> GatewayRef | None:
    if not gw:
        return None
    return GatewayRef(
        name=gw["name"],
        namespace=gw["namespace"],
        section_name=gw.get("sectionName", ""),
        certificate=bool(gw.get("certificate", False)),
    )


def _auth(auth: Mapping[str, Any]) -> AuthSettings:
    oidc = auth.get("oidc", {})
    return AuthSettings(
        mode=auth["mode"],
        default_permission=auth["defaultPermission"],
        database=auth["database"],
        oidc=OidcSettings(
            issuer_url=oidc["issuerURL"],
            client_id=oidc["clientID"],
            email_domains=tuple(oidc["emailDomains"]),
            allowed_groups=tuple(oidc["allowedGroups"]),
        )
        if auth["mode"] == "oidc"
        else None,
    )
