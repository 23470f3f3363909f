"""The offline NetworkPolicy evaluator (generator/validate/netpol.py): Kubernetes semantics, one case each."""

from __future__ import annotations

import gc
import textwrap
from typing import Any

import yaml

from generator.validate import crossref
from generator.validate.context import Context
from generator.validate.netpol import DNS_PORTS, DestPort, Evaluator, Peer, evaluator

TCP = DestPort(5000, frozenset({"http"}))


def _ctx(text: str) -> Context:
    return Context.from_objects([d for d in yaml.safe_load_all(textwrap.dedent(text)) if d], namespace="ml")


def _policy(name: str, spec: str, namespace: str = "ml") -> str:
    body = textwrap.indent(textwrap.dedent(spec).strip(), "  ")
    head = f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: {namespace}}}"
    return f"---\n{head}\nspec:\n{body}\n"


def _ev(*policies: str, extra: str = "") -> tuple[Context, Evaluator]:
    ctx = _ctx("".join(policies) + extra)
    return ctx, evaluator(ctx)


def _pod(ctx: Context, labels: dict[str, str], namespace: str = "ml") -> Peer:
    return Peer.pod(ctx, namespace, labels, "pod")


WEB = {"app": "web"}
DB = {"app": "db"}


def test_unselected_pod_is_not_isolated_and_allows_everything() -> None:
    ctx, ev = _ev(_policy("db-only", "podSelector: {matchLabels: {app: db}}\ningress: []"))
    verdict = ev.ingress("ml", WEB, _pod(ctx, DB), TCP)
    assert verdict.allowed and not verdict.isolated
    assert not ev.ingress("ml", DB, _pod(ctx, WEB), TCP).allowed


def test_policy_types_default_to_ingress_plus_egress_only_with_egress_rules() -> None:
    _, ev = _ev(
        _policy("in", "podSelector: {}\ningress: [{}]"),
        _policy("empty-egress", "podSelector: {}\negress: []"),
    )
    assert ev.isolating("ml", WEB, "egress") == []
    assert [p.name for p in ev.isolating("ml", WEB, "ingress")] == ["empty-egress", "in"]
    ctx2, ev2 = _ev(_policy("out", "podSelector: {}\negress: [{to: [{podSelector: {matchLabels: {app: db}}}]}]"))
    assert [p.name for p in ev2.isolating("ml", WEB, "egress")] == ["out"]
    assert [p.name for p in ev2.isolating("ml", WEB, "ingress")] == ["out"]  # Ingress is always a default type
    assert ev2.egress("ml", WEB, _pod(ctx2, DB), TCP).allowed
    assert not ev2.egress("ml", WEB, _pod(ctx2, {"app": "cache"}), TCP).allowed


def test_explicit_egress_type_without_rules_denies_all_egress() -> None:
    ctx, ev = _ev(_policy("deny", "podSelector: {}\npolicyTypes: [Egress]"))
    verdict = ev.egress("ml", WEB, _pod(ctx, DB), TCP)
    assert not verdict.allowed and verdict.isolated_by == ("deny",)
    assert ev.ingress("ml", WEB, _pod(ctx, DB), TCP).allowed  # not isolated for ingress


def test_policies_are_additive() -> None:
    ctx, ev = _ev(
        _policy("deny", "podSelector: {}\npolicyTypes: [Ingress]"),
        _policy(
            "allow-web",
            "podSelector: {matchLabels: {app: db}}\ningress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]",
        ),
    )
    assert ev.ingress("ml", DB, _pod(ctx, WEB), TCP).allowed
    assert not ev.ingress("ml", DB, _pod(ctx, {"app": "other"}), TCP).allowed
    assert not ev.ingress("ml", WEB, _pod(ctx, WEB), TCP).allowed


def test_rule_without_from_allows_every_peer_and_without_ports_every_port() -> None:
    ctx, ev = _ev(_policy("open", "podSelector: {}\ningress: [{ports: [{port: 5000}]}, {from: [{podSelector: {}}]}]"))
    assert ev.ingress("ml", WEB, Peer.other_namespace("ml", "x"), TCP).allowed
    assert not ev.ingress("ml", WEB, Peer.other_namespace("ml", "x"), DestPort(9090)).allowed
    assert ev.ingress("ml", WEB, _pod(ctx, DB), DestPort(9090)).allowed


def test_pod_selector_peer_is_limited_to_the_policy_namespace() -> None:
    ctx, ev = _ev(_policy("p", "podSelector: {}\ningress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]"))
    assert ev.ingress("ml", DB, _pod(ctx, WEB), TCP).allowed
    assert not ev.ingress("ml", DB, _pod(ctx, WEB, namespace="other"), TCP).allowed
    assert not ev.ingress("ml", DB, Peer.other_namespace("ml", "controller"), TCP).allowed


def test_namespace_selector_uses_name_label_and_namespace_object_labels() -> None:
    namespace = "---\n{apiVersion: v1, kind: Namespace, metadata: {name: monitoring, labels: {team: obs}}}\n"
    ctx, ev = _ev(
        _policy(
            "by-name",
            "podSelector: {matchLabels: {app: a}}\n"
            "ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}]}]",
        ),
        _policy(
            "by-label",
            "podSelector: {matchLabels: {app: b}}\n"
            "ingress: [{from: [{namespaceSelector: {matchLabels: {team: obs}}}]}]",
        ),
        extra=namespace,
    )
    assert ev.ingress("ml", {"app": "a"}, _pod(ctx, {}, namespace="ingress-nginx"), TCP).allowed
    assert not ev.ingress("ml", {"app": "a"}, _pod(ctx, {}, namespace="monitoring"), TCP).allowed
    assert ev.ingress("ml", {"app": "b"}, _pod(ctx, {}, namespace="monitoring"), TCP).allowed
    assert not ev.ingress("ml", {"app": "b"}, _pod(ctx, {}, namespace="ingress-nginx"), TCP).allowed


def test_namespace_and_pod_selector_in_one_peer_are_anded_in_two_peers_ored() -> None:
    anded = "podSelector: {}\ningress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: prom}}}]}]"
    ored = "podSelector: {}\ningress: [{from: [{namespaceSelector: {}}, {podSelector: {matchLabels: {app: prom}}}]}]"
    ctx, ev = _ev(_policy("and", anded))
    assert ev.ingress("ml", DB, _pod(ctx, {"app": "prom"}, namespace="mon"), TCP).allowed
    assert not ev.ingress("ml", DB, _pod(ctx, {"app": "grafana"}, namespace="mon"), TCP).allowed
    ctx, ev = _ev(_policy("or", ored))
    assert ev.ingress("ml", DB, _pod(ctx, {"app": "grafana"}, namespace="mon"), TCP).allowed


def test_other_namespace_peer_is_refused_only_when_pinned_to_the_own_namespace() -> None:
    pinned_own = (
        "podSelector: {}\ningress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ml}}}]}]"
    )
    pinned_in = (
        "podSelector: {}\ningress: [{from: [{namespaceSelector: {matchExpressions:"
        " [{key: kubernetes.io/metadata.name, operator: In, values: [ml, ingress]}]}}]}]"
    )
    peer = Peer.other_namespace("ml", "controller")
    assert not _ev(_policy("own", pinned_own))[1].ingress("ml", DB, peer, TCP).allowed
    assert _ev(_policy("in", pinned_in))[1].ingress("ml", DB, peer, TCP).allowed


def test_ip_block_is_treated_as_matching_any_peer() -> None:
    spec = (
        "podSelector: {}\npolicyTypes: [Ingress, Egress]\n"
        "ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]\n"
        "egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 53, protocol: UDP}]}]"
    )
    ctx, ev = _ev(_policy("ip", spec))
    assert ev.ingress("ml", DB, Peer.other_namespace("ml", "lb"), TCP).allowed
    assert ev.ingress("ml", DB, _pod(ctx, WEB), TCP).allowed
    assert ev.egress("ml", DB, Peer.kube_dns(ctx), DNS_PORTS[0]).allowed
    assert not ev.egress("ml", DB, Peer.kube_dns(ctx), DNS_PORTS[1]).allowed  # TCP/53 not listed


def test_ports_by_number_range_name_and_protocol() -> None:
    spec = (
        "podSelector: {}\ningress:\n"
        "- ports: [{port: 8000, endPort: 8010}]\n"
        "- ports: [{port: metrics}]\n"
        "- ports: [{port: 53, protocol: UDP}]\n"
    )
    ctx, ev = _ev(_policy("ports", spec))
    peer = _pod(ctx, WEB)
    assert ev.ingress("ml", DB, peer, DestPort(8005)).allowed
    assert not ev.ingress("ml", DB, peer, DestPort(8011)).allowed
    assert ev.ingress("ml", DB, peer, DestPort(9090, frozenset({"metrics"}))).allowed
    assert not ev.ingress("ml", DB, peer, DestPort(9090)).allowed
    assert ev.ingress("ml", DB, peer, DestPort(53, protocol="UDP")).allowed
    assert not ev.ingress("ml", DB, peer, DestPort(53, protocol="TCP")).allowed


def test_kube_dns_peer_matches_the_usual_dns_rules() -> None:
    spec = (
        "podSelector: {}\npolicyTypes: [Egress]\negress:\n"
        "- to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}},"
        " podSelector: {matchLabels: {k8s-app: kube-dns}}}]\n"
        "  ports: [{port: 53, protocol: UDP}, {port: dns-tcp, protocol: TCP}]\n"
    )
    ctx, ev = _ev(_policy("dns", spec))
    assert all(ev.egress("ml", WEB, Peer.kube_dns(ctx), p).allowed for p in DNS_PORTS)
    assert not ev.egress("ml", WEB, _pod(ctx, {"k8s-app": "kube-dns"}), DNS_PORTS[0]).allowed  # wrong namespace


def test_external_peer_matches_only_empty_from_or_ip_block() -> None:
    external = Peer("internet", external=True)
    _, ev = _ev(_policy("ns", "podSelector: {}\ningress: [{from: [{namespaceSelector: {}}]}]"))
    assert not ev.ingress("ml", WEB, external, TCP).allowed
    _, ev = _ev(_policy("all", "podSelector: {}\ningress: [{}]"))
    assert ev.ingress("ml", WEB, external, TCP).allowed


def test_selecting_uses_match_labels_and_expressions_and_stays_in_the_namespace() -> None:
    _, ev = _ev(
        _policy("b-labels", "podSelector: {matchLabels: {app: web, tier: front}}"),
        _policy("a-expr", "podSelector: {matchExpressions: [{key: app, operator: Exists}]}"),
        _policy("c-all", "podSelector: {}"),
        _policy("d-not", "podSelector: {matchExpressions: [{key: app, operator: NotIn, values: [web]}]}"),
        _policy("e-other-ns", "podSelector: {}", namespace="other"),
    )
    assert [p.name for p in ev.selecting("ml", {"app": "web", "tier": "front"})] == ["a-expr", "b-labels", "c-all"]
    assert [p.name for p in ev.selecting("ml", {"app": "web"})] == ["a-expr", "c-all"]
    assert [p.name for p in ev.selecting("ml", {})] == ["c-all", "d-not"]
    assert ev.selecting("nowhere", WEB) == []


def test_evaluator_is_built_once_per_context_and_dropped_with_it() -> None:
    ctx, ev = _ev(_policy("p", "podSelector: {}"))
    assert evaluator(ctx) is ev
    other = _ctx(_policy("p", "podSelector: {}"))
    assert evaluator(other) is not ev
    assert crossref.cache(ctx) is ctx.memos and ev in ctx.memos.values()
    # no module-level cache holds it: the only dict that refers to the evaluator is the context's own
    holders = [r for r in gc.get_referrers(ev) if isinstance(r, dict)]
    assert len(holders) == 1 and holders[0] is ctx.memos


def test_many_policies_select_through_the_index() -> None:
    policies = [
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": f"p{i}", "namespace": "ml"},
            "spec": {"podSelector": {"matchLabels": {"app": f"a{i}"}}},
        }
        for i in range(2000)
    ]
    objects: list[dict[str, Any]] = list(policies)
    ev = evaluator(Context.from_objects(objects, namespace="ml"))
    assert [p.name for p in ev.selecting("ml", {"app": "a1234"})] == ["p1234"]
    # the lookup touched one bucket, not 2000 policies
    assert len(ev._by_label[("ml", "app", "a1234")]) == 1


def test_rules_a_loader_shared_between_policies_are_parsed_once_and_still_evaluated_per_policy() -> None:
    # The CLI's loader makes equal sub-objects one object (pipeline._share_values): two policies in two
    # namespaces hold the same ingress list. Each keeps its own namespace when evaluated.
    allow_web = [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}], "ports": [{"port": 5000}]}]
    objects: list[dict[str, Any]] = [
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": "db", "namespace": namespace},
            "spec": {"podSelector": {"matchLabels": {"app": "db"}}, "ingress": allow_web},
        }
        for namespace in ("a", "b")
    ]
    ctx = Context.from_objects(objects)
    ev = evaluator(ctx)
    first, second = ev.policies
    assert first.ingress is second.ingress  # parsed once
    assert ev.ingress("a", DB, _pod(ctx, WEB, "a"), TCP).allowed
    assert not ev.ingress("a", DB, _pod(ctx, WEB, "b"), TCP).allowed  # a podSelector alone: its own namespace
    assert ev.ingress("b", DB, _pod(ctx, WEB, "b"), TCP).allowed
    # Equal lists that are distinct objects are parsed each on their own (identity, not equality).
    objects[1]["spec"]["ingress"] = [dict(allow_web[0])]
    first, second = evaluator(Context.from_objects(objects)).policies
    assert first.ingress == second.ingress and first.ingress is not second.ingress
