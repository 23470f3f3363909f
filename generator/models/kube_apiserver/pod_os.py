"""The checks of ``ValidatePodSpec`` that depend on ``spec.os.name``: ``validateLinux`` and ``validateWindows``.

Upstream: kubernetes/kubernetes pkg/apis/core/validation/validation.go. ``ValidatePodSpec`` runs
``validateLinux`` for ``os.name: linux`` and ``validateWindows`` for ``os.name: windows``, and neither when
``validateOS`` refused the name (so an unknown name gets no more errors from here). Both visit every container
of the pod (``podshelper.VisitContainersWithPath``: init, regular and ephemeral containers).

``validateWindows`` reads the internal PodSecurityContext, which also carries ``hostPID``, ``hostIPC`` and
``shareProcessNamespace``: the v1 fields of the PodSpec, copied there by ``Convert_v1_PodSpec_To_core_PodSpec``
(pkg/apis/core/v1/conversion.go), which always creates that security context. Its ``hostUsers`` check is left
out here: that conversion, as read, does not copy the v1 ``spec.hostUsers``, so whether it reaches the check is
not known from the source.
"""

from __future__ import annotations

from typing import Any

from generator.models.kube_apiserver.base import Path, Violation, d, lst

V = "pkg/apis/core/validation/validation.go:"
WINDOWS_POD = "cannot be set for a windows pod"

# validateWindows: fields of the pod's securityContext that must be absent (nil), in upstream's order
_POD_FIELDS = (
    "appArmorProfile",
    "seLinuxOptions",
    "seccompProfile",
    "fsGroup",
    "fsGroupChangePolicy",
    "runAsUser",
    "runAsGroup",
    "supplementalGroups",
    "supplementalGroupsPolicy",
    "seLinuxChangePolicy",
)
# validateWindows: fields of a container's securityContext that must be absent (nil)
_CONTAINER_FIELDS = (
    "appArmorProfile",
    "seLinuxOptions",
    "seccompProfile",
    "capabilities",
    "readOnlyRootFilesystem",
    "privileged",
    "allowPrivilegeEscalation",
    "procMount",
    "runAsUser",
    "runAsGroup",
)
_CONTAINER_KEYS = ("initContainers", "containers", "ephemeralContainers")


def pod_os(spec: dict[str, Any], base: Path, out: list[Violation]) -> None:
    """validateLinux / validateWindows for a pod spec at ``base`` whose ``os.name`` is exactly one of them."""
    name = d(spec.get("os")).get("name")
    if name == "windows":
        _windows(spec, base, out)
    elif name == "linux":
        _linux(spec, base, out)


def _containers(spec: dict[str, Any], base: Path) -> list[tuple[Path, dict[str, Any]]]:
    return [
        ((*base, key, i), c) for key in _CONTAINER_KEYS for i, c in enumerate(lst(spec.get(key))) if isinstance(c, dict)
    ]


def _linux(spec: dict[str, Any], base: Path, out: list[Violation]) -> None:
    message = "windows options cannot be set for a linux pod"
    if d(spec.get("securityContext")).get("windowsOptions") is not None:
        out.append(Violation((*base, "securityContext", "windowsOptions"), message, V + "validateLinux"))
    for where, c in _containers(spec, base):
        if d(c.get("securityContext")).get("windowsOptions") is not None:
            out.append(Violation((*where, "securityContext", "windowsOptions"), message, V + "validateLinux"))


def _windows(spec: dict[str, Any], base: Path, out: list[Violation]) -> None:
    sc = d(spec.get("securityContext"))
    for key in _POD_FIELDS:
        if sc.get(key) is not None:
            out.append(Violation((*base, "securityContext", key), WINDOWS_POD, V + "validateWindows"))
    if lst(sc.get("sysctls")):  # len(Sysctls) > 0: an empty list passes
        out.append(Violation((*base, "securityContext", "sysctls"), WINDOWS_POD, V + "validateWindows"))
    for key in ("hostPID", "hostIPC"):  # plain booleans: only true is set
        if spec.get(key) is True:
            out.append(Violation((*base, key), WINDOWS_POD, V + "validateWindows"))
    if spec.get("shareProcessNamespace") is not None:  # a pointer: false is set too
        out.append(Violation((*base, "shareProcessNamespace"), WINDOWS_POD, V + "validateWindows"))
    for where, c in _containers(spec, base):
        csc = d(c.get("securityContext"))
        for key in _CONTAINER_FIELDS:
            if csc.get(key) is not None:
                out.append(Violation((*where, "securityContext", key), WINDOWS_POD, V + "validateWindows"))
