"""The baseline controls of kubernetes/pod-security-admission (policy/check_*.go, cited per control)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.models.pod_security.common import (
    Breach,
    Path,
    _containers,
    _csc,
    _d,
    _l,
    _name,
    _user_ns,
)

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
