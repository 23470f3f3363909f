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

LABEL_PREFIX = "pod-security.kubernetes.io/"
LEVELS = ("privileged", "baseline", "restricted")
MODES = ("enforce", "warn", "audit")
REPO = "kubernetes/pod-security-admission policy/"

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Breach:
    control: str  # upstream check ID, e.g. "capabilities_restricted"
    message: str
    path: Path  # relative to the pod (template) root: ("spec", ...) or ("metadata", ...)
    upstream: str  # file of the check


def _d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def parse_policy_version(value: str, default: tuple[int, int]) -> tuple[int, int]:
    """``latest`` (or unset/unparsable) -> ``default`` (the target cluster); ``v1.29`` -> (1, 29)."""
    text = value.strip().lstrip("v")
    major, _, minor = text.partition(".")
    if major.isdigit() and minor.isdigit():
        return int(major), int(minor)
    return default


def _containers(spec: dict[str, Any]) -> Iterator[tuple[Path, dict[str, Any]]]:
    """visitContainers: init, regular, ephemeral."""
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for i, c in enumerate(_l(spec.get(key))):
            if isinstance(c, dict):
                yield ("spec", key, i), c


def _csc(c: dict[str, Any]) -> dict[str, Any]:
    return _d(c.get("securityContext"))


def _name(c: dict[str, Any]) -> str:
    return str(c.get("name", ""))


def _windows(spec: dict[str, Any]) -> bool:
    return _d(spec.get("os")).get("name") == "windows"


def _user_ns(spec: dict[str, Any], version: tuple[int, int]) -> bool:
    """relaxPolicyForUserNamespacePod, used by runAsNonRoot/runAsUser/procMount from 1.35."""
    return version >= (1, 35) and spec.get("hostUsers") is False


# ------------------------------------------------------------------------------------------- baseline

_BASELINE_CAPS = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)
_SYSCTLS: tuple[tuple[tuple[int, int], frozenset[str]], ...] = (
    (
        (1, 0),
        frozenset(
            {
                "kernel.shm_rmid_forced",
                "net.ipv4.ip_local_port_range",
                "net.ipv4.tcp_syncookies",
                "net.ipv4.ping_group_range",
                "net.ipv4.ip_unprivileged_port_start",
            }
        ),
    ),
    ((1, 27), frozenset({"net.ipv4.ip_local_reserved_ports"})),
    (
        (1, 29),
        frozenset(
            {
                "net.ipv4.tcp_keepalive_time",
                "net.ipv4.tcp_fin_timeout",
                "net.ipv4.tcp_keepalive_intvl",
                "net.ipv4.tcp_keepalive_probes",
            }
        ),
    ),
    ((1, 32), frozenset({"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"})),
    ((1, 37), frozenset({"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"})),
)


def safe_sysctls(version: tuple[int, int]) -> frozenset[str]:
    out: set[str] = set()
    for since, names in _SYSCTLS:
        if version >= since:
            out |= names
    return frozenset(out)


def _host_namespaces(meta: dict[str, Any], spec: dict[str, Any], v: tuple[int, int]) -> Iterator[Breach]:
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(key) is True:
            yield Breach("hostNamespaces", f"host namespaces ({key}=true)", ("spec", key), "check_hostNamespaces.go")


def _privileged(meta: dict[str, Any], spec: dict[str, Any], v: tuple[int, int]) -> Iterator[Breach]:
    for where, c in _containers(spec):
        if _csc(c).get("privileged") is True:
            yield Breach(
                "privileged",
                f'privileged (container "{_name(c)}" must not set securityContext.privileged=true)',
                (*where, "securityContext", "privileged"),
                "check_privileged.go",
            )


def _capabilities_baseline(meta: dict[str, Any], spec: dict[str, Any], v: tuple[int, int]) -> Iterator[Breach]:
    for where, c in _containers(spec):
        added = _l(_d(_csc(c).get("capabilities")).get("add"))
        bad = [str(a) for a in added if str(a) not in _BASELINE_CAPS]
        if bad:
            yield Breach(
                "capabilities_baseline",
                f'non-default capabilities (container "{_name(c)}" must not include '
                f"{', '.join(bad)} in securityContext.capabilities.add)",
                (*where, "securityContext", "capabilities", "add"),
                "check_capabilities_baseline.go",
            )


def _host_path(meta: dict[str, Any], spec: dict[str, Any], v: tuple[int, int]) -> Iterator[Breach]:
    for i, vol in enumerate(_l(spec.get("volumes"))):
        if _d(vol).get("hostPath") is not None:
            yield Breach(
                "hostPathVolumes",
                f'hostPath volumes (volume "{_d(vol).get("name")}")',
                ("spec", "volumes", i, "hostPath"),
                "check_hostPathVolumes.go",
            )


def _host_ports(meta: dict[str, Any], spec: dict[str, Any], v: tuple[int, int]) -> Iterator[Breach]:
    for where, c in _containers(spec):
        for j, port in enumerate(_l(c.get("ports"))):
            host = _d(port).get("hostPort")
            if host not in (None, 0):
                yield Breach(
                    "hostPorts",
                    f'hostPort (container "{_name(c)}" uses hostPort {host})',
                    (*where, "ports", j, "hostPort"),
                    "check_hostPorts.go",
                )


def _app_armor(meta: dict[str, Any], spec: dict[str, Any], v: tuple[int, int]) -> Iterator[Breach]:
    allowed = ("RuntimeDefault", "Localhost")
    pod = _d(_d(spec.get("securityContext")).get("appArmorProfile"))
    if pod and pod.get("type") not in allowed:
        yield Breach(
            "appArmorProfile",
            f"forbidden AppArmor profile (pod must not set type {pod.get('type')})",
            ("spec", "securityContext", "appArmorProfile", "type"),
            "check_appArmorProfile.go",
        )
    for where, c in _containers(spec):
        prof = _d(_csc(c).get("appArmorProfile"))
        if prof and prof.get("type") not in allowed:
            yield Breach(
                "appArmorProfile",
                f'forbidden AppArmor profile (container "{_name(c)}" must not set type {prof.get("type")})',
                (*where, "securityContext", "appArmorProfile", "type"),
                "check_appArmorProfile.go",
            )
    for key, value in _d(meta.get("annotations")).items():
        text = str(value)
        if str(key).startswith("container.apparmor.security.beta.kubernetes.io/") and not (
            text in ("", "runtime/default") or text.startswith("localhost/")
        ):
            yield Breach(
                "appArmorProfile",
                f'forbidden AppArmor profile (annotation {key}="{text}")',
                ("metadata", "annotations", str(key)),
                "check_appArmorProfile.go",
            )


def _se_linux(meta: dict[str, Any], spec: dict[str, Any], v: tuple[int, int]) -> Iterator[Breach]:
    types = {"", "container_t", "container_init_t", "container_kvm_t"} | (
        {"container_engine_t"} if v >= (1, 31) else set()
    )

    def bad(opts: dict[str, Any]) -> list[str]:
        out = []
        if str(opts.get("type", "")) not in types:
            out.append(f"type {opts.get('type')}")
        if opts.get("user"):
            out.append("user may not be set")
        if opts.get("role"):
            out.append("role may not be set")
        return out

    holders: list[tuple[str, Path, dict[str, Any]]] = [
        ("pod", ("spec", "securityContext"), _d(spec.get("securityContext")))
    ]
    holders += [(f'container "{_name(c)}"', (*w, "securityContext"), _csc(c)) for w, c in _containers(spec)]
    for who, where, sc in holders:
        opts = sc.get("seLinuxOptions")
        if isinstance(opts, dict) and bad(opts):
            yield Breach(
                "seLinuxOptions",
                f"seLinuxOptions ({who} set forbidden securityContext.seLinuxOptions: {'; '.join(bad(opts))})",
                (*where, "seLinuxOptions"),
                "check_seLinuxOptions.go",
            )


def _proc_mount(meta: dict[str, Any], spec: dict[str, Any], v: tuple[int, int]) -> Iterator[Breach]:
    if _user_ns(spec, v):
        return
    for where, c in _containers(spec):
        mount = _csc(c).get("procMount")
        if mount is not None and mount != "Default":
            yield Breach(
                "procMount",
                f'procMount (container "{_name(c)}" must not set securityContext.procMount to {mount})',
                (*where, "securityContext", "procMount"),
                "check_procMount_baseline.go",
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


def _seccomp_baseline(meta: dict[str, Any], spec: dict[str, Any], v: tuple[int, int]) -> Iterator[Breach]:
    allowed = ("RuntimeDefault", "Localhost")
    pod = _d(_d(spec.get("securityContext")).get("seccompProfile"))
    if pod and pod.get("type") not in allowed:
        yield Breach(
            "seccompProfile_baseline",
            f"seccompProfile (pod must not set securityContext.seccompProfile.type to {pod.get('type')})",
            ("spec", "securityContext", "seccompProfile", "type"),
            "check_seccompProfile_baseline.go",
        )
    for where, c in _containers(spec):
        prof = _d(_csc(c).get("seccompProfile"))
        if prof and prof.get("type") not in allowed:
            yield Breach(
                "seccompProfile_baseline",
                f'seccompProfile (container "{_name(c)}" must not set '
                f"securityContext.seccompProfile.type to {prof.get('type')})",
                (*where, "securityContext", "seccompProfile", "type"),
                "check_seccompProfile_baseline.go",
            )


def _sysctls(meta: dict[str, Any], spec: dict[str, Any], v: tuple[int, int]) -> Iterator[Breach]:
    allowed = safe_sysctls(v)
    for i, s in enumerate(_l(_d(spec.get("securityContext")).get("sysctls"))):
        name = str(_d(s).get("name", ""))
        if name not in allowed:
            yield Breach(
                "sysctls",
                f"forbidden sysctls ({name})",
                ("spec", "securityContext", "sysctls", i, "name"),
                "check_sysctls.go",
            )


def _windows_host_process(meta: dict[str, Any], spec: dict[str, Any], v: tuple[int, int]) -> Iterator[Breach]:
    holders: list[tuple[str, Path, dict[str, Any]]] = [
        ("pod", ("spec", "securityContext"), _d(spec.get("securityContext")))
    ]
    holders += [(f'container "{_name(c)}"', (*w, "securityContext"), _csc(c)) for w, c in _containers(spec)]
    for who, where, sc in holders:
        if _d(sc.get("windowsOptions")).get("hostProcess") is True:
            yield Breach(
                "windowsHostProcess",
                f"hostProcess ({who} must not set securityContext.windowsOptions.hostProcess=true)",
                (*where, "windowsOptions", "hostProcess"),
                "check_windowsHostProcess.go",
            )


def _host_probes(meta: dict[str, Any], spec: dict[str, Any], v: tuple[int, int]) -> Iterator[Breach]:
    if v < (1, 34):
        return
    for where, c in _containers(spec):
        handlers: list[tuple[Path, Any]] = []
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            handlers.append(((*where, probe), c.get(probe)))
        for hook in ("postStart", "preStop"):
            handlers.append(((*where, "lifecycle", hook), _d(c.get("lifecycle")).get(hook)))
        for hw, handler in handlers:
            for kind in ("httpGet", "tcpSocket"):
                host = _d(_d(handler).get(kind)).get("host")
                if host:
                    yield Breach(
                        "hostProbesAndHostLifecycle",
                        f'probe or lifecycle host (container "{_name(c)}" uses host {host})',
                        (*hw, kind, "host"),
                        "check_hostProbesAndhostLifecycle.go",
                    )


# ----------------------------------------------------------------------------------------- restricted

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
