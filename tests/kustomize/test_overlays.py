"""Section 3 of issue 2, asserted on what real kustomize renders from each shipped overlay."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from generator.config.model import Environment
from generator.platform.build import build_objects
from generator.platform.postgres import (
    AUTH_POOLS_PER_WORKER,
    AUTH_SERVER_POD_CONNECTIONS,
    PERIODIC_TASKS_CONNECTIONS,
    SERVER_POD_CONNECTIONS,
)
from kustomize.conftest import SHIPPED, Objects, find

Get = Callable[[str, str, str], dict[str, Any]]

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "Job", "CronJob")
WAVE = "argocd.argoproj.io/sync-wave"


def pod_spec(obj: dict[str, Any]) -> dict[str, Any]:
    if obj["kind"] == "CronJob":
        spec: dict[str, Any] = obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        return spec
    return dict(obj["spec"]["template"]["spec"])


def pod_labels(obj: dict[str, Any]) -> dict[str, str]:
    if obj["kind"] == "CronJob":
        return dict(obj["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"])
    return dict(obj["spec"]["template"]["metadata"]["labels"])


def workloads(objs: Objects) -> list[dict[str, Any]]:
    return [o for o in objs if o["kind"] in WORKLOAD_KINDS]


def env_of(container: dict[str, Any]) -> dict[str, Any]:
    """name -> value, or name -> ("secret", secret, key) for secretKeyRef entries."""
    out: dict[str, Any] = {}
    for item in container.get("env", []):
        assert item["name"] not in out, f"duplicate env {item['name']}"
        if "value" in item:
            out[item["name"]] = item["value"]
        else:
            ref = item["valueFrom"]["secretKeyRef"]
            out[item["name"]] = ("secret", ref["name"], ref["key"])
    return out


def mlflow_container(obj: dict[str, Any]) -> dict[str, Any]:
    """The workload's main container (auth: basic adds only the tracking server's ``metrics`` sidecar)."""
    containers = pod_spec(obj)["containers"]
    assert [c["name"] for c in containers[1:]] in ([], ["metrics"])
    return dict(containers[0])


# ------------------------------------------------------------------------------------ the whole output


@pytest.mark.parametrize("env", SHIPPED)
def test_kustomize_output_is_exactly_the_built_objects(
    env: str, rendered: dict[str, Objects], shipped_envs: dict[str, Environment]
) -> None:
    def key(o: dict[str, Any]) -> tuple[str, str, str]:
        return (o["apiVersion"], o["kind"], o["metadata"]["name"])

    got = {key(o): o for o in rendered[env]}
    want = {key(o): o for o in build_objects(shipped_envs[env])}
    assert len(got) == len(rendered[env]), "duplicate objects in the rendered overlay"
    assert sorted(got) == sorted(want)
    for k, obj in want.items():
        assert got[k] == obj, f"{k} differs between the overlay and the builders"


@pytest.mark.parametrize("env", SHIPPED)
def test_every_object_is_in_the_env_namespace_and_has_a_sync_wave(
    env: str, rendered: dict[str, Objects], shipped_envs: dict[str, Environment]
) -> None:
    ns = shipped_envs[env].namespace
    for obj in rendered[env]:
        meta = obj["metadata"]
        assert WAVE in meta.get("annotations", {}), f"{obj['kind']}/{meta['name']} has no sync-wave"
        if obj["kind"] == "Namespace":
            assert meta["name"] == ns
        else:
            assert meta["namespace"] == ns, f"{obj['kind']}/{meta['name']}"
        labels = meta.get("labels", {})
        assert labels.get("app.kubernetes.io/part-of") == "mlflow-platform"
        assert labels.get("app.kubernetes.io/managed-by") == "gitops-gen"
        assert "app.kubernetes.io/name" in labels and "app.kubernetes.io/component" in labels


EXPECTED_WAVES = {
    "Namespace": "-3",
    "ServiceAccount": "-2",
    "NetworkPolicy": "-2",
    "ExternalSecret": "-1",
    "StatefulSet": "0",
    "PersistentVolumeClaim": "0",
    "Ingress": "2",
    "PodDisruptionBudget": "2",
    "HorizontalPodAutoscaler": "4",
    "ServiceMonitor": "2",
    "CronJob": "3",
}


def test_sync_waves_follow_the_contract(rendered: dict[str, Objects]) -> None:
    prod = rendered["prod"]
    for obj in prod:
        wave = obj["metadata"]["annotations"][WAVE]
        name = obj["metadata"]["name"]
        if obj["kind"] in EXPECTED_WAVES and not (obj["kind"] == "PodDisruptionBudget" and name.startswith("model-")):
            assert wave == EXPECTED_WAVES[obj["kind"]], f"{obj['kind']}/{name}"
    waves = {(o["kind"], o["metadata"]["name"]): o["metadata"]["annotations"][WAVE] for o in prod}
    assert waves[("Deployment", "minio")] == waves[("Service", "postgres")] == "0"
    assert waves[("Job", "mlflow-db-migrate")] == waves[("Job", "minio-create-bucket")] == "1"
    assert waves[("Deployment", "mlflow")] == waves[("Service", "mlflow")] == "2"
    assert waves[("ConfigMap", "mlflow-grafana-dashboard")] == "2"
    assert waves[("CronJob", "training")] == waves[("Job", "training-smoke")] == "3"
    # the last wave holds no hook: Argo CD does not wait on it (serving waits for a model; the HPA has no
    # metrics yet)
    assert waves[("Deployment", "model-iris")] == waves[("HorizontalPodAutoscaler", "mlflow")] == "4"
    assert max(int(w) for w in waves.values()) == 4
    assert not [
        o
        for o in prod
        if o["metadata"]["annotations"][WAVE] == "4" and "argocd.argoproj.io/hook" in o["metadata"]["annotations"]
    ]


# ------------------------------------------------------------------------------------ namespace


@pytest.mark.parametrize("env", SHIPPED)
def test_namespace_has_restricted_pod_security(env: str, rendered: dict[str, Objects]) -> None:
    (ns,) = find(rendered[env], "Namespace")
    labels = ns["metadata"]["labels"]
    for mode in ("enforce", "audit", "warn"):
        assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"


# ------------------------------------------------------------------------------------ every container


@pytest.mark.parametrize("env", SHIPPED)
def test_every_container_is_hardened_and_sized(env: str, rendered: dict[str, Objects]) -> None:
    for obj in workloads(rendered[env]):
        spec = pod_spec(obj)
        where = f"{env} {obj['kind']}/{obj['metadata']['name']}"
        assert spec["automountServiceAccountToken"] is False, where
        assert spec["serviceAccountName"], where
        assert spec["securityContext"]["runAsNonRoot"] is True, where
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, where
        mounted_volumes = {v["name"] for v in spec.get("volumes", [])}
        for c in spec["containers"]:
            sc = c["securityContext"]
            assert sc["runAsNonRoot"] is True and isinstance(sc["runAsUser"], int) and sc["runAsUser"] > 0, where
            assert sc["allowPrivilegeEscalation"] is False, where
            assert sc["capabilities"] == {"drop": ["ALL"]}, where
            assert sc["readOnlyRootFilesystem"] is True, where
            assert sc["seccompProfile"] == {"type": "RuntimeDefault"}, where
            for section in ("requests", "limits"):
                assert set(c["resources"][section]) == {"cpu", "memory"}, where
            image = c["image"]
            assert ":" in image.rsplit("/", 1)[-1] and not image.endswith(":latest"), where
            mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
            assert "/tmp" in mounts, f"{where}: no writable /tmp"
            assert set(mounts.values()) <= mounted_volumes | {"data"}, where
            long_running = obj["kind"] in ("Deployment", "StatefulSet")
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                assert (probe in c) == long_running, f"{where}: {probe}"


@pytest.mark.parametrize("env", SHIPPED)
def test_one_service_account_per_workload_without_token(env: str, rendered: dict[str, Objects]) -> None:
    accounts = {o["metadata"]["name"]: o for o in find(rendered[env], "ServiceAccount")}
    used: dict[str, set[str]] = {}
    for obj in workloads(rendered[env]):
        sa = pod_spec(obj)["serviceAccountName"]
        assert sa in accounts, f"{obj['kind']}/{obj['metadata']['name']} uses a missing ServiceAccount {sa}"
        used.setdefault(sa, set()).add(pod_labels(obj)["app.kubernetes.io/name"])
    for name, sa in accounts.items():
        assert sa["automountServiceAccountToken"] is False
        assert name in used, f"ServiceAccount {name} is not used"
    # one account per kind of workload: no two different apps share one
    assert all(len(apps) == 1 for apps in used.values()), used
    assert not find(rendered[env], "Role") and not find(rendered[env], "ClusterRole")


# ------------------------------------------------------------------------------------ PostgreSQL


@pytest.mark.parametrize("env", SHIPPED)
def test_postgres_statefulset_services_probes(env: str, rendered: dict[str, Objects], get: Get) -> None:
    assert not find(rendered[env], "Deployment", "postgres")
    sts = get(env, "StatefulSet", "postgres")
    assert sts["spec"]["serviceName"] == "postgres-headless"
    (claim,) = sts["spec"]["volumeClaimTemplates"]
    assert claim["spec"]["resources"]["requests"]["storage"]
    c = mlflow_container(sts)
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert "pg_isready" in " ".join(c[probe]["exec"]["command"])
    env_vars = env_of(c)
    assert env_vars["POSTGRES_USER"] == ("secret", "postgres-credentials", "username")
    assert env_vars["POSTGRES_PASSWORD"] == ("secret", "postgres-credentials", "password")
    headless = get(env, "Service", "postgres-headless")
    assert headless["spec"]["clusterIP"] == "None"
    svc = get(env, "Service", "postgres")
    assert svc["spec"]["type"] == "ClusterIP" and "clusterIP" not in svc["spec"]
    for s in (svc, headless):
        assert s["spec"]["selector"].items() <= pod_labels(sts).items()
        assert s["spec"]["ports"][0]["targetPort"] == "postgres"
    assert c["ports"][0]["name"] == "postgres"


def test_prod_postgres_storage_comes_from_the_env_file(get: Get) -> None:
    claim = get("prod", "StatefulSet", "postgres")["spec"]["volumeClaimTemplates"][0]["spec"]
    assert claim["resources"]["requests"]["storage"] == "50Gi"
    assert claim["storageClassName"] == "standard"
    dev_claim = get("dev", "StatefulSet", "postgres")["spec"]["volumeClaimTemplates"][0]["spec"]
    assert "storageClassName" not in dev_claim


# ------------------------------------------------------------------------------------ MinIO


@pytest.mark.parametrize("env", SHIPPED)
def test_minio_pinned_pvc_clusterip_probes(env: str, get: Get) -> None:
    dep = get(env, "Deployment", "minio")
    c = mlflow_container(dep)
    assert c["image"].startswith("quay.io/minio/minio:RELEASE.")
    assert c["readinessProbe"]["httpGet"]["path"] == "/minio/health/ready"
    assert c["livenessProbe"]["httpGet"]["path"] == "/minio/health/live"
    claim = pod_spec(dep)["volumes"][0]["persistentVolumeClaim"]["claimName"]
    pvc = get(env, "PersistentVolumeClaim", claim)
    assert pvc["spec"]["accessModes"] == ["ReadWriteOnce"]
    # Artifacts survive deleting the Application (finalizer cascade) and pruning.
    assert pvc["metadata"]["annotations"]["argocd.argoproj.io/sync-options"] == "Delete=false,Prune=false"
    svc = get(env, "Service", "minio")
    assert svc["spec"]["type"] == "ClusterIP"
    assert [p["name"] for p in svc["spec"]["ports"]] == ["api"]  # console not exposed unless asked
    assert env_of(c)["MINIO_ROOT_PASSWORD"] == ("secret", "object-store-credentials", "secretKey")


@pytest.mark.parametrize("env", SHIPPED)
def test_data_survives_deleting_the_application(env: str, rendered: dict[str, Objects]) -> None:
    """The Application's finalizer deletes what it manages; deleting the Namespace would take every PVC
    in it (PostgreSQL's volumeClaimTemplate, MinIO's claim) along, so it must be kept like the PVCs."""
    (ns,) = find(rendered[env], "Namespace")
    keep = {"Delete=false", "Prune=false"}
    has_data = find(rendered[env], "PersistentVolumeClaim") or any(
        s["spec"].get("volumeClaimTemplates") for s in find(rendered[env], "StatefulSet")
    )
    assert has_data
    options = set(ns["metadata"].get("annotations", {}).get("argocd.argoproj.io/sync-options", "").split(","))
    assert keep <= options, f"{env}: Namespace {ns['metadata']['name']} would be deleted with the Application"
    for pvc in find(rendered[env], "PersistentVolumeClaim"):
        assert keep <= set(pvc["metadata"]["annotations"]["argocd.argoproj.io/sync-options"].split(","))


@pytest.mark.parametrize("env", SHIPPED)
def test_bucket_job_is_an_idempotent_sync_hook(env: str, get: Get) -> None:
    job = get(env, "Job", "minio-create-bucket")
    ann = job["metadata"]["annotations"]
    assert ann["argocd.argoproj.io/hook"] == "Sync"
    assert ann["argocd.argoproj.io/hook-delete-policy"] == "BeforeHookCreation"
    assert int(ann[WAVE]) > int(get(env, "Deployment", "minio")["metadata"]["annotations"][WAVE])
    c = mlflow_container(job)
    assert "mc mb --ignore-existing" in c["command"][-1]
    assert env_of(c)["BUCKET"] == "mlflow-artifacts"
    assert c["image"].startswith("quay.io/minio/mc:RELEASE.")


# ------------------------------------------------------------------------------------ MLflow


@pytest.mark.parametrize("env", SHIPPED)
def test_mlflow_server_flags_env_and_volumes(env: str, get: Get, shipped_envs: dict[str, Environment]) -> None:
    e = shipped_envs[env]
    dep = get(env, "Deployment", "mlflow")
    c = mlflow_container(dep)
    assert c["image"] == "ghcr.io/mlflow/mlflow:v3.17.2-full"  # >= 3.16: honours ..._ENABLE_PERIODIC_TASKS
    args = c["args"]
    assert args[0] == "server"
    assert "--serve-artifacts" in args
    assert args[args.index("--artifacts-destination") + 1] == "s3://mlflow-artifacts"
    assert args[args.index("--backend-store-uri") + 1] == "$(MLFLOW_BACKEND_STORE_URI)"
    assert args[args.index("--workers") + 1] == str(e.mlflow.workers)
    metrics_dir = args[args.index("--expose-prometheus") + 1]
    mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
    volumes = {v["name"]: v for v in pod_spec(dep)["volumes"]}
    assert "emptyDir" in volumes[mounts[metrics_dir]] and "emptyDir" in volumes[mounts["/tmp"]]
    env_vars = env_of(c)
    uri = env_vars["MLFLOW_BACKEND_STORE_URI"]
    assert uri == "postgresql+psycopg2://$(POSTGRES_USER):$(POSTGRES_PASSWORD)@postgres:5432/mlflow"
    names = [item["name"] for item in c["env"]]
    # $(VAR) expansion only sees variables defined earlier in the list
    assert names.index("POSTGRES_USER") < names.index("MLFLOW_BACKEND_STORE_URI")
    assert names.index("POSTGRES_PASSWORD") < names.index("MLFLOW_BACKEND_STORE_URI")
    assert env_vars["MLFLOW_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert env_vars["AWS_SECRET_ACCESS_KEY"] == ("secret", "object-store-credentials", "secretKey")
    assert env_vars["MLFLOW_SQLALCHEMYSTORE_POOL_SIZE"] == str(e.mlflow.db_pool_size)
    hosts = env_vars["MLFLOW_SERVER_ALLOWED_HOSTS"].split(",")
    for host in (e.host, "mlflow", "mlflow:5000", f"mlflow.{e.namespace}.svc.cluster.local:5000"):
        assert host in hosts
    scheme = "https" if env != "dev" else "http"
    assert env_vars["MLFLOW_SERVER_CORS_ALLOWED_ORIGINS"] == f"{scheme}://{e.host}"
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert c[probe]["httpGet"] == {"path": "/health", "port": "http"}
    assert pod_spec(dep)["securityContext"]["runAsUser"] == 1000


def _host_allowed(patterns: list[str], host: str) -> bool:
    """MLflow's check (mlflow.server.security_utils.is_allowed_host_header): fnmatch for entries with a
    '*', exact match otherwise."""
    import fnmatch

    return any(fnmatch.fnmatch(host, p) if "*" in p else host == p for p in patterns)


@pytest.mark.parametrize("env", SHIPPED)
def test_allowed_hosts_admit_every_legitimate_caller_and_nothing_else(
    env: str, get: Get, shipped_envs: dict[str, Environment]
) -> None:
    e = shipped_envs[env]
    patterns = env_of(mlflow_container(get(env, "Deployment", "mlflow")))["MLFLOW_SERVER_ALLOWED_HOSTS"].split(",")
    callers = {
        e.host: "the Ingress",
        "mlflow:5000": "training and serving pods",
        f"mlflow.{e.namespace}.svc.cluster.local:5000": "other namespaces",
        "10.42.7.3:5000": "Prometheus scraping the pod IP",
        "100.64.0.9:5000": "Prometheus scraping a pod IP from a 100.64.0.0/10 pod CIDR",
        "100.127.255.1:5000": "Prometheus scraping a pod IP from a 100.64.0.0/10 pod CIDR",
        "localhost:5000": "kubectl port-forward",
        "127.0.0.1:5000": "kubectl port-forward",
        "0.0.0.0:5000": "the server's own job runner",
    }
    for host, who in callers.items():
        assert _host_allowed(patterns, host), f"{env}: {who} ({host}) would get 403"
    for host in (
        "evil.example.com",
        f"{e.host}.evil.example.com",
        "8.8.8.8:5000",
        "100.128.0.1:5000",
        "100.63.1.1:5000",
    ):
        assert not _host_allowed(patterns, host), f"{env}: {host} must be rejected"


URL_ENCODED_PASSWORD = '{{ .password | urlquery | replace "+" "%20" }}'
NASTY_PASSWORDS = ("p@ss/w:rd", "a%41b", "sp ace+plus", "ünï#?&=", "plain")


@pytest.mark.parametrize("env", SHIPPED)
def test_backend_uri_survives_any_password(env: str, get: Get) -> None:
    """The password is spliced into postgresql://user:PASSWORD@host by $(VAR) expansion; SQLAlchemy ends it
    at the first '@' and percent-decodes it ('p@ss' -> host 'ss', 'a%41b' -> 'aAb', checked with
    SQLAlchemy 2). The MLflow pods must get a percent-encoded copy, PostgreSQL the plain value."""
    from urllib.parse import quote_plus, unquote

    es = get(env, "ExternalSecret", "postgres-credentials")
    template = es["spec"]["target"]["template"]
    assert template["engineVersion"] == "v2"
    data = template["data"]
    assert data["password"] == "{{ .password }}" and data["username"] == "{{ .username }}"
    for kind, name in (("Deployment", "mlflow"), ("Job", "mlflow-db-migrate")):
        spec = pod_spec(get(env, kind, name))
        for c in [*spec.get("initContainers", []), *spec["containers"]]:
            if "PGPASSWORD" in env_of(c):  # auth: basic -- libpq reads it as is, no URL involved
                assert env_of(c)["PGPASSWORD"] == ("secret", "postgres-credentials", "password"), c["name"]
            if c["name"] == "metrics" or c["name"].startswith("auth-"):
                assert "POSTGRES_PASSWORD" not in env_of(c), c["name"]
                continue
            secret, key = env_of(c)["POSTGRES_PASSWORD"][1:]
            assert secret == "postgres-credentials" and data[key] == URL_ENCODED_PASSWORD, (name, c["name"])
    # Go's urlquery is url.QueryEscape (unreserved kept, space -> '+', the rest %XX); SQLAlchemy unquotes
    for password in NASTY_PASSWORDS:
        encoded = quote_plus(password, safe="").replace("+", "%20")
        assert "@" not in encoded and unquote(encoded) == password
    pg = mlflow_container(get(env, "StatefulSet", "postgres"))
    assert env_of(pg)["POSTGRES_PASSWORD"] == ("secret", "postgres-credentials", "password")


def test_workers_and_pool_differ_per_environment(get: Get) -> None:
    def workers(env: str) -> str:
        args = mlflow_container(get(env, "Deployment", "mlflow"))["args"]
        return str(args[args.index("--workers") + 1])

    assert workers("dev") == "2" and workers("prod") == "4"
    pool = {
        env: env_of(mlflow_container(get(env, "Deployment", "mlflow")))["MLFLOW_SQLALCHEMYSTORE_POOL_SIZE"]
        for env in ("dev", "prod")
    }
    assert pool == {"dev": "5", "prod": "10"}


@pytest.mark.parametrize("env", SHIPPED)
def test_s3_credentials_only_on_the_server(env: str, rendered: dict[str, Objects]) -> None:
    for obj in workloads(rendered[env]):
        name = obj["metadata"]["name"]
        for c in pod_spec(obj)["containers"]:
            keys = set(env_of(c))
            if name in ("mlflow", "mlflow-tasks", "minio", "minio-create-bucket"):
                continue
            assert not keys & {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "MLFLOW_S3_ENDPOINT_URL"}, name


@pytest.mark.parametrize("env", SHIPPED)
def test_migration_is_a_sync_hook_between_postgres_and_mlflow(env: str, rendered: dict[str, Objects], get: Get) -> None:
    job = get(env, "Job", "mlflow-db-migrate")
    ann = job["metadata"]["annotations"]
    assert ann["argocd.argoproj.io/hook"] == "Sync"  # not PreSync: PostgreSQL must exist first
    wave = int(ann[WAVE])
    assert int(get(env, "StatefulSet", "postgres")["metadata"]["annotations"][WAVE]) < wave
    assert wave < int(get(env, "Deployment", "mlflow")["metadata"]["annotations"][WAVE])
    c = mlflow_container(job)
    assert [*c["command"], *c["args"]] == ["mlflow", "db", "upgrade", "$(MLFLOW_BACKEND_STORE_URI)"]
    for obj in find(rendered[env], "Deployment"):  # (model servers wait for their model: see serving tests)
        assert "initContainers" not in pod_spec(obj) or obj["metadata"]["name"].startswith("model-")
    # `mlflow db upgrade` alone fails on the empty database of a first sync (mlflow#2444): an init step
    # with the same image and database URI creates the schema first when there is none
    init, *auth_steps = pod_spec(job)["initContainers"]
    # auth: basic creates, migrates and populates the auth store after the tracking schema exists
    expected = ["auth-create-db", "auth-db-upgrade", "auth-users"] if env != "dev" else []
    assert [a["name"] for a in auth_steps] == expected
    assert init["image"] == c["image"] and env_of(init) == env_of(c)
    assert init["command"][:2] == ["python", "-c"] and "_initialize_tables(engine)" in init["command"][2]
    assert init["securityContext"] == c["securityContext"] and init["resources"] == c["resources"]


def test_periodic_tasks_run_on_exactly_one_replica(get: Get, rendered: dict[str, Objects]) -> None:
    def periodic(obj: dict[str, Any]) -> str:
        return str(env_of(mlflow_container(obj))["MLFLOW_SERVER_JOB_ENABLE_PERIODIC_TASKS"])

    for env in ("dev", "staging"):
        dep = get(env, "Deployment", "mlflow")
        assert dep["spec"]["replicas"] == 1 and periodic(dep) == "true"
        assert not find(rendered[env], "Deployment", "mlflow-tasks")
    main = get("prod", "Deployment", "mlflow")
    tasks = get("prod", "Deployment", "mlflow-tasks")
    assert main["spec"]["replicas"] >= 2 and periodic(main) == "false"
    assert tasks["spec"]["replicas"] == 1 and periodic(tasks) == "true"
    # the two Deployments must not adopt each other's pods; the Service reaches both
    main_sel = main["spec"]["selector"]["matchLabels"].items()
    tasks_sel = tasks["spec"]["selector"]["matchLabels"].items()
    assert not main_sel <= pod_labels(tasks).items() and not tasks_sel <= pod_labels(main).items()
    svc_sel = get("prod", "Service", "mlflow")["spec"]["selector"].items()
    assert svc_sel <= pod_labels(main).items() and svc_sel <= pod_labels(tasks).items()


# ------------------------------------------------------------------------------------ Service + Ingress


@pytest.mark.parametrize("env", SHIPPED)
def test_services_select_pods_and_named_ports(env: str, rendered: dict[str, Objects]) -> None:
    objs = rendered[env]
    for svc in find(objs, "Service"):
        selected = [w for w in workloads(objs) if svc["spec"]["selector"].items() <= pod_labels(w).items()]
        assert selected, f"Service {svc['metadata']['name']} selects no pod template"
        for port in svc["spec"]["ports"]:
            assert isinstance(port["targetPort"], str) and port["name"]
            for w in selected:
                names = {p["name"] for c in pod_spec(w)["containers"] for p in c.get("ports", [])}
                assert port["targetPort"] in names, f"{svc['metadata']['name']} -> {w['metadata']['name']}"
        assert svc["spec"]["type"] == "ClusterIP"


def test_ingress_dev_plain_http(get: Get) -> None:
    ing = get("dev", "Ingress", "mlflow")
    assert "tls" not in ing["spec"]
    assert "cert-manager.io/cluster-issuer" not in ing["metadata"]["annotations"]
    assert ing["metadata"]["annotations"]["nginx.ingress.kubernetes.io/ssl-redirect"] == "false"
    backend = ing["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "mlflow", "port": {"name": "http"}}
    assert ing["spec"]["rules"][0]["host"] == "mlflow.dev.example.com"


@pytest.mark.parametrize(("env", "issuer"), [("staging", "letsencrypt-staging"), ("prod", "letsencrypt-prod")])
def test_ingress_tls_in_staging_and_prod(env: str, issuer: str, get: Get, shipped_envs: dict[str, Environment]) -> None:
    ing = get(env, "Ingress", "mlflow")
    ann = ing["metadata"]["annotations"]
    assert ann["cert-manager.io/cluster-issuer"] == issuer
    assert ann["nginx.ingress.kubernetes.io/ssl-redirect"] == "true"
    assert ing["spec"]["tls"] == [{"hosts": [shipped_envs[env].host], "secretName": "mlflow-tls"}]
    assert ing["spec"]["ingressClassName"] == "nginx"


# ------------------------------------------------------------------------------------ training / serving


@pytest.mark.parametrize("env", SHIPPED)
def test_training_job_and_cronjob(env: str, get: Get, shipped_envs: dict[str, Environment]) -> None:
    e = shipped_envs[env]
    cron = get(env, "CronJob", "training")
    spec = cron["spec"]
    assert spec["schedule"] == e.training.schedule
    assert spec["concurrencyPolicy"] == "Forbid"
    assert spec["successfulJobsHistoryLimit"] >= 0 and spec["failedJobsHistoryLimit"] >= 0
    assert spec["startingDeadlineSeconds"] > 0
    job = get(env, "Job", "training-smoke")
    for job_spec in (spec["jobTemplate"]["spec"], job["spec"]):
        assert job_spec["ttlSecondsAfterFinished"] > 0 and job_spec["backoffLimit"] >= 0
        c = job_spec["template"]["spec"]["containers"][0]
        assert env_of(c)["MLFLOW_TRACKING_URI"] == "http://mlflow:5000"


def test_schedules_differ_per_environment(get: Get) -> None:
    schedules = {env: get(env, "CronJob", "training")["spec"]["schedule"] for env in SHIPPED}
    assert schedules == {"dev": "0 3 * * *", "staging": "30 2 * * *", "prod": "0 2 * * *"}


def test_model_serving_per_model(rendered: dict[str, Objects], get: Get) -> None:
    assert not find(rendered["dev"], "Deployment", "model-iris")  # no models in dev
    for env, uri, replicas in (("staging", "models:/iris@champion", 1), ("prod", "models:/iris@champion", 2)):
        dep = get(env, "Deployment", "model-iris")
        c = mlflow_container(dep)
        assert c["args"][:2] == ["models", "serve"]
        assert c["args"][c["args"].index("--model-uri") + 1] == uri
        # no registered version on a fresh cluster: the pod waits for it (init container), the Deployment has
        # no progress deadline (never Degraded) and sits in the last, unwaited wave
        (wait,) = pod_spec(dep)["initContainers"]
        assert wait["name"] == "wait-for-model" and wait["command"][-1] == uri
        assert "get_model_info" in wait["command"][2] and wait["securityContext"] == c["securityContext"]
        assert dep["spec"]["progressDeadlineSeconds"] == 2147483647
        assert dep["metadata"]["annotations"][WAVE] == "4"
        assert dep["spec"]["replicas"] == replicas
        svc = get(env, "Service", "model-iris")
        assert svc["spec"]["selector"].items() <= pod_labels(dep).items()


# ------------------------------------------------------------------------------------ monitoring


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_service_monitor_and_dashboard(env: str, get: Get) -> None:
    sm = get(env, "ServiceMonitor", "mlflow")
    svc = get(env, "Service", "mlflow")
    assert sm["spec"]["selector"]["matchLabels"].items() <= svc["metadata"]["labels"].items()
    (endpoint,) = sm["spec"]["endpoints"]
    assert endpoint["port"] in {p["name"] for p in svc["spec"]["ports"]}
    assert endpoint["path"] == "/metrics"
    assert sm["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    cm = get(env, "ConfigMap", "mlflow-grafana-dashboard")
    assert cm["metadata"]["labels"]["grafana_dashboard"] == "1"
    text = "".join(cm["data"].values())
    assert "mlflow_http_request_total" in text
    assert "mlflow_http_request_duration_seconds_bucket" in text
    assert "mlflow_http_requests_total" not in text and "mlflow_active_runs" not in text


# Memory (PSS, MiB) of `mlflow server` with the rendered flags, job execution on (the default), per
# --workers: the server, its workers, the job runner and its Huey consumers. 3.16.1 idle: 2 -> 1862,
# 4 -> 2230; 3.17.2 under tests/e2e (after its traffic): 4 -> 2190 (web), 2301 (with periodic tasks).
MEASURED_IDLE_MIB = {2: 1862, 4: 2301}


def _mib(quantity: str) -> float:
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "Ti": 1024 * 1024}
    for suffix, factor in units.items():
        if quantity.endswith(suffix):
            return float(quantity[: -len(suffix)]) * factor
    return float(quantity) / (1024 * 1024)


@pytest.mark.parametrize("env", SHIPPED)
def test_mlflow_memory_fits_what_the_server_really_uses(env: str, rendered: dict[str, Objects]) -> None:
    """A limit below the idle footprint OOM-kills the server at start (the 1Gi of dev/staging did)."""
    servers = [d for d in find(rendered[env], "Deployment") if mlflow_container(d)["name"] == "mlflow"]
    assert servers
    for dep in servers:
        c = mlflow_container(dep)
        workers = int(c["args"][c["args"].index("--workers") + 1])
        idle = max(v for w, v in MEASURED_IDLE_MIB.items() if w <= workers) if workers >= 2 else 1862
        limit = _mib(c["resources"]["limits"]["memory"])
        request = _mib(c["resources"]["requests"]["memory"])
        assert limit >= idle * 1.25, f"{env}/{dep['metadata']['name']}: limit {limit} MiB, idle use {idle} MiB"
        assert request >= idle, f"{env}/{dep['metadata']['name']}: request {request} MiB below idle use"


@pytest.mark.parametrize("env", SHIPPED)
def test_postgres_accepts_every_connection_the_tracking_servers_can_open(
    env: str, rendered: dict[str, Objects], get: Get
) -> None:
    """Worst case, from the rendered objects: per MLflow pod, workers x (pool + overflow) connections;
    pods = replicas, or the HPA maximum for the Deployment an HPA scales. PostgreSQL refuses clients
    beyond max_connections (default 100) minus its 3 superuser-reserved slots."""
    hpa_max = {
        h["spec"]["scaleTargetRef"]["name"]: h["spec"]["maxReplicas"]
        for h in find(rendered[env], "HorizontalPodAutoscaler")
    }
    demand = 0
    for dep in find(rendered[env], "Deployment"):
        c = pod_spec(dep)["containers"][0]
        if c["name"] != "mlflow" or "--workers" not in c.get("args", []):
            continue
        args, values = c["args"], env_of(c)
        workers = int(args[args.index("--workers") + 1])
        per_process = int(values["MLFLOW_SQLALCHEMYSTORE_POOL_SIZE"]) + int(
            values["MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW"]
        )
        pods = hpa_max.get(dep["metadata"]["name"], dep["spec"]["replicas"])
        # basic-auth: MLflow's auth store opens a second engine (same pool settings) in every worker
        basic_auth = "basic-auth" in args
        pools = 1 + (AUTH_POOLS_PER_WORKER if basic_auth else 0)
        # + the connections the server and job runner processes keep (measured by tests/e2e/test_sizing.py)
        server = SERVER_POD_CONNECTIONS + (AUTH_SERVER_POD_CONNECTIONS if basic_auth else 0)
        demand += pods * (workers * pools * per_process + server)
        demand += PERIODIC_TASKS_CONNECTIONS if values["MLFLOW_SERVER_JOB_ENABLE_PERIODIC_TASKS"] == "true" else 0
    assert demand > 0
    pg = mlflow_container(get(env, "StatefulSet", "postgres"))
    args = pg.get("args", [])
    settings = dict(args[i + 1].split("=", 1) for i, flag in enumerate(args[:-1]) if flag == "-c")
    limit = int(settings.get("max_connections", "100"))
    assert limit - 3 >= demand + 1, f"{env}: max_connections={limit} but the MLflow servers may open {demand}"


# Labels the series of MLflow's exporter really carry: prometheus-flask-exporter with group_by=mlflow_version
# gives method + status (+ mlflow_version and le on the histogram), and Prometheus adds the target labels.
EXPORTED_LABELS = {"method", "status", "mlflow_version", "le"}
TARGET_LABELS = {"namespace", "service", "pod", "instance", "job", "endpoint", "container"}


def _promql_labels(expr: str) -> set[str]:
    """Label names an expression groups by (``by (...)``, ``without (...)``) or matches on (``{a="b"}``)."""
    used: set[str] = set()
    for group in re.findall(r"\b(?:by|without)\s*\(([^)]*)\)", expr):
        used |= {name.strip() for name in group.split(",") if name.strip()}
    for matchers in re.findall(r"\{([^}]*)\}", expr):
        used |= set(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)", matchers))
    return used


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_dashboard_promql_uses_only_labels_mlflow_exports(env: str, get: Get) -> None:
    cm = get(env, "ConfigMap", "mlflow-grafana-dashboard")
    (text,) = cm["data"].values()
    board = json.loads(text)
    exprs = [t["expr"] for panel in board["panels"] for t in panel["targets"]]
    assert exprs
    for expr in exprs:
        unknown = _promql_labels(expr) - EXPORTED_LABELS - TARGET_LABELS
        assert not unknown, f"{expr!r} uses labels MLflow's exporter does not emit: {sorted(unknown)}"
    for panel in board["panels"]:
        for target in panel["targets"]:
            for legend_label in re.findall(r"\{\{\s*(\w+)\s*\}\}", target.get("legendFormat", "")):
                assert legend_label in EXPORTED_LABELS | TARGET_LABELS, (panel["title"], legend_label)


def test_promql_label_parser_sees_group_and_matcher_labels() -> None:
    assert _promql_labels('sum by (path) (rate(x{namespace="a", status=~"5.."}[5m]))') == {
        "path",
        "namespace",
        "status",
    }


def test_no_monitoring_in_dev(rendered: dict[str, Objects]) -> None:
    assert not find(rendered["dev"], "ServiceMonitor")


# ------------------------------------------------------------------------------------ HA


def test_ha_only_in_prod(rendered: dict[str, Objects], get: Get) -> None:
    for env in ("dev", "staging"):
        assert not find(rendered[env], "PodDisruptionBudget", "mlflow")
        assert not find(rendered[env], "HorizontalPodAutoscaler")
        assert "topologySpreadConstraints" not in pod_spec(get(env, "Deployment", "mlflow"))
    dep = get("prod", "Deployment", "mlflow")
    assert dep["spec"]["replicas"] == 3
    pdb = get("prod", "PodDisruptionBudget", "mlflow")
    assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels(dep).items()
    spread = pod_spec(dep)["topologySpreadConstraints"]
    assert {t["topologyKey"] for t in spread} == {"kubernetes.io/hostname", "topology.kubernetes.io/zone"}
    for t in spread:
        assert t["labelSelector"]["matchLabels"].items() <= pod_labels(dep).items()
    hpa = get("prod", "HorizontalPodAutoscaler", "mlflow")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "mlflow"}
    assert hpa["spec"]["minReplicas"] >= 2


def test_every_multi_replica_workload_in_prod_has_a_pdb_and_spread(rendered: dict[str, Objects]) -> None:
    objs = rendered["prod"]
    pdbs = find(objs, "PodDisruptionBudget")
    for obj in objs:
        if obj["kind"] in ("Deployment", "StatefulSet") and obj["spec"]["replicas"] > 1:
            labels = pod_labels(obj).items()
            assert any(p["spec"]["selector"]["matchLabels"].items() <= labels for p in pdbs), obj["metadata"]["name"]
            assert pod_spec(obj).get("topologySpreadConstraints"), obj["metadata"]["name"]


# ------------------------------------------------------------------------------------ secrets


@pytest.mark.parametrize("env", SHIPPED)
def test_secrets_come_from_external_secrets(env: str, rendered: dict[str, Objects]) -> None:
    objs = rendered[env]
    assert not find(objs, "Secret")
    produced = {o["spec"]["target"]["name"] for o in find(objs, "ExternalSecret")}
    for es in find(objs, "ExternalSecret"):
        assert es["apiVersion"] == "external-secrets.io/v1"
        assert es["spec"]["secretStoreRef"] == {"kind": "ClusterSecretStore", "name": "platform-secrets"}
    referenced = {
        item["valueFrom"]["secretKeyRef"]["name"]
        for w in workloads(objs)
        for c in pod_spec(w)["containers"]
        for item in c.get("env", [])
        if "valueFrom" in item
    }
    assert referenced and referenced <= produced


# ------------------------------------------------------------------------------------ NetworkPolicy


def _matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    if not selector.get("matchLabels", {}).items() <= labels.items():
        return False
    for expr in selector.get("matchExpressions", []):
        value = labels.get(expr["key"])
        if expr["operator"] == "In" and value not in expr["values"]:
            return False
        if expr["operator"] == "NotIn" and value in expr["values"]:
            return False
        if expr["operator"] == "Exists" and value is None:
            return False
    return True


Pod = tuple[str, dict[str, str]]  # (namespace, labels)


def _peer_ok(peers: list[dict[str, Any]] | None, own_ns: str, other: Pod) -> bool:
    if peers is None:
        return True
    ns, labels = other
    ns_labels = {"kubernetes.io/metadata.name": ns}
    for peer in peers:
        if "ipBlock" in peer:
            continue  # only in-cluster pods are checked here
        if "namespaceSelector" in peer:
            if not _matches(peer["namespaceSelector"], ns_labels):
                continue
        elif ns != own_ns:
            continue
        if "podSelector" in peer and not _matches(peer["podSelector"], labels):
            continue
        return True
    return False


def _port_ok(ports: list[dict[str, Any]] | None, port: int, protocol: str) -> bool:
    return ports is None or any(p.get("port") == port and p.get("protocol", "TCP") == protocol for p in ports)


def allowed(policies: Objects, src: Pod, dst: Pod, port: int, protocol: str = "TCP") -> bool:
    """Kubernetes NetworkPolicy semantics for a flow src -> dst:port (policies of the platform namespace)."""
    ns = policies[0]["metadata"]["namespace"] if policies else ""

    def direction(pod: Pod, kind: str, key: str, peer_key: str, other: Pod) -> bool:
        if pod[0] != ns:
            return True  # pods outside the platform namespace are not governed by these policies
        selecting = [
            p for p in policies if kind in p["spec"]["policyTypes"] and _matches(p["spec"]["podSelector"], pod[1])
        ]
        if not selecting:
            return True
        return any(
            _peer_ok(rule.get(peer_key), ns, other) and _port_ok(rule.get("ports"), port, protocol)
            for p in selecting
            for rule in p["spec"].get(key, [])
        )

    return direction(src, "Egress", "egress", "to", dst) and direction(dst, "Ingress", "ingress", "from", src)


def test_no_network_policy_in_dev(rendered: dict[str, Objects]) -> None:
    assert not find(rendered["dev"], "NetworkPolicy")


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_network_policy_allows_exactly_the_platform_flows(
    env: str, rendered: dict[str, Objects], shipped_envs: dict[str, Environment]
) -> None:
    objs = rendered[env]
    ns = shipped_envs[env].namespace
    policies = find(objs, "NetworkPolicy")
    deny = one_policy(policies, "default-deny-all")
    assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}

    def pod(app: str) -> Pod:
        for w in workloads(objs):
            if pod_labels(w)["app.kubernetes.io/name"] == app:
                return ns, pod_labels(w)
        raise AssertionError(f"no workload {app}")

    dns: Pod = ("kube-system", {"k8s-app": "kube-dns"})
    nginx: Pod = ("ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"})
    prometheus: Pod = ("monitoring", {"app.kubernetes.io/name": "prometheus"})
    stranger: Pod = ("default", {"app": "curl"})
    for w in workloads(objs):
        src = (ns, pod_labels(w))
        assert allowed(policies, src, dns, 53, "UDP"), w["metadata"]["name"]
        assert allowed(policies, src, dns, 53, "TCP"), w["metadata"]["name"]
    mlflow, postgres, minio = pod("mlflow"), pod("postgres"), pod("minio")
    migrate, bucket, training, model = (
        pod("mlflow-db-migrate"),
        pod("minio-create-bucket"),
        pod("training"),
        pod("model-server"),
    )
    must: list[tuple[Pod, Pod, int]] = [
        (nginx, mlflow, 5000),
        # auth: basic (both shipped profiles): Prometheus scrapes the metrics sidecar, never the API
        (prometheus, mlflow, 9102),
        (mlflow, postgres, 5432),
        (mlflow, minio, 9000),
        (migrate, postgres, 5432),
        (bucket, minio, 9000),
        (training, mlflow, 5000),
        (training, minio, 9000),
        (model, mlflow, 5000),
        (model, minio, 9000),
    ]
    # cert-manager's HTTP-01 solver pods (label from cert-manager pkg/apis/acme/v1/types.go, port 8089 from
    # pkg/issuer/acme/http/http.go) must be reachable from the ingress controller, and only from it
    solver: Pod = (ns, {"acme.cert-manager.io/http01-solver": "true"})
    must.append((nginx, solver, 8089))
    for src, dst, port in must:
        assert allowed(policies, src, dst, port), f"{src} -> {dst}:{port} is blocked"
    must_not: list[tuple[Pod, Pod, int]] = [
        (stranger, mlflow, 5000),
        (prometheus, mlflow, 5000),
        (stranger, mlflow, 9102),
        (nginx, postgres, 5432),
        (training, postgres, 5432),
        (model, postgres, 5432),
        (mlflow, (ns, {"app": "other"}), 8080),
        (postgres, mlflow, 5000),
        (bucket, postgres, 5432),
    ]
    must_not += [(stranger, solver, 8089), (nginx, solver, 8080)]
    for src, dst, port in must_not:
        assert not allowed(policies, src, dst, port), f"{src} -> {dst}:{port} should be denied"


def one_policy(policies: Objects, name: str) -> dict[str, Any]:
    (found,) = [p for p in policies if p["metadata"]["name"] == name]
    return found


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_dns_egress_admits_node_local_dns_cache(env: str, rendered: dict[str, Objects]) -> None:
    (dns,) = [p for p in find(rendered[env], "NetworkPolicy") if p["metadata"]["name"] == "allow-dns"]
    (rule,) = dns["spec"]["egress"]
    assert {"ipBlock": {"cidr": "169.254.20.10/32"}} in rule["to"]
    assert {"protocol": "UDP", "port": 53} in rule["ports"] and {"protocol": "TCP", "port": 53} in rule["ports"]


def test_mlflow_tasks_recreates_instead_of_rolling(get: Get) -> None:
    assert get("prod", "Deployment", "mlflow-tasks")["spec"]["strategy"] == {"type": "Recreate"}
    assert get("prod", "Deployment", "mlflow")["spec"]["strategy"]["type"] == "RollingUpdate"
