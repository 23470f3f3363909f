"""The explicit rule registry. Each rule is one module with ``ID``, ``CATEGORY``, ``SEVERITY`` (the default
severity), ``KINDS`` (the kinds it applies to; None = every kind) and ``check(ctx, obj)``; its docstring
is the user documentation (what it catches, why, a PASS and a FAIL example). No import-time discovery:
a rule exists when it is listed here.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType
from typing import Protocol

from generator.compiled import module_docstring
from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity
from generator.validate.rules import (
    affinity_selector_mismatch,
    apiserver_invalid,
    apiserver_warning,
    argocd_project_denies,
    argocd_sync_order,
    configmap_credentials,
    cronjob_concurrency,
    dangling_ingress,
    dangling_route,
    dangling_service,
    dangling_servicemonitor,
    deprecated_api,
    duplicate_env,
    duplicate_key,
    duplicate_resource,
    helm_chart_not_rendered,
    host_namespace,
    host_path_mount,
    hpa_conflict,
    hpa_dangling_target,
    ignore_without_reason,
    ingress_tls,
    invalid_name,
    job_ttl,
    jsonnet_not_rendered,
    kustomize_deprecated,
    kustomize_not_rendered,
    kustomize_selector_labels,
    latest_tag,
    min_replicas,
    missing_pdb,
    missing_probes,
    missing_reference,
    missing_resources,
    missing_schema,
    mlflow_allowed_hosts,
    mlflow_image_packages,
    mlflow_metrics_not_exposed,
    network_blocked,
    no_anti_affinity,
    non_isolated_pod,
    not_a_manifest,
    pdb_blocks_eviction,
    plaintext_secret,
    pod_security,
    pod_security_warn,
    port_mismatch,
    privilege_escalation,
    privileged,
    probe_port_mismatch,
    rbac_cluster_admin,
    rbac_escalation,
    rbac_pod_exec,
    rbac_secrets_cluster_wide,
    rbac_wildcard,
    run_as_root,
    rwo_pvc_shared,
    schema_invalid,
    secret_in_env,
    service_type,
    statefulset_headless_service,
    unknown_field,
    unreadable_input,
    writable_root_fs,
)


class Rule(Protocol):
    ID: str
    CATEGORY: str
    SEVERITY: Severity
    KINDS: frozenset[str] | None
    __doc__: str | None

    def check(self, ctx: Context, obj: Resource) -> Iterable[Finding]: ...


_MODULES: tuple[ModuleType, ...] = (
    schema_invalid,
    unknown_field,
    duplicate_key,
    missing_schema,
    deprecated_api,
    kustomize_deprecated,
    helm_chart_not_rendered,
    jsonnet_not_rendered,
    kustomize_not_rendered,
    unreadable_input,
    not_a_manifest,
    duplicate_resource,
    invalid_name,
    apiserver_invalid,
    apiserver_warning,
    latest_tag,
    missing_resources,
    missing_probes,
    probe_port_mismatch,
    run_as_root,
    privileged,
    privilege_escalation,
    host_namespace,
    host_path_mount,
    pod_security,
    pod_security_warn,
    writable_root_fs,
    duplicate_env,
    job_ttl,
    cronjob_concurrency,
    plaintext_secret,
    secret_in_env,
    configmap_credentials,
    service_type,
    ingress_tls,
    rbac_wildcard,
    rbac_cluster_admin,
    rbac_secrets_cluster_wide,
    rbac_pod_exec,
    rbac_escalation,
    min_replicas,
    missing_pdb,
    no_anti_affinity,
    pdb_blocks_eviction,
    rwo_pvc_shared,
    affinity_selector_mismatch,
    dangling_service,
    dangling_ingress,
    dangling_route,
    dangling_servicemonitor,
    hpa_dangling_target,
    hpa_conflict,
    statefulset_headless_service,
    missing_reference,
    port_mismatch,
    non_isolated_pod,
    network_blocked,
    mlflow_image_packages,
    mlflow_metrics_not_exposed,
    mlflow_allowed_hosts,
    argocd_sync_order,
    argocd_project_denies,
    kustomize_selector_labels,
    ignore_without_reason,
)

RULES: dict[str, Rule] = {module.ID: module for module in _MODULES}


def documentation(rule: Rule) -> str:
    """The rule's docstring: its user documentation (also when the module is compiled, see
    :func:`generator.compiled.module_docstring`)."""
    return module_docstring(rule)
