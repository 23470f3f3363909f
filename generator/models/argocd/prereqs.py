"""Cluster prerequisites: what an environment needs that the repository does not create.

:func:`declared` derives them from the resolved environment (and the objects its builders produce), so
``gitops-gen plan`` can check the rendered overlay against them and ``gitops-gen build`` can write them to
``overlays/<env>/PREREQUISITES.md`` (:func:`markdown`). Each :class:`Prerequisite` *provides* need keys
(see :mod:`.simulate`): ``image:<ref>``, ``ingress-class:<name>``, ``cluster-issuer:<name>``,
``remote-key:<Kind>/<store>:<key>#<property>``, ``metrics-api``, ``storage-class:<name>`` (empty name:
the cluster's default StorageClass), ``crd:<group>/<Kind>``, ...
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from generator.config.model import Environment
from generator.models.k8s import Obj, containers, d, lst

ARGOCD_VERSION = ">= 3.0"
SOLVER_LABEL = "acme.cert-manager.io/http01-solver"  # cert-manager pkg/apis/acme/v1/types.go
SOLVER_PORT = 8089  # cert-manager pkg/issuer/acme/http/http.go acmeSolverListenPort


@dataclass(frozen=True, slots=True)
class Prerequisite:
    id: str
    title: str
    details: tuple[str, ...]
    provides: frozenset[str]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "details": list(self.details), "provides": sorted(self.provides)}


def remote_keys(objects: Iterable[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    """(store kind, store name, remote key, property) of every ExternalSecret ``spec.data`` entry."""
    out: set[tuple[str, str, str, str]] = set()
    for obj in objects:
        if obj.get("kind") != "ExternalSecret":
            continue
        spec = d(obj.get("spec"))
        store = d(spec.get("secretStoreRef"))
        kind, name = str(store.get("kind", "SecretStore")), str(store.get("name", ""))
        for item in lst(spec.get("data")):
            remote = d(d(item).get("remoteRef"))
            out.add((kind, name, str(remote.get("key", "")), str(remote.get("property", ""))))
    return sorted(out)


def _images(objects: Sequence[dict[str, Any]]) -> list[str]:
    return sorted(
        {str(c.obj.get("image")) for o in objects for c in containers(Obj(o)) if isinstance(c.obj.get("image"), str)}
    )


def _storage_classes(objects: Sequence[dict[str, Any]]) -> list[str]:
    found: set[str] = set()
    for o in objects:
        spec = d(o.get("spec"))
        claims = [spec] if o.get("kind") == "PersistentVolumeClaim" else []
        if o.get("kind") == "StatefulSet":
            claims += [d(d(t).get("spec")) for t in lst(spec.get("volumeClaimTemplates"))]
        for claim in claims:
            cls = claim.get("storageClassName")
            found.add(cls if isinstance(cls, str) else "")
    return sorted(found)


def declared(env: Environment, objects: Sequence[dict[str, Any]] | None = None) -> list[Prerequisite]:
    """The prerequisites of ``env`` (``objects``: its built objects, computed when omitted)."""
    if objects is None:
        from generator.platform.build import build_objects

        objects = build_objects(env)
    out = [
        Prerequisite(
            "argocd",
            f"Argo CD {ARGOCD_VERSION} in namespace argocd",
            (
                "annotation-based resource tracking (the 3.x default); the generated objects carry their own "
                "app.kubernetes.io/instance labels",
                f"read access to {env.argocd.repo_url} at revision {env.argocd.target_revision}",
            ),
            frozenset({"argocd"}),
        ),
        Prerequisite(
            "images",
            "Container images pullable by the nodes",
            tuple(_images(objects)),
            frozenset(f"image:{i}" for i in _images(objects)),
        ),
    ]
    kinds = {str(o.get("kind")) for o in objects}
    ing = env.ingress
    if "Ingress" in kinds:
        out.append(
            Prerequisite(
                "ingress-controller",
                f"An ingress controller serving IngressClass {ing.class_name}, its pods in namespace "
                f"{ing.controller_namespace}",
                (
                    "it writes status.loadBalancer of the Ingress, which Argo CD's Ingress health waits on "
                    "(gitops-engine pkg/health/health_ingress.go)",
                    f"DNS: {ing.host} resolves to its load balancer",
                ),
                frozenset(
                    {f"ingress-class:{ing.class_name}", f"ingress-controller-namespace:{ing.controller_namespace}"}
                ),
            )
        )
    if ing.tls:
        solver = ing.acme_solver
        how = (
            f"an ACME HTTP-01 solver using ingress class {ing.class_name} (solver pods labelled "
            f"{SOLVER_LABEL}=true listen on {SOLVER_PORT}; the generated NetworkPolicy admits them)"
            if solver == "http01"
            else f"an ACME DNS-01 solver able to write TXT records for {ing.host}"
        )
        out.append(
            Prerequisite(
                "cert-manager",
                f"cert-manager with ClusterIssuer {ing.cluster_issuer} Ready",
                (how, f"it issues Secret {ing.tls_secret_name} for {ing.host} (ingress-shim annotation)"),
                frozenset(
                    {
                        "crd:cert-manager.io/Certificate",
                        f"cluster-issuer:{ing.cluster_issuer}",
                        f"acme-solver:{ing.cluster_issuer}:{solver}",
                    }
                ),
            )
        )
    keys = remote_keys(objects)
    if keys:
        store = env.secrets.store
        out.append(
            Prerequisite(
                "external-secrets",
                f"External Secrets Operator (external-secrets.io/v1) and {store.kind} {store.name} Ready, holding "
                f"every remote key and property below",
                tuple(f"{key} property {prop}" for _k, _n, key, prop in keys),
                frozenset(
                    {"crd:external-secrets.io/ExternalSecret", f"secret-store:{store.kind}/{store.name}"}
                    | {f"remote-key:{k}/{n}:{key}#{prop}" for k, n, key, prop in keys}
                ),
            )
        )
    if "SealedSecret" in kinds:
        out.append(
            Prerequisite(
                "sealed-secrets",
                "sealed-secrets controller (bitnami.com/v1alpha1) holding the key the values were sealed with",
                (),
                frozenset({"crd:bitnami.com/SealedSecret", "sealed-secrets-controller"}),
            )
        )
    if "ServiceMonitor" in kinds:
        labels = ",".join(f"{k}={v}" for k, v in sorted(env.monitoring.service_monitor_labels.items()))
        out.append(
            Prerequisite(
                "prometheus-operator",
                "prometheus-operator CRDs (monitoring.coreos.com/v1) and a Prometheus selecting our ServiceMonitors",
                (
                    f"serviceMonitorSelector matches {labels or 'every ServiceMonitor'}",
                    f"serviceMonitorNamespaceSelector admits namespace {env.namespace}; Prometheus runs in "
                    f"namespace {env.monitoring.prometheus_namespace} (the NetworkPolicy admits it)",
                ),
                frozenset({"crd:monitoring.coreos.com/ServiceMonitor", f"prometheus-selects:{labels}"}),
            )
        )
    if "HorizontalPodAutoscaler" in kinds:
        out.append(
            Prerequisite(
                "metrics-server",
                "metrics-server (the metrics.k8s.io API) for the HorizontalPodAutoscaler",
                ("without it the HPA reports ScalingActive=False/FailedGetResourceMetric: Degraded",),
                frozenset({"metrics-api"}),
            )
        )
    classes = _storage_classes(objects)
    if classes:
        out.append(
            Prerequisite(
                "storage",
                "StorageClasses for the PersistentVolumeClaims",
                tuple(c or "(the cluster's default StorageClass)" for c in classes),
                frozenset(f"storage-class:{c}" for c in classes),
            )
        )
    return out


def markdown(env: Environment, prereqs: Sequence[Prerequisite]) -> str:
    """The human-readable page ``overlays/<env>/PREREQUISITES.md`` (deterministic)."""
    lines = [
        f"<!-- Generated by gitops-gen from {env.source_file}. Do not edit by hand: edit environments/<env>.yaml",
        "     and run `gitops-gen build` (CI fails on drift: `gitops-gen build --all --check`). -->",
        f"# Cluster prerequisites of environment {env.name}",
        "",
        f"The repository does not create these; they must exist before the first sync of `overlays/{env.name}`",
        f"into namespace `{env.namespace}`. `gitops-gen plan {env.name}` checks the overlay against this list.",
        "",
    ]
    for p in prereqs:
        lines.append(f"- **{p.title}**")
        lines.extend(f"  - {detail}" for detail in p.details)
    return "\n".join(lines) + "\n"
