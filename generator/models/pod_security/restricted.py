"""The restricted controls of kubernetes/pod-security-admission (policy/check_*.go, cited per control)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.models.pod_security.baseline import _seccomp_baseline
from generator.models.pod_security.common import (
    Breach,
    _containers,
    _csc,
    _d,
    _l,
    _name,
    _user_ns,
    _windows,
)

_ALLOWED_VOLUMES = (
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
)


def _restricted_volumes(meta: dict[str, Any], spec: dict[str, Any], v: tuple[int, int]) -> Iterator[Breach]:
    for i, vol in enumerate(_l(spec.get("volumes"))):
        vol = _d(vol)
        if any(vol.get(k) is not None for k in _ALLOWED_VOLUMES):
            continue
        kinds = [k for k in vol if k != "name"] or ["unknown"]
        yield Breach(
            "restrictedVolumes",
            f'restricted volume types (volume "{vol.get("name")}" uses {kinds[0]})',
            ("spec", "volumes", i),
            "check_restrictedVolumes.go",
        )


def _privilege_escalation(meta: dict[str, Any], spec: dict[str, Any], v: tuple[int, int]) -> Iterator[Breach]:
    if v >= (1, 25) and _windows(spec):
        return
    for where, c in _containers(spec):
        if _csc(c).get("allowPrivilegeEscalation") is not False:
            yield Breach(
                "allowPrivilegeEscalation",
                f'allowPrivilegeEscalation != false (container "{_name(c)}" must '
                "set securityContext.allowPrivilegeEscalation=false)",
                (*where, "securityContext"),
                "check_allowPrivilegeEscalation.go",
            )


def _run_as_non_root(meta: dict[str, Any], spec: dict[str, Any], v: tuple[int, int]) -> Iterator[Breach]:
    if _user_ns(spec, v):
        return
    pod = _d(spec.get("securityContext")).get("runAsNonRoot")
    if pod is False:
        yield Breach(
            "runAsNonRoot",
            "runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)",
            ("spec", "securityContext", "runAsNonRoot"),
            "check_runAsNonRoot.go",
        )
    for where, c in _containers(spec):
        own = _csc(c).get("runAsNonRoot")
        if own is False:
            yield Breach(
                "runAsNonRoot",
                f'runAsNonRoot != true (container "{_name(c)}" must not set securityContext.runAsNonRoot=false)',
                (*where, "securityContext", "runAsNonRoot"),
                "check_runAsNonRoot.go",
            )
        elif own is None and pod is not True:
            yield Breach(
                "runAsNonRoot",
                f'runAsNonRoot != true (pod or container "{_name(c)}" must set securityContext.runAsNonRoot=true)',
                (*where, "securityContext"),
                "check_runAsNonRoot.go",
            )


def _run_as_user(meta: dict[str, Any], spec: dict[str, Any], v: tuple[int, int]) -> Iterator[Breach]:
    if v < (1, 23) or _user_ns(spec, v):
        return
    if _d(spec.get("securityContext")).get("runAsUser") == 0:
        yield Breach(
            "runAsUser",
            "runAsUser=0 (pod must not set runAsUser=0)",
            ("spec", "securityContext", "runAsUser"),
            "check_runAsUser.go",
        )
    for where, c in _containers(spec):
        if _csc(c).get("runAsUser") == 0:
            yield Breach(
                "runAsUser",
                f'runAsUser=0 (container "{_name(c)}" must not set runAsUser=0)',
                (*where, "securityContext", "runAsUser"),
                "check_runAsUser.go",
            )


def _seccomp_restricted(meta: dict[str, Any], spec: dict[str, Any], v: tuple[int, int]) -> Iterator[Breach]:
    if v >= (1, 25) and _windows(spec):
        return
    yield from (b for b in _seccomp_baseline(meta, spec, v))
    pod_set = _d(_d(spec.get("securityContext")).get("seccompProfile")).get("type") in ("RuntimeDefault", "Localhost")
    for where, c in _containers(spec):
        if not pod_set and not _csc(c).get("seccompProfile"):
            yield Breach(
                "seccompProfile_restricted",
                f'seccompProfile (pod or container "{_name(c)}" must set '
                'securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
                (*where, "securityContext"),
                "check_seccompProfile_restricted.go",
            )


def _capabilities_restricted(meta: dict[str, Any], spec: dict[str, Any], v: tuple[int, int]) -> Iterator[Breach]:
    if v < (1, 22) or (v >= (1, 25) and _windows(spec)):
        return
    for where, c in _containers(spec):
        caps = _d(_csc(c).get("capabilities"))
        if "ALL" not in [str(x) for x in _l(caps.get("drop"))]:
            yield Breach(
                "capabilities_restricted",
                f'unrestricted capabilities (container "{_name(c)}" must set '
                'securityContext.capabilities.drop=["ALL"])',
                (*where, "securityContext"),
                "check_capabilities_restricted.go",
            )
        bad = [str(a) for a in _l(caps.get("add")) if str(a) != "NET_BIND_SERVICE"]
        if bad:
            yield Breach(
                "capabilities_restricted",
                f'unrestricted capabilities (container "{_name(c)}" must not include '
                f"{', '.join(bad)} in securityContext.capabilities.add)",
                (*where, "securityContext", "capabilities", "add"),
                "check_capabilities_restricted.go",
            )


def _proc_mount_restricted(meta: dict[str, Any], spec: dict[str, Any], v: tuple[int, int]) -> Iterator[Breach]:
    # check_procMount_restricted.go (1.35+): procMount_1_0 without the user-namespace relaxation
    for where, c in _containers(spec):
        mount = _csc(c).get("procMount")
        if mount is not None and mount != "Default":
            yield Breach(
                "procMount_restricted",
                f'procMount (container "{_name(c)}" must not set securityContext.procMount to {mount})',
                (*where, "securityContext", "procMount"),
                "check_procMount_restricted.go",
            )
