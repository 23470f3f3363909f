"""The explicit rule registry. Each rule is one module with ``ID``, ``CATEGORY``, ``SEVERITY`` (the default
severity), ``KINDS`` (the kinds it applies to; None = every kind) and ``check(ctx, obj)``; its docstring
is the user documentation (what it catches, why, a PASS and a FAIL example). No import-time discovery:
a rule exists when it is listed here.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType
from typing import Protocol

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity
from generator.validate.rules import (
    argocd_project_denies,
    argocd_sync_order,
    cronjob_concurrency,
    dangling_ingress,
    dangling_route,
    dangling_service,
    dangling_servicemonitor,
    deprecated_api,
    duplicate_env,
    duplicate_key,
    duplicate_resource,
    host_namespace,
    ignore_without_reason,
    ingress_tls,
    invalid_name,
    job_ttl,
    latest_tag,
    min_replicas,
    missing_pdb,
    missing_probes,
    missing_reference,
    missing_resources,
    missing_schema,
    network_blocked,
    no_anti_affinity,
    non_isolated_pod,
    plaintext_secret,
    port_mismatch,
    privilege_escalation,
    privileged,
    run_as_root,
    schema_invalid,
    secret_in_env,
    service_type,
    unknown_field,
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
    duplicate_resource,
    invalid_name,
    latest_tag,
    missing_resources,
    missing_probes,
    run_as_root,
    privileged,
    privilege_escalation,
    host_namespace,
    writable_root_fs,
    duplicate_env,
    job_ttl,
    cronjob_concurrency,
    plaintext_secret,
    secret_in_env,
    service_type,
    ingress_tls,
    min_replicas,
    missing_pdb,
    no_anti_affinity,
    dangling_service,
    dangling_ingress,
    dangling_route,
    dangling_servicemonitor,
    missing_reference,
    port_mismatch,
    non_isolated_pod,
    network_blocked,
    argocd_sync_order,
    argocd_project_denies,
    ignore_without_reason,
)

RULES: dict[str, Rule] = {module.ID: module for module in _MODULES}
