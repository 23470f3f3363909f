"""PodSpec validation: the checks of ``ValidatePodSpec`` and the functions it calls.

Upstream: kubernetes/kubernetes pkg/apis/core/validation/validation.go (function named per check; recent
releases move some of them to pods.go / volumes.go in the same package with the same names) and
pkg/api/pod/warnings.go (``warningsForPodSpecAndMeta``: what the API server accepts with a warning).
Names of containers and container ports are the ``invalid-name`` rule's job and are not repeated here.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from generator.models.kube_apiserver import apimachinery as am
from generator.models.kube_apiserver import scheduling
from generator.models.kube_apiserver.base import Options, Path, Violation, d, lst, num, text
from generator.models.kube_apiserver.pod_os import pod_os

V = "pkg/apis/core/validation/validation.go:"
_PROTOCOLS = ("TCP", "UDP", "SCTP")
_RESTART_POLICIES = ("Always", "OnFailure", "Never")
_STANDARD_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage"})


def container_lists(spec: dict[str, Any]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """(list key, index, container) for initContainers then containers."""
    for key in ("initContainers", "containers"):
        for i, c in enumerate(lst(spec.get(key))):
            if isinstance(c, dict):
                yield key, i, c


def validate_pod_spec(spec: dict[str, Any], base: Path, opts: Options, *, pod: bool = False) -> list[Violation]:
    """ValidatePodSpec on a Pod's spec (``pod``) or a pod template's: the checks of
    ``validateContainersOnlyForPod`` run for a Pod only."""
    out: list[Violation] = []
    volumes = _volumes(spec, base, out)
    _containers(spec, base, volumes, opts, out, pod)
    policy = spec.get("restartPolicy")
    if policy is not None and policy not in _RESTART_POLICIES:
        out.append(
            Violation(
                (*base, "restartPolicy"),
                f'unsupported value "{policy}": supported values are ' + ", ".join(_RESTART_POLICIES),
                V + "validateRestartPolicy",
            )
        )
    scheduling.dns(spec, base, out)
    for p in am.validate_labels(spec.get("nodeSelector")):
        out.append(Violation((*base, "nodeSelector", *p.path), p.message, V + "ValidatePodSpec (ValidateLabels)"))
    sa = spec.get("serviceAccountName")
    if isinstance(sa, str) and sa:
        for msg in am.is_dns1123_subdomain(sa):
            out.append(Violation((*base, "serviceAccountName"), f'"{sa}": {msg}', V + "ValidateServiceAccountName"))
    for key in ("hostname", "subdomain"):
        value = spec.get(key)
        if isinstance(value, str) and value:
            for msg in am.is_dns1123_label(value):
                out.append(Violation((*base, key), f'"{value}": {msg}', V + "ValidatePodSpec (ValidateDNS1123Label)"))
    deadline = num(spec.get("activeDeadlineSeconds"))
    if deadline is not None and not 1 <= deadline <= 2**31 - 1:
        out.append(
            Violation(
                (*base, "activeDeadlineSeconds"), "must be between 1 and 2147483647, inclusive", V + "ValidatePodSpec"
            )
        )
    grace = num(spec.get("terminationGracePeriodSeconds"))
    if grace is not None and grace < 0:
        out.append(
            Violation(
                (*base, "terminationGracePeriodSeconds"),
                "must be greater than or equal to 0",
                V + "ValidatePodSpec (ValidateNonnegativeField)",
            )
        )
    scheduling.tolerations(spec, base, out)
    scheduling.affinity(spec, base, out)
    scheduling.spread(spec, base, out)
    scheduling.pod_security_context(spec, base, out)
    _host_ports(spec, base, out)
    pod_os(spec, base, out)
    return out


# ---------------------------------------------------------------------------------------------- volumes


def _volumes(spec: dict[str, Any], base: Path, out: list[Violation]) -> dict[str, dict[str, Any]]:
    """ValidateVolumes: a DNS-1123 label name, unique, and exactly one volume source."""
    found: dict[str, dict[str, Any]] = {}
    for i, vol in enumerate(lst(spec.get("volumes"))):
        if not isinstance(vol, dict):
            continue
        where = (*base, "volumes", i)
        name = text(vol.get("name"))
        if not name:
            out.append(Violation((*where, "name"), "volume name is required", V + "ValidateVolumes"))
        else:
            for msg in am.is_dns1123_label(name):
                out.append(Violation((*where, "name"), f'volume name "{name}": {msg}', V + "ValidateVolumes"))
            if name in found:
                out.append(Violation((*where, "name"), f'duplicate volume name "{name}"', V + "ValidateVolumes"))
            found[name] = vol
        # A volume with no source (or only null ones) is an emptyDir: pkg/apis/core/v1/defaults.go,
        # SetDefaults_Volume (AllPtrFieldsNil), before validateVolumeSource asks for exactly one.
        sources = [k for k, v in vol.items() if k != "name" and v is not None]
        if len(sources) > 1:
            out.append(
                Violation(
                    where,
                    f'volume "{name}" may not specify more than 1 volume type ({", ".join(sorted(sources))})',
                    V + "validateVolumeSource",
                )
            )
    return found


def _volume_mounts(c: dict[str, Any], where: Path, volumes: dict[str, Any], out: list[Violation]) -> None:
    """ValidateVolumeMounts: the volume exists, mountPath is set and unique in the container, subPath is a
    relative path without '..' (validateLocalDescendingPath)."""
    paths: set[str] = set()
    for j, mount in enumerate(lst(c.get("volumeMounts"))):
        if not isinstance(mount, dict):
            continue
        mw = (*where, "volumeMounts", j)
        name = text(mount.get("name"))
        if not name:
            out.append(Violation((*mw, "name"), "volumeMount name is required", V + "ValidateVolumeMounts"))
        elif name not in volumes:
            out.append(
                Violation(
                    (*mw, "name"),
                    f'volumeMount "{name}" names no volume of the pod (not found)',
                    V + "ValidateVolumeMounts",
                )
            )
        path = text(mount.get("mountPath"))
        if not path:
            out.append(Violation((*mw, "mountPath"), "mountPath is required", V + "ValidateVolumeMounts"))
        elif path in paths:
            out.append(
                Violation(
                    (*mw, "mountPath"),
                    f'mountPath "{path}" must be unique in the container',
                    V + "ValidateVolumeMounts",
                )
            )
        paths.add(path)
        sub = text(mount.get("subPath"))
        if sub and (sub.startswith("/") or ".." in sub.replace("\\", "/").split("/")):
            out.append(
                Violation(
                    (*mw, "subPath"),
                    f'subPath "{sub}" must be a relative path without ".."',
                    V + "validateLocalDescendingPath",
                )
            )
        if sub and mount.get("subPathExpr"):
            out.append(
                Violation(
                    (*mw, "subPathExpr"), "subPathExpr and subPath are mutually exclusive", V + "ValidateVolumeMounts"
                )
            )


# ------------------------------------------------------------------------------------------- containers


def _containers(
    spec: dict[str, Any], base: Path, volumes: dict[str, Any], opts: Options, out: list[Violation], pod: bool
) -> None:
    if not lst(spec.get("containers")):
        out.append(Violation((*base, "containers"), "a pod needs at least one container", V + "validateContainers"))
    names: set[str] = set()
    seen_ports: dict[tuple[int, str], list[tuple[str, int]]] = {}
    for key, i, c in container_lists(spec):
        where = (*base, key, i)
        name = text(c.get("name"))
        if not name:
            out.append(Violation((*where, "name"), "container name is required", V + "validateContainerCommon"))
        elif name in names:
            out.append(Violation((*where, "name"), f'duplicate container name "{name}"', V + "validateContainers"))
        names.add(name)
        image = c.get("image")
        if not isinstance(image, str) or not image:
            out.append(
                Violation(
                    (*where, "image"),
                    f'container "{name}" has no image (Required value)',
                    V + "validateContainerCommon",
                )
            )
        elif pod and image != image.strip():
            # A Pod's only: a pod template's containers are checked for an empty image alone, because image
            # " " is a placeholder there (OpenShift's image triggers fill it in): validateContainerCommon,
            # "do not validate leading and trailing whitespace to preserve backward compatibility".
            out.append(
                Violation(
                    (*where, "image"),
                    "must not have leading or trailing whitespace",
                    V + "validateContainersOnlyForPod",
                )
            )
        _ports(c, where, seen_ports, out)
        _env(c, where, opts, out)
        _volume_mounts(c, where, volumes, out)
        _resources(c, where, out)
        _security_context(c, where, out)
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            _probe(c, probe, where, key == "initContainers", out)
        policy = c.get("restartPolicy")
        if policy is not None and (key != "initContainers" or policy != "Always"):
            out.append(
                Violation(
                    (*where, "restartPolicy"),
                    'container restartPolicy may only be "Always", and only on init containers (sidecars)',
                    V + "validateInitContainers",
                )
            )


# apimachinery pkg/util/validation/validation.go: IsValidUserID and IsValidGroupID (0 to math.MaxInt32)
_MAX_ID = 2_147_483_647


def _security_context(c: dict[str, Any], where: Path, out: list[Violation]) -> None:
    """ValidateSecurityContext, run for every container: runAsUser and runAsGroup in 0..2147483647, and no
    ``allowPrivilegeEscalation: false`` on a privileged container or one adding ``CAP_SYS_ADMIN`` (the
    capability compared as written)."""
    sc = c.get("securityContext")
    if not isinstance(sc, dict):
        return
    at = (*where, "securityContext")
    for field, what in (("runAsUser", "user"), ("runAsGroup", "group")):
        value = num(sc.get(field))
        if value is not None and not 0 <= value <= _MAX_ID:
            out.append(
                Violation(
                    (*at, field),
                    f"{field} {value}: must be a {what} ID between 0 and {_MAX_ID}, inclusive",
                    V + "ValidateSecurityContext (IsValidUserID, IsValidGroupID)",
                )
            )
    if sc.get("allowPrivilegeEscalation") is not False:
        return
    if sc.get("privileged") is True:
        out.append(
            Violation(at, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
                      V + "ValidateSecurityContext")
        )  # fmt: skip
    if _adds_sys_admin(sc):
        out.append(
            Violation(at, "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
                      V + "ValidateSecurityContext")
        )  # fmt: skip


def _adds_sys_admin(sc: dict[str, Any]) -> bool:
    return "CAP_SYS_ADMIN" in lst(d(sc.get("capabilities")).get("add"))  # compared as written, as upstream


def escalation_required(sc: dict[str, Any]) -> bool:
    """A container security context on which the API server refuses ``allowPrivilegeEscalation: false``
    (ValidateSecurityContext): privileged, or adding ``CAP_SYS_ADMIN``."""
    return sc.get("privileged") is True or _adds_sys_admin(sc)


def _ports(
    c: dict[str, Any], where: Path, seen: dict[tuple[int, str], list[tuple[str, int]]], out: list[Violation]
) -> None:
    """validateContainerPorts: containerPort 1-65535, hostPort 0 or 1-65535, protocol, unique port names in
    the container. The warnings of pkg/api/pod/warnings.go (warningsForPodSpecAndMeta) on ports: a hostIP
    without a hostPort, and a containerPort/protocol pair declared again in the pod with the same hostIP and
    hostPort ("duplicate port definition"), with a hostPort of 0 on either ("overlapping"), or with the same
    hostPort and a hostIP on one of them only ("dangerously ambiguous"); other hostPorts or hostIPs do not
    collide."""
    names: set[str] = set()
    for j, port in enumerate(lst(c.get("ports"))):
        if not isinstance(port, dict):
            continue
        pw = (*where, "ports", j)
        name = text(port.get("name"))
        if name:
            if name in names:
                out.append(
                    Violation(
                        (*pw, "name"), f'duplicate port name "{name}" in the container', V + "validateContainerPorts"
                    )
                )
            names.add(name)
        number = num(port.get("containerPort"))
        if number is None:
            out.append(Violation((*pw, "containerPort"), "containerPort is required", V + "validateContainerPorts"))
        elif am.is_valid_port_num(number):
            out.append(
                Violation(
                    (*pw, "containerPort"),
                    f"containerPort {number} must be between 1 and 65535",
                    V + "validateContainerPorts (IsValidPortNum)",
                )
            )
        host = num(port.get("hostPort"))
        if host is not None and host != 0 and am.is_valid_port_num(host):
            out.append(
                Violation(
                    (*pw, "hostPort"),
                    f"hostPort {host} must be between 1 and 65535",
                    V + "validateContainerPorts (IsValidPortNum)",
                )
            )
        protocol = port.get("protocol", "TCP")
        if protocol not in _PROTOCOLS:
            out.append(
                Violation(
                    (*pw, "protocol"),
                    f'unsupported protocol "{protocol}": TCP, UDP or SCTP',
                    V + "validateContainerPorts",
                )
            )
        host_ip = text(port.get("hostIP"))
        host_port = host if host is not None else 0
        if host_ip and not host_port:
            out.append(Violation((*pw, "hostIP"), "hostIP set without hostPort", _WARNINGS, "warn"))
        if number is not None and isinstance(protocol, str):
            others = seen.setdefault((number, protocol), [])
            for other_ip, other_port in others:
                clash = _port_clash(host_ip, host_port, other_ip, other_port)
                if clash:
                    message = f"{clash} port definition {number}/{protocol} (declared before in the pod)"
                    out.append(Violation((*pw, "containerPort"), message, _WARNINGS, "warn"))
                    break
            others.append((host_ip, host_port))


_WARNINGS = "pkg/api/pod/warnings.go:warningsForPodSpecAndMeta"


def _port_clash(host_ip: str, host_port: int, other_ip: str, other_port: int) -> str:
    """How two declarations of one containerPort/protocol collide (warnings.go), or "" when they do not."""
    if host_ip == other_ip and host_port == other_port:
        return "duplicate"
    if host_port == 0 or other_port == 0:
        return "overlapping"
    if host_port == other_port and bool(host_ip) != bool(other_ip):
        return "dangerously ambiguous"
    return ""


def _host_ports(spec: dict[str, Any], base: Path, out: list[Violation]) -> None:
    """checkHostPortConflicts (AccumulateUniqueHostPorts): a hostPort/protocol/hostIP triple may appear once
    among the regular containers, and once in each init container: validateInitContainers checks each on
    its own, "since init containers run one-by-one"."""
    regular: set[str] = set()
    for key, i, c in container_lists(spec):
        seen = regular if key == "containers" else set()
        for j, port in enumerate(lst(c.get("ports"))):
            host = num(d(port).get("hostPort"))
            if not host:
                continue
            triple = f"{d(port).get('protocol', 'TCP')}/{d(port).get('hostIP', '')}/{host}"
            if triple in seen:
                out.append(
                    Violation(
                        (*base, key, i, "ports", j, "hostPort"),
                        f"duplicate hostPort {triple}",
                        V + "AccumulateUniqueHostPorts",
                    )
                )
            seen.add(triple)


_ENV_SOURCES = ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef")


def _env(c: dict[str, Any], where: Path, opts: Options, out: list[Violation]) -> None:
    """ValidateEnv: a valid name (IsEnvVarName, or IsRelaxedEnvVarName from 1.32), and value xor valueFrom
    with exactly one source (validateEnvVarValueFrom)."""
    for j, ev in enumerate(lst(c.get("env"))):
        if not isinstance(ev, dict):
            continue
        ew = (*where, "env", j)
        name = ev.get("name")
        if not isinstance(name, str) or not name:
            out.append(Violation((*ew, "name"), "env var name is required", V + "ValidateEnv"))
        else:
            for msg in am.is_env_var_name(name, relaxed=opts.relaxed_env_names):
                out.append(Violation((*ew, "name"), f'env var "{name}": {msg}', V + "ValidateEnv (IsEnvVarName)"))
        source = ev.get("valueFrom")
        if source is None:
            continue
        count = sum(1 for k in _ENV_SOURCES if d(source).get(k) is not None)
        if ev.get("value"):
            out.append(
                Violation(
                    (*ew, "valueFrom"), "may not be specified when `value` is not empty", V + "validateEnvVarValueFrom"
                )
            )
        elif count == 0:
            out.append(
                Violation(
                    (*ew, "valueFrom"),
                    "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
                    V + "validateEnvVarValueFrom",
                )
            )
        elif count > 1:
            out.append(
                Violation(
                    (*ew, "valueFrom"),
                    "may not have more than one field specified at a time",
                    V + "validateEnvVarValueFrom",
                )
            )


def _resources(c: dict[str, Any], where: Path, out: list[Violation]) -> None:
    """ValidateResourceRequirements: standard or fully qualified names, parsable non-negative quantities,
    requests <= limits, and for extended resources (not cpu/memory/..., with a domain) requests == limits."""
    res = d(c.get("resources"))
    parsed: dict[str, dict[str, Fraction]] = {"limits": {}, "requests": {}}
    for part in ("limits", "requests"):
        for rname, value in d(res.get(part)).items():
            rw = (*where, "resources", part, str(rname))
            problem = _resource_name_problem(str(rname))
            if problem:
                out.append(Violation(rw, f'resource name "{rname}": {problem}', V + "validateContainerResourceName"))
            q = am.parse_quantity(value)
            if q is None:
                out.append(
                    Violation(
                        rw,
                        f'"{value}" is not a quantity (e.g. 500m, 1Gi)',
                        "apimachinery pkg/api/resource/quantity.go:ParseQuantity",
                    )
                )
            elif q.numerator < 0:  # (integer comparisons: exact, and much cheaper than Fraction's)
                out.append(Violation(rw, "must be greater than or equal to 0", V + "ValidateResourceQuantityValue"))
            else:
                # A quantity finer than the milli scale is rounded up to it before validation, not rejected
                # (pkg/apis/core/v1/defaults.go, SetDefaults_ResourceList: RoundUp(-3)); 100u is 1m.
                if 1000 % q.denominator:
                    q = Fraction(-(-q.numerator * 1000 // q.denominator), 1000)
                parsed[part][str(rname)] = q
    for rname, request in parsed["requests"].items():
        limit = parsed["limits"].get(rname)
        rw = (*where, "resources", "requests", rname)
        extended = "/" in rname and not rname.startswith("kubernetes.io/") and not rname.startswith("requests.")
        if limit is not None and request.numerator * limit.denominator > limit.numerator * request.denominator:
            out.append(
                Violation(
                    rw,
                    f"{rname} request must be less than or equal to its limit ({_show(request)} > {_show(limit)})",
                    V + "ValidateResourceRequirements",
                )
            )
        elif extended and limit != request:
            out.append(
                Violation(
                    rw,
                    f"extended resource {rname}: the request must equal the limit (and a limit is required)",
                    V + "ValidateResourceRequirements",
                )
            )


def _resource_name_problem(name: str) -> str:
    if name in _STANDARD_RESOURCES or name.startswith("hugepages-"):
        return ""
    if "/" not in name:
        return "must be a standard resource type or fully qualified"
    problems = am.is_qualified_name(name)
    return "; ".join(problems)


def _show(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{float(q):g}"


# ---------------------------------------------------------------------------------------------- probes

_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")


def _probe(c: dict[str, Any], key: str, where: Path, init: bool, out: list[Violation]) -> None:
    """validateProbe / validateHandler: exactly one handler, non-negative timings, successThreshold 1 for
    liveness and startup probes, ports valid (ValidatePortNumOrName); init containers other than sidecars
    may not have probes (validateInitContainers)."""
    probe = c.get(key)
    if not isinstance(probe, dict):
        return
    pw = (*where, key)
    if init and c.get("restartPolicy") != "Always":
        out.append(
            Violation(
                pw, f"init containers may not have a {key} (only restartable sidecars)", V + "validateInitContainers"
            )
        )
    handlers = [h for h in _HANDLERS if probe.get(h) is not None]
    if not handlers:
        out.append(
            Violation(pw, "must specify a handler type (exec, httpGet, tcpSocket or grpc)", V + "validateHandler")
        )
    elif len(handlers) > 1:
        out.append(Violation(pw, "may not specify more than 1 handler type", V + "validateHandler"))
    for field in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
        value = num(probe.get(field))
        if value is not None and value < 0:
            out.append(Violation((*pw, field), "must be greater than or equal to 0", V + "validateProbe"))
    success = num(probe.get("successThreshold"))
    # 0 (or unset) is defaulted to 1 before validation: pkg/apis/core/v1/defaults.go, SetDefaults_Probe
    if key in ("livenessProbe", "startupProbe") and success is not None and success not in (0, 1):
        out.append(Violation((*pw, "successThreshold"), "must be 1", V + "validateContainerCommon"))
    for h in ("httpGet", "tcpSocket"):
        port = d(probe.get(h)).get("port")
        if probe.get(h) is not None:
            problem = port_num_or_name_problem(port)
            if problem:
                out.append(Violation((*pw, h, "port"), problem, V + "ValidatePortNumOrName"))
    grpc = d(probe.get("grpc"))
    if probe.get("grpc") is not None and am.is_valid_port_num(num(grpc.get("port")) or 0):
        out.append(Violation((*pw, "grpc", "port"), "must be between 1 and 65535", V + "validateGRPCAction"))


def port_num_or_name_problem(port: Any) -> str:
    """ValidatePortNumOrName for an IntOrString port ('' when valid). A quoted number (``"8080"``) is a
    string, so it is checked as a port name, which needs a letter: IntOrString's UnmarshalJSON keeps a JSON
    string a string, and ValidatePortNumOrName checks the string type with IsValidPortName (kubernetes
    pkg/apis/core/validation/validation.go)."""
    if isinstance(port, bool) or port is None or port == "":
        return "port is required"
    if isinstance(port, int):
        return "; ".join(am.is_valid_port_num(port))
    if isinstance(port, str):
        return "; ".join(am.is_valid_port_name(port))
    return "must be a port number or name"
