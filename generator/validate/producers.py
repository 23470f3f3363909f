"""What creates the objects that the set refers to, besides the objects in the set: controllers that turn
a custom resource into a Secret, programs in the set's pods that create Secrets or Services, and the
control plane's own objects. The cross-resource rules ask here before they call a reference dangling.

Each producer names the upstream code that creates the object, and the objects are built once per
:class:`~generator.validate.context.Context` (:func:`crossref.memo`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from generator.validate.context import Context
from generator.validate.crossref import as_dict, as_list, container_argv, container_program, memo, str_map
from generator.validate.model import Resource
from generator.validate.operators import (
    MINIO_GROUP,
    ROOK_GROUP,
    ROOK_MGR,
    ROOK_MGR_PORTS,
    image_repository,
    minio_tls,
    rook_dashboard_port,
)
from generator.validate.workloads import WORKLOAD_KINDS, containers, pod_template

TLS_KEYS = frozenset({"tls.crt", "tls.key", "ca.crt"})
CERT_MANAGER_ANNOTATIONS = ("cert-manager.io/cluster-issuer", "cert-manager.io/issuer")

Keys = frozenset[str] | None  # the keys a produced Secret/ConfigMap will hold; None: unknown


def _merge(into: dict[tuple[str, str], Keys], key: tuple[str, str], keys: Keys) -> None:
    if key in into:
        old = into[key]
        into[key] = None if old is None or keys is None else old | keys
    else:
        into[key] = keys


def _data_keys(obj: dict[str, Any], *fields: str) -> frozenset[str]:
    return frozenset(str(k) for f in fields for k in as_dict(obj.get(f)))


# The image that generates admission-webhook certificates into a Secret (kubernetes/ingress-nginx
# images/kube-webhook-certgen; also published as jettech/kube-webhook-certgen).
CERTGEN_IMAGE = "kube-webhook-certgen"


def _flag_values(args: list[str], flags: tuple[str, ...], *, boolean: bool = False) -> list[str]:
    """Every value given to any of ``flags`` in ``args``, in order: ``--name=value`` or ``--name value``; a
    boolean flag takes its value only after ``=`` (a bare one is true), as Go's flag package and pflag do
    (Go src/flag/flag.go, FlagSet.parseOne)."""
    found: list[str] = []
    for i, arg in enumerate(args):
        flag, eq, value = arg.partition("=")
        if flag not in flags:
            continue
        if eq:
            found.append(value)
        elif boolean:
            found.append("true")
        elif i + 1 < len(args):
            found.append(args[i + 1])
    return found


def _flag(args: list[str], name: str, dashes: str = "--") -> str | None:
    """The value of ``--name=value`` or ``--name value`` in ``args`` (the last one given), else None;
    ``dashes="-"`` for a short flag (``-n value``)."""
    values = _flag_values(args, (f"{dashes}{name}",))
    return values[-1] if values else None


# Go's strconv.ParseBool, which both Go's flag package and pflag use for boolean flags
_GO_FALSE = frozenset({"0", "f", "F", "false", "FALSE", "False"})


def _flag_on(args: list[str], *flags: str, default: bool = False) -> bool:
    """Whether a boolean flag is true: its last value, else ``default``."""
    values = _flag_values(args, flags, boolean=True)
    return values[-1] not in _GO_FALSE if values else default


def certgen_secrets(res: Resource) -> list[tuple[str, str, frozenset[str]]]:
    """The Secrets a workload's kube-webhook-certgen containers create: (namespace, name, keys).

    ``kube-webhook-certgen create --secret-name S --namespace N`` creates Secret S in N with the keys
    ``ca``, ``--cert-name`` (default ``cert``) and ``--key-name`` (default ``key``) (kubernetes/ingress-nginx
    images/kube-webhook-certgen/rootfs/cmd/create.go, ``SaveCertsToSecret`` in pkg/k8s/k8s.go). ingress-nginx's
    manifests run it as a Job that the controller's pods wait for. A namespace given as ``$(VAR)`` (the
    downward API's ``metadata.namespace`` in those manifests) is taken as the workload's own."""
    out: list[tuple[str, str, frozenset[str]]] = []
    for container in containers(res):
        image = container.obj.get("image")
        if not isinstance(image, str) or CERTGEN_IMAGE not in image.rpartition("/")[2]:
            continue
        args = container_argv(container.obj)
        if "create" not in args:
            continue
        name, namespace = _flag(args, "secret-name"), _flag(args, "namespace")
        if not name:
            continue
        if not namespace or namespace.startswith("$("):
            namespace = res.namespace
        keys = frozenset({"ca", _flag(args, "cert-name") or "cert", _flag(args, "key-name") or "key"})
        out.append((namespace, name, keys))
    return out


# A Secret of this type gets these keys from kube-controller-manager's token controller (kubernetes
# pkg/controller/serviceaccount/tokens_controller.go, generateTokenIfNeeded and secretUpdateNeeded:
# ServiceAccountTokenKey, ServiceAccountRootCAKey, ServiceAccountNamespaceKey).
SERVICE_ACCOUNT_TOKEN_TYPE = "kubernetes.io/service-account-token"
SERVICE_ACCOUNT_TOKEN_KEYS = frozenset({"token", "ca.crt", "namespace"})

# Argo CD's Redis password Secret and its key (argoproj/argo-cd common/common.go, RedisInitialCredentials
# and RedisInitialCredentialsKey)
ARGOCD_REDIS_SECRET = ("argocd-redis", frozenset({"auth"}))


def argocd_redis_secrets(res: Resource) -> list[tuple[str, str, frozenset[str]]]:
    """The Secret a workload's ``argocd admin redis-initial-password`` container creates: (namespace, name,
    keys). Argo CD's install manifests run it as the init container ``secret-init`` of argocd-redis (and of
    the HA Redis), and every Argo CD component reads the password from it. The command creates Secret
    ``argocd-redis`` with the key ``auth`` unless it exists, in the namespace of its kubeconfig context: the
    pod's own in the cluster, or ``--namespace``/``-n`` (argoproj/argo-cd
    cmd/argocd/commands/admin/redis_initial_password.go, ``NewRedisInitialPasswordCommand``; the flags from
    ``cli.AddKubectlFlagsToCmd``)."""
    out: list[tuple[str, str, frozenset[str]]] = []
    for container in containers(res):
        argv = container_argv(container.obj)
        if container_program(argv) != "argocd" or argv[1:3] != ["admin", "redis-initial-password"]:
            continue
        namespace = _flag(argv, "namespace") or _flag(argv, "n", dashes="-") or res.namespace
        name, keys = ARGOCD_REDIS_SECRET
        out.append((namespace, name, keys))
    return out


# The keys of the credentials Secrets CloudNativePG creates (cloudnative-pg pkg/specs/secrets.go,
# CreateSecret: a basic-auth Secret with these keys).
CNPG_CREDENTIAL_KEYS = frozenset(
    {"username", "user", "password", "dbname", "host", "port", "pgpass", "uri", "jdbc-uri", "fqdn-uri", "fqdn-jdbc-uri"}
)
CNPG_CA_KEYS = frozenset({"ca.crt", "ca.key"})
CNPG_TLS_KEYS = frozenset({"tls.crt", "tls.key"})
CNPG_GROUP = "postgresql.cnpg.io"


def cnpg_secrets(res: Resource) -> list[tuple[str, frozenset[str]]]:
    """The Secrets CloudNativePG's operator creates for a ``postgresql.cnpg.io`` Cluster: (name, keys), in
    the Cluster's namespace.

    - The application user's, ``<cluster>-app``, unless the bootstrap method in use names its own
      ``secret`` (cloudnative-pg internal/controller/cluster_create.go, ``reconcileAppUserSecret``;
      api/v1 cluster_funcs.go, ``ShouldCreateApplicationSecret`` and ``GetApplicationSecretName``). The
      method is ``recovery``, else ``pg_basebackup``, else ``initdb``, which the defaulting webhook fills in
      with database and owner ``app`` (api/v1, ``Cluster.defaultInitDB``). Recent releases create no
      application database, hence no Secret, for a recovery or pg_basebackup that names none of database,
      owner and secret (``defaultRecovery``, ``defaultPgBaseBackup``); earlier ones defaulted those as for
      initdb. The Secret is counted for both: a reference to it is no error with either release.
    - The superuser's, ``<cluster>-superuser``, with ``enableSuperuserAccess: true`` and no
      ``superuserSecret`` (``reconcileSuperuserSecret``).
    - Its PKI (internal/controller/cluster_pki.go, ``setupPostgresPKI``; keys from pkg/certs/certs.go,
      ``GenerateCASecret`` and ``GenerateCertificateSecret``): the CA ``<cluster>-ca`` (``ca.crt``,
      ``ca.key``), the server and client CA alike unless ``spec.certificates`` names both; the server
      certificate ``<cluster>-server`` and the streaming replica's client certificate
      ``<cluster>-replication`` (``tls.crt``, ``tls.key``), each unless ``spec.certificates`` names its own.
    """
    if res.group != CNPG_GROUP:
        return []
    spec = as_dict(res.obj.get("spec"))
    bootstrap = as_dict(spec.get("bootstrap"))
    method = next(
        (as_dict(bootstrap[m]) for m in ("recovery", "pg_basebackup") if isinstance(bootstrap.get(m), dict)),
        as_dict(bootstrap.get("initdb")),
    )
    out: list[tuple[str, frozenset[str]]] = []
    if not as_dict(method.get("secret")).get("name"):
        out.append((f"{res.name}-app", CNPG_CREDENTIAL_KEYS))
    if spec.get("enableSuperuserAccess") is True and not as_dict(spec.get("superuserSecret")).get("name"):
        out.append((f"{res.name}-superuser", CNPG_CREDENTIAL_KEYS))
    certificates = as_dict(spec.get("certificates"))
    if not certificates.get("serverCASecret") or not certificates.get("clientCASecret"):
        out.append((f"{res.name}-ca", CNPG_CA_KEYS))
    for field, suffix in (("serverTLSSecret", "-server"), ("replicationTLSSecret", "-replication")):
        if not certificates.get(field):
            out.append((f"{res.name}{suffix}", CNPG_TLS_KEYS))
    return out


# Crunchy Data's PGO (CrunchyData/postgres-operator): a PostgresCluster's user Secrets.
PGO_GROUP = "postgres-operator.crunchydata.com"
PGO_USER_KEYS = frozenset({"user", "password", "verifier", "host", "port"})
PGO_DATABASE_KEYS = frozenset({"dbname", "uri", "jdbc-uri"})
PGO_PGBOUNCER_KEYS = frozenset({"pgbouncer-host", "pgbouncer-port"})
PGO_PGBOUNCER_DATABASE_KEYS = frozenset({"pgbouncer-uri", "pgbouncer-jdbc-uri"})
_PGO_DEFAULT_USER = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")


# Zalando's postgres-operator (zalando/postgres-operator): the credential Secrets of a ``postgresql``.
ZALANDO_GROUP = "acid.zalan.do"
ZALANDO_KEYS = frozenset({"username", "password"})
# the default super and replication users (pkg/util/config/config.go: super_username, replication_username)
ZALANDO_SYSTEM_USERS = ("postgres", "standby")


def zalando_secrets(res: Resource) -> list[tuple[str, frozenset[str]]]:
    """The credential Secrets Zalando's postgres-operator creates for an ``acid.zalan.do`` ``postgresql``:
    (name, keys), in the cluster's namespace. One per user of ``spec.users`` (a map of user name to role
    flags; a user with the ``nologin`` flag gets none) and per system user (``postgres``, ``standby``), named
    by the default ``secret_name_template`` ``{username}.{cluster}.credentials.{tprkind}.{tprgroup}``
    (pkg/util/config/config.go) with ``_`` in the user name turned into ``-`` (pkg/cluster/util.go,
    ``credentialSecretNameForCluster``: kind ``postgresql``, group ``acid.zalan.do``); keys ``username``
    and ``password`` (pkg/cluster/k8sres.go, ``generateSingleUserSecret``). A template changed in the
    operator's configuration, and users in another namespace (``namespace.user``), are not modelled."""
    if res.group != ZALANDO_GROUP or res.kind != "postgresql":
        return []
    users = list(ZALANDO_SYSTEM_USERS)
    for user, flags in as_dict(as_dict(res.obj.get("spec")).get("users")).items():
        if not isinstance(user, str) or not user or "." in user:
            continue
        if any(isinstance(f, str) and f.lower() == "nologin" for f in as_list(flags)):
            continue
        users.append(user)
    return [(f"{u.replace('_', '-')}.{res.name}.credentials.postgresql.{ZALANDO_GROUP}", ZALANDO_KEYS) for u in users]


def pgo_secrets(res: Resource) -> list[tuple[str, frozenset[str]]]:
    """The Secrets Crunchy Data's PGO creates for a ``postgres-operator.crunchydata.com`` PostgresCluster:
    (name, keys), in the cluster's namespace.

    One Secret ``<cluster>-pguser-<user>`` for each ``spec.users[]`` entry (CrunchyData/postgres-operator
    internal/controller/postgrescluster/postgres.go, ``reconcilePostgresUserSecrets``; the name from
    internal/naming/names.go, ``PostgresUserSecret``). Without ``spec.users`` the operator makes one user
    named after the cluster, with a database of that name, if the name is a valid user name (at most 63
    characters of ``^[a-z0-9]([-a-z0-9]*[a-z0-9])?$``); ``users: []`` makes none. The keys are those of
    ``generatePostgresUserSecret``: ``user``, ``password``, ``verifier``, ``host``, ``port``; with a
    database ``dbname``, ``uri`` and ``jdbc-uri``; with ``spec.proxy.pgBouncer`` ``pgbouncer-host`` and
    ``pgbouncer-port``, and with a database ``pgbouncer-uri`` and ``pgbouncer-jdbc-uri``."""
    if res.group != PGO_GROUP or res.kind != "PostgresCluster":
        return []
    spec = as_dict(res.obj.get("spec"))
    users: list[tuple[str, bool]] = []
    if spec.get("users") is None:
        if len(res.name) <= 63 and _PGO_DEFAULT_USER.fullmatch(res.name):
            users.append((res.name, True))
    else:
        for item in as_list(spec.get("users")):
            user = as_dict(item)
            name = user.get("name")
            if isinstance(name, str) and name:
                users.append((name, bool(as_list(user.get("databases")))))
    pgbouncer = as_dict(spec.get("proxy")).get("pgBouncer") is not None
    out: list[tuple[str, frozenset[str]]] = []
    for name, databases in users:
        keys = PGO_USER_KEYS | (PGO_DATABASE_KEYS if databases else frozenset())
        if pgbouncer:
            keys |= PGO_PGBOUNCER_KEYS | (PGO_PGBOUNCER_DATABASE_KEYS if databases else frozenset())
        out.append((f"{res.name}-pguser-{name}", keys))
    return out


# The OpenTelemetry Operator (open-telemetry/opentelemetry-operator): the API group of its custom resources, and
# the cert-manager Certificates it makes for a target allocator with mTLS, each writing the Secret of its own
# name (internal/manifests/targetallocator/certificate.go: CACertificate, ServingCertificate, ClientCertificate;
# the names from internal/naming/main.go: CACertificate, TAServerCertificate, TAClientCertificate).
OTEL_GROUP = "opentelemetry.io"
OTEL_TA_CERTIFICATES = ("%s-ca-cert", "%s-ta-server-cert", "%s-ta-client-cert")
_GO_NOT_ALNUM_END = re.compile(r"[^A-Za-z0-9]+$")
_GO_NOT_ALNUM_START = re.compile(r"^[^A-Za-z0-9]+")


def _otel_name(form: str, name: str) -> str:
    """``naming.DNSName(naming.Truncate(form, 63, name))`` of the OpenTelemetry Operator (internal/naming
    triming.go and dns.go): the name is cut so that the result fits in 63 characters (a hard cut if it
    still does not), the ends trimmed of what is not a letter or a digit, and what is not ``[a-z0-9]`` after
    lowercasing becomes ``-`` (``a`` at either end)."""
    result = form % name
    excess = len(result) - 63
    if excess > 0:
        result = form % (name[: len(name) - excess] if len(name) > excess else "")
    trimmed = _GO_NOT_ALNUM_START.sub("", _GO_NOT_ALNUM_END.sub("", result))
    result = result[:63] if len(result) > 63 else trimmed
    last = len(result) - 1
    return "".join(
        c if ("a" <= c <= "z" or "0" <= c <= "9") else ("a" if i in (0, last) else "-")
        for i, c in enumerate(result.lower())
    )


def otel_target_allocator_secrets(res: Resource) -> list[str]:
    """The Secrets the OpenTelemetry Operator has cert-manager make for a target allocator with mTLS, in the
    resource's namespace: ``<name>-ca-cert``, ``<name>-ta-server-cert`` and ``<name>-ta-client-cert``
    (keys ``tls.crt``, ``tls.key``, ``ca.crt``), which the target allocator's and the collector's pods mount.

    A ``TargetAllocator`` with ``spec.mtls.enabled`` gets them under its name; an ``OpenTelemetryCollector``
    with ``spec.targetAllocator.enabled`` gets a TargetAllocator of its own name with its
    ``spec.targetAllocator.mtls`` (internal/manifests/collector/targetallocator.go, ``TargetAllocator``).
    ``useCertManager: false`` (the default is true) takes user-provided certificates instead, and no
    Certificate is made (internal/manifests/targetallocator/targetallocator.go, ``Build``;
    internal/manifests/manifestutils/mtls.go, ``IsTAMTLSCertManagerEnabled``). The operator makes them only
    where it detects cert-manager, which is not known offline: the pods that mount them need it anyway."""
    if res.group != OTEL_GROUP:
        return []
    spec = as_dict(res.obj.get("spec"))
    if res.kind == "OpenTelemetryCollector":
        spec = as_dict(spec.get("targetAllocator"))
        if spec.get("enabled") is not True:
            return []
    elif res.kind != "TargetAllocator":
        return []
    mtls = as_dict(spec.get("mtls"))
    if mtls.get("enabled") is not True or mtls.get("useCertManager") is False:
        return []
    return [_otel_name(form, res.name) for form in OTEL_TA_CERTIFICATES]


# The Secrets Store CSI Driver (kubernetes-sigs/secrets-store-csi-driver): its API group and the driver name
# pods mount it by (the --drivername default, cmd/secrets-store-csi-driver/main.go).
SECRETS_STORE_GROUP = "secrets-store.csi.x-k8s.io"
SECRETS_STORE_DRIVER = "secrets-store.csi.k8s.io"


def _mounted_secret_provider_classes(ctx: Context) -> set[tuple[str, str]]:
    """(namespace, name) of every SecretProviderClass a pod template of the set mounts: a ``csi`` volume of
    the driver :data:`SECRETS_STORE_DRIVER` whose ``volumeAttributes.secretProviderClass`` names it
    (secrets-store-csi-driver pkg/util/k8sutil/volume.go, ``SPCVolume``)."""
    mounted: set[tuple[str, str]] = set()
    for kind in sorted(WORKLOAD_KINDS):
        for res in ctx.by_kind(kind):
            tmpl = pod_template(res)
            if tmpl is None:
                continue
            for volume in as_list(tmpl.spec.get("volumes")):
                csi = as_dict(as_dict(volume).get("csi"))
                spc = as_dict(csi.get("volumeAttributes")).get("secretProviderClass")
                if csi.get("driver") == SECRETS_STORE_DRIVER and isinstance(spc, str) and spc:
                    mounted.add((res.namespace, spc))
    return mounted


def secrets_store_secrets(ctx: Context) -> list[tuple[str, str, frozenset[str]]]:
    """The Secrets the Secrets Store CSI Driver syncs from a SecretProviderClass's ``spec.secretObjects``:
    (namespace, name, keys).

    When a pod mounts the class, the driver's SecretProviderClassPodStatus controller creates, in the pod's
    namespace, a Secret ``secretName`` for each secret object, with one key per ``data[].key``
    (secrets-store-csi-driver controllers/secretproviderclasspodstatus_controller.go, ``Reconcile`` and
    ``createOrUpdateK8sSecret``; pkg/util/secretutil/secret.go, ``GetSecretData``). It skips an object
    without ``secretName``, ``type`` or ``data`` (``ValidateSecretObject``). Nothing is synced until a pod
    mounts the class (docs/book/src/topics/sync-as-kubernetes-secret.md), so only a class that a pod
    template of the set mounts (:func:`_mounted_secret_provider_classes`) counts; the class and the pod are
    in one namespace, as the controller reads the class from the pod's."""
    classes = [r for r in ctx.by_kind("SecretProviderClass") if r.group == SECRETS_STORE_GROUP]
    if not classes:
        return []
    mounted = _mounted_secret_provider_classes(ctx)
    out: list[tuple[str, str, frozenset[str]]] = []
    for res in classes:
        if (res.namespace, res.name) not in mounted:
            continue
        for item in as_list(as_dict(res.obj.get("spec")).get("secretObjects")):
            secret = as_dict(item)
            name, kind, data = secret.get("secretName"), secret.get("type"), as_list(secret.get("data"))
            if not isinstance(name, str) or not name.strip() or not isinstance(kind, str) or not kind.strip():
                continue
            if not data:
                continue
            keys = frozenset(str(as_dict(d).get("key") or "").strip() for d in data) - {""}
            out.append((res.namespace, name.strip(), keys))
    return out


def secret_producers(ctx: Context) -> dict[tuple[str, str], Keys]:
    """(namespace, name) -> keys of every Secret the rendered set creates, directly or through a controller.

    Producers: Secret (one of type ``kubernetes.io/service-account-token`` also gets ``token``, ``ca.crt``
    and ``namespace`` from the token controller); ExternalSecret (``spec.target.name``, default its own name; not with
    ``creationPolicy: Merge`` or ``None``, which create nothing); SealedSecret
    (``spec.template.metadata.name``, default its own name); cert-manager Certificate
    (``spec.secretName``); an Ingress annotated for cert-manager's ingress-shim (its ``tls[].secretName``);
    a CloudNativePG Cluster (:func:`cnpg_secrets`); a Crunchy Data PGO PostgresCluster (:func:`pgo_secrets`); a
    Zalando ``postgresql`` (:func:`zalando_secrets`); a
    Service annotated for OpenShift's service-ca
    (:func:`openshift_serving_cert`); a Rook CephCluster (:data:`ROOK_MON_SECRET`); a SecretProviderClass that a pod
    mounts (:func:`secrets_store_secrets`); an OpenTelemetry Operator target allocator with mTLS
    (:func:`otel_target_allocator_secrets`). The Secrets that programs
    in the set's pods create are :func:`program_secrets`; :func:`secret_keys` answers from both.
    """

    def build() -> dict[tuple[str, str], Keys]:
        out: dict[tuple[str, str], Keys] = {}
        for res in ctx.by_kind("Secret"):
            data_keys = _data_keys(res.obj, "data", "stringData")
            if res.obj.get("type") == SERVICE_ACCOUNT_TOKEN_TYPE:
                data_keys |= SERVICE_ACCOUNT_TOKEN_KEYS
            _merge(out, (res.namespace, res.name), data_keys)
        for res in ctx.by_kind("ExternalSecret"):
            spec = as_dict(res.obj.get("spec"))
            target = as_dict(spec.get("target"))
            if target.get("creationPolicy") in ("Merge", "None"):
                continue  # it updates a Secret someone else creates, or creates none
            name = str(target.get("name") or res.name)
            keys: Keys = None
            if not spec.get("dataFrom") and not target.get("template"):
                keys = frozenset(str(as_dict(d).get("secretKey", "")) for d in as_list(spec.get("data")))
            _merge(out, (res.namespace, name), keys)
        for res in ctx.by_kind("SealedSecret"):
            spec = as_dict(res.obj.get("spec"))
            template = as_dict(spec.get("template"))
            name = str(as_dict(template.get("metadata")).get("name") or res.name)
            _merge(out, (res.namespace, name), _data_keys(spec, "encryptedData") | _data_keys(template, "data"))
        for res in ctx.by_kind("Certificate"):
            secret_name = as_dict(res.obj.get("spec")).get("secretName")
            if isinstance(secret_name, str) and secret_name:
                _merge(out, (res.namespace, secret_name), TLS_KEYS)
        for res in ctx.by_kind("Ingress"):
            if not any(a in res.annotations for a in CERT_MANAGER_ANNOTATIONS):
                continue
            for tls in as_list(as_dict(res.obj.get("spec")).get("tls")):
                tls_name = as_dict(tls).get("secretName")
                if isinstance(tls_name, str) and tls_name:
                    _merge(out, (res.namespace, tls_name), TLS_KEYS)
        for res in ctx.by_kind("Cluster"):
            for name, keys in cnpg_secrets(res):
                _merge(out, (res.namespace, name), keys)
        for res in ctx.by_kind("PostgresCluster"):
            for name, keys in pgo_secrets(res):
                _merge(out, (res.namespace, name), keys)
        for res in ctx.by_kind("postgresql"):
            for name, keys in zalando_secrets(res):
                _merge(out, (res.namespace, name), keys)
        for res in ctx.by_kind("Service"):
            serving = openshift_serving_cert(res)
            if serving:
                _merge(out, (res.namespace, serving), CNPG_TLS_KEYS)
        name, keys = ROOK_MON_SECRET
        for res in _ceph_clusters(ctx):
            _merge(out, (res.namespace, name), keys)
        for namespace, synced, keys in secrets_store_secrets(ctx):
            _merge(out, (namespace, synced), keys)
        for kind in ("OpenTelemetryCollector", "TargetAllocator"):
            for res in ctx.by_kind(kind):
                for made in otel_target_allocator_secrets(res):
                    _merge(out, (res.namespace, made), TLS_KEYS)
        return out

    return memo(ctx, "secret_producers", build)


# OpenShift's service-ca controller makes a kubernetes.io/tls Secret (keys tls.crt and tls.key) in the
# Service's namespace for a Service with one of these annotations, the beta one first (openshift/
# service-ca-operator pkg/controller/api/api.go ServingCertSecretAnnotation; pkg/controller/servingcert/
# controller/secret_creating_controller.go requiresCertGeneration, toBaseSecret, toRequiredSecret).
OPENSHIFT_SERVING_CERT_ANNOTATIONS = (
    "service.beta.openshift.io/serving-cert-secret-name",
    "service.alpha.openshift.io/serving-cert-secret-name",
)


def openshift_serving_cert(res: Resource) -> str:
    """The Secret OpenShift's service-ca makes for a Service, or ""."""
    annotations = res.metadata.get("annotations")
    if not isinstance(annotations, dict):
        return ""
    for key in OPENSHIFT_SERVING_CERT_ANNOTATIONS:
        name = annotations.get(key)
        if isinstance(name, str) and name:
            return name
    return ""


# The keys open-policy-agent/cert-controller's rotator writes (pkg/rotator/rotator.go: caCertName,
# caKeyName, certName, keyName).
CERT_CONTROLLER_KEYS = frozenset({"ca.crt", "ca.key", "tls.crt", "tls.key"})


def keda_cert_secrets(res: Resource) -> list[tuple[str, str, frozenset[str]]]:
    """The Secret KEDA's operator makes for its own TLS when it runs with ``--enable-cert-rotation``:
    ``--cert-secret-name`` (default ``kedaorg-certs``) in the pod's namespace, filled by cert-controller's
    rotator (kedacore/keda cmd/operator/main.go, the flags; pkg/certificates/certificate_manager.go,
    ``AddCertificateRotation`` and ``ensureSecret``). The flags are pflag's: a bare boolean flag is true."""
    out: list[tuple[str, str, frozenset[str]]] = []
    for container in containers(res):
        argv = container_argv(container.obj)
        if container_program(argv) != "keda" or not _flag_on(argv, "--enable-cert-rotation"):
            continue
        name = _flag(argv, "cert-secret-name") or "kedaorg-certs"
        out.append((res.namespace, name, CERT_CONTROLLER_KEYS))
    return out


# What ``contour certgen`` writes (projectcontour/contour cmd/contour/certgen.go, registerCertGen and
# OutputCerts; internal/certgen/certgen.go, AsSecrets and AsLegacySecrets): two kubernetes.io/tls Secrets,
# contourcert and envoycert, each with the CA bundle (ca.crt, internal/dag's CACertificateKey) in the
# "compact" format; without it in the default "legacy" format, which adds the CA in Secret cacert.
CONTOUR_DEFAULT_NAMESPACE = "projectcontour"  # pkg/certs DefaultNamespace, the --namespace default
CONTOUR_TLS_SECRETS = ("contourcert", "envoycert")


def contour_certgen_secrets(res: Resource) -> list[tuple[str, str, frozenset[str]]]:
    """The Secrets a workload's ``contour certgen --kube`` containers create: (namespace, name, keys).

    Contour's install manifests (examples/contour/02-job-certgen.yaml, and Knative's net-contour) run it as
    a Job with ``--namespace=$(CONTOUR_NAMESPACE)``, that variable from the downward API's
    ``metadata.namespace``: taken as the workload's own namespace, as is the ``CONTOUR_NAMESPACE`` variable
    itself (kingpin's ``Envar``) when ``--namespace`` is not given. Without ``--kube`` (``--yaml``,
    ``--pem``) it writes files, not Secrets. ``--secrets-name-prefix P`` names them ``P-contourcert``..."""
    out: list[tuple[str, str, frozenset[str]]] = []
    for container in containers(res):
        argv = container_argv(container.obj)
        if container_program(argv) != "contour" or argv[1:2] != ["certgen"]:
            continue
        if not _flag_on(argv, "--kube") or "--no-kube" in argv:
            continue
        namespace = _flag(argv, "namespace") or _env_literal(container.obj, "CONTOUR_NAMESPACE")
        if namespace is None or namespace.startswith("$("):
            namespace = res.namespace
        elif not namespace:
            namespace = CONTOUR_DEFAULT_NAMESPACE
        prefix = _flag(argv, "secrets-name-prefix")
        compact = (_flag(argv, "secrets-format") or "legacy") == "compact"
        tls_keys = frozenset({"tls.crt", "tls.key", "ca.crt"} if compact else {"tls.crt", "tls.key"})
        out.extend((namespace, _prefixed(prefix, base), tls_keys) for base in CONTOUR_TLS_SECRETS)
        if not compact:
            out.append((namespace, _prefixed(prefix, "cacert"), frozenset({"cacert.pem"})))
    return out


# The flags that name the Service fronting an ingress controller: ingress-nginx's ``--publish-service``,
# "Service fronting the Ingress controller" (kubernetes/ingress-nginx pkg/flags/flags.go), and Traefik's
# ``publishedservice``, the "Published Kubernetes Service to copy status from" (traefik/traefik
# pkg/provider/kubernetes/ingress/kubernetes.go, IngressEndpoint.PublishedService; Traefik matches flag names
# without regard to case, so they are compared lowercased here).
FRONTING_SERVICE_FLAGS = ("--publish-service", "--providers.kubernetesingress.ingressendpoint.publishedservice")
_ENV_REFERENCE = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def fronting_services(res: Resource) -> set[tuple[str, str]]:
    """(namespace, name) of each Service that a workload's ingress controller names as its front
    (:data:`FRONTING_SERVICE_FLAGS`, ``namespace/name``). ``$(VAR)`` in the value is expanded as the kubelet
    does (:func:`_expand_env`); a value that stays unknown names nothing."""
    found: set[tuple[str, str]] = set()
    namespace = res.namespace or "default"
    for container in containers(res):
        argv = [_lower_flag(arg) for arg in container_argv(container.obj)]
        for value in _flag_values(argv, FRONTING_SERVICE_FLAGS):
            expanded = _expand_env(value, container.obj, namespace)
            ns, slash, name = (expanded or "").partition("/")
            if slash and ns and name:
                found.add((ns, name))
    return found


def _lower_flag(arg: str) -> str:
    """``arg`` with its flag name lowercased (``--Flag=Value`` -> ``--flag=Value``); other words as they are."""
    if not arg.startswith("-"):
        return arg
    flag, eq, value = arg.partition("=")
    return f"{flag.lower()}{eq}{value}"


def _expand_env(value: str, container: dict[str, Any], namespace: str) -> str | None:
    """``value`` with its ``$(VAR)`` references expanded from the container's env as the kubelet does
    (kubernetes third_party/forked/golang/expansion/expand.go): a literal value, or ``fieldRef:
    metadata.namespace`` (the pod's ``namespace``); None when a reference is neither."""
    known: dict[str, str] = {}
    for var in as_list(container.get("env")):
        var = as_dict(var)
        name = var.get("name")
        field = as_dict(as_dict(var.get("valueFrom")).get("fieldRef")).get("fieldPath")
        if isinstance(name, str) and isinstance(var.get("value"), str):
            known[name] = var["value"]
        elif isinstance(name, str) and field == "metadata.namespace":
            known[name] = namespace
    missing = [m.group(1) for m in _ENV_REFERENCE.finditer(value) if m.group(1) not in known]
    return None if missing else _ENV_REFERENCE.sub(lambda m: known[m.group(1)], value)


# What MetalLB's controller writes into the memberlist Secret (metallb/metallb internal/k8s/k8s.go,
# MLSecretKeyName), and the image that runs it (its entrypoint is the controller: no command in the manifests)
METALLB_ML_KEYS = frozenset({"secretkey"})
METALLB_CONTROLLER_IMAGE = "metallb/controller"


def metallb_memberlist_secrets(res: Resource) -> list[tuple[str, str, frozenset[str]]]:
    """The memberlist Secret MetalLB's controller creates at start (metallb/metallb controller/main.go: the
    ``ml-secret-name`` flag, default from ``METALLB_ML_SECRET_NAME``, "name of the memberlist secret to
    create", in ``namespace``, default from ``METALLB_NAMESPACE``, else the pod's own; internal/k8s/k8s.go
    ``CreateMlSecret``). The speakers mount it. No name given: nothing is created. Go's flag package takes
    ``-flag`` and ``--flag``."""
    out: list[tuple[str, str, frozenset[str]]] = []
    for container in containers(res):
        image = container.obj.get("image")
        if not isinstance(image, str):
            continue
        if not image_repository(image).endswith(METALLB_CONTROLLER_IMAGE):
            continue
        argv = container_argv(container.obj)
        names = _flag_values(argv, _go_flag("ml-secret-name"))
        name = names[-1] if names else None
        if name is None:
            name = _env_literal(container.obj, "METALLB_ML_SECRET_NAME")
        if not name or name.startswith("$("):
            continue
        namespaces = _flag_values(argv, _go_flag("namespace"))
        namespace = namespaces[-1] if namespaces else None
        if namespace is None:
            namespace = _env_literal(container.obj, "METALLB_NAMESPACE")
        if not namespace or namespace.startswith("$("):
            namespace = res.namespace
        out.append((namespace, name, METALLB_ML_KEYS))
    return out


# The Kubeflow Pipelines cache deployer (kubeflow/pipelines backend/src/cache/deployer): the repositories its
# image is published under, ghcr.io/kubeflow/kfp-cache-deployer since KFP 2.5 and gcr.io/ml-pipeline/
# cache-deployer before (manifests/kustomize/base/cache-deployer/cache-deployer-deployment.yaml, and the
# copy in kubeflow/manifests applications/pipeline/upstream/base/cache-deployer); the script its Dockerfile
# runs as the entrypoint; the Secret it writes, the namespace it falls back to and the keys
# (deploy-cache-service.sh WEBHOOK_SECRET_NAME and NAMESPACE; webhook-create-signed-cert.sh ``kubectl create
# secret generic ${secret} --from-file=key.pem=... --from-file=cert.pem=...``, the files the cache server
# reads: backend/src/cache/main.go TLSCertFileDefault, TLSKeyFileDefault).
KFP_CACHE_DEPLOYER_IMAGES = ("/kfp-cache-deployer", "/ml-pipeline/cache-deployer")
KFP_CACHE_DEPLOYER_SCRIPT = "deploy-cache-service.sh"
KFP_CACHE_WEBHOOK_SECRET = ("webhook-server-tls", frozenset({"cert.pem", "key.pem"}))
KFP_CACHE_DEFAULT_NAMESPACE = "kubeflow"


def kfp_cache_deployer_secrets(res: Resource) -> list[tuple[str, str, frozenset[str]]]:
    """The Secret the Kubeflow Pipelines cache deployer creates for the cache server's webhook: (namespace,
    name, keys).

    Its image's entrypoint, ``deploy-cache-service.sh`` (kubeflow/pipelines backend/src/cache/deployer),
    has a certificate signed through a CertificateSigningRequest and writes it with its key into Secret
    ``webhook-server-tls`` (keys ``cert.pem``, ``key.pem``) in ``$NAMESPACE_TO_WATCH``, ``kubeflow`` when
    that is unset or empty (``${NAMESPACE_TO_WATCH:-kubeflow}``). The cache server Deployment mounts it.
    The manifests set the variable from the downward API's ``metadata.namespace``; a value from elsewhere
    is taken as the workload's own namespace. A container whose ``command`` replaces the entrypoint with
    something that does not name the script makes nothing."""
    out: list[tuple[str, str, frozenset[str]]] = []
    for container in containers(res):
        image = container.obj.get("image")
        if not isinstance(image, str):
            continue
        repository = image_repository(image)
        if not any(f"/{repository}".endswith(suffix) for suffix in KFP_CACHE_DEPLOYER_IMAGES):
            continue
        command = [word for word in as_list(container.obj.get("command")) if isinstance(word, str)]
        if command and not any(KFP_CACHE_DEPLOYER_SCRIPT in word for word in container_argv(container.obj)):
            continue  # a command replaces the entrypoint; args alone go to the script, which ignores them
        namespace = _env_literal(container.obj, "NAMESPACE_TO_WATCH")
        if namespace is None or namespace.startswith("$("):
            namespace = res.namespace
        elif not namespace:
            namespace = KFP_CACHE_DEFAULT_NAMESPACE
        name, keys = KFP_CACHE_WEBHOOK_SECRET
        out.append((namespace, name, keys))
    return out


def _prefixed(prefix: str | None, base: str) -> str:
    """A certgen Secret's name (internal/certgen/certgen.go ``certname``)."""
    return f"{prefix}-{base}" if prefix else base


def _env_literal(container: dict[str, Any], name: str) -> str | None:
    """The value of env variable ``name`` of a container: its literal value, "" when not set, None when it
    comes from elsewhere (``valueFrom``: the downward API, a ConfigMap...)."""
    for env in as_list(container.get("env")):
        env = as_dict(env)
        if env.get("name") == name:
            value = env.get("value")
            return value if isinstance(value, str) else None
    return ""


def program_secrets(ctx: Context) -> dict[tuple[str, str], Keys]:
    """(namespace, name) -> keys of the Secrets that programs in the set's pods create: a Job or CronJob
    running ``kube-webhook-certgen create`` (:func:`certgen_secrets`), a workload running ``argocd admin
    redis-initial-password`` (:func:`argocd_redis_secrets`), KEDA's operator with ``--enable-cert-rotation``
    (:func:`keda_cert_secrets`), a Job or CronJob running ``contour certgen --kube``
    (:func:`contour_certgen_secrets`), MetalLB's controller (:func:`metallb_memberlist_secrets`), the Kubeflow
    Pipelines cache deployer (:func:`kfp_cache_deployer_secrets`)."""

    def build() -> dict[tuple[str, str], Keys]:
        out: dict[tuple[str, str], Keys] = {}
        for kind in sorted(WORKLOAD_KINDS):
            for res in ctx.by_kind(kind):
                made = argocd_redis_secrets(res) + keda_cert_secrets(res) + metallb_memberlist_secrets(res)
                made.extend(kfp_cache_deployer_secrets(res))
                if kind in ("Job", "CronJob"):
                    made.extend(certgen_secrets(res))
                    made.extend(contour_certgen_secrets(res))
                for namespace, name, keys in made:
                    _merge(out, (namespace, name), keys)
        return out

    return memo(ctx, "program_secrets", build)


def secret_keys(ctx: Context, namespace: str, name: str, wanted: Iterable[str]) -> tuple[bool, Keys]:
    """Whether the set produces Secret ``namespace/name``, and its keys (None: unknown), as one table of
    :func:`secret_producers` and :func:`program_secrets` would say. The second is only read when the first
    does not answer (the name is not there, or a ``wanted`` key is missing): it reads every container of
    the set, 34 ms at the benchmark's 20,000 resources, for Secrets few sets have."""
    key = (namespace, name)
    declared = secret_producers(ctx)
    found, keys = key in declared, declared.get(key)
    if not found or (keys is not None and not keys.issuperset(wanted)):
        made = program_secrets(ctx)
        if key in made:
            table: dict[tuple[str, str], Keys] = {key: keys} if found else {}
            _merge(table, key, made[key])
            found, keys = True, table[key]
    return found, keys


# What the Rook operator writes for a CephCluster, in its namespace: Secret rook-ceph-mon (rook/rook
# pkg/operator/ceph/controller/cluster_info.go, AppName and the keys of createClusterAccessSecret) and
# ConfigMap rook-ceph-mon-endpoints (pkg/operator/ceph/cluster/mon/mon.go, EndpointConfigMapName; its keys
# change between releases: not modelled). Rook's toolbox and CSI read both.
ROOK_MON_SECRET = ("rook-ceph-mon", frozenset({"fsid", "mon-secret", "ceph-username", "ceph-secret"}))
ROOK_MON_ENDPOINTS = "rook-ceph-mon-endpoints"
# The metrics Service of the ceph-exporter daemons the Rook operator runs for a CephCluster unless
# spec.monitoring.metricsDisabled (pkg/operator/ceph/cluster/nodedaemon/reconcile.go,
# createOrUpdateNodeDaemons; exporter.go MakeCephExporterMetricsService, exporterServiceMetricName,
# DefaultMetricsPort, getExporterMetricsPort: spec.monitoring.exporter.port when set).
ROOK_EXPORTER = "rook-ceph-exporter"
ROOK_EXPORTER_PORT = ("ceph-exporter-http-metrics", 9926)


def _ceph_clusters(ctx: Context) -> list[Resource]:
    return [res for res in ctx.by_kind("CephCluster") if res.group == ROOK_GROUP]


def configmap_producers(ctx: Context) -> dict[tuple[str, str], Keys]:
    """(namespace, name) -> keys of every ConfigMap in the rendered set, and of those the Rook operator
    writes for a CephCluster (:data:`ROOK_MON_ENDPOINTS`)."""

    def build() -> dict[tuple[str, str], Keys]:
        out: dict[tuple[str, str], Keys] = {}
        for res in ctx.by_kind("ConfigMap"):
            _merge(out, (res.namespace, res.name), _data_keys(res.obj, "data", "binaryData"))
        for res in _ceph_clusters(ctx):
            _merge(out, (res.namespace, ROOK_MON_ENDPOINTS), None)
        return out

    return memo(ctx, "configmap_producers", build)


# ----------------------------------------------------------------------------------------------- Services


@dataclass(frozen=True, slots=True)
class ProvidedService:
    """A Service that exists in the cluster without being in the set: its labels and port names."""

    namespace: str
    name: str
    labels: tuple[tuple[str, str], ...]  # sorted (key, value) pairs
    ports: frozenset[str]  # the names of its ports
    maker: str  # who creates it, for messages

    def label_map(self) -> dict[str, str]:
        return dict(self.labels)


# kube-apiserver creates Service default/kubernetes in every cluster, with these labels, no selector and one
# port named "https" (kubernetes pkg/controlplane/controller/kubernetesservice/controller.go:
# UpdateKubernetesService passes the name "https" to createPortAndServiceSpec;
# CreateOrUpdateMasterServiceIfNeeded sets the labels).
API_SERVER_SERVICE = ProvidedService(
    "default", "kubernetes", (("component", "apiserver"), ("provider", "kubernetes")), frozenset({"https"}),
    "the API server",
)  # fmt: skip

# What prometheus-operator's kubelet controller puts on the Service it keeps (prometheus-operator
# pkg/kubelet/controller.go, syncService and servicePorts; the label keys and the managed-by value are
# pkg/operator/kubernetes.go's ApplicationNameLabelKey, ManagedByLabelKey and ManagedByLabelValue).
KUBELET_SERVICE_LABELS = {
    "k8s-app": "kubelet",
    "app.kubernetes.io/name": "kubelet",
    "app.kubernetes.io/managed-by": "prometheus-operator",
}
KUBELET_PORTS = frozenset({"https-metrics", "cadvisor"})
KUBELET_HTTP_PORT = "http-metrics"


def _go_flag(name: str) -> tuple[str, str]:
    """A flag of Go's flag package, which takes one dash or two alike."""
    return (f"-{name}", f"--{name}")


def kubelet_services(res: Resource) -> list[ProvidedService]:
    """The kubelet Service that a workload's prometheus-operator keeps, when it runs with
    ``--kubelet-service=NAMESPACE/NAME`` (prometheus-operator cmd/operator/main.go, parseFlags; kube-prometheus
    passes ``kube-system/kubelet``). Its labels are :data:`KUBELET_SERVICE_LABELS` under those of
    ``--labels=k=v,...``, which win (pkg/operator Map.Set and Map.Merge); its ports ``https-metrics`` and
    ``cadvisor``, and ``http-metrics`` unless ``--kubelet-http-metrics=false`` (default true)."""
    out: list[ProvidedService] = []
    for container in containers(res):
        args = container_argv(container.obj)
        targets = _flag_values(args, _go_flag("kubelet-service"))
        if not targets:
            continue
        namespace, _, name = targets[-1].partition("/")
        if not namespace or not name:
            continue  # the operator refuses to start without NAMESPACE/NAME
        labels = dict(KUBELET_SERVICE_LABELS)
        for value in _flag_values(args, _go_flag("labels")):
            for pair in value.split(",") if value else ():
                key, _, label = pair.partition("=")
                labels[key] = label
        ports = KUBELET_PORTS
        if _flag_on(args, *_go_flag("kubelet-http-metrics"), default=True):
            ports = ports | {KUBELET_HTTP_PORT}
        maker = f"prometheus-operator's --kubelet-service ({res.kind} {res.namespace}/{res.name})"
        out.append(ProvidedService(namespace, name, tuple(sorted(labels.items())), ports, maker))
    return out


def provided_services(ctx: Context) -> list[ProvidedService]:
    """The Services a cluster running this set has besides the set's own: the API server's
    (:data:`API_SERVER_SERVICE`), those that programs in the set's pods keep (:func:`kubelet_services`) and
    the labelled ones operators make for the set's custom resources (:func:`made_services`).
    Read only for a ServiceMonitor that selects none of the set's Services."""

    def build() -> list[ProvidedService]:
        out = [API_SERVER_SERVICE]
        for kind in sorted(WORKLOAD_KINDS):
            for res in ctx.by_kind(kind):
                out.extend(kubelet_services(res))
        for (namespace, name), svc in made_services(ctx).items():
            if svc.labels:  # a Service without labels is selected by no ServiceMonitor
                names = [as_dict(p).get("name") for p in as_list(as_dict(svc.obj.get("spec")).get("ports"))]
                ports = frozenset(n for n in names if isinstance(n, str) and n)  # an unnamed port: no name
                maker = f"the operator of a custom resource in {svc.file}"
                out.append(ProvidedService(namespace, name, tuple(sorted(svc.labels.items())), ports, maker))
        return out

    return memo(ctx, "provided_services", build)


# The Rook operator's object store gateway Service (rook/rook pkg/operator/ceph/object/objectstore.go AppName;
# spec.go generateService, addPort and getLabels; controller/spec.go AppLabels and CephDaemonAppLabels;
# k8sutil/labels.go AddRecommendedLabels, whose rook.io/operator-namespace label holds the operator's own
# namespace, unknown here and left out).
ROOK_RGW = "rook-ceph-rgw"


def rook_rgw_service(
    res: Resource,
) -> tuple[str, dict[str, str], list[Any], dict[str, str]]:
    """(name, selector, ports, labels) of the Service the Rook operator makes for a ``CephObjectStore``:
    ``rook-ceph-rgw-<name>`` (``instanceName``), with port ``http`` on ``spec.gateway.port`` and ``https`` on
    ``spec.gateway.securePort`` where they are set (``addPort`` skips 0), selecting the store's gateway pods,
    labelled as they are plus ``spec.gateway.service.labels``."""
    name, ns = res.name, res.namespace
    selector = {"app": ROOK_RGW, "rook_cluster": ns, "ceph_daemon_id": name, "rgw": name, "rook_object_store": name}
    labels = {
        **selector,
        "ceph_daemon_type": "rgw",
        "app.kubernetes.io/name": "ceph-rgw",
        "app.kubernetes.io/instance": name,
        "app.kubernetes.io/component": "cephobjectstores.ceph.rook.io",
        "app.kubernetes.io/part-of": name,
        "app.kubernetes.io/managed-by": "rook-ceph-operator",
        "app.kubernetes.io/created-by": "rook-ceph-operator",
    }
    gateway = as_dict(as_dict(res.obj.get("spec")).get("gateway"))
    extra = as_dict(as_dict(gateway.get("service")).get("labels"))
    labels.update({str(k): str(v) for k, v in extra.items() if isinstance(v, str)})
    ports: list[Any] = []
    for port_name, field in (("http", "port"), ("https", "securePort")):
        port = gateway.get(field)
        if isinstance(port, int) and not isinstance(port, bool) and port > 0:
            ports.append({"name": port_name, "port": port})
    return f"{ROOK_RGW}-{name}", selector, ports, labels


def _made_service(
    out: dict[tuple[str, str], Resource],
    owner: Resource,
    name: str,
    selector: dict[str, str],
    ports: list[Any],
    labels: dict[str, str] | None = None,
) -> None:
    metadata: dict[str, Any] = {"name": name, "namespace": owner.namespace}
    if labels:
        metadata["labels"] = labels
    obj = {"apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": {"selector": selector, "ports": ports}}
    out.setdefault((owner.namespace, name), Resource(obj, owner.file, owner.doc_index, owner.line))


# grafana-operator (grafana/grafana-operator): the group of its v5 custom resources, the labels it puts on
# every object it makes (controllers/resources/labels.go, GetCommonLabels), the label its Services select
# (controllers/reconcilers/grafana/reconcilers_shared.go, appLabel) and its port defaults
# (controllers/config/operator_constants.go: GrafanaHTTPPort, GrafanaHTTPPortName, GrafanaAlertPort,
# GrafanaAlertPortName).
GRAFANA_GROUP = "grafana.integreatly.org"
GRAFANA_COMMON_LABELS = {"app.kubernetes.io/managed-by": "grafana-operator"}
GRAFANA_APPLYSET_PREFIX = "applyset.kubernetes.io/"  # labels.go ignoredLabelsPrefix: not inherited
GRAFANA_HTTP_PORT = ("grafana", 3000)
GRAFANA_ALERT_PORT = ("grafana-alert", 9094)


def _grafana_http_port(spec: dict[str, Any]) -> int:
    """``spec.config.server.http_port`` as Go's strconv.Atoi reads it, else 3000 (service_reconciler.go
    ``GetGrafanaPort``; the config is a map of string maps)."""
    value = as_dict(as_dict(spec.get("config")).get("server")).get("http_port")
    if isinstance(value, str) and value.lstrip("+-").isdigit() and value.lstrip("+-").isascii():
        return int(value)
    return GRAFANA_HTTP_PORT[1]


def _merge_ports(base: list[dict[str, Any]], overrides: Any) -> list[dict[str, Any]]:
    """``overrides`` merged into ``base`` as a strategic merge patch merges ``ServiceSpec.ports``: by ``port``
    (k8s.io/api core/v1 types.go, ``patchMergeKey:"port"``), a new port appended."""
    out = [dict(p) for p in base]
    for item in as_list(overrides):
        item = as_dict(item)
        same = next((p for p in out if "port" in item and p.get("port") == item["port"]), None)
        if same is not None:
            same.update(item)
        elif item:
            out.append(dict(item))
    return out


def grafana_services(res: Resource) -> list[tuple[str, dict[str, str], list[dict[str, Any]], dict[str, str]]]:
    """The Services grafana-operator makes for a ``Grafana`` (grafana.integreatly.org): (name, selector,
    ports, labels), in its namespace; none for an external instance (``spec.external``: only the completion
    stage runs, controllers/grafana_controller.go).

    controllers/reconcilers/grafana/service_reconciler.go ``Reconcile``, names from
    controllers/resources/resources.go:

    - ``<name>-service`` (``GetGrafanaService``): port ``grafana`` (``spec.config.server.http_port``, default
      3000) to the container port ``grafana-http``, selecting ``app: <name>``; then ``spec.service``
      (``metadata`` and ``spec``) is merged in as a strategic merge patch (api/v1beta1/typeoverrides.go
      ``Merge``), then the Grafana's own ``metadata.labels`` (without ``applyset.kubernetes.io/`` keys) and
      ``app.kubernetes.io/managed-by: grafana-operator`` are set on it (resources/labels.go
      ``SetInheritedLabels``; releases before v5.17.0 did not copy the Grafana's labels);
    - ``<name>-alerting``, headless (``GetGrafanaHeadlessService``): port ``grafana-alert`` 9094, the same
      inherited labels, no ``spec.service`` merge.
    """
    if res.group != GRAFANA_GROUP or res.kind != "Grafana":
        return []
    spec = as_dict(res.obj.get("spec"))
    if spec.get("external") is not None:
        return []
    inherited = {k: v for k, v in res.labels.items() if not k.startswith(GRAFANA_APPLYSET_PREFIX)}
    selector = {"app": res.name}
    override = as_dict(spec.get("service"))
    override_spec = as_dict(override.get("spec"))
    http_name, _ = GRAFANA_HTTP_PORT
    http = [{"name": http_name, "protocol": "TCP", "port": _grafana_http_port(spec), "targetPort": "grafana-http"}]
    labels = {**str_map(as_dict(override.get("metadata")).get("labels")), **inherited, **GRAFANA_COMMON_LABELS}
    alert_name, alert_port = GRAFANA_ALERT_PORT
    alert = [{"name": alert_name, "protocol": "TCP", "port": alert_port, "targetPort": alert_port}]
    return [
        (
            f"{res.name}-service",
            {**selector, **str_map(override_spec.get("selector"))},
            _merge_ports(http, override_spec.get("ports")),
            labels,
        ),
        (f"{res.name}-alerting", selector, alert, {**inherited, **GRAFANA_COMMON_LABELS}),
    ]


def made_services(ctx: Context) -> dict[tuple[str, str], Resource]:
    """(namespace, name) -> the Services that operators make for the set's custom resources, as the
    objects they create, for the rules that look a Service up by name (``dangling-ingress``,
    ``dangling-route``). A MinIO ``Tenant`` gets (minio/operator pkg/resources/services/service.go, names
    from pkg/apis/minio.min.io/v2/names.go):

    - ``minio`` (``NewClusterIPForMinIO``; ``MinIOCIServiceName`` is a constant: one Tenant a namespace):
      port ``http-minio`` 80, with TLS ``https-minio`` 443, to 9000;
    - ``<name>-hl`` (``NewHeadlessForMinIO``): ``http-minio`` / ``https-minio`` 9000;
    - ``<name>-console`` (``NewClusterIPForConsole``): ``http-console`` 9090, with TLS ``https-console`` 9443.

    A Rook ``CephCluster`` gets (rook/rook pkg/operator/ceph/cluster/mgr/spec.go, MakeMetricsService and
    makeDashboardService; mgr.go reconcileServices, dashboard.go configureDashboardService; nodedaemon/
    exporter.go MakeCephExporterMetricsService):

    - ``rook-ceph-mgr``, selecting the active mgr pod: ``http-metrics`` 9283;
    - ``rook-ceph-mgr-dashboard``, selecting the active mgr pod, with ``spec.dashboard.enabled``:
      ``https-dashboard`` (``ssl``) or ``http-dashboard``, on the dashboard's port
      (:func:`operators.rook_dashboard_port`);
    - ``rook-ceph-exporter``, unless ``spec.monitoring.metricsDisabled``: ``ceph-exporter-http-metrics``
      9926 or ``spec.monitoring.exporter.port``, selecting the ceph-exporter pods (:data:`ROOK_EXPORTER`).

    A Rook ``CephObjectStore`` gets ``rook-ceph-rgw-<name>`` (:func:`rook_rgw_service`).

    A grafana-operator ``Grafana`` gets ``<name>-service`` (port ``grafana``, 3000) and ``<name>-alerting``
    (:func:`grafana_services`).
    """

    def build() -> dict[tuple[str, str], Resource]:
        out: dict[tuple[str, str], Resource] = {}
        for res in ctx.by_kind("Tenant"):
            if res.group != MINIO_GROUP:
                continue
            tls = minio_tls(res)
            scheme = "https" if tls else "http"
            selector = {"v1.min.io/tenant": res.name}
            console = 9443 if tls else 9090
            made = (
                ("minio", [{"name": f"{scheme}-minio", "port": 443 if tls else 80, "targetPort": 9000}]),
                (f"{res.name}-hl", [{"name": f"{scheme}-minio", "port": 9000}]),
                (f"{res.name}-console", [{"name": f"{scheme}-console", "port": console, "targetPort": console}]),
            )
            for name, ports in made:
                _made_service(out, res, name, selector, ports)
        for res in _ceph_clusters(ctx):
            labels = {"app": ROOK_MGR, "rook_cluster": res.namespace}  # controller.AppLabels
            selector = {**labels, "mgr_role": "active"}  # buildSelectorLabels
            metrics = [{"name": "http-metrics", "port": ROOK_MGR_PORTS["http-metrics"]}]
            _made_service(out, res, ROOK_MGR, selector, metrics, labels)
            dashboard = as_dict(as_dict(res.obj.get("spec")).get("dashboard"))
            if dashboard.get("enabled") is True:
                public, internal = rook_dashboard_port(res)
                name = "https-dashboard" if dashboard.get("ssl") is True else "http-dashboard"
                ports = [{"name": name, "port": public, "targetPort": internal}]
                _made_service(out, res, f"{ROOK_MGR}-dashboard", selector, ports, labels)
            monitoring = as_dict(as_dict(res.obj.get("spec")).get("monitoring"))
            if monitoring.get("metricsDisabled") is not True:
                exporter_labels = {"app": ROOK_EXPORTER, "rook_cluster": res.namespace}  # controller.AppLabels
                port_name, port = ROOK_EXPORTER_PORT
                custom = as_dict(monitoring.get("exporter")).get("port")
                if isinstance(custom, int) and not isinstance(custom, bool) and custom > 0:
                    port = custom
                exporter = [{"name": port_name, "port": port}]
                _made_service(out, res, ROOK_EXPORTER, exporter_labels, exporter, exporter_labels)
        for res in ctx.by_kind("CephObjectStore"):
            if res.group == ROOK_GROUP:
                _made_service(out, res, *rook_rgw_service(res))
        for res in ctx.by_kind("Grafana"):
            for name, grafana_selector, grafana_ports, grafana_labels in grafana_services(res):
                _made_service(out, res, name, grafana_selector, grafana_ports, grafana_labels)
        return out

    return memo(ctx, "made_services", build)
