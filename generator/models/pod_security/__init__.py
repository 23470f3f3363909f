"""Pod Security Standards as the Pod Security admission controller evaluates them.

Upstream: kubernetes/pod-security-admission (commit 8f84a87c7f617f64a4ddc1aea24aeeb7a2e07cb8):
``policy/check_*.go`` (one control each, cited per check below), ``policy/visitor.go`` (visitContainers:
init, regular and ephemeral containers), ``policy/helpers.go`` (relaxPolicyForUserNamespacePod:
``hostUsers: false``), ``api/constants.go`` (the ``pod-security.kubernetes.io/<mode>[-version]`` labels) and
``admission/admission.go`` (ValidatePod enforces on Pods; ValidatePodController evaluates workload
templates for warn and audit only, so a Deployment is accepted and its pods are then rejected).

A control applies at its level and above (baseline controls are part of restricted); some restricted
controls override a baseline one (capabilities, seccomp, procMount, restricted volumes over hostPath).
Versions: ``latest`` or ``v1.N``; a control's behaviour is the newest variant whose minimum version is <= N.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.models.pod_security.baseline import (
    _app_armor,
    _capabilities_baseline,
    _host_namespaces,
    _host_path,
    _host_ports,
    _host_probes,
    _privileged,
    _proc_mount,
    _se_linux,
    _seccomp_baseline,
    _sysctls,
    _windows_host_process,
    safe_sysctls,
)
from generator.models.pod_security.common import LABEL_PREFIX, LEVELS, MODES, Breach, parse_policy_version
from generator.models.pod_security.restricted import (
    _capabilities_restricted,
    _privilege_escalation,
    _proc_mount_restricted,
    _restricted_volumes,
    _run_as_non_root,
    _run_as_user,
    _seccomp_restricted,
)

__all__ = [
    "CONTROLS",
    "LABEL_PREFIX",
    "LEVELS",
    "MODES",
    "Breach",
    "NamespacePolicy",
    "evaluate",
    "parse_policy_version",
    "safe_sysctls",
]

Check = Callable[[dict[str, Any], dict[str, Any], tuple[int, int]], Iterator[Breach]]
# (check ID, level, minimum version, function, IDs it overrides at restricted)
CONTROLS: tuple[tuple[str, str, tuple[int, int], Check, tuple[str, ...]], ...] = (
    ("hostNamespaces", "baseline", (1, 0), _host_namespaces, ()),
    ("privileged", "baseline", (1, 0), _privileged, ()),
    ("capabilities_baseline", "baseline", (1, 0), _capabilities_baseline, ()),
    ("hostPathVolumes", "baseline", (1, 0), _host_path, ()),
    ("hostPorts", "baseline", (1, 0), _host_ports, ()),
    ("appArmorProfile", "baseline", (1, 0), _app_armor, ()),
    ("seLinuxOptions", "baseline", (1, 0), _se_linux, ()),
    ("procMount", "baseline", (1, 0), _proc_mount, ()),
    ("seccompProfile_baseline", "baseline", (1, 19), _seccomp_baseline, ()),
    ("sysctls", "baseline", (1, 0), _sysctls, ()),
    ("windowsHostProcess", "baseline", (1, 0), _windows_host_process, ()),
    ("hostProbesAndHostLifecycle", "baseline", (1, 34), _host_probes, ()),
    ("restrictedVolumes", "restricted", (1, 0), _restricted_volumes, ("hostPathVolumes",)),
    ("allowPrivilegeEscalation", "restricted", (1, 8), _privilege_escalation, ()),
    ("runAsNonRoot", "restricted", (1, 0), _run_as_non_root, ()),
    ("runAsUser", "restricted", (1, 23), _run_as_user, ()),
    ("seccompProfile_restricted", "restricted", (1, 19), _seccomp_restricted, ("seccompProfile_baseline",)),
    ("capabilities_restricted", "restricted", (1, 22), _capabilities_restricted, ("capabilities_baseline",)),
    ("procMount_restricted", "restricted", (1, 35), _proc_mount_restricted, ("procMount",)),
)


def evaluate(level: str, version: tuple[int, int], meta: dict[str, Any], spec: dict[str, Any]) -> list[Breach]:
    """Every breach of ``level`` (baseline or restricted) by a pod with ``meta`` and ``spec`` at ``version``."""
    if level not in ("baseline", "restricted"):
        return []
    active = [c for c in CONTROLS if version >= c[2] and (c[1] == "baseline" or level == "restricted")]
    overridden = {o for c in active for o in c[4]}
    out: list[Breach] = []
    for control, _level, _since, fn, _over in active:
        if control not in overridden:
            out.extend(fn(meta, spec, version))
    return out


@dataclass(frozen=True, slots=True)
class NamespacePolicy:
    """The levels a namespace's labels set per mode (missing mode: privileged, i.e. nothing checked)."""

    levels: dict[str, tuple[str, tuple[int, int]]]  # mode -> (level, version)

    @classmethod
    def from_labels(cls, labels: dict[str, str], default_version: tuple[int, int]) -> NamespacePolicy:
        levels = {}
        for mode in MODES:
            level = labels.get(LABEL_PREFIX + mode, "")
            if level in ("baseline", "restricted"):
                version = parse_policy_version(labels.get(f"{LABEL_PREFIX}{mode}-version", "latest"), default_version)
                levels[mode] = (level, version)
        return cls(levels)
