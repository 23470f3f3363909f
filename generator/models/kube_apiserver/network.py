"""Service (core), Ingress and NetworkPolicy (networking).

Upstream: kubernetes/kubernetes pkg/apis/core/validation/validation.go (ValidateService, validateServicePort,
ValidatePortNumOrName) and pkg/apis/networking/validation/validation.go (ValidateIngressSpec,
validateIngressRules, validateHTTPIngressRuleValue, validateIngressBackend, ValidateNetworkPolicySpec,
ValidateNetworkPolicyPort, ValidateIPBlock, ValidateNetworkPolicyPeer).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from generator.models.kube_apiserver import apimachinery as am
from generator.models.kube_apiserver.base import Path, Violation, d, lst, num, text
from generator.models.kube_apiserver.pods import port_num_or_name_problem

CORE = "pkg/apis/core/validation/validation.go:"
NET = "pkg/apis/networking/validation/validation.go:"
_SERVICE_TYPES = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")


def validate_service(obj: dict[str, Any]) -> list[Violation]:
    spec = d(obj.get("spec"))
    out: list[Violation] = []
    stype = spec.get("type", "ClusterIP")
    if stype not in _SERVICE_TYPES:
        out.append(
            Violation(
                ("spec", "type"), f'unsupported value "{stype}": ' + ", ".join(_SERVICE_TYPES), CORE + "ValidateService"
            )
        )
    ports = lst(spec.get("ports"))
    headless = spec.get("clusterIP") == "None"
    if stype == "ExternalName":
        name = text(spec.get("externalName"))
        if not name:
            out.append(
                Violation(
                    ("spec", "externalName"), "externalName is required for type ExternalName", CORE + "ValidateService"
                )
            )
        else:
            for msg in am.is_dns1123_subdomain(name.rstrip(".").lower()):
                out.append(Violation(("spec", "externalName"), f'"{name}": {msg}', CORE + "ValidateService"))
    elif not ports and not headless:
        out.append(
            Violation(("spec", "ports"), "a Service needs at least one port (Required value)", CORE + "ValidateService")
        )
    if headless and stype in ("NodePort", "LoadBalancer"):
        out.append(
            Violation(("spec", "clusterIP"), f"may not be set to 'None' for {stype} services", CORE + "ValidateService")
        )
    names: set[str] = set()
    pairs: set[tuple[int, str]] = set()
    for i, port in enumerate(ports):
        if not isinstance(port, dict):
            continue
        pw: Path = ("spec", "ports", i)
        name = text(port.get("name"))
        if len(ports) > 1 and not name:
            out.append(
                Violation(
                    (*pw, "name"),
                    "every port needs a name when a Service has several ports",
                    CORE + "validateServicePort",
                )
            )
        if name:
            if name in names:
                out.append(Violation((*pw, "name"), f'duplicate port name "{name}"', CORE + "validateServicePort"))
            names.add(name)
        number = num(port.get("port"))
        if number is None:
            out.append(Violation((*pw, "port"), "port is required", CORE + "validateServicePort"))
        elif am.is_valid_port_num(number):
            out.append(
                Violation((*pw, "port"), f"port {number} must be between 1 and 65535", CORE + "validateServicePort")
            )
        protocol = port.get("protocol", "TCP")
        if protocol not in ("TCP", "UDP", "SCTP"):
            out.append(Violation((*pw, "protocol"), f'unsupported protocol "{protocol}"', CORE + "validateServicePort"))
        if number is not None and isinstance(protocol, str):
            if (number, protocol) in pairs:
                out.append(Violation(pw, f"duplicate port {number}/{protocol}", CORE + "ValidateService"))
            pairs.add((number, protocol))
        target = port.get("targetPort")
        # SetDefaults_Service (pkg/apis/core/v1/defaults.go) runs before validation: a targetPort of 0 or ""
        # (or null, which decodes as 0) becomes the port itself
        if target is not None and target != "" and not (type(target) is int and target == 0):
            problem = port_num_or_name_problem(target)
            if problem:
                out.append(
                    Violation((*pw, "targetPort"), problem, CORE + "validateServicePort (ValidatePortNumOrName)")
                )
        node_port = num(port.get("nodePort"))
        if node_port is not None and node_port != 0:
            if stype not in ("NodePort", "LoadBalancer"):
                out.append(
                    Violation((*pw, "nodePort"), f"may not be used when `type` is '{stype}'", CORE + "ValidateService")
                )
            elif am.is_valid_port_num(node_port):
                out.append(Violation((*pw, "nodePort"), "must be between 1 and 65535", CORE + "ValidateService"))
    for p in am.validate_labels(spec.get("selector")):
        out.append(Violation(("spec", "selector", *p.path), p.message, CORE + "ValidateService (ValidateLabels)"))
    return out


# --------------------------------------------------------------------------------------------- Ingress

_PATH_TYPES = ("Exact", "Prefix", "ImplementationSpecific")
_BAD_PATH_PARTS = ("//", "/./", "/../", "%2f", "%2F")


def validate_ingress(obj: dict[str, Any]) -> list[Violation]:
    spec = d(obj.get("spec"))
    out: list[Violation] = []
    rules = lst(spec.get("rules"))
    if not rules and spec.get("defaultBackend") is None:
        out.append(
            Violation(("spec",), "either `defaultBackend` or `rules` must be specified", NET + "ValidateIngressSpec")
        )
    if spec.get("defaultBackend") is not None:
        _backend(d(spec.get("defaultBackend")), ("spec", "defaultBackend"), out)
    for i, rule in enumerate(rules):
        rw: Path = ("spec", "rules", i)
        host = text(d(rule).get("host"))
        if host:
            _host(host, (*rw, "host"), out)
        for j, path in enumerate(lst(d(d(rule).get("http")).get("paths"))):
            _path(d(path), (*rw, "http", "paths", j), out)
    for i, tls in enumerate(lst(spec.get("tls"))):
        for j, host in enumerate(lst(d(tls).get("hosts"))):
            if isinstance(host, str):
                _host(host, ("spec", "tls", i, "hosts", j), out)
    return out


def _host(host: str, where: Path, out: list[Violation]) -> None:
    """validateIngressRules: not an IP address; a DNS subdomain, '*' only as the whole first label."""
    if _may_be_ip(host):
        try:
            ipaddress.ip_address(host)
            out.append(
                Violation(where, f'"{host}": must be a DNS name, not an IP address', NET + "validateIngressRules")
            )
            return
        except ValueError:
            pass
    name = host[2:] if host.startswith("*.") else host
    for msg in am.is_dns1123_subdomain(name):
        out.append(
            Violation(
                where,
                f'host "{host}": {msg}',
                NET + "validateIngressRules (IsDNS1123Subdomain/IsWildcardDNS1123Subdomain)",
            )
        )


def _may_be_ip(host: str) -> bool:
    """False only where ``ipaddress.ip_address`` must fail: without a colon only an IPv4 address, digits and
    dots, can parse (CPython Lib/ipaddress.py: ``IPv6Address`` needs at least two colons). Parsing with
    exceptions costs ~5 us per host, a quarter of the API-server checks of an Ingress."""
    return ":" in host or host.replace(".", "").isdigit()


def _path(path: dict[str, Any], where: Path, out: list[Violation]) -> None:
    """validateHTTPIngressPath: pathType required and known; Exact/Prefix paths absolute and clean."""
    ptype = path.get("pathType")
    value = text(path.get("path"))
    if ptype is None:
        out.append(Violation((*where, "pathType"), "pathType must be specified", NET + "validateHTTPIngressPath"))
    elif ptype not in _PATH_TYPES:
        out.append(
            Violation(
                (*where, "pathType"),
                f'unsupported value "{ptype}": ' + ", ".join(_PATH_TYPES),
                NET + "validateHTTPIngressPath",
            )
        )
    if ptype in ("Exact", "Prefix"):
        if not value.startswith("/"):
            out.append(
                Violation((*where, "path"), f'"{value}": must be an absolute path', NET + "validateHTTPIngressPath")
            )
        bad = [s for s in _BAD_PATH_PARTS if s in value] + [s for s in ("/..", "/.") if value.endswith(s)]
        if bad:
            out.append(
                Violation((*where, "path"), f'"{value}": must not contain {bad[0]!r}', NET + "validateHTTPIngressPath")
            )
    elif ptype == "ImplementationSpecific" and value and not value.startswith("/"):
        out.append(Violation((*where, "path"), f'"{value}": must be an absolute path', NET + "validateHTTPIngressPath"))
    _backend(d(path.get("backend")), (*where, "backend"), out)


def _backend(backend: dict[str, Any], where: Path, out: list[Violation]) -> None:
    """validateIngressBackend: exactly one of service/resource; service port name xor number."""
    service, resource = backend.get("service"), backend.get("resource")
    if service is not None and resource is not None:
        out.append(Violation(where, "cannot set both resource and service backends", NET + "validateIngressBackend"))
    elif service is None and resource is None:
        out.append(
            Violation(where, "one backend (service or resource) must be specified", NET + "validateIngressBackend")
        )
    if service is None:
        return
    svc = d(service)
    name = text(svc.get("name"))
    if not name:
        out.append(Violation((*where, "service", "name"), "service name is required", NET + "validateIngressBackend"))
    port = d(svc.get("port"))
    has_name, has_number = bool(port.get("name")), port.get("number") is not None
    if has_name and has_number:
        out.append(
            Violation(
                (*where, "service", "port"), "cannot set both port name & port number", NET + "validateIngressBackend"
            )
        )
    elif not has_name and not has_number:
        out.append(
            Violation((*where, "service", "port"), "port name or number is required", NET + "validateIngressBackend")
        )
    elif has_number:
        number = num(port.get("number"))
        if number is not None and am.is_valid_port_num(number):
            out.append(
                Violation(
                    (*where, "service", "port", "number"), "must be between 1 and 65535", NET + "validateIngressBackend"
                )
            )
    else:
        for msg in am.is_valid_port_name(text(port.get("name"))):
            out.append(Violation((*where, "service", "port", "name"), msg, NET + "validateIngressBackend"))


# --------------------------------------------------------------------------------------- NetworkPolicy


def validate_network_policy(obj: dict[str, Any]) -> list[Violation]:
    spec = d(obj.get("spec"))
    out: list[Violation] = []
    for p in am.validate_label_selector(spec.get("podSelector")):
        out.append(Violation(("spec", "podSelector", *p.path), p.message, NET + "ValidateNetworkPolicySpec"))
    for i, ptype in enumerate(lst(spec.get("policyTypes"))):
        if ptype not in ("Ingress", "Egress"):
            out.append(
                Violation(
                    ("spec", "policyTypes", i),
                    f'unsupported value "{ptype}": Ingress or Egress',
                    NET + "ValidateNetworkPolicySpec",
                )
            )
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(lst(spec.get(direction))):
            rw: Path = ("spec", direction, i)
            for j, port in enumerate(lst(d(rule).get("ports"))):
                _np_port(d(port), (*rw, "ports", j), out)
            for j, peer in enumerate(lst(d(rule).get(peers_key))):
                _np_peer(d(peer), (*rw, peers_key, j), out)
    return out


def _np_port(port: dict[str, Any], where: Path, out: list[Violation]) -> None:
    """ValidateNetworkPolicyPort: protocol; port a number or IANA name; endPort only with a numeric port
    and >= port."""
    protocol = port.get("protocol", "TCP")
    if protocol not in ("TCP", "UDP", "SCTP"):
        out.append(
            Violation((*where, "protocol"), f'unsupported protocol "{protocol}"', NET + "ValidateNetworkPolicyPort")
        )
    value = port.get("port")
    if value is not None:
        problem = port_num_or_name_problem(value)
        if problem:
            out.append(Violation((*where, "port"), problem, NET + "ValidateNetworkPolicyPort"))
    end = num(port.get("endPort"))
    if end is None:
        return
    start = num(value)
    if start is None:
        out.append(
            Violation(
                (*where, "endPort"),
                "may not be specified when `port` is not a number",
                NET + "ValidateNetworkPolicyPort",
            )
        )
    elif end < start:
        out.append(
            Violation((*where, "endPort"), "must be greater than or equal to `port`", NET + "ValidateNetworkPolicyPort")
        )
    elif am.is_valid_port_num(end):
        out.append(Violation((*where, "endPort"), "must be between 1 and 65535", NET + "ValidateNetworkPolicyPort"))


def _np_peer(peer: dict[str, Any], where: Path, out: list[Violation]) -> None:
    """ValidateNetworkPolicyPeer (exactly one of selectors / ipBlock) and ValidateIPBlock."""
    selectors = peer.get("podSelector") is not None or peer.get("namespaceSelector") is not None
    block = peer.get("ipBlock")
    if block is not None and selectors:
        out.append(Violation(where, "may not specify both ipBlock and another peer", NET + "ValidateNetworkPolicyPeer"))
    elif block is None and not selectors:
        out.append(Violation(where, "must specify a peer", NET + "ValidateNetworkPolicyPeer"))
    for key in ("podSelector", "namespaceSelector"):
        for p in am.validate_label_selector(peer.get(key)):
            out.append(Violation((*where, key, *p.path), p.message, NET + "ValidateNetworkPolicyPeer"))
    if block is None:
        return
    cidr = text(d(block).get("cidr"))
    if not am.is_valid_cidr(cidr):
        out.append(Violation((*where, "ipBlock", "cidr"), f'"{cidr}" is not a valid CIDR', NET + "ValidateIPBlock"))
        return
    outer = ipaddress.ip_network(cidr, strict=False)
    for k, exc in enumerate(lst(d(block).get("except"))):
        ew = (*where, "ipBlock", "except", k)
        if not isinstance(exc, str) or not am.is_valid_cidr(exc):
            out.append(Violation(ew, f'"{exc}" is not a valid CIDR', NET + "ValidateIPBlock"))
            continue
        inner = ipaddress.ip_network(exc, strict=False)
        if inner.version != outer.version or not inner.subnet_of(outer) or inner.prefixlen <= outer.prefixlen:  # type: ignore[arg-type]
            out.append(Violation(ew, f"must be a strict subset of `cidr` {cidr}", NET + "ValidateIPBlock"))
