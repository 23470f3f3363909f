"""Authentication (auth: none | basic | oidc) and publishing (ingress.kind: ingress | gateway), rendered per
profile through real kustomize, validated with the project's rules, and the oidc flows checked with the
independent NetworkPolicy evaluator of test_overlays (``allowed``)."""

from __future__ import annotations

import configparser
from pathlib import Path
from typing import Any

import pytest

from generator.config.load import parse_environment
from generator.config.model import Environment
from generator.kustomize.emit import render_tree
from generator.kustomize.render import kustomize_build
from generator.platform.build import build_objects
from generator.validate.engine import validate_overlay
from generator.validate.model import Severity
from kustomize.conftest import Objects, find, one, parse_stream, write_tree
from kustomize.test_overlays import allowed, env_of, pod_labels, pod_spec, workloads

OIDC_GATEWAY = """\
profile: prod
namespace: ml-oidc
auth:
  mode: oidc
  oidc:
    issuerURL: https://login.example.com/realms/ml
    clientID: mlflow
    emailDomains: [example.com]
    allowedGroups: [ml-team]
ingress:
  host: mlflow.oidc.example.com
  kind: gateway
  gateway: {name: shared, namespace: gateway-system, sectionName: https, certificate: true}
serving:
  models: [{name: iris, modelUri: "models:/iris@champion"}]
"""

BASIC_GATEWAY = """\
profile: staging
namespace: ml-gw
auth: {mode: basic, defaultPermission: NO_PERMISSIONS, database: tracking_auth}
ingress:
  host: mlflow.gw.example.com
  kind: gateway
  gateway: {name: shared, namespace: gateway-system}
"""

NONE_PROD = """\
profile: prod
namespace: ml-open
auth: none
ingress: {host: mlflow.open.example.com}
"""


def _env(text: str, name: str) -> Environment:
    return parse_environment(text, name=name, source_file=f"environments/{name}.yaml")


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Environment, Objects, Path]]:
    envs = [_env(OIDC_GATEWAY, "oidc"), _env(BASIC_GATEWAY, "gw"), _env(NONE_PROD, "open")]
    root = write_tree(render_tree(envs), tmp_path_factory.mktemp("auth-tree"))
    return {e.name: (e, parse_stream(kustomize_build(root / "overlays" / e.name)), root) for e in envs}


@pytest.mark.parametrize("name", ["oidc", "gw", "open"])
def test_kustomize_reproduces_the_objects_and_validates_clean(
    name: str, variants: dict[str, tuple[Environment, Objects, Path]]
) -> None:
    env, objs, root = variants[name]
    key = lambda o: (o["kind"], o["metadata"]["name"])  # noqa: E731
    assert sorted(objs, key=key) == sorted(build_objects(env), key=key)
    report = validate_overlay(root, env)
    bad = [f for f in report.findings if f.severity in (Severity.ERROR, Severity.WARNING)]
    assert bad == [], "\n".join(f"{f.rule} {f.resource}: {f.message}" for f in bad)


def test_profile_defaults() -> None:
    assert [_env(f"profile: {p}\n", p).auth.mode for p in ("dev", "staging", "prod")] == ["none", "basic", "basic"]
    assert _env("profile: dev\nauth: basic\n", "d").auth.mode == "basic"


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_basic_auth_as_rendered_for_the_shipped_environments(env: str, rendered: dict[str, Objects]) -> None:
    objs = rendered[env]
    dep = one(objs, "Deployment", "mlflow")
    server, sidecar = pod_spec(dep)["containers"]
    args = server["args"]
    assert args[args.index("--app-name") + 1] == "basic-auth"
    ev = env_of(server)
    assert ev["MLFLOW_FLASK_SERVER_SECRET_KEY"] == ("secret", "mlflow-auth", "flaskSecretKey")
    assert ev["MLFLOW_AUTH_ADMIN_USERNAME"] == ("secret", "mlflow-auth", "adminUsername")
    assert ev["MLFLOW_AUTH_ADMIN_PASSWORD"] == ("secret", "mlflow-auth", "adminPassword")
    assert ev["PGPASSWORD"] == ("secret", "postgres-credentials", "password")
    # the ini file MLflow reads is the ConfigMap's key, mounted where MLFLOW_AUTH_CONFIG_PATH points
    config_path = Path(str(ev["MLFLOW_AUTH_CONFIG_PATH"]))
    (mount,) = [m for m in server["volumeMounts"] if m["mountPath"] == str(config_path.parent)]
    (volume,) = [v for v in pod_spec(dep)["volumes"] if v["name"] == mount["name"]]
    cm = one(objs, "ConfigMap", volume["configMap"]["name"])
    ini = configparser.ConfigParser()
    ini.read_string(cm["data"][config_path.name])
    assert ini["mlflow"]["default_permission"] == "READ"
    assert ini["mlflow"]["database_uri"] == "postgresql+psycopg2://postgres:5432/mlflow_auth"  # no credentials
    # the same secret key on every replica and on the tasks Deployment: one Secret, one key
    for name in ("mlflow", "mlflow-tasks"):
        for d in find(objs, "Deployment", name):
            assert (
                env_of(pod_spec(d)["containers"][0])["MLFLOW_FLASK_SERVER_SECRET_KEY"]
                == ev["MLFLOW_FLASK_SERVER_SECRET_KEY"]
            )
    # probes need no credentials: /health is unprotected in MLflow's auth app
    assert {server[p]["httpGet"]["path"] for p in ("startupProbe", "readinessProbe", "livenessProbe")} == {"/health"}
    # the metrics sidecar serves the server's multiprocess directory read-only on its own port
    assert sidecar["name"] == "metrics" and sidecar["ports"][0]["containerPort"] == 9102
    assert {m["mountPath"]: m.get("readOnly", False) for m in sidecar["volumeMounts"]}["/mlflow-metrics"] is True
    monitor = one(objs, "ServiceMonitor", "mlflow")
    assert monitor["spec"]["endpoints"][0]["port"] == "metrics" and "basicAuth" not in monitor["spec"]["endpoints"][0]
    assert {p["name"] for p in one(objs, "Service", "mlflow")["spec"]["ports"]} == {"http", "metrics"}
    # every workload has its own non-admin user
    for kind, name, user in (("Job", "training-smoke", "training"), ("CronJob", "training", "training")):
        c = pod_spec(one(objs, kind, name))["containers"][0]
        assert env_of(c)["MLFLOW_TRACKING_USERNAME"] == ("secret", "mlflow-auth", f"{user}Username")
        assert env_of(c)["MLFLOW_TRACKING_PASSWORD"] == ("secret", "mlflow-auth", f"{user}Password")
    for d in find(objs, "Deployment"):
        if d["metadata"]["name"].startswith("model-"):
            c = pod_spec(d)["containers"][0]
            assert env_of(c)["MLFLOW_TRACKING_USERNAME"] == ("secret", "mlflow-auth", "servingUsername")
    # the credentials come from the secret provider, never from a plaintext Secret
    es = one(objs, "ExternalSecret", "mlflow-auth")
    keys = {d["secretKey"] for d in es["spec"]["data"]}
    assert keys == {
        "flaskSecretKey", "adminUsername", "adminPassword",
        "trainingUsername", "trainingPassword", "servingUsername", "servingPassword",
    }  # fmt: skip
    assert {d["remoteRef"]["key"] for d in es["spec"]["data"]} == {f"mlflow/{env}/auth"}  # secrets.keyPrefix
    assert not find(objs, "Secret")


def test_dev_has_no_auth(rendered: dict[str, Objects]) -> None:
    objs = rendered["dev"]
    server = pod_spec(one(objs, "Deployment", "mlflow"))["containers"]
    assert len(server) == 1 and "--app-name" not in server[0]["args"]
    assert not find(objs, "ExternalSecret", "mlflow-auth") and not find(objs, "ConfigMap", "mlflow-auth-config")
    assert not find(objs, "Deployment", "oauth2-proxy")


def test_basic_auth_default_permission_and_database_are_configurable(
    variants: dict[str, tuple[Environment, Objects, Path]],
) -> None:
    _, objs, _ = variants["gw"]
    ini = one(objs, "ConfigMap", "mlflow-auth-config")["data"]["basic_auth.ini"]
    assert "default_permission = NO_PERMISSIONS" in ini and "/tracking_auth\n" in ini
    steps = {c["name"]: c for c in pod_spec(one(objs, "Job", "mlflow-db-migrate"))["initContainers"]}
    assert env_of(steps["auth-create-db"])["AUTH_DATABASE"] == "tracking_auth"
    assert steps["auth-db-upgrade"]["command"][-1] == "postgresql+psycopg2://postgres:5432/tracking_auth"


def test_oidc_puts_oauth2_proxy_in_front(variants: dict[str, tuple[Environment, Objects, Path]]) -> None:
    env, objs, _ = variants["oidc"]
    proxy = one(objs, "Deployment", "oauth2-proxy")
    spec = pod_spec(proxy)
    (c,) = spec["containers"]
    assert c["image"] == "quay.io/oauth2-proxy/oauth2-proxy:v7.15.3"
    assert spec["securityContext"]["runAsNonRoot"] is True and c["securityContext"]["runAsUser"] == 65532
    assert c["readinessProbe"]["httpGet"]["path"] == "/ready" and c["livenessProbe"]["httpGet"]["path"] == "/ping"
    args = c["args"]
    assert "--oidc-issuer-url=https://login.example.com/realms/ml" in args and "--client-id=mlflow" in args
    assert "--upstream=http://mlflow:5000/" in args and "--allowed-group=ml-team" in args
    assert "--redirect-url=https://mlflow.oidc.example.com/oauth2/callback" in args
    assert env_of(c)["OAUTH2_PROXY_CLIENT_SECRET"] == ("secret", "oauth2-proxy", "clientSecret")
    assert env_of(c)["OAUTH2_PROXY_COOKIE_SECRET"] == ("secret", "oauth2-proxy", "cookieSecret")
    assert proxy["spec"]["replicas"] == 2 and find(objs, "PodDisruptionBudget", "oauth2-proxy")
    es = one(objs, "ExternalSecret", "oauth2-proxy")
    assert {d["secretKey"] for d in es["spec"]["data"]} == {"clientSecret", "cookieSecret"}
    # MLflow itself runs without its auth app behind the proxy; workloads call the Service directly
    server = pod_spec(one(objs, "Deployment", "mlflow"))["containers"]
    assert len(server) == 1 and "--app-name" not in server[0]["args"]
    assert not find(objs, "ExternalSecret", "mlflow-auth")
    # the route goes to the proxy, not to MLflow
    route = one(objs, "HTTPRoute", "mlflow")
    assert route["spec"]["rules"][0]["backendRefs"] == [{"kind": "Service", "name": "oauth2-proxy", "port": 4180}]
    assert env.ingress.controller_namespace == "gateway-system"


def test_gateway_route_certificate_and_reference_grant(variants: dict[str, tuple[Environment, Objects, Path]]) -> None:
    _, objs, _ = variants["oidc"]
    assert not find(objs, "Ingress")
    route = one(objs, "HTTPRoute", "mlflow")
    assert route["apiVersion"] == "gateway.networking.k8s.io/v1"
    assert route["spec"]["parentRefs"] == [
        {
            "group": "gateway.networking.k8s.io",
            "kind": "Gateway",
            "name": "shared",
            "namespace": "gateway-system",
            "sectionName": "https",
        }
    ]
    assert route["spec"]["hostnames"] == ["mlflow.oidc.example.com"]
    cert = one(objs, "Certificate", "mlflow")
    assert cert["spec"]["dnsNames"] == ["mlflow.oidc.example.com"] and cert["spec"]["secretName"] == "mlflow-tls"
    assert cert["spec"]["issuerRef"]["kind"] == "ClusterIssuer"
    grant = one(objs, "ReferenceGrant", "gateway-reads-mlflow-tls")
    assert grant["spec"]["from"] == [
        {"group": "gateway.networking.k8s.io", "kind": "Gateway", "namespace": "gateway-system"}
    ]
    assert grant["spec"]["to"] == [{"group": "", "kind": "Secret", "name": "mlflow-tls"}]
    # basic + a Gateway-held certificate: a route to MLflow, nothing for TLS
    _, basic, _ = variants["gw"]
    assert one(basic, "HTTPRoute", "mlflow")["spec"]["rules"][0]["backendRefs"][0] == {
        "kind": "Service",
        "name": "mlflow",
        "port": 5000,
    }
    assert not find(basic, "Certificate") and not find(basic, "ReferenceGrant") and not find(basic, "Ingress")


def _pod(objs: Objects, ns: str, app: str) -> tuple[str, dict[str, str]]:
    for w in workloads(objs):
        if pod_labels(w)["app.kubernetes.io/name"] == app:
            return ns, pod_labels(w)
    raise AssertionError(f"no workload {app}")


def test_oidc_network_policy_admits_nothing_to_mlflow_around_the_proxy(
    variants: dict[str, tuple[Environment, Objects, Path]],
) -> None:
    env, objs, _ = variants["oidc"]
    ns = env.namespace
    policies = find(objs, "NetworkPolicy")
    mlflow, proxy = _pod(objs, ns, "mlflow"), _pod(objs, ns, "oauth2-proxy")
    gateway: Any = ("gateway-system", {"app": "envoy"})
    prometheus: Any = ("monitoring", {"app.kubernetes.io/name": "prometheus"})
    training, model = _pod(objs, ns, "training"), _pod(objs, ns, "model-server")
    assert allowed(policies, gateway, proxy, 4180)
    assert allowed(policies, proxy, mlflow, 5000)
    # the identity provider is outside the cluster (the evaluator checks in-cluster pods only)
    proxy_policy = one(policies, "NetworkPolicy", "allow-oauth2-proxy")
    assert {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"protocol": "TCP", "port": 443}]} in proxy_policy[
        "spec"
    ]["egress"]
    for client in (training, model, prometheus):
        assert allowed(policies, client, mlflow, 5000), client
    # everything else that could reach MLflow is denied: the Gateway's data plane, the old ingress-nginx
    # namespace, any other pod of the namespace, pods of other namespaces
    outsiders = [
        gateway,
        ("ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"}),
        (ns, {"app": "debug"}),
        _pod(objs, ns, "minio"),
        _pod(objs, ns, "postgres"),
        ("default", {"app": "curl"}),
        ("kube-system", {"k8s-app": "kube-dns"}),
    ]
    for src in outsiders:
        for port in (5000, 9102):
            assert not allowed(policies, src, mlflow, port), f"{src} reaches MLflow:{port} around the proxy"
    assert not allowed(policies, ("default", {"app": "curl"}), proxy, 4180)


def test_basic_gateway_network_policy_admits_the_gateway_namespace(
    variants: dict[str, tuple[Environment, Objects, Path]],
) -> None:
    env, objs, _ = variants["gw"]
    policies = find(objs, "NetworkPolicy")
    mlflow = _pod(objs, env.namespace, "mlflow")
    assert allowed(policies, ("gateway-system", {"app": "envoy"}), mlflow, 5000)
    assert not allowed(policies, ("ingress-nginx", {"app": "x"}), mlflow, 5000)
    assert not allowed(policies, ("gateway-system", {"app": "envoy"}), mlflow, 9102)
    assert allowed(policies, ("monitoring", {"app": "prometheus"}), mlflow, 9102)
