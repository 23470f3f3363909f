"""A small, offline NetworkPolicy evaluator with Kubernetes semantics (networking.k8s.io/v1).

Semantics implemented:

- A pod is isolated for ingress (egress) only when at least one NetworkPolicy in its namespace selects it
  (``podSelector``; ``{}`` selects every pod) with that policy type. ``policyTypes`` defaults to
  ``[Ingress]`` plus ``Egress`` when the policy has at least one egress rule.
- A flow to/from an isolated pod is allowed when ANY rule of ANY policy selecting the pod for that
  direction matches both the peer and the port. Policies are additive; there is no deny rule.
- A rule with no ``from``/``to`` matches every peer; a rule with no ``ports`` matches every port.
- Peers: ``podSelector`` alone selects pods of the policy's namespace; ``namespaceSelector`` alone selects
  every pod of the matching namespaces; both together select matching pods in matching namespaces.
  Namespaces are matched on the labels of their Namespace object when it is in the rendered set, plus the
  immutable ``kubernetes.io/metadata.name`` label, which every namespace carries.
- Ports: ``protocol`` (default TCP), ``port`` as a number (with ``endPort`` for a range) or as a name,
  which matches the destination pod's container port of that name; no ``port`` means every port.
- ``ipBlock`` is treated as matching ANY peer, inside or outside the cluster. Whether a CIDR contains
  pod, node or load-balancer addresses cannot be known offline (and CNIs differ on whether ipBlock
  applies to pod IPs), so the evaluator assumes it might: it never reports a flow as blocked because of
  an ipBlock it cannot resolve. The price is that an ipBlock that in fact misses the peer goes unnoticed.
- Peers we cannot see are modelled conservatively too: "a pod in another namespace" (the ingress
  controller, Prometheus) has unknown labels, so any ``namespaceSelector`` that is not pinned to the
  pod's own namespace by ``kubernetes.io/metadata.name`` is assumed to admit it.

The evaluator is built once per context (:func:`evaluator`) and indexes policies by namespace and by
one label of their pod selector, so finding the policies that select a pod costs the size of the
answer, not the number of policies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from generator.validate.context import Context
from generator.validate.crossref import (
    NAMESPACE_NAME_LABEL,
    Selector,
    as_dict,
    as_list,
    int_or_str,
    memo,
    namespace_labels,
    parse_selector,
)
from generator.validate.model import Resource

Direction = Literal["ingress", "egress"]


@dataclass(frozen=True, slots=True)
class PortRule:
    protocol: str = "TCP"
    port: int | str | None = None  # None: every port of the protocol
    end_port: int | None = None

    def matches(self, dest: DestPort) -> bool:
        if self.protocol != dest.protocol:
            return False
        if self.port is None:
            return True
        if isinstance(self.port, int):
            if dest.number is None:
                return False
            return self.port <= dest.number <= max(self.port, self.end_port or self.port)
        return self.port in dest.names


@dataclass(frozen=True, slots=True)
class PeerRule:
    pod: Selector | None = None
    namespace: Selector | None = None
    ip_block: bool = False


@dataclass(frozen=True, slots=True)
class TrafficRule:
    peers: tuple[PeerRule, ...] | None  # None: every peer (no from/to)
    ports: tuple[PortRule, ...] | None  # None: every port


@dataclass(frozen=True, slots=True)
class Policy:
    resource: Resource
    namespace: str
    name: str
    pod_selector: Selector
    ingress: tuple[TrafficRule, ...] | None  # None: the policy does not isolate ingress
    egress: tuple[TrafficRule, ...] | None  # None: the policy does not isolate egress

    def rules(self, direction: Direction) -> tuple[TrafficRule, ...] | None:
        return self.ingress if direction == "ingress" else self.egress


@dataclass(frozen=True, slots=True)
class DestPort:
    """The destination port of a flow, as the destination pod sees it (after Service translation)."""

    number: int | None
    names: frozenset[str] = frozenset()  # container port names carrying this port on the destination
    protocol: str = "TCP"

    def describe(self) -> str:
        label = str(self.number) if self.number is not None else "/".join(sorted(self.names)) or "?"
        return f"{self.protocol}/{label}"


@dataclass(frozen=True, slots=True)
class Peer:
    """The other end of a flow: a known pod, a pod in some namespace we cannot see, or the outside."""

    description: str
    namespace: str | None = None  # None: an unknown namespace other than ``not_namespace``
    namespace_labels: Mapping[str, str] | None = None
    pod_labels: Mapping[str, str] | None = None  # None: unknown labels (any pod of that namespace)
    not_namespace: str = ""
    external: bool = False

    @classmethod
    def pod(cls, ctx: Context, namespace: str, labels: Mapping[str, str], description: str) -> Peer:
        return cls(description, namespace, namespace_labels(ctx, namespace), dict(labels))

    @classmethod
    def other_namespace(cls, namespace: str, description: str) -> Peer:
        """Some pod in some namespace other than ``namespace`` (an ingress controller, Prometheus)."""
        return cls(description, None, None, None, not_namespace=namespace)

    @classmethod
    def kube_dns(cls, ctx: Context) -> Peer:
        labels = namespace_labels(ctx, "kube-system")
        return cls("kube-dns", "kube-system", labels, {"k8s-app": "kube-dns"})


# CoreDNS / kube-dns listen on 53 with these container port names.
DNS_PORTS = (DestPort(53, frozenset({"dns"}), "UDP"), DestPort(53, frozenset({"dns-tcp"}), "TCP"))


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    isolated_by: tuple[str, ...] = ()  # names of the policies that isolate the pod in that direction

    @property
    def isolated(self) -> bool:
        return bool(self.isolated_by)


def _port_rules(value: object) -> tuple[PortRule, ...] | None:
    items = as_list(value)
    if not items:
        return None
    out: list[PortRule] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        end = item.get("endPort")
        out.append(
            PortRule(
                protocol=str(item.get("protocol") or "TCP"),
                port=int_or_str(item.get("port")),
                end_port=end if isinstance(end, int) and not isinstance(end, bool) else None,
            )
        )
    return tuple(out)


def _peer_rules(value: object) -> tuple[PeerRule, ...] | None:
    items = as_list(value)
    if not items:
        return None
    out: list[PeerRule] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        out.append(
            PeerRule(
                pod=parse_selector(item.get("podSelector")),
                namespace=parse_selector(item.get("namespaceSelector")),
                ip_block=isinstance(item.get("ipBlock"), dict),
            )
        )
    return tuple(out)


def _traffic_rules(value: object, peers_key: str) -> tuple[TrafficRule, ...]:
    out: list[TrafficRule] = []
    for item in as_list(value):
        if isinstance(item, dict):
            out.append(TrafficRule(_peer_rules(item.get(peers_key)), _port_rules(item.get("ports"))))
        elif item is None:
            out.append(TrafficRule(None, None))  # `- {}` written as a bare `-`: allows everything
    return tuple(out)


# Parsed ``ingress``/``egress`` lists by the identity of the loaded list (and the peers key), for the
# policies of one Evaluator.build: the CLI's loader makes equal sub-objects of a batch one object
# (pipeline._share_values), and NetworkPolicies repeat their rules (allow DNS, allow the ingress
# controller), so each distinct list is parsed once and its (immutable) rules are shared.
_RulesCache = dict[tuple[int, str], tuple[TrafficRule, ...]]


def _cached_rules(value: object, peers_key: str, cache: _RulesCache | None) -> tuple[TrafficRule, ...]:
    if cache is None or not isinstance(value, list):
        return _traffic_rules(value, peers_key)
    key = (id(value), peers_key)  # the lists outlive the cache: their resources hold them
    found = cache.get(key)
    if found is None:
        found = cache[key] = _traffic_rules(value, peers_key)
    return found


def parse_policy(res: Resource, cache: _RulesCache | None = None) -> Policy:
    """The evaluator's view of one NetworkPolicy (malformed parts are skipped, never raised)."""
    spec = as_dict(res.obj.get("spec"))
    selector = parse_selector(spec.get("podSelector")) or Selector()
    egress_rules = _cached_rules(spec.get("egress"), "to", cache)
    raw_types = spec.get("policyTypes")
    if isinstance(raw_types, list):
        types = {str(t) for t in raw_types}
    else:
        types = {"Ingress"} | ({"Egress"} if as_list(spec.get("egress")) else set())
    ingress = _cached_rules(spec.get("ingress"), "from", cache) if "Ingress" in types else None
    egress = egress_rules if "Egress" in types else None
    return Policy(res, res.namespace, res.name, selector, ingress, egress)


def _namespace_may_match(rule_ns: Selector | None, policy_ns: str, peer: Peer) -> bool:
    if rule_ns is None:  # podSelector alone: the policy's own namespace
        if peer.namespace is not None:
            return peer.namespace == policy_ns
        return policy_ns != peer.not_namespace
    if peer.namespace is not None:
        return rule_ns.matches(peer.namespace_labels or {NAMESPACE_NAME_LABEL: peer.namespace})
    pinned = rule_ns.pinned(NAMESPACE_NAME_LABEL)
    return pinned is None or bool(pinned - {peer.not_namespace})


def peer_matches(rule: PeerRule, policy_ns: str, peer: Peer) -> bool:
    """Whether one ``from``/``to`` entry of a policy in ``policy_ns`` may match ``peer``."""
    if rule.ip_block:
        return True  # conservative: see the module docstring
    if peer.external:
        return False
    if not _namespace_may_match(rule.namespace, policy_ns, peer):
        return False
    if rule.pod is None or peer.pod_labels is None:
        return True
    return rule.pod.matches(peer.pod_labels)


# Entries of Evaluator.selecting's cache: most label sets are one workload's (asked by the rules of that
# workload, one after the other); bounded so that it does not grow with the set.
_SELECTED_CACHE = 1024


@dataclass
class Evaluator:
    """NetworkPolicies of one context, indexed by namespace and by one pod-selector label."""

    policies: list[Policy] = field(default_factory=list)
    _select_all: dict[str, list[Policy]] = field(default_factory=dict)
    _by_label: dict[tuple[str, str, str], list[Policy]] = field(default_factory=dict)
    _scan: dict[str, list[Policy]] = field(default_factory=dict)
    _namespaces: frozenset[str] = frozenset()
    _by_resource: dict[int, Policy] = field(default_factory=dict)
    _selected: dict[tuple[str, frozenset[tuple[str, str]]], list[Policy]] = field(default_factory=dict)

    @classmethod
    def build(cls, resources: list[Resource]) -> Evaluator:
        cache: _RulesCache = {}
        policies = sorted((parse_policy(r, cache) for r in resources), key=lambda p: (p.namespace, p.name))
        select_all: dict[str, list[Policy]] = defaultdict(list)
        by_label: dict[tuple[str, str, str], list[Policy]] = defaultdict(list)
        scan: dict[str, list[Policy]] = defaultdict(list)
        for p in policies:
            if p.pod_selector.match_labels:
                k, v = p.pod_selector.match_labels[0]
                by_label[(p.namespace, k, v)].append(p)
            elif p.pod_selector.expressions:
                scan[p.namespace].append(p)
            else:
                select_all[p.namespace].append(p)
        namespaces = frozenset(p.namespace for p in policies)
        by_resource = {id(p.resource): p for p in policies}
        return cls(policies, dict(select_all), dict(by_label), dict(scan), namespaces, by_resource)

    def policy(self, res: Resource) -> Policy:
        """The parsed form of a NetworkPolicy resource of this context."""
        found = self._by_resource.get(id(res))
        return found if found is not None and found.resource is res else parse_policy(res)

    def selecting(self, namespace: str, labels: Mapping[str, str]) -> list[Policy]:
        """Every policy that selects a pod with ``labels`` in ``namespace`` (sorted by name)."""
        if namespace not in self._namespaces:
            return []
        key = (namespace, frozenset(labels.items()))
        cached = self._selected.get(key)
        if cached is not None:
            return cached
        found = list(self._select_all.get(namespace, []))
        found += [p for p in self._scan.get(namespace, []) if p.pod_selector.matches(labels)]
        for k, v in labels.items():
            found += [p for p in self._by_label.get((namespace, k, v), []) if p.pod_selector.matches(labels)]
        found.sort(key=lambda p: p.name)
        if len(self._selected) >= _SELECTED_CACHE:
            self._selected.clear()
        self._selected[key] = found
        return found

    def isolating(self, namespace: str, labels: Mapping[str, str], direction: Direction) -> list[Policy]:
        """The policies that select the pod and isolate it in ``direction`` (sorted by name)."""
        return [p for p in self.selecting(namespace, labels) if p.rules(direction) is not None]

    def evaluate(
        self, namespace: str, labels: Mapping[str, str], direction: Direction, peer: Peer, port: DestPort
    ) -> Verdict:
        """Whether the pod (``namespace``, ``labels``) may receive from / send to ``peer`` on ``port``."""
        policies = self.isolating(namespace, labels, direction)
        names = tuple(p.name for p in policies)
        if not policies:
            return Verdict(True, ())
        for p in policies:
            for rule in p.rules(direction) or ():
                if rule.ports is not None and not any(pr.matches(port) for pr in rule.ports):
                    continue
                if rule.peers is None or any(peer_matches(pr, p.namespace, peer) for pr in rule.peers):
                    return Verdict(True, names)
        return Verdict(False, names)

    def ingress(self, namespace: str, labels: Mapping[str, str], peer: Peer, port: DestPort) -> Verdict:
        return self.evaluate(namespace, labels, "ingress", peer, port)

    def egress(self, namespace: str, labels: Mapping[str, str], peer: Peer, port: DestPort) -> Verdict:
        return self.evaluate(namespace, labels, "egress", peer, port)


def evaluator(ctx: Context) -> Evaluator:
    """The evaluator for a context's NetworkPolicies (built once, on first use)."""
    return memo(ctx, "netpol_evaluator", lambda: Evaluator.build(ctx.by_kind("NetworkPolicy")))
