"""Shared, lazily built indexes for the cross-resource rules (services, ports, selectors); what creates
Secrets, ConfigMaps and Services besides the set's own objects is :mod:`generator.validate.producers`.

Every index is built once per :class:`~generator.validate.context.Context` on first use and cached
on it (see :func:`memo`), so a rule asking "which Services does this selector pick?" costs a dict
lookup plus the size of the answer, never a scan over all resources per object (no O(n^2)).
The cache is the context's own dict and disappears with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from generator.validate.context import Context
from generator.validate.model import Resource
from generator.validate.workloads import WORKLOAD_KINDS, pod_template

T = TypeVar("T")

# --------------------------------------------------------------------------------------------- caching


def cache(ctx: Context) -> dict[str, Any]:
    """A dict that lives as long as ``ctx`` (it is the context's own ``memos``)."""
    return ctx.memos


def memo(ctx: Context, name: str, build: Callable[[], T]) -> T:
    """``build()`` once per context under ``name``; later calls return the cached value."""
    store = cache(ctx)
    if name not in store:
        store[name] = build()
    value: T = store[name]
    return value


# ----------------------------------------------------------------------------------------- small helpers


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def str_map(value: Any) -> dict[str, str]:
    """A mapping of labels/selector as str -> str ({} when absent or malformed)."""
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def int_or_str(value: Any) -> int | str | None:
    """An IntOrString field: ints stay ints, digit strings become ints, names stay names."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value:
        return int(value) if value.isdigit() else value
    return None


# ------------------------------------------------------------------------------------------- selectors


@dataclass(frozen=True, slots=True)
class Requirement:
    key: str
    operator: str  # In, NotIn, Exists, DoesNotExist
    values: frozenset[str]

    def matches(self, labels: Mapping[str, str]) -> bool:
        if self.operator == "In":
            return self.key in labels and labels[self.key] in self.values
        if self.operator == "NotIn":
            return self.key not in labels or labels[self.key] not in self.values
        if self.operator == "Exists":
            return self.key in labels
        if self.operator == "DoesNotExist":
            return self.key not in labels
        return False  # unknown operator: the API server rejects it; select nothing


@dataclass(frozen=True, slots=True)
class Selector:
    """A metav1.LabelSelector (matchLabels + matchExpressions). The empty selector matches everything."""

    match_labels: tuple[tuple[str, str], ...] = ()
    expressions: tuple[Requirement, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.match_labels and not self.expressions

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(labels.get(k) == v for k, v in self.match_labels) and all(
            r.matches(labels) for r in self.expressions
        )

    def pinned(self, key: str) -> frozenset[str] | None:
        """The only values ``key`` may take under this selector, or None when it is not pinned."""
        allowed: frozenset[str] | None = None
        for k, v in self.match_labels:
            if k == key:
                allowed = frozenset({v}) if allowed is None else allowed & {v}
        for r in self.expressions:
            if r.key == key and r.operator == "In":
                allowed = r.values if allowed is None else allowed & r.values
        return allowed

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in self.match_labels]
        parts += [f"{r.key} {r.operator} ({','.join(sorted(r.values))})" for r in self.expressions]
        return ",".join(parts) or "{}"


def parse_selector(value: Any) -> Selector | None:
    """A LabelSelector from its YAML form; None when absent or not a mapping."""
    if not isinstance(value, dict):
        return None
    labels = tuple(sorted(str_map(value.get("matchLabels")).items()))
    reqs: list[Requirement] = []
    for expr in as_list(value.get("matchExpressions")):
        if isinstance(expr, dict):
            values = frozenset(str(v) for v in as_list(expr.get("values")))
            reqs.append(Requirement(str(expr.get("key", "")), str(expr.get("operator", "")), values))
    return Selector(labels, tuple(reqs))


# -------------------------------------------------------------------------------------------- namespaces

NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


def namespace_labels(ctx: Context, namespace: str) -> dict[str, str]:
    """Labels of a namespace: those of its Namespace object in the set plus the immutable name label.

    The returned dict is shared (cached per context): do not modify it."""
    store: dict[str, dict[str, str]] = memo(ctx, "namespace_labels", dict)
    found = store.get(namespace)
    if found is None:
        ns = ctx.get("Namespace", "", namespace)
        found = dict(ns.labels) if ns is not None else {}
        found[NAMESPACE_NAME_LABEL] = namespace
        store[namespace] = found
    return found


def workloads_by_namespace(ctx: Context) -> dict[str, list[Resource]]:
    """namespace -> every resource with a pod template there, in input order."""

    def build() -> dict[str, list[Resource]]:
        out: dict[str, list[Resource]] = defaultdict(list)
        for kind in sorted(WORKLOAD_KINDS):
            for res in ctx.by_kind(kind):
                out[res.namespace].append(res)
        return dict(out)

    return memo(ctx, "workloads_by_namespace", build)


def select_workloads(ctx: Context, namespace: str, selector: Selector) -> list[Resource]:
    """Workloads in ``namespace`` whose pod template labels match a full LabelSelector."""
    if selector.match_labels:
        candidates = ctx.pod_owners(namespace, dict(selector.match_labels))
    else:
        candidates = workloads_by_namespace(ctx).get(namespace, [])
    if not selector.expressions:
        return list(candidates)
    return [w for w in candidates if selector.matches(template_labels(ctx, w))]


def per_resource(ctx: Context, name: str, res: Resource, compute: Callable[[Resource], T]) -> T:
    """``compute(res)`` once per resource of ``ctx`` (keyed by identity: the context keeps ``res`` alive)."""
    store: dict[int, T] = memo(ctx, name, dict)
    key = id(res)
    if key in store:
        return store[key]
    value = store[key] = compute(res)
    return value


def _template_labels(res: Resource) -> dict[str, str]:
    tmpl = pod_template(res)
    return tmpl.labels if tmpl is not None else {}


def template_labels(ctx: Context, res: Resource) -> dict[str, str]:
    """Pod template labels of a workload ({} for other kinds); computed once per resource."""
    return per_resource(ctx, "template_labels", res, _template_labels)


# ---------------------------------------------------------------------------------------------- services


@dataclass(frozen=True, slots=True)
class ServicePort:
    index: int
    name: str
    port: int | None
    target: int | str | None  # targetPort; defaults to port
    protocol: str


def service_ports(svc: Resource) -> list[ServicePort]:
    out: list[ServicePort] = []
    for i, item in enumerate(as_list(as_dict(svc.obj.get("spec")).get("ports"))):
        if not isinstance(item, dict):
            continue
        port = int_or_str(item.get("port"))
        number = port if isinstance(port, int) else None
        target = int_or_str(item.get("targetPort"))
        out.append(
            ServicePort(
                index=i,
                name=str(item.get("name") or ""),
                port=number,
                target=target if target is not None else number,
                protocol=str(item.get("protocol") or "TCP"),
            )
        )
    return out


def service_selector(svc: Resource) -> dict[str, str]:
    """spec.selector of a Service ({} when it has none: endpoints are managed by hand)."""
    return str_map(as_dict(svc.obj.get("spec")).get("selector"))


def service_backends(ctx: Context, svc: Resource) -> list[Resource]:
    """The workloads whose pod templates a Service selects (none for a selector-less Service)."""
    selector = service_selector(svc)
    return ctx.pod_owners(svc.namespace, selector) if selector else []


@dataclass
class _ServiceIndex:
    by_namespace: dict[str, list[Resource]]
    by_label: dict[tuple[str, str, str], list[Resource]]  # (namespace, key, value)
    by_label_any_ns: dict[tuple[str, str], list[Resource]]
    all: list[Resource]


def _service_index(ctx: Context) -> _ServiceIndex:
    def build() -> _ServiceIndex:
        by_ns: dict[str, list[Resource]] = defaultdict(list)
        by_label: dict[tuple[str, str, str], list[Resource]] = defaultdict(list)
        by_label_any: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        services = ctx.by_kind("Service")
        for svc in services:
            by_ns[svc.namespace].append(svc)
            for k, v in svc.labels.items():
                by_label[(svc.namespace, k, v)].append(svc)
                by_label_any[(k, v)].append(svc)
        return _ServiceIndex(dict(by_ns), dict(by_label), dict(by_label_any), list(services))

    return memo(ctx, "service_index", build)


def select_services(ctx: Context, namespaces: Iterable[str] | None, selector: Selector) -> list[Resource]:
    """Services matching ``selector`` in ``namespaces`` (None = every namespace), in input order."""
    index = _service_index(ctx)
    if namespaces is None:
        if selector.match_labels:
            k, v = selector.match_labels[0]
            candidates = index.by_label_any_ns.get((k, v), [])
        else:
            candidates = index.all
        return [s for s in candidates if selector.matches(s.labels)]
    out: list[Resource] = []
    for ns in sorted(set(namespaces)):
        if selector.match_labels:
            k, v = selector.match_labels[0]
            candidates = index.by_label.get((ns, k, v), [])
        else:
            candidates = index.by_namespace.get(ns, [])
        out.extend(s for s in candidates if selector.matches(s.labels))
    return out


# ------------------------------------------------------------------------------------------- pod ports


@dataclass(frozen=True, slots=True)
class ContainerPort:
    name: str
    number: int | None
    protocol: str
    container: str


def template_ports(ctx: Context, res: Resource) -> list[ContainerPort]:
    """Ports declared by a pod template's containers (and restartable init/sidecar containers)."""
    return per_resource(ctx, "template_ports", res, _template_ports)


def _template_ports(res: Resource) -> list[ContainerPort]:
    tmpl = pod_template(res)
    if tmpl is None:
        return []
    out: list[ContainerPort] = []
    for key in ("containers", "initContainers"):
        for c in as_list(tmpl.spec.get(key)):
            if not isinstance(c, dict):
                continue
            if key == "initContainers" and c.get("restartPolicy") != "Always":
                continue
            for p in as_list(c.get("ports")):
                if not isinstance(p, dict):
                    continue
                number = int_or_str(p.get("containerPort"))
                out.append(
                    ContainerPort(
                        name=str(p.get("name") or ""),
                        number=number if isinstance(number, int) else None,
                        protocol=str(p.get("protocol") or "TCP"),
                        container=str(c.get("name", "")),
                    )
                )
    return out


def find_port(ports: Iterable[ContainerPort], target: int | str, protocol: str = "TCP") -> ContainerPort | None:
    """The declared container port a Service targetPort (number or name) resolves to, if any."""
    for p in ports:
        if p.protocol != protocol:
            continue
        if isinstance(target, int) and p.number == target:
            return p
        if isinstance(target, str) and p.name == target:
            return p
    return None


def describe_ports(ports: Iterable[ContainerPort]) -> str:
    items = sorted({f"{p.name}/{p.number}" if p.name else str(p.number) for p in ports})
    return ", ".join(items) if items else "none"


# ---------------------------------------------------------------------------------------------- ingress


@dataclass(frozen=True, slots=True)
class IngressBackend:
    service: str
    port: int | str | None
    path: tuple[str | int, ...]  # path parts of the backend's service name field
    port_path: tuple[str | int, ...]  # path parts of its port field (number or name)


def _backend(value: object, base: tuple[str | int, ...]) -> IngressBackend | None:
    backend = as_dict(value)
    service = backend.get("service")
    if isinstance(service, dict):  # networking.k8s.io/v1
        port = as_dict(service.get("port"))
        if "number" in port:
            number = int_or_str(port.get("number"))
            port_path: tuple[str | int, ...] = (*base, "service", "port", "number")
        elif "name" in port:
            number = int_or_str(port.get("name"))
            port_path = (*base, "service", "port", "name")
        else:
            number, port_path = None, (*base, "service")
        return IngressBackend(str(service.get("name", "")), number, (*base, "service", "name"), port_path)
    if "serviceName" in backend:  # extensions/v1beta1, networking.k8s.io/v1beta1
        return IngressBackend(
            str(backend.get("serviceName", "")),
            int_or_str(backend.get("servicePort")),
            (*base, "serviceName"),
            (*base, "servicePort"),
        )
    return None  # a resource backend (or nothing): not a Service


def ingress_backends(obj: Resource) -> list[IngressBackend]:
    """Every Service backend of an Ingress (default backend first, then rules in order)."""
    spec = as_dict(obj.obj.get("spec"))
    out: list[IngressBackend] = []
    for key in ("defaultBackend", "backend"):
        if key in spec:
            found = _backend(spec.get(key), ("spec", key))
            if found is not None:
                out.append(found)
    for i, rule in enumerate(as_list(spec.get("rules"))):
        paths = as_list(as_dict(as_dict(rule).get("http")).get("paths"))
        for j, path in enumerate(paths):
            found = _backend(as_dict(path).get("backend"), ("spec", "rules", i, "http", "paths", j, "backend"))
            if found is not None:
                out.append(found)
    return out


def find_service_port(svc: Resource, port: int | str) -> ServicePort | None:
    """The Service port an Ingress/ServiceMonitor names by number (``port``) or by name."""
    for sp in service_ports(svc):
        if (isinstance(port, int) and sp.port == port) or (isinstance(port, str) and sp.name == port):
            return sp
    return None


# ------------------------------------------------------------------------------------- ServiceMonitor


@dataclass(frozen=True, slots=True)
class MonitorEndpoint:
    index: int
    port: str | None  # name of a Service port
    target_port: int | str | None  # name or number of a container port (used when ``port`` is unset)
    path: str


def monitor_namespaces(obj: Resource) -> list[str] | None:
    """Namespaces a ServiceMonitor looks in: its own by default, ``matchNames``, or None for ``any``."""
    ns_sel = as_dict(as_dict(obj.obj.get("spec")).get("namespaceSelector"))
    if ns_sel.get("any") is True:
        return None
    names = [str(n) for n in as_list(ns_sel.get("matchNames"))]
    return names or [obj.namespace]


def monitor_services(ctx: Context, obj: Resource) -> list[Resource] | None:
    """The Services a ServiceMonitor selects (None when its selector is missing or malformed)."""
    selector = parse_selector(as_dict(obj.obj.get("spec")).get("selector"))
    if selector is None:
        return None
    return select_services(ctx, monitor_namespaces(obj), selector)


def monitor_endpoints(obj: Resource) -> list[MonitorEndpoint]:
    out: list[MonitorEndpoint] = []
    for i, ep in enumerate(as_list(as_dict(obj.obj.get("spec")).get("endpoints"))):
        if not isinstance(ep, dict):
            continue
        port = ep.get("port")
        out.append(
            MonitorEndpoint(
                index=i,
                port=str(port) if isinstance(port, str) and port else None,
                target_port=int_or_str(ep.get("targetPort")),
                path=str(ep.get("path") or "/metrics"),
            )
        )
    return out


def container_argv(container: dict[str, Any]) -> list[str]:
    """A container's ``command`` then ``args``, the strings among them."""
    return [a for a in (*as_list(container.get("command")), *as_list(container.get("args"))) if isinstance(a, str)]


def container_program(argv: list[str]) -> str:
    """The name of the program a container runs (``/keda`` -> ``keda``), "" when it names none."""
    return argv[0].rpartition("/")[2] if argv else ""
