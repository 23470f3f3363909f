"""missing-reference: references to Secrets, ConfigMaps, PVCs and ServiceAccounts nothing produces."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
import yaml

from generator.validate.context import Context, ExternalObject
from generator.validate.model import Finding, Resource
from generator.validate.rules import documentation
from generator.validate.rules import missing_reference as rule


def _run(text: str, **kw: Any) -> list[tuple[Resource, Finding]]:
    docs = [d for d in yaml.safe_load_all(textwrap.dedent(text)) if d]
    ctx = Context.from_objects(docs, namespace="ml", **kw)
    return [(r, f) for r in ctx.resources if rule.KINDS is None or r.kind in rule.KINDS for f in rule.check(ctx, r)]


def _paths(text: str, **kw: Any) -> list[str]:
    return sorted(f.path for _, f in _run(text, **kw))


C = "/spec/template/spec/containers/0"
POD = "/spec/template/spec"

WORKLOAD = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: mlflow}
spec:
  template:
    metadata: {labels: {app: mlflow}}
    spec:
      serviceAccountName: mlflow
      imagePullSecrets: [{name: registry}]
      containers:
        - name: mlflow
          image: mlflow:2.10.0
          env:
            - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
            - {name: LOG_LEVEL, valueFrom: {configMapKeyRef: {name: settings, key: level}}}
            - {name: OPTIONAL, valueFrom: {secretKeyRef: {name: maybe, key: x, optional: true}}}
          envFrom:
            - secretRef: {name: s3}
            - configMapRef: {name: env}
          volumeMounts:
            - {name: certs, mountPath: /certs}
            - {name: config, mountPath: /config}
            - {name: all, mountPath: /all}
            - {name: data, mountPath: /data}
      volumes:
        - {name: certs, secret: {secretName: certs}}
        - {name: config, configMap: {name: config, items: [{key: app.ini, path: app.ini}]}}
        - name: all
          projected:
            sources: [{secret: {name: proj-secret}}, {configMap: {name: proj-cm}}]
        - {name: data, persistentVolumeClaim: {claimName: data}}
"""

PRODUCERS = """
---
{apiVersion: v1, kind: ServiceAccount, metadata: {name: mlflow}}
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: registry-sealed}
spec:
  encryptedData: {.dockerconfigjson: AgB...}
  template: {metadata: {name: registry}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db}
spec:
  data: [{secretKey: password, remoteRef: {key: mlflow/db}}]
---
{apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {level: info}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: s3-external}
spec:
  target: {name: s3}
  dataFrom: [{extract: {key: mlflow/s3}}]
---
{apiVersion: v1, kind: ConfigMap, metadata: {name: env}, data: {A: b}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: mlflow-tls}
spec: {secretName: certs, issuerRef: {name: letsencrypt, kind: ClusterIssuer}, dnsNames: [mlflow.example.com]}
---
{apiVersion: v1, kind: ConfigMap, metadata: {name: config}, data: {app.ini: "x=1"}}
---
{apiVersion: v1, kind: Secret, metadata: {name: proj-secret}, data: {}}
---
{apiVersion: v1, kind: ConfigMap, metadata: {name: proj-cm}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
"""


def test_fires_for_every_kind_of_reference_when_nothing_produces_it() -> None:
    assert _paths(WORKLOAD) == [
        f"{C}/env/0/valueFrom/secretKeyRef/name",
        f"{C}/env/1/valueFrom/configMapKeyRef/name",
        f"{C}/envFrom/0/secretRef/name",
        f"{C}/envFrom/1/configMapRef/name",
        f"{POD}/imagePullSecrets/0/name",
        f"{POD}/serviceAccountName",
        f"{POD}/volumes/0/secret/secretName",
        f"{POD}/volumes/1/configMap/name",
        f"{POD}/volumes/2/projected/sources/0/secret/name",
        f"{POD}/volumes/2/projected/sources/1/configMap/name",
        f"{POD}/volumes/3/persistentVolumeClaim/claimName",
    ]


def test_passes_when_every_reference_is_produced_in_the_set() -> None:
    assert _run(WORKLOAD + PRODUCERS) == []


def test_passes_when_references_are_declared_external() -> None:
    external = frozenset(
        {
            ExternalObject("ServiceAccount", "mlflow"),
            ExternalObject("Secret", "registry", "ml"),
            ExternalObject("Secret", "db"),
            ExternalObject("ConfigMap", "settings"),
            ExternalObject("Secret", "s3"),
            ExternalObject("ConfigMap", "env"),
            ExternalObject("Secret", "certs"),
            ExternalObject("ConfigMap", "config"),
            ExternalObject("Secret", "proj-secret"),
            ExternalObject("ConfigMap", "proj-cm"),
            ExternalObject("PersistentVolumeClaim", "data"),
        }
    )
    assert _run(WORKLOAD, external=external) == []
    # an external object in another namespace does not count
    other = frozenset({ExternalObject("ServiceAccount", "mlflow", "elsewhere")})
    assert f"{POD}/serviceAccountName" in _paths(WORKLOAD, external=other)


def test_fires_when_a_known_producer_lacks_the_key() -> None:
    text = WORKLOAD + PRODUCERS.replace("{level: info}", "{verbosity: info}").replace(
        "secretKey: password", "secretKey: pass"
    )
    found = _run(text)
    assert sorted(f.path for _, f in found) == [
        f"{C}/env/0/valueFrom/secretKeyRef/key",
        f"{C}/env/1/valueFrom/configMapKeyRef/key",
    ]
    assert any("'level'" in f.message and "verbosity" in f.message for _, f in found)


def test_fires_for_a_volume_item_key_the_configmap_lacks() -> None:
    text = WORKLOAD + PRODUCERS.replace('{app.ini: "x=1"}', '{other.ini: "x=1"}')
    assert _paths(text) == [f"{POD}/volumes/1/configMap/items/0/key"]


def test_fires_in_another_namespace_than_the_producer() -> None:
    moved = PRODUCERS.replace("{apiVersion: v1, kind: ServiceAccount, metadata: {name: mlflow}}", "")
    moved += "---\n{apiVersion: v1, kind: ServiceAccount, metadata: {name: mlflow, namespace: other}}\n"
    assert _paths(WORKLOAD + moved) == [f"{POD}/serviceAccountName"]


def test_passes_for_the_default_service_account_and_optional_refs() -> None:
    text = """
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec:
      serviceAccountName: default
      restartPolicy: Never
      containers:
        - name: m
          image: m:1
          envFrom: [{secretRef: {name: x, optional: true}}]
      volumes:
        - {name: a, secret: {secretName: a, optional: true}}
        - {name: b, configMap: {name: b, optional: true}}
"""
    assert _run(text) == []


KUBE_ROOT_CA = """
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: c
      image: busybox:1.36
      volumeMounts: [{name: ca, mountPath: /ca}, {name: token, mountPath: /token}]
      env: [{name: CA, valueFrom: {configMapKeyRef: {name: kube-root-ca.crt, key: KEY}}}]
      envFrom: [{configMapRef: {name: kube-root-ca.crt}}]
  volumes:
    - {name: ca, configMap: {name: kube-root-ca.crt}}
    - name: token
      projected:
        sources:
          - serviceAccountToken: {path: token}
          - configMap: {name: kube-root-ca.crt, items: [{key: KEY, path: ca.crt}]}
"""


def test_passes_for_the_kube_root_ca_configmap_the_control_plane_publishes() -> None:
    # kube-controller-manager's root CA publisher creates it in every namespace, with the key ca.crt.
    assert _run(KUBE_ROOT_CA.replace("KEY", "ca.crt")) == []


def test_fires_for_a_key_the_kube_root_ca_configmap_does_not_have() -> None:
    found = _run(KUBE_ROOT_CA.replace("KEY", "tls.crt"))
    assert sorted(f.path for _, f in found) == [
        "/spec/containers/0/env/0/valueFrom/configMapKeyRef/key",
        "/spec/volumes/1/projected/sources/1/configMap/items/0/key",
    ]
    assert "it has: ca.crt" in found[0][1].message


ISTIO_GATEWAY = """
apiVersion: v1
kind: Pod
metadata: {name: gw, namespace: NS}
spec:
  containers:
    - name: istio-proxy
      image: auto
      volumeMounts: [{name: istiod-ca-cert, mountPath: /var/run/secrets/istio}]
  volumes:
    - name: istiod-ca-cert
      configMap: {name: istio-ca-root-cert, items: [{key: KEY, path: root-cert.pem}]}
"""


@pytest.mark.parametrize(
    ("namespace", "key", "paths"),
    [
        ("istio-ingress", "root-cert.pem", []),  # istiod's namespace controller publishes it
        ("kube-system", "root-cert.pem", []),  # kube-system is not skipped (ztunnel runs there)
        ("istio-ingress", "ca.crt", ["/spec/volumes/0/configMap/items/0/key"]),
        ("kube-public", "root-cert.pem", ["/spec/volumes/0/configMap/name"]),  # one of its ignored namespaces
    ],
)
def test_the_istio_ca_root_cert_configmap_istiod_publishes(namespace: str, key: str, paths: list[str]) -> None:
    assert _paths(ISTIO_GATEWAY.replace("NS", namespace).replace("KEY", key)) == paths


CNPG_APP = """
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: pg}
spec: {instances: 1, storage: {size: 1Gi}BOOTSTRAP}
---
apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  containers:
    - name: app
      image: app:1.0
      env:
        - name: DATABASE_URL
          valueFrom: {secretKeyRef: {name: SECRET, key: KEY}}
"""


@pytest.mark.parametrize(
    ("bootstrap", "secret", "key", "paths"),
    [
        ("", "pg-app", "uri", []),  # initdb by default: CloudNativePG creates pg-app
        (", bootstrap: {initdb: {database: mlflow}}", "pg-app", "password", []),
        (", bootstrap: {recovery: {source: origin}}", "pg-app", "username", []),
        (", enableSuperuserAccess: true", "pg-superuser", "password", []),
        ("", "pg-app", "token", [f"{C}/env/0/valueFrom/secretKeyRef/key"]),  # not one of CreateSecret's keys
        ("", "pg-superuser", "password", [f"{C}/env/0/valueFrom/secretKeyRef/name"]),  # superuser access off
        # the bootstrap names its own Secret: the operator creates none
        (", bootstrap: {initdb: {secret: {name: pg-creds}}}", "pg-app", "uri",
         [f"{C}/env/0/valueFrom/secretKeyRef/name"]),
        (", superuserSecret: {name: su}, enableSuperuserAccess: true", "pg-superuser", "password",
         [f"{C}/env/0/valueFrom/secretKeyRef/name"]),
        # its PKI: the CA (server and client alike by default), the server and replication certificates
        ("", "pg-ca", "ca.crt", []),
        ("", "pg-server", "tls.crt", []),
        ("", "pg-replication", "tls.key", []),
        ("", "pg-ca", "tls.crt", [f"{C}/env/0/valueFrom/secretKeyRef/key"]),
        (", certificates: {serverCASecret: my-ca}", "pg-ca", "ca.crt", []),  # still the client CA
        (", certificates: {serverCASecret: a, clientCASecret: b}", "pg-ca", "ca.crt",
         [f"{C}/env/0/valueFrom/secretKeyRef/name"]),
        (", certificates: {serverTLSSecret: mine}", "pg-server", "tls.crt", [f"{C}/env/0/valueFrom/secretKeyRef/name"]),
    ],
)  # fmt: skip
def test_a_cloudnative_pg_cluster_produces_its_credentials_secrets(
    bootstrap: str, secret: str, key: str, paths: list[str]
) -> None:
    text = CNPG_APP.replace("BOOTSTRAP", bootstrap).replace("SECRET", secret).replace("KEY", key)
    assert _paths(text) == [p.replace("/spec/template/spec", "/spec") for p in paths]


def test_only_a_cloudnative_pg_cluster_produces_them() -> None:
    other = CNPG_APP.replace("postgresql.cnpg.io/v1", "cluster.x-k8s.io/v1beta1").replace("BOOTSTRAP", "")
    found = _paths(other.replace("SECRET", "pg-app").replace("KEY", "uri"))
    assert found == ["/spec/containers/0/env/0/valueFrom/secretKeyRef/name"]


PGO_APP = """
apiVersion: postgres-operator.crunchydata.com/v1
kind: PostgresCluster
metadata: {name: keycloakdb}
spec: {postgresVersion: 18SPEC}
---
apiVersion: v1
kind: Pod
metadata: {name: keycloak}
spec:
  containers:
    - name: keycloak
      image: quay.io/keycloak/keycloak:26.0
      env:
        - name: KC_DB_PASSWORD
          valueFrom: {secretKeyRef: {name: SECRET, key: KEY}}
"""
PGO_REF = "/spec/containers/0/env/0/valueFrom/secretKeyRef"


@pytest.mark.parametrize(
    ("spec", "secret", "key", "paths"),
    [
        # CrunchyData/postgres-operator-examples kustomize/keycloak: no spec.users, so PGO makes the user
        # keycloakdb with the database keycloakdb, and the Secret keycloakdb-pguser-keycloakdb
        ("", "keycloakdb-pguser-keycloakdb", "host", []),
        ("", "keycloakdb-pguser-keycloakdb", "dbname", []),
        ("", "keycloakdb-pguser-keycloakdb", "jdbc-uri", []),
        ("", "keycloakdb-pguser-keycloakdb", "pgbouncer-uri", [f"{PGO_REF}/key"]),  # no spec.proxy.pgBouncer
        (", proxy: {pgBouncer: {}}", "keycloakdb-pguser-keycloakdb", "pgbouncer-uri", []),
        ("", "keycloakdb-pguser-other", "password", [f"{PGO_REF}/name"]),
        # spec.users replaces the default user; a user without databases has no dbname or uri
        (", users: [{name: rhino, databases: [zoo]}]", "keycloakdb-pguser-rhino", "uri", []),
        (", users: [{name: rhino, databases: [zoo]}]", "keycloakdb-pguser-keycloakdb", "password", [f"{PGO_REF}/name"]),
        (", users: [{name: postgres}]", "keycloakdb-pguser-postgres", "verifier", []),
        (", users: [{name: postgres}]", "keycloakdb-pguser-postgres", "dbname", [f"{PGO_REF}/key"]),
        (", users: []", "keycloakdb-pguser-keycloakdb", "password", [f"{PGO_REF}/name"]),
    ],
)  # fmt: skip
def test_a_crunchy_pgo_postgres_cluster_produces_its_user_secrets(
    spec: str, secret: str, key: str, paths: list[str]
) -> None:
    assert _paths(PGO_APP.replace("SPEC", spec).replace("SECRET", secret).replace("KEY", key)) == paths


def test_pgo_makes_no_default_user_for_a_cluster_name_that_is_no_user_name() -> None:
    text = PGO_APP.replace("keycloakdb", "keycloak.db").replace("SPEC", "").replace("KEY", "password")
    assert _paths(text.replace("SECRET", "keycloak.db-pguser-keycloak.db")) == [f"{PGO_REF}/name"]


def test_only_a_pgo_postgres_cluster_produces_them() -> None:
    text = PGO_APP.replace("postgres-operator.crunchydata.com/v1", "example.com/v1").replace("SPEC", "")
    assert _paths(text.replace("SECRET", "keycloakdb-pguser-keycloakdb").replace("KEY", "password")) == [
        f"{PGO_REF}/name"
    ]


ARGOCD_REDIS = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: argocd-redis, namespace: argocd}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: argocd-redis}}
  template:
    metadata: {labels: {app.kubernetes.io/name: argocd-redis}}
    spec:
      initContainers:
        - name: secret-init
          image: quay.io/argoproj/argocd:v3.1.0
          command: COMMAND
      containers:
        - name: redis
          image: redis:7.2.4-alpine
          env:
            - name: REDIS_PASSWORD
              valueFrom: {secretKeyRef: {name: argocd-redis, key: KEY}}
"""
REDIS_ENV = "/spec/template/spec/containers/0/env/0/valueFrom/secretKeyRef"


@pytest.mark.parametrize(
    ("command", "key", "paths"),
    [
        ("[argocd, admin, redis-initial-password]", "auth", []),  # Argo CD's install manifests
        ("[/usr/local/bin/argocd, admin, redis-initial-password]", "auth", []),
        ("[argocd, admin, redis-initial-password]", "password", [f"{REDIS_ENV}/key"]),  # its one key is auth
        ("[argocd, admin, redis-initial-password, -n, other]", "auth", [f"{REDIS_ENV}/name"]),  # made elsewhere
        ("[argocd, admin, initial-password]", "auth", [f"{REDIS_ENV}/name"]),  # another command
    ],
)
def test_argocd_redis_initial_password_produces_the_redis_secret(command: str, key: str, paths: list[str]) -> None:
    assert _paths(ARGOCD_REDIS.replace("COMMAND", command).replace("KEY", key)) == paths


SA_TOKEN = """
apiVersion: v1
kind: Secret
metadata: {name: builder-token, annotations: {kubernetes.io/service-account.name: builder}}
type: TYPE
---
apiVersion: v1
kind: Pod
metadata: {name: ci}
spec:
  containers:
    - name: ci
      image: ci:1.0
      env:
        - {name: TOKEN, valueFrom: {secretKeyRef: {name: builder-token, key: token}}}
        - {name: CA, valueFrom: {secretKeyRef: {name: builder-token, key: ca.crt}}}
        - {name: NS, valueFrom: {secretKeyRef: {name: builder-token, key: namespace}}}
"""


def test_a_service_account_token_secret_gets_its_keys_from_the_token_controller() -> None:
    assert _paths(SA_TOKEN.replace("TYPE", "kubernetes.io/service-account-token")) == []
    # an Opaque Secret without data has none of them
    assert len(_paths(SA_TOKEN.replace("TYPE", "Opaque"))) == 3


def test_statefulset_claim_templates_count_and_mounts_must_name_volumes() -> None:
    text = """
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: postgres}
spec:
  volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce]}}]
  template:
    spec:
      containers:
        - name: pg
          image: postgres:16.4
          volumeMounts: [{name: data, mountPath: /d}, {name: scratch, mountPath: /s}]
      volumes:
        - {name: backup, persistentVolumeClaim: {claimName: data-postgres-0}}
        - {name: other, persistentVolumeClaim: {claimName: data-other-0}}
"""
    found = _run(text)
    assert sorted(f.path for _, f in found) == [
        f"{C}/volumeMounts/1/name",
        f"{POD}/volumes/1/persistentVolumeClaim/claimName",
    ]


def test_ingress_tls_secret_fires_unless_produced_or_issued_by_ingress_shim() -> None:
    ingress = """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: mlflow%s}
spec:
  tls: [{hosts: [mlflow.example.com], secretName: mlflow-tls}]
  rules: [{host: mlflow.example.com}]
"""
    assert _paths(ingress % "") == ["/spec/tls/0/secretName"]
    shim = ingress % ", annotations: {cert-manager.io/cluster-issuer: letsencrypt}"
    assert _run(shim) == []
    issuer = ingress % ", annotations: {cert-manager.io/issuer: local}"
    assert _run(issuer) == []
    certificate = """
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: c}
spec: {secretName: mlflow-tls, issuerRef: {name: x}}
"""
    assert _run(ingress % "" + certificate) == []


def test_sealed_secret_without_template_name_produces_its_own_name() -> None:
    text = WORKLOAD + PRODUCERS.replace("  template: {metadata: {name: registry}}\n", "").replace(
        "name: registry-sealed", "name: registry"
    )
    assert _run(text) == []


def _doc_example(label: str) -> str:
    doc = documentation(rule)
    block = doc.split("PASS:", 1)[1].split("FAIL:", 1)[0] if label == "PASS" else doc.split("FAIL:", 1)[1]
    return textwrap.dedent(block)


def test_docstring_pass_example_passes_and_fail_example_fires() -> None:
    assert _run(_doc_example("PASS")) == []
    assert len(_run(_doc_example("FAIL"))) == 2


def test_fires_when_the_external_secret_creates_nothing() -> None:
    for policy in ("Merge", "None"):
        text = WORKLOAD + PRODUCERS.replace("target: {name: s3}", f"target: {{name: s3, creationPolicy: {policy}}}")
        assert _paths(text) == [f"{C}/envFrom/0/secretRef/name"], policy
    text = WORKLOAD + PRODUCERS.replace("target: {name: s3}", "target: {name: s3, creationPolicy: Owner}")
    assert _paths(text) == []


def _certgen_job(
    args: list[str], image: str = "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.9"
) -> dict[str, Any]:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "admission-create", "namespace": "ingress-nginx"},
        "spec": {
            "template": {
                "spec": {"restartPolicy": "OnFailure", "containers": [{"name": "create", "image": image, "args": args}]}
            }
        },
    }


def _admission_consumer(key: str | None = None) -> dict[str, Any]:
    secret: dict[str, Any] = {"secretName": "ingress-nginx-admission"}
    if key is not None:
        secret["items"] = [{"key": key, "path": key}]
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "controller", "namespace": "ingress-nginx"},
        "spec": {
            "template": {
                "spec": {
                    "containers": [{"name": "c", "image": "nginx:1.27"}],
                    "volumes": [{"name": "webhook-cert", "secret": secret}],
                }
            }
        },
    }


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for r in ctx.resources if rule.KINDS is None or r.kind in rule.KINDS for f in rule.check(ctx, r)]


CERTGEN_ARGS = ["create", "--host=svc", "--namespace=$(POD_NAMESPACE)", "--secret-name=ingress-nginx-admission"]


@pytest.mark.parametrize(
    ("args", "key", "missing"),
    [
        (CERTGEN_ARGS, None, False),  # kubernetes/ingress-nginx deploy/static/provider/*/deploy.yaml
        (CERTGEN_ARGS, "cert", False),
        (CERTGEN_ARGS, "tls.crt", True),  # the keys are ca, cert and key
        ([*CERTGEN_ARGS, "--cert-name=tls.crt", "--key-name", "tls.key"], "tls.crt", False),
        (
            ["create", "--host=svc", "--namespace", "ingress-nginx", "--secret-name", "ingress-nginx-admission"],
            None,
            False,
        ),
        (["create", "--host=svc", "--namespace=elsewhere", "--secret-name=ingress-nginx-admission"], None, True),
        (["patch", "--namespace=$(POD_NAMESPACE)", "--secret-name=ingress-nginx-admission"], None, True),  # reads it
    ],
)
def test_a_kube_webhook_certgen_job_produces_its_secret(args: list[str], key: str | None, missing: bool) -> None:
    # kubernetes/ingress-nginx images/kube-webhook-certgen/rootfs/cmd/create.go, pkg/k8s/k8s.go SaveCertsToSecret
    found = _findings(_certgen_job(args), _admission_consumer(key))
    assert bool(found) is missing, [f.message for f in found]


def test_only_the_certgen_image_produces_a_secret() -> None:
    job = _certgen_job(CERTGEN_ARGS, image="busybox:1.36")
    assert _findings(job, _admission_consumer())


def _mounts(secret: str, key: str, namespace: str = "keda") -> dict[str, Any]:
    """A Deployment mounting key ``key`` of Secret ``secret``."""
    volume = {"name": "certs", "secret": {"secretName": secret, "items": [{"key": key, "path": key}]}}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "metrics", "namespace": namespace},
        "spec": {
            "selector": {"matchLabels": {"app": "metrics"}},
            "template": {
                "metadata": {"labels": {"app": "metrics"}},
                "spec": {"containers": [{"name": "m", "image": "m:1"}], "volumes": [volume]},
            },
        },
    }


def _keda(*args: str) -> dict[str, Any]:
    container = {"name": "keda-operator", "image": "ghcr.io/kedacore/keda:2.18.0", "command": ["/keda"]}
    container["args"] = list(args)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "keda-operator", "namespace": "keda"},
        "spec": {
            "selector": {"matchLabels": {"app": "keda-operator"}},
            "template": {"metadata": {"labels": {"app": "keda-operator"}}, "spec": {"containers": [container]}},
        },
    }


def test_keda_with_cert_rotation_produces_its_certificate_secret() -> None:
    # kedacore/keda cmd/operator/main.go and pkg/certificates/certificate_manager.go (ensureSecret)
    assert _findings(_keda("--leader-elect", "--enable-cert-rotation=true"), _mounts("kedaorg-certs", "tls.crt")) == []
    assert _findings(_keda("--enable-cert-rotation"), _mounts("kedaorg-certs", "ca.crt")) == []
    named = _keda("--enable-cert-rotation=true", "--cert-secret-name=my-certs")
    assert _findings(named, _mounts("my-certs", "tls.key")) == []
    # no rotation, another namespace, a key the rotator does not write: the Secret is missing
    assert len(_findings(_keda("--enable-cert-rotation=false"), _mounts("kedaorg-certs", "tls.crt"))) == 1
    assert len(_findings(_keda(), _mounts("kedaorg-certs", "tls.crt"))) == 1
    assert len(_findings(_keda("--enable-cert-rotation"), _mounts("kedaorg-certs", "tls.crt", "other"))) == 1
    [wrong_key] = _findings(_keda("--enable-cert-rotation"), _mounts("kedaorg-certs", "cert.pem"))
    assert "cert.pem" in wrong_key.message


def _service(annotation: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "metrics", "namespace": "otel", "annotations": {annotation: "metrics-tls"}},
        "spec": {"selector": {"app": "metrics"}, "ports": [{"port": 8443}]},
    }


def test_openshift_service_ca_produces_the_serving_certificate_secret() -> None:
    # openshift/service-ca-operator pkg/controller/api/api.go, servingcert secret_creating_controller.go
    for annotation in (
        "service.beta.openshift.io/serving-cert-secret-name",
        "service.alpha.openshift.io/serving-cert-secret-name",
    ):
        assert _findings(_service(annotation), _mounts("metrics-tls", "tls.crt", "otel")) == []
    beta = _service("service.beta.openshift.io/serving-cert-secret-name")
    assert len(_findings(beta, _mounts("metrics-tls", "ca.crt", "otel"))) == 1  # tls.crt and tls.key only
    assert len(_findings(beta, _mounts("metrics-tls", "tls.crt", "other"))) == 1
    other = _service("example.com/serving-cert-secret-name")
    assert len(_findings(other, _mounts("metrics-tls", "tls.crt", "otel"))) == 1


def test_fires_naming_the_namespace_it_exists_in_for_an_object_without_one() -> None:
    """opentelemetry-demo's generated manifest: `helm template --namespace otel-demo` output, whose chart
    objects carry no namespace (applied with -n) while their ConfigMaps name otel-demo. The finding stays
    (applied without -n, the Pod is in another namespace than its ConfigMap) and says where it is."""
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: otel-demo}\ndata: {a: b}\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n"
        "spec:\n  containers: [{name: c, image: x:1}]\n  volumes: [{name: v, configMap: {name: cfg}}]\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: api, namespace: prod}\n"
        "spec:\n  containers: [{name: c, image: x:1}]\n  volumes: [{name: v, configMap: {name: cfg}}]\n"
    )
    found = {res.name: f.message for res, f in _run(text)}
    assert found["web"] == (
        "ConfigMap cfg is not produced by anything in the rendered set in namespace ml; the set has it in "
        "namespace otel-demo, and this object has no metadata.namespace, so it lands where it is applied "
        "(kubectl apply -n, Argo CD's destination namespace): set its namespace"
    )
    # a namespace written out is the author's choice: the plain message
    assert found["api"] == "ConfigMap cfg is not produced by anything in the rendered set"


SECRETS_STORE = """
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata: {name: vault-foo-sync}
spec:
  provider: vault
  secretObjects:
    - secretName: foosecret
      type: TYPE
      data: [{objectName: bar, key: pwd}, {objectName: bar1, key: username}]
  parameters: {roleName: csi}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: busybox}
spec:
  selector: {matchLabels: {app: busybox}}
  template:
    metadata: {labels: {app: busybox}}
    spec:
      containers:
        - name: busybox
          image: registry.k8s.io/e2e-test-images/busybox:1.29-4
          env:
            - name: SECRET_USERNAME
              valueFrom: {secretKeyRef: {name: foosecret, key: KEY}}
          volumeMounts: [{name: secrets-store-inline, mountPath: /mnt/secrets-store, readOnly: true}]
      volumes:
        - name: secrets-store-inline
          csi:
            driver: DRIVER
            readOnly: true
            volumeAttributes: {secretProviderClass: MOUNTED}
"""
SYNCED = f"{C}/env/0/valueFrom/secretKeyRef"


@pytest.mark.parametrize(
    ("key", "type_", "driver", "mounted", "paths"),
    [
        # secrets-store-csi-driver's bats test (test/bats/tests/vault/deployment-synck8s.yaml): the driver syncs
        # foosecret once the pod mounts the class
        ("username", "Opaque", "secrets-store.csi.k8s.io", "vault-foo-sync", []),
        ("token", "Opaque", "secrets-store.csi.k8s.io", "vault-foo-sync", [f"{SYNCED}/key"]),  # not a data[].key
        # nothing is synced until a pod mounts the class: another class, another CSI driver
        ("username", "Opaque", "secrets-store.csi.k8s.io", "other", [f"{SYNCED}/name"]),
        ("username", "Opaque", "other.csi.k8s.io", "vault-foo-sync", [f"{SYNCED}/name"]),
        ("username", '""', "secrets-store.csi.k8s.io", "vault-foo-sync", [f"{SYNCED}/name"]),  # ValidateSecretObject
    ],
)  # fmt: skip
def test_the_secrets_store_csi_driver_syncs_secret_objects_of_a_mounted_secret_provider_class(
    key: str, type_: str, driver: str, mounted: str, paths: list[str]
) -> None:
    text = SECRETS_STORE.replace("KEY", key).replace("TYPE", type_).replace("DRIVER", driver)
    assert _paths(text.replace("MOUNTED", mounted)) == paths


def test_only_the_secrets_store_group_syncs_secret_objects() -> None:
    text = SECRETS_STORE.replace("KEY", "username").replace("TYPE", "Opaque").replace("MOUNTED", "vault-foo-sync")
    text = text.replace("DRIVER", "secrets-store.csi.k8s.io").replace("secrets-store.csi.x-k8s.io/v1", "example.com/v1")
    assert _paths(text) == [f"{SYNCED}/name"]


OTEL_COLLECTOR = """
apiVersion: opentelemetry.io/v1beta1
kind: OpenTelemetryCollector
metadata: {name: prometheus-cr}
spec:
  mode: statefulset
  config: {receivers: {prometheus: {config: {scrape_configs: []}}}}
  targetAllocator:
    enabled: ENABLED
    mtls: MTLS
    prometheusCR: {enabled: true}
"""
OTEL_TA = """
apiVersion: opentelemetry.io/v1alpha1
kind: TargetAllocator
metadata: {name: NAME}
spec: {mtls: {enabled: true}}
"""
OTEL_JOB = """
apiVersion: batch/v1
kind: Job
metadata: {name: check-ta-serving-over-https}
spec:
  template:
    spec:
      restartPolicy: OnFailure
      containers: [{name: check-ta, image: "alpine/curl:8.10.1"}]
      volumes: [{name: tls-secret, secret: {secretName: SECRET, items: [{key: KEY, path: KEY}]}}]
"""
OTEL_SECRET = f"{POD}/volumes/0/secret"
OTEL_MISSING = [f"{OTEL_SECRET}/secretName"]


def _otel_paths(owner: str, secret: str, key: str = "tls.crt") -> list[str]:
    return _paths(owner + "---\n" + OTEL_JOB.replace("SECRET", secret).replace("KEY", key))


@pytest.mark.parametrize(
    ("mtls", "secret", "key", "paths"),
    [
        # open-telemetry/opentelemetry-operator tests/e2e-ta-collector-mtls/ta-collector-mtls/00-install.yaml: the
        # operator has cert-manager make <name>-ta-client-cert (and the CA and server certificates) for the
        # collector's target allocator (internal/manifests/targetallocator/certificate.go, internal/naming/main.go)
        ("{enabled: true}", "prometheus-cr-ta-client-cert", "tls.crt", []),
        ("{enabled: true}", "prometheus-cr-ta-server-cert", "ca.crt", []),
        ("{enabled: true, useCertManager: true}", "prometheus-cr-ca-cert", "tls.key", []),
        ("{enabled: true}", "prometheus-cr-ta-client-cert", "cert.pem", [f"{OTEL_SECRET}/items/0/key"]),
        ("{enabled: true}", "other-ta-client-cert", "tls.crt", OTEL_MISSING),
        # user-provided certificates (internal/manifests/manifestutils/mtls.go, IsTAMTLSCertManagerEnabled)
        ("{enabled: true, useCertManager: false}", "prometheus-cr-ta-client-cert", "tls.crt", OTEL_MISSING),
        ("{enabled: false}", "prometheus-cr-ta-client-cert", "tls.crt", OTEL_MISSING),
        ("{}", "prometheus-cr-ta-client-cert", "tls.crt", OTEL_MISSING),
    ],
)  # fmt: skip
def test_the_opentelemetry_operator_makes_the_target_allocator_mtls_secrets(
    mtls: str, secret: str, key: str, paths: list[str]
) -> None:
    assert _otel_paths(OTEL_COLLECTOR.replace("ENABLED", "true").replace("MTLS", mtls), secret, key) == paths


def test_the_opentelemetry_operator_makes_no_target_allocator_without_one_enabled() -> None:
    # internal/manifests/collector/targetallocator.go, TargetAllocator: nothing unless targetAllocator.enabled
    collector = OTEL_COLLECTOR.replace("MTLS", "{enabled: true}")
    assert _otel_paths(collector.replace("ENABLED", "false"), "prometheus-cr-ta-client-cert") == OTEL_MISSING
    # another group's kind of that name makes nothing
    other = collector.replace("ENABLED", "true").replace("opentelemetry.io/v1beta1", "example.com/v1")
    assert _otel_paths(other, "prometheus-cr-ta-client-cert") == OTEL_MISSING


def test_a_standalone_opentelemetry_target_allocator_with_mtls_gets_its_certificates() -> None:
    # tests/e2e-ta-collector-mtls/ta-standalone-mtls/00-install.yaml: TargetAllocator standalone-mtls, whose
    # client certificate Secret the test's Job mounts
    assert _otel_paths(OTEL_TA.replace("NAME", "standalone-mtls"), "standalone-mtls-ta-client-cert") == []
    # names cut to 63 characters as internal/naming's Truncate does
    long = OTEL_TA.replace("NAME", "a" * 60)
    cut = ("a" * 48) + "-ta-client-cert"
    assert len(cut) == 63
    assert _otel_paths(long, cut) == []
    assert _otel_paths(long, ("a" * 60) + "-ta-client-cert") == OTEL_MISSING
    # naming.DNSName: what is not [a-z0-9] becomes "-" (a name may hold dots)
    assert _otel_paths(OTEL_TA.replace("NAME", "ta.v2"), "ta-v2-ta-client-cert") == []


ZALANDO = """
apiVersion: acid.zalan.do/v1
kind: postgresql
metadata: {name: acid-minimal-cluster, namespace: ml}
spec:
  teamId: acid
  numberOfInstances: 2
  volume: {size: 1Gi}
  postgresql: {version: "17"}
  users:
    zalando: [superuser, createdb]
    foo_user: []
    reader: [nologin]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: ml}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
        - name: app
          image: app:1
          env:
            - name: PGPASSWORD
              valueFrom: {secretKeyRef: {name: SECRET, key: KEY}}
"""
ZALANDO_REF = "/spec/template/spec/containers/0/env/0/valueFrom/secretKeyRef"


@pytest.mark.parametrize(
    ("secret", "key", "paths"),
    [
        ("zalando.acid-minimal-cluster.credentials.postgresql.acid.zalan.do", "password", []),
        ("foo-user.acid-minimal-cluster.credentials.postgresql.acid.zalan.do", "username", []),  # _ -> -
        ("postgres.acid-minimal-cluster.credentials.postgresql.acid.zalan.do", "password", []),  # system user
        ("standby.acid-minimal-cluster.credentials.postgresql.acid.zalan.do", "password", []),
        ("reader.acid-minimal-cluster.credentials.postgresql.acid.zalan.do", "password", [f"{ZALANDO_REF}/name"]),
        ("zalando.acid-minimal-cluster.credentials.postgresql.acid.zalan.do", "token", [f"{ZALANDO_REF}/key"]),
        ("zalando.other.credentials.postgresql.acid.zalan.do", "password", [f"{ZALANDO_REF}/name"]),
    ],
)  # fmt: skip
def test_a_zalando_postgresql_produces_its_credential_secrets(secret: str, key: str, paths: list[str]) -> None:
    """zalando/postgres-operator pkg/cluster/util.go credentialSecretNameForCluster and the default
    secret_name_template; a nologin user gets no Secret (found by survey helper I)."""
    assert _paths(ZALANDO.replace("SECRET", secret).replace("KEY", key)) == paths
