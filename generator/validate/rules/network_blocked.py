"""The NetworkPolicies of the rendered set deny a flow the manifests themselves need.

Evaluated offline with Kubernetes semantics (see ``generator/validate/netpol.py``; an ``ipBlock`` is
assumed to match, so it never causes a finding). Four flows are checked:

- DNS (reported on the NetworkPolicy): a pod whose egress some policy restricts must still be allowed
  UDP port 53 to kube-dns (``k8s-app: kube-dns`` in ``kube-system``), or to any destination; otherwise
  every Service name lookup fails. The finding is reported once per pod, on the first policy (by name)
  with egress rules that restricts it, where the missing rule belongs. TCP port 53 is not required:
  resolvers ask over UDP and retry over TCP only when the answer came back truncated (RFC 1035 4.2.1,
  RFC 7766; Go's resolver, src/net/dnsclient_unix.go ``exchange``, asks over UDP with EDNS0 for answers
  up to 1,232 bytes and retries over TCP on the TC bit), which a Service name's answer never is. Allow
  TCP too if pods look up names with very large answers.
- Service calls (reported on the workload, at the env value or argument): an env value, ``command`` or
  ``args`` item naming ``<service>[.<namespace>[.svc[.cluster.local]]][:port]`` or a URL with that
  host, for a Service in the set. The egress policies of the calling pod and the ingress policies of
  the Service's pods must allow that port (the Service's targetPort on the pods). Without a port, the
  scheme's default port (http 80, https 443, postgresql 5432, ...) is used when the Service has it,
  else the flow counts as allowed if any Service port is allowed. A bare single-label name counts only
  in a URL, with a ``:port``, or as the whole value of an env variable whose name ends in HOST, ADDR,
  ENDPOINT, SERVER, SERVICE, URL or URI (``DB_HOST: postgres``; ``POSTGRES_USER: mlflow`` is no host).
  Object-store and local URLs (``s3://mlflow/``, ``gs://``, ``file://``...) name no host; env variables
  that list hosts to accept or bypass (``*ALLOWED_HOSTS``, ``*ORIGINS``, ``NO_PROXY``, ``*PUBLIC*``,
  ``*EXTERNAL*``, ``*ADVERTISE*``) and references to the workload's own Service are not calls.
  Each Service is reported at most once per workload.
- Ingress backends (reported on the Ingress backend): the backend Service's pods must admit ingress on
  the target port from some other namespace (where the ingress controller runs).
- ServiceMonitor endpoints (reported on the endpoint): the scraped pods must admit ingress on the
  metrics port from Prometheus. When a ``Prometheus`` custom resource of the set selects the
  ServiceMonitor, the flow is checked from its pods, in their namespace and with the labels
  prometheus-operator gives them (its ``spec.podMetadata.labels`` included; see
  ``generator/validate/operators.py``); otherwise from some pod in another namespace.

Peers outside the rendered set have unknown labels, so any ``namespaceSelector`` not pinned to the pod's
own namespace by ``kubernetes.io/metadata.name`` is assumed to admit the controller / Prometheus.

Pods with ``hostNetwork: true`` are neither reported as refusing ingress nor as denied egress (DNS
included): NetworkPolicy behaviour for them is undefined, and the most common implementation ignores them
when matching selectors, treating their traffic as the node's (kubernetes/website
concepts/services-networking/network-policies.md, "NetworkPolicy and hostNetwork pods"). MetalLB's speaker
and FRR daemon, under a namespace-wide default-deny, were reported as refusing Prometheus until 2026-12-05.

PASS:

    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: mlflow}
    spec:
      podSelector: {matchLabels: {app: mlflow}}
      policyTypes: [Ingress, Egress]
      ingress:
        - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}]
          ports: [{port: 5000}]
      egress:
        - to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
          ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
        - to: [{podSelector: {matchLabels: {app: postgres}}}]
          ports: [{port: 5432}]
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      selector: {matchLabels: {app: mlflow}}
      template:
        metadata: {labels: {app: mlflow}}
        spec:
          containers: [{name: mlflow, image: "mlflow:2.10.0", ports: [{name: http, containerPort: 5000}]}]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: mlflow}
    spec: {selector: {app: mlflow}, ports: [{port: 80, targetPort: http}]}
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: mlflow}
    spec:
      rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: mlflow, port: {number: 80}}}}]}}]

FAIL:

    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: mlflow}
    spec:
      podSelector: {matchLabels: {app: mlflow}}
      policyTypes: [Ingress, Egress]
      ingress:
        - from: [{podSelector: {}}]          # same namespace only: the ingress controller is shut out
      egress:                                # no DNS: "postgres" cannot even be resolved
        - to: [{podSelector: {matchLabels: {app: postgres}}}]
          ports: [{port: 5432}]
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mlflow}
    spec:
      selector: {matchLabels: {app: mlflow}}
      template:
        metadata: {labels: {app: mlflow}}
        spec:
          containers: [{name: mlflow, image: "mlflow:2.10.0", ports: [{name: http, containerPort: 5000}]}]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: mlflow}
    spec: {selector: {app: mlflow}, ports: [{port: 80, targetPort: http}]}
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: mlflow}
    spec:
      rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: mlflow, port: {number: 80}}}}]}}]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from generator.validate.context import Context
from generator.validate.crossref import (
    ServicePort,
    as_dict,
    as_list,
    find_port,
    find_service_port,
    ingress_backends,
    monitor_endpoints,
    monitor_services,
    namespace_labels,
    parse_selector,
    select_workloads,
    service_backends,
    service_ports,
    template_labels,
    template_ports,
)
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.netpol import DNS_PORTS, DestPort, Evaluator, Peer, evaluator
from generator.validate.operators import MadePods, operator_pods
from generator.validate.rules._helpers import host_network
from generator.validate.workloads import WORKLOAD_KINDS, containers

ID = "network-blocked"
CATEGORY = "cross-resource"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = frozenset(WORKLOAD_KINDS | {"NetworkPolicy", "Ingress", "ServiceMonitor"})

SCHEME_PORTS = {
    "http": 80,
    "https": 443,
    "postgres": 5432,
    "postgresql": 5432,
    "mysql": 3306,
    "redis": 6379,
    "mongodb": 27017,
    "amqp": 5672,
    "grpc": 443,
}

_URL = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?:[^@/\s?#]*@)?(?P<host>[A-Za-z0-9][A-Za-z0-9.-]*)(?::(?P<port>\d{1,5}))?"
)
# URL schemes whose "host" is a bucket, a run or a path, never a network peer
NON_NETWORK_SCHEMES = frozenset(
    {"s3", "s3a", "s3n", "gs", "gcs", "wasb", "wasbs", "abfs", "abfss", "oss", "file", "dbfs", "runs", "models"}
)
# env names that list hosts to accept or to bypass, not hosts to call
_NOT_CALLS_ENV = re.compile(r"ALLOWED|ORIGIN|CORS|NO_PROXY|TRUSTED|ADVERTISE|EXTERNAL|PUBLIC", re.IGNORECASE)
# env names whose whole value may be a bare host name ("postgres"); other bare words are not hosts
_HOST_ENV = re.compile(r"(HOST|HOSTNAME|ADDR|ADDRESS|ENDPOINT|SERVER|SERVICE|URL|URI)S?$", re.IGNORECASE)
_HOST = re.compile(
    r"(?<![\w.@/:-])(?P<host>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)\.?"
    r"(?::(?P<port>\d{1,5}))?(?![\w.@/-])"
)


@dataclass(frozen=True, slots=True)
class ServiceRef:
    namespace: str
    service: str
    port: int | None
    scheme: str


def service_refs(text: str, namespace: str, *, whole_value: bool = False) -> list[ServiceRef]:
    """Candidate in-cluster Service references in a string (not yet checked against the set).

    A single-label host counts only in a URL, with a ``:port``, or (``whole_value``, for env values) when
    it is the entire string.
    """
    out: list[ServiceRef] = []
    if ":" not in text and "." not in text:
        # No URL, no port and no dotted name: only a whole value that is one host name can name a Service
        # (the scans below would find nothing else; most env values and args are like this).
        host = text.strip()
        if whole_value and _HOST.fullmatch(host) is not None:
            ref = _to_ref(host, None, "", namespace, single_ok=True)
            if ref is not None:
                out.append(ref)
        return out
    spans: list[tuple[int, int]] = []
    for m in _URL.finditer(text):
        spans.append(m.span())
        if m.group("scheme").lower() in NON_NETWORK_SCHEMES:
            continue
        ref = _to_ref(m.group("host"), m.group("port"), m.group("scheme").lower(), namespace, single_ok=True)
        if ref is not None:
            out.append(ref)
    for m in _HOST.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        host, port = m.group("host"), m.group("port")
        single_ok = port is not None or (whole_value and text.strip() == m.group(0))
        ref = _to_ref(host, port, "", namespace, single_ok=single_ok)
        if ref is not None:
            out.append(ref)
    return out


def _to_ref(host: str, port: str | None, scheme: str, namespace: str, *, single_ok: bool) -> ServiceRef | None:
    labels = host.lower().rstrip(".").split(".")
    number = int(port) if port else None
    if len(labels) == 1:
        return ServiceRef(namespace, labels[0], number, scheme) if single_ok else None
    if len(labels) == 2 or labels[2] == "svc":
        return ServiceRef(labels[1], labels[0], number, scheme)
    return None


def dest_port(ctx: Context, workload: Resource, target: int | str, protocol: str = "TCP") -> DestPort | None:
    """The port a flow reaches on a workload's pods, with the container port names that carry it."""
    ports = template_ports(ctx, workload)
    if isinstance(target, int):
        names = frozenset(p.name for p in ports if p.number == target and p.protocol == protocol and p.name)
        return DestPort(target, names, protocol)
    found = find_port(ports, target, protocol)
    if found is None or found.number is None:
        return None  # unresolvable: a port-mismatch finding
    return DestPort(found.number, frozenset({target}), protocol)


def _who(res: Resource) -> str:
    return f"{res.kind} {res.shown_name}"


def _policies(names: Iterable[str]) -> str:
    names = sorted(names)
    return ("NetworkPolicy " if len(names) == 1 else "NetworkPolicies ") + ", ".join(names)


# ------------------------------------------------------------------------------------------------ DNS


def _dns(ctx: Context, obj: Resource) -> Iterator[Finding]:
    ev = evaluator(ctx)
    policy = ev.policy(obj)
    if policy.egress is None:
        return
    blocked: dict[str, list[str]] = {}
    isolated_by: set[str] = set()
    for w in select_workloads(ctx, obj.namespace, policy.pod_selector):
        labels = template_labels(ctx, w)
        isolating = ev.isolating(obj.namespace, labels, "egress")
        if not isolating or host_network(ctx, w):
            continue
        # report on the first policy that has egress rules (where the DNS rule belongs), else the first one
        reporter = sorted(isolating, key=lambda p: (not p.egress, p.name))[0]
        if reporter.name != obj.name:
            continue
        peer = Peer.kube_dns(ctx)
        missing = [p.protocol for p in DNS_PORTS if not ev.egress(obj.namespace, labels, peer, p).allowed]
        if "UDP" in missing:  # (TCP only carries what is truncated over UDP: see the module docs)
            blocked.setdefault("+".join(missing), []).append(_who(w))
            isolated_by.update(p.name for p in isolating)
    spec = as_dict(obj.obj.get("spec"))
    if "egress" in spec:
        path = pointer("spec", "egress")
    elif isinstance(spec.get("policyTypes"), list) and "Egress" in spec["policyTypes"]:
        path = pointer("spec", "policyTypes", spec["policyTypes"].index("Egress"))
    else:
        path = pointer("spec")
    for protocols, pods in sorted(blocked.items()):
        yield Finding(
            f"egress of {', '.join(sorted(set(pods)))} is restricted by {_policies(isolated_by)} without DNS"
            f" ({protocols} port 53 to kube-dns is denied): Service names cannot be resolved",
            path=path,
        )


# -------------------------------------------------------------------------------------- service calls


def _flow_blocked(ctx: Context, ev: Evaluator, src: Resource, svc: Resource, sp: ServicePort) -> list[str]:
    """Why the flow src -> svc:sp is denied for some backend ([] when it is allowed for every backend)."""
    if sp.target is None:
        return []
    src_labels = template_labels(ctx, src)
    src_host = host_network(ctx, src)
    reasons: list[str] = []
    for target in service_backends(ctx, svc):
        dest = dest_port(ctx, target, sp.target, sp.protocol)
        if dest is None:
            continue
        t_labels = template_labels(ctx, target)
        out = ev.egress(src.namespace, src_labels, Peer.pod(ctx, target.namespace, t_labels, _who(target)), dest)
        if not out.allowed and not src_host:
            reasons.append(f"the egress of {_who(src)} ({_policies(out.isolated_by)}) denies {dest.describe()}")
        if host_network(ctx, target):
            continue
        inn = ev.ingress(target.namespace, t_labels, Peer.pod(ctx, src.namespace, src_labels, _who(src)), dest)
        if not inn.allowed:
            reasons.append(
                f"the ingress of {_who(target)} ({_policies(inn.isolated_by)}) denies {dest.describe()}"
                f" from {_who(src)}"
            )
    return list(dict.fromkeys(reasons))


def _calls(ctx: Context, obj: Resource) -> Iterator[Finding]:
    ev = evaluator(ctx)
    if not ev.policies:
        return  # nothing can be denied
    seen: set[tuple[str, str]] = set()
    for c in containers(obj):
        # (text, label, path parts relative to the container, whole value may be a bare host)
        texts: list[tuple[str, str, tuple[str | int, ...], bool]] = []
        for i, env in enumerate(as_list(c.obj.get("env"))):
            value, name = as_dict(env).get("value"), str(as_dict(env).get("name", ""))
            if isinstance(value, str) and not _NOT_CALLS_ENV.search(name):
                texts.append((value, f"env {name}", ("env", i, "value"), bool(_HOST_ENV.search(name))))
        for key in ("command", "args"):
            for i, arg in enumerate(as_list(c.obj.get(key))):
                if isinstance(arg, str):
                    texts.append((arg, f"{key}[{i}]", (key, i), False))
        for text, label, where, whole in texts:
            for ref in service_refs(text, obj.namespace, whole_value=whole):
                svc = ctx.get("Service", ref.namespace, ref.service)
                if svc is None or (ref.namespace, ref.service) in seen:
                    continue
                seen.add((ref.namespace, ref.service))
                if any(w is obj for w in service_backends(ctx, svc)):
                    continue  # its own Service: a self-description (allowed hosts, advertised URL), not a call
                finding = _call(ctx, ev, obj, svc, ref, label, c.pointer(*where))
                if finding is not None:
                    yield finding


def _call(
    ctx: Context, ev: Evaluator, obj: Resource, svc: Resource, ref: ServiceRef, label: str, path: str
) -> Finding | None:
    ports = service_ports(svc)
    if ref.port is not None:
        found = find_service_port(svc, ref.port)
        candidates = [found] if found is not None else []
    else:
        default = SCHEME_PORTS.get(ref.scheme)
        candidates = [p for p in ports if p.port == default] or ports
    first: list[str] = []
    for sp in candidates:
        blocked = _flow_blocked(ctx, ev, obj, svc, sp)
        if not blocked:
            return None
        first = first or blocked
    if not first:
        return None
    return Finding(
        f"{label} names Service {svc.namespace}/{svc.name}, but " + "; ".join(first),
        path=path,
    )


# --------------------------------------------------------------------------- ingress controller, Prometheus


def _admits_other_namespaces(
    ctx: Context,
    ev: Evaluator,
    svc: Resource,
    target_port: int | str,
    protocol: str,
    who: str,
    scrapers: list[MadePods] | None = None,
) -> list[str]:
    """Reasons the pods behind ``svc`` refuse ``target_port`` from every other namespace ([] = admitted).

    With ``scrapers`` (the Prometheus pods of the set that select the ServiceMonitor), the flow is
    checked from those pods, wherever they run, instead of from an unknown pod in another namespace."""
    reasons: list[str] = []
    for target in service_backends(ctx, svc):
        dest = dest_port(ctx, target, target_port, protocol)
        if dest is None or host_network(ctx, target):
            continue
        labels = template_labels(ctx, target)
        if scrapers:
            verdicts = [
                ev.ingress(target.namespace, labels, Peer.pod(ctx, p.namespace, p.label_view(), p.description), dest)
                for p in scrapers
            ]
            if not any(v.allowed for v in verdicts):
                isolated = {name for v in verdicts for name in v.isolated_by}
                names = ", ".join(p.description for p in scrapers)
                reasons.append(
                    f"{_who(target)} admits no ingress on {dest.describe()} from {names} ({_policies(isolated)})"
                )
            continue
        peer = Peer.other_namespace(target.namespace, who)
        verdict = ev.ingress(target.namespace, labels, peer, dest)
        if not verdict.allowed:
            reasons.append(
                f"{_who(target)} admits no ingress on {dest.describe()} from other namespaces"
                f" ({_policies(verdict.isolated_by)})"
            )
    return reasons


def _scrapers(ctx: Context, monitor: Resource) -> list[MadePods]:
    """The Prometheus pods of the set whose Prometheus selects ``monitor``: ``serviceMonitorSelector``
    (absent selects none, ``{}`` all) and ``serviceMonitorNamespaceSelector`` (absent: the Prometheus's
    own namespace only), as prometheus-operator documents them on ``CommonPrometheusFields`` in
    pkg/apis/monitoring/v1/prometheus_types.go ("A null label selector matches no objects")."""
    out: list[MadePods] = []
    for prom in ctx.by_kind("Prometheus"):
        pods = operator_pods(prom)
        if pods is None:
            continue
        spec = as_dict(prom.obj.get("spec"))
        selector = parse_selector(spec.get("serviceMonitorSelector"))
        if selector is None or not selector.matches(monitor.labels):
            continue
        ns_selector = parse_selector(spec.get("serviceMonitorNamespaceSelector"))
        if ns_selector is None:
            if monitor.namespace != prom.namespace:
                continue
        elif not ns_selector.matches(namespace_labels(ctx, monitor.namespace)):
            continue
        out.append(pods)
    return out


def _ingress(ctx: Context, obj: Resource) -> Iterator[Finding]:
    ev = evaluator(ctx)
    if not ev.policies:
        return
    for backend in ingress_backends(obj):
        svc = ctx.get("Service", obj.namespace, backend.service)
        if svc is None or backend.port is None:
            continue
        sp = find_service_port(svc, backend.port)
        if sp is None or sp.target is None:
            continue
        reasons = _admits_other_namespaces(ctx, ev, svc, sp.target, sp.protocol, "the ingress controller")
        if reasons:
            yield Finding(
                f"the ingress controller cannot reach backend {svc.name}:{backend.port}: " + "; ".join(reasons),
                path=pointer(*backend.path),
            )


def _monitor(ctx: Context, obj: Resource) -> Iterator[Finding]:
    ev = evaluator(ctx)
    if not ev.policies:
        return
    services = monitor_services(ctx, obj)
    if not services:
        return
    scrapers = _scrapers(ctx, obj)
    for ep in monitor_endpoints(obj):
        reasons: list[str] = []
        if ep.port is not None:
            field = "port"
            for svc in services:
                for sp in service_ports(svc):
                    if sp.name == ep.port and sp.target is not None:
                        reasons += _admits_other_namespaces(
                            ctx, ev, svc, sp.target, sp.protocol, "Prometheus", scrapers
                        )
        elif ep.target_port is not None:
            field = "targetPort"
            for svc in services:
                reasons += _admits_other_namespaces(ctx, ev, svc, ep.target_port, "TCP", "Prometheus", scrapers)
        else:
            continue
        if reasons:
            yield Finding(
                "Prometheus cannot scrape this endpoint: " + "; ".join(sorted(set(reasons))),
                path=pointer("spec", "endpoints", ep.index, field),
            )


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if obj.kind == "NetworkPolicy":
        return _dns(ctx, obj)
    if obj.kind == "Ingress":
        return _ingress(ctx, obj)
    if obj.kind == "ServiceMonitor":
        return _monitor(ctx, obj)
    return _calls(ctx, obj)
