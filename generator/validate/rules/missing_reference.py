"""A workload or Ingress refers to a Secret, ConfigMap, PVC or ServiceAccount nothing creates.

Checked references, each resolved in the referring object's namespace:

- env ``valueFrom.secretKeyRef`` / ``configMapKeyRef`` (name, and the key when the producer's keys are
  known), ``envFrom[].secretRef`` / ``configMapRef``;
- volumes: ``secret.secretName``, ``configMap.name`` (and their ``items[].key``), ``projected.sources[]``
  secrets and configMaps, ``persistentVolumeClaim.claimName`` (a StatefulSet's ``volumeClaimTemplates``
  count), and every ``volumeMounts[].name`` must name a volume of the pod (or a claim template);
- ``serviceAccountName`` (the ``default`` ServiceAccount always exists) and ``imagePullSecrets``;
- an Ingress's ``tls[].secretName``.

The ConfigMap ``kube-root-ca.crt`` always exists, with the one key ``ca.crt``: kube-controller-manager's
root CA publisher creates it in every namespace (kubernetes
``pkg/controller/certificates/rootcacertpublisher/publisher.go``; its ``RootCAConfigMap`` gate is GA and
locked on in 1.21, ``pkg/features/kube_features.go``), so pods mount it (often as a ``projected`` source
beside a ServiceAccount token) without anything in the set producing it. Other keys of it are findings.
Likewise ``istio-ca-root-cert`` (key ``root-cert.pem``), which istiod publishes in every namespace but
``kube-public``, ``kube-node-lease`` and ``local-path-storage``: only Istio's pods and gateways mount it.

A Secret counts as existing when the rendered set produces it: a Secret, an ExternalSecret's target
(``spec.target.name``, default the ExternalSecret's name; not with ``creationPolicy: Merge`` or ``None``,
which create nothing), a SealedSecret (``spec.template.metadata.name``,
default its name), a cert-manager Certificate's ``spec.secretName``, or an Ingress annotated
``cert-manager.io/cluster-issuer`` / ``cert-manager.io/issuer`` (ingress-shim creates its TLS secrets), or
a Job or CronJob running ``kube-webhook-certgen create --secret-name ...`` (the admission-webhook
certificate Job of ingress-nginx's manifests; keys ``ca``, ``cert``, ``key``), a container running
``argocd admin redis-initial-password`` (Argo CD's ``argocd-redis`` Secret, key ``auth``), a
CloudNativePG ``Cluster`` (``<cluster>-app``, ``-superuser``, ``-ca``, ``-server``, ``-replication``), a Crunchy
Data PGO ``PostgresCluster`` (``<cluster>-pguser-<user>`` for each ``spec.users[]``, or for the user named after
the cluster without ``spec.users``), a
Secrets Store CSI Driver ``SecretProviderClass`` that a pod of the set mounts (each ``spec.secretObjects[]``
``secretName``, keys its ``data[].key``; the driver syncs them once a pod mounts the class), or an
OpenTelemetry Operator target allocator with mTLS (``<name>-ca-cert``, ``-ta-server-cert``,
``-ta-client-cert``, made through cert-manager).
Objects that exist outside the repo are declared in the environment's ``policy.external``. References
marked ``optional: true`` are not checked. A missing reference keeps pods in ``CreateContainerConfigError``
or ``ContainerCreating`` (or the Ingress on the controller's fallback certificate) after a "successful" sync.

PASS:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      template:
        spec:
          containers:
            - name: mlflow
              image: mlflow:2.10.0
              env:
                - name: DB_PASSWORD
                  valueFrom: {secretKeyRef: {name: postgres-credentials, key: password}}
              volumeMounts: [{name: kube-api-ca, mountPath: /var/run/kube-api-ca}]
          volumes:
            - name: kube-api-ca
              projected:
                sources: [{configMap: {name: kube-root-ca.crt, items: [{key: ca.crt, path: ca.crt}]}}]
    ---
    apiVersion: external-secrets.io/v1
    kind: ExternalSecret
    metadata: {name: postgres-credentials}
    spec:
      secretStoreRef: {name: vault, kind: ClusterSecretStore}
      data: [{secretKey: password, remoteRef: {key: mlflow/postgres, property: password}}]

FAIL:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      template:
        spec:
          serviceAccountName: mlflow          # no ServiceAccount mlflow in the set
          containers:
            - name: mlflow
              image: mlflow:2.10.0
              envFrom: [{secretRef: {name: minio-credentials}}]   # nothing produces this Secret
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from generator.validate.context import Context
from generator.validate.crossref import as_dict, as_list
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.producers import Keys, configmap_producers, secret_keys
from generator.validate.workloads import WORKLOAD_KINDS, containers, pod_template

ID = "missing-reference"
CATEGORY = "cross-resource"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = frozenset(WORKLOAD_KINDS | {"Ingress"})

Path = tuple[str | int, ...]

# ConfigMaps the control plane publishes in every namespace, and their keys; these keys win over a
# same-named ConfigMap in the set, which the publisher overwrites.
# - kube-controller-manager's root CA publisher creates kube-root-ca.crt in each namespace and resets its
#   data to exactly ca.crt (kubernetes pkg/controller/certificates/rootcacertpublisher/publisher.go,
#   syncNamespace).
# - istiod's namespace controller creates istio-ca-root-cert, with the key root-cert.pem, in each namespace
#   but kube-public, kube-node-lease and local-path-storage (istio
#   pilot/pkg/serviceregistry/kube/controller/namespacecontroller.go, CACertNamespaceConfigMap and
#   ignoredNamespaces: inject.IgnoredNamespaces less kube-system; pkg/config/constants/constants.go,
#   CACertNamespaceConfigMapDataName). Only Istio's own pods and gateways mount it, so a reference to it
#   says that Istio runs: it is not required in the set (Istio's samples mount it in their gateways).
CLUSTER_CONFIGMAPS: dict[str, frozenset[str]] = {
    "kube-root-ca.crt": frozenset({"ca.crt"}),
    "istio-ca-root-cert": frozenset({"root-cert.pem"}),
}
# namespaces where a publisher above does not create its ConfigMap
NOT_PUBLISHED_IN: dict[str, frozenset[str]] = {
    "istio-ca-root-cert": frozenset({"kube-public", "kube-node-lease", "local-path-storage"}),
}


class _Refs:
    """Resolves references of one object against the producers of the context."""

    def __init__(self, ctx: Context, obj: Resource) -> None:
        self.ctx = ctx
        self.ns = obj.namespace
        self.configmaps = configmap_producers(ctx)
        meta = obj.obj.get("metadata")
        # no metadata.namespace: the object lands in the namespace it is applied to (kubectl apply -n, Argo
        # CD's destination namespace), which a plain file does not say ("default" here)
        self.implicit = not (isinstance(meta, dict) and meta.get("namespace"))

    def _elsewhere(self, kind: str, name: str) -> str:
        """For an object without a namespace: where the set has ``kind`` ``name`` in other namespaces, as a
        clause to append to the finding ("" when nowhere, or when the object names its namespace)."""
        if not self.implicit:
            return ""
        if kind == "ConfigMap":
            spaces = {ns for ns, n in self.configmaps if n == name}
        else:
            spaces = {r.namespace for r in self.ctx.by_kind(kind) if r.name == name}
        spaces.discard(self.ns)
        if not spaces:
            return ""
        return (
            f" in namespace {self.ns}; the set has it in namespace {', '.join(sorted(spaces))}, and this object "
            "has no metadata.namespace, so it lands where it is applied (kubectl apply -n, Argo CD's destination "
            "namespace): set its namespace"
        )

    def data(self, kind: str, name: Any, name_path: Path, keys: Iterable[tuple[Any, Path]] = ()) -> Iterator[Finding]:
        """A Secret/ConfigMap reference by ``name`` (and the ``keys`` read from it)."""
        if not isinstance(name, str) or not name:
            return
        keys = list(keys)
        known: Keys = None
        found = False
        if kind == "Secret":
            found, known = secret_keys(self.ctx, self.ns, name, [k for k, _ in keys if isinstance(k, str) and k])
        elif name in CLUSTER_CONFIGMAPS and self.ns not in NOT_PUBLISHED_IN.get(name, ()):
            found, known = True, CLUSTER_CONFIGMAPS[name]
        elif (self.ns, name) in self.configmaps:
            found, known = True, self.configmaps[(self.ns, name)]
        if not found:
            if not self.ctx.is_external(kind, self.ns, name):
                yield Finding(
                    f"{kind} {name} is not produced by anything in the rendered set{self._elsewhere(kind, name)}",
                    path=pointer(*name_path),
                )
            return
        if known is None:
            return
        for key, key_path in keys:
            if isinstance(key, str) and key and key not in known:
                have = ", ".join(sorted(known)) or "no keys"
                yield Finding(f"{kind} {name} has no key {key!r} (it has: {have})", path=pointer(*key_path))

    def plain(self, kind: str, name: Any, path: Path) -> Iterator[Finding]:
        """A ServiceAccount or PersistentVolumeClaim reference."""
        if not isinstance(name, str) or not name:
            return
        if self.ctx.get(kind, self.ns, name) is not None or self.ctx.is_external(kind, self.ns, name):
            return
        yield Finding(
            f"{kind} {name} does not exist in the rendered set{self._elsewhere(kind, name)}", path=pointer(*path)
        )


def _optional(ref: dict[str, Any]) -> bool:
    return ref.get("optional") is True


def _workload(ctx: Context, obj: Resource) -> Iterator[Finding]:
    tmpl = pod_template(obj)
    if tmpl is None:
        return
    refs = _Refs(ctx, obj)
    spec, base = tmpl.spec, tmpl.path

    sa_key = "serviceAccountName" if "serviceAccountName" in spec else "serviceAccount"
    sa = spec.get(sa_key)
    if sa != "default":
        yield from refs.plain("ServiceAccount", sa, (*base, sa_key))
    for i, ips in enumerate(as_list(spec.get("imagePullSecrets"))):
        yield from refs.data("Secret", as_dict(ips).get("name"), (*base, "imagePullSecrets", i, "name"))

    claim_templates: set[str] = set()
    if obj.kind == "StatefulSet":
        for vct in as_list(as_dict(obj.obj.get("spec")).get("volumeClaimTemplates")):
            name = as_dict(as_dict(vct).get("metadata")).get("name")
            if isinstance(name, str):
                claim_templates.add(name)

    volume_names: set[str] = set()
    for i, vol in enumerate(as_list(spec.get("volumes"))):
        vol = as_dict(vol)
        volume_names.add(str(vol.get("name", "")))
        vpath: Path = (*base, "volumes", i)
        secret = as_dict(vol.get("secret"))
        if secret and not _optional(secret):
            keys = [
                (as_dict(it).get("key"), (*vpath, "secret", "items", j, "key"))
                for j, it in enumerate(as_list(secret.get("items")))
            ]
            yield from refs.data("Secret", secret.get("secretName"), (*vpath, "secret", "secretName"), keys)
        cm = as_dict(vol.get("configMap"))
        if cm and not _optional(cm):
            keys = [
                (as_dict(it).get("key"), (*vpath, "configMap", "items", j, "key"))
                for j, it in enumerate(as_list(cm.get("items")))
            ]
            yield from refs.data("ConfigMap", cm.get("name"), (*vpath, "configMap", "name"), keys)
        for j, source in enumerate(as_list(as_dict(vol.get("projected")).get("sources"))):
            for kind, key in (("Secret", "secret"), ("ConfigMap", "configMap")):
                ref = as_dict(as_dict(source).get(key))
                if ref and not _optional(ref):
                    spath: Path = (*vpath, "projected", "sources", j, key)
                    keys = [
                        (as_dict(it).get("key"), (*spath, "items", k, "key"))
                        for k, it in enumerate(as_list(ref.get("items")))
                    ]
                    yield from refs.data(kind, ref.get("name"), (*spath, "name"), keys)
        pvc = as_dict(vol.get("persistentVolumeClaim"))
        claim = pvc.get("claimName")
        if pvc and not (isinstance(claim, str) and _from_claim_template(claim, obj.name, claim_templates)):
            yield from refs.plain("PersistentVolumeClaim", claim, (*vpath, "persistentVolumeClaim", "claimName"))

    for c in containers(obj):
        for i, env in enumerate(as_list(c.obj.get("env"))):
            value_from = as_dict(as_dict(env).get("valueFrom"))
            for kind, key in (("Secret", "secretKeyRef"), ("ConfigMap", "configMapKeyRef")):
                ref = as_dict(value_from.get(key))
                if ref and not _optional(ref):
                    rpath: Path = (*c.path, "env", i, "valueFrom", key)
                    yield from refs.data(kind, ref.get("name"), (*rpath, "name"), [(ref.get("key"), (*rpath, "key"))])
        for i, env_from in enumerate(as_list(c.obj.get("envFrom"))):
            for kind, key in (("Secret", "secretRef"), ("ConfigMap", "configMapRef")):
                ref = as_dict(as_dict(env_from).get(key))
                if ref and not _optional(ref):
                    yield from refs.data(kind, ref.get("name"), (*c.path, "envFrom", i, key, "name"))
        for i, mount in enumerate(as_list(c.obj.get("volumeMounts"))):
            name = as_dict(mount).get("name")
            if isinstance(name, str) and name and name not in volume_names and name not in claim_templates:
                yield Finding(
                    f"container {c.name} mounts volume {name!r}, which the pod does not define",
                    path=c.pointer("volumeMounts", i, "name"),
                )


def _from_claim_template(claim: str, owner: str, templates: set[str]) -> bool:
    """A claim created by a StatefulSet's volumeClaimTemplates: ``<template>`` or ``<template>-<sts>-<n>``."""
    if claim in templates:
        return True
    for t in templates:
        prefix = f"{t}-{owner}-"
        if claim.startswith(prefix) and claim[len(prefix) :].isdigit():
            return True
    return False


def _ingress(ctx: Context, obj: Resource) -> Iterator[Finding]:
    refs = _Refs(ctx, obj)
    for i, tls in enumerate(as_list(as_dict(obj.obj.get("spec")).get("tls"))):
        yield from refs.data("Secret", as_dict(tls).get("secretName"), ("spec", "tls", i, "secretName"))


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if obj.kind == "Ingress":
        return _ingress(ctx, obj)
    return _workload(ctx, obj)
