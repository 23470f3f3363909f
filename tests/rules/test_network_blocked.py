"""network-blocked: NetworkPolicies that deny DNS, Service calls, the ingress controller or Prometheus."""

from __future__ import annotations

import textwrap

import yaml

from generator.validate.context import Context
from generator.validate.model import Finding, Resource
from generator.validate.rules import documentation
from generator.validate.rules import network_blocked as rule
from generator.validate.rules.network_blocked import ServiceRef, service_refs


def _run(text: str) -> list[tuple[Resource, Finding]]:
    ctx = Context.from_objects([d for d in yaml.safe_load_all(textwrap.dedent(text)) if d], namespace="ml")
    return [(r, f) for r in ctx.resources if rule.KINDS is None or r.kind in rule.KINDS for f in rule.check(ctx, r)]


def _found(text: str) -> list[tuple[str, str, str]]:
    return sorted((r.kind, r.name, f.path) for r, f in _run(text))


def _policy(name: str, spec: str) -> str:
    spec = spec.replace("$NS", "kubernetes.io/metadata.name")
    body = textwrap.indent(textwrap.dedent(spec).strip(), "  ")
    return f"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}}}\nspec:\n{body}\n"


APPS = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: mlflow}
spec:
  template:
    metadata: {labels: {app: mlflow}}
    spec:
      containers:
        - name: mlflow
          image: mlflow:2.10.0
          command: [mlflow, server]
          args: ["--backend-store-uri=postgresql://u:$(PW)@postgres.ml.svc.cluster.local:5432/mlflow"]
          ports: [{name: http, containerPort: 5000}]
          env:
            - {name: MLFLOW_S3_ENDPOINT_URL, value: "http://minio:9000"}
            - {name: UNRELATED, value: "mlflow"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: postgres}
spec:
  template:
    metadata: {labels: {app: postgres}}
    spec: {containers: [{name: pg, image: "postgres:16.4", ports: [{name: pg, containerPort: 5432}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: minio}
spec:
  template:
    metadata: {labels: {app: minio}}
    spec: {containers: [{name: minio, image: "minio:2024", ports: [{name: api, containerPort: 9000}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: postgres}
spec: {selector: {app: postgres}, ports: [{port: 5432, targetPort: pg}]}
---
{apiVersion: v1, kind: Service, metadata: {name: minio}, spec: {selector: {app: minio}, ports: [{port: 9000}]}}
---
apiVersion: v1
kind: Service
metadata: {name: mlflow, labels: {app: mlflow}}
spec: {selector: {app: mlflow}, ports: [{name: http, port: 80, targetPort: http}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: mlflow}
spec:
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: mlflow, port: {number: 80}}}}]}}]
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: mlflow}
spec:
  selector: {matchLabels: {app: mlflow}}
  endpoints: [{port: http, path: /metrics}]
"""

DNS = """
- to:
  - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
    podSelector: {matchLabels: {k8s-app: kube-dns}}
  ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
"""

GOOD_MLFLOW = (
    """
podSelector: {matchLabels: {app: mlflow}}
policyTypes: [Ingress, Egress]
ingress:
- from:
  - namespaceSelector: {matchLabels: {$NS: ingress-nginx}}
  - namespaceSelector: {matchLabels: {$NS: monitoring}}
  ports: [{port: http}]
egress:
- to: [{podSelector: {matchLabels: {app: postgres}}}]
  ports: [{port: 5432}]
- to: [{podSelector: {matchLabels: {app: minio}}}]
  ports: [{port: 9000}]
"""
    + DNS
)

GOOD_BACKENDS = """
podSelector: {matchExpressions: [{key: app, operator: In, values: [postgres, minio]}]}
ingress:
- from: [{podSelector: {matchLabels: {app: mlflow}}}]
"""

POD = "/spec/template/spec/containers/0"


def test_passes_when_policies_allow_every_needed_flow() -> None:
    assert _run(APPS + _policy("mlflow", GOOD_MLFLOW) + _policy("backends", GOOD_BACKENDS)) == []


def test_passes_without_any_network_policy() -> None:
    assert _run(APPS) == []


def test_fires_on_the_policy_when_egress_lacks_dns() -> None:
    spec = GOOD_MLFLOW.replace(DNS, "\n")
    found = _run(APPS + _policy("mlflow", spec) + _policy("backends", GOOD_BACKENDS))
    assert [(r.kind, f.path) for r, f in found] == [("NetworkPolicy", "/spec/egress")]
    assert "Deployment mlflow" in found[0][1].message and "UDP+TCP" in found[0][1].message


def test_passes_when_only_udp_dns_is_allowed() -> None:
    # lookups go over UDP; TCP only carries answers truncated over UDP, which a Service name's never is
    spec = GOOD_MLFLOW.replace("{port: 53, protocol: UDP}, {port: 53, protocol: TCP}", "{port: 53, protocol: UDP}")
    assert _run(APPS + _policy("mlflow", spec) + _policy("backends", GOOD_BACKENDS)) == []


def test_fires_when_only_tcp_dns_is_allowed() -> None:
    spec = GOOD_MLFLOW.replace("{port: 53, protocol: UDP}, {port: 53, protocol: TCP}", "{port: 53, protocol: TCP}")
    found = _run(APPS + _policy("mlflow", spec) + _policy("backends", GOOD_BACKENDS))
    assert len(found) == 1 and "(UDP port 53 to kube-dns is denied)" in found[0][1].message


def test_dns_is_reported_once_on_the_policy_with_egress_rules() -> None:
    deny = "podSelector: {}\npolicyTypes: [Egress]"
    spec = GOOD_MLFLOW.replace(DNS, "\n")
    found = _found(APPS + _policy("a-deny-all", deny) + _policy("mlflow", spec) + _policy("backends", GOOD_BACKENDS))
    # mlflow's missing DNS goes to "mlflow" (it has egress rules); postgres/minio only have the deny-all
    dns = [f for f in found if f[0] == "NetworkPolicy"]
    assert dns == [("NetworkPolicy", "a-deny-all", "/spec/policyTypes/0"), ("NetworkPolicy", "mlflow", "/spec/egress")]


def test_dns_allowed_to_any_destination_passes() -> None:
    spec = GOOD_MLFLOW.replace(DNS, "\n- ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]\n")
    assert _run(APPS + _policy("mlflow", spec) + _policy("backends", GOOD_BACKENDS)) == []


def test_fires_on_the_env_value_when_egress_denies_the_service_port() -> None:
    spec = GOOD_MLFLOW.replace("ports: [{port: 9000}]", "ports: [{port: 9001}]")
    found = _run(APPS + _policy("mlflow", spec) + _policy("backends", GOOD_BACKENDS))
    assert [(r.name, f.path) for r, f in found] == [("mlflow", f"{POD}/env/0/value")]
    assert "minio" in found[0][1].message and "egress" in found[0][1].message and "TCP/9000" in found[0][1].message


def test_fires_on_the_argument_when_the_target_ingress_denies_the_caller() -> None:
    backends = GOOD_BACKENDS.replace(
        "{podSelector: {matchLabels: {app: mlflow}}}", "{podSelector: {matchLabels: {app: other}}}"
    )
    found = _found(APPS + _policy("mlflow", GOOD_MLFLOW) + _policy("backends", backends))
    assert found == [("Deployment", "mlflow", f"{POD}/args/0"), ("Deployment", "mlflow", f"{POD}/env/0/value")]


def test_fires_on_the_ingress_backend_when_no_other_namespace_is_admitted() -> None:
    spec = GOOD_MLFLOW.replace(
        "  - namespaceSelector: {matchLabels: {$NS: ingress-nginx}}\n"
        "  - namespaceSelector: {matchLabels: {$NS: monitoring}}\n",
        "  - podSelector: {}\n",
    )
    assert spec != GOOD_MLFLOW
    found = _found(APPS + _policy("mlflow", spec) + _policy("backends", GOOD_BACKENDS))
    assert found == [
        ("Ingress", "mlflow", "/spec/rules/0/http/paths/0/backend/service/name"),
        ("ServiceMonitor", "mlflow", "/spec/endpoints/0/port"),
    ]


def test_fires_on_the_servicemonitor_when_the_metrics_port_is_not_admitted() -> None:
    spec = GOOD_MLFLOW.replace("namespaceSelector: {matchLabels: {$NS: monitoring}}", "podSelector: {}")
    assert spec != GOOD_MLFLOW
    found = _found(APPS.replace("{port: http, path: /metrics}", "{targetPort: 5000}") + _policy("mlflow", spec))
    assert [f for f in found if f[0] != "NetworkPolicy"] == []  # ingress-nginx namespace is still admitted
    spec = spec.replace("ports: [{port: http}]", "ports: [{port: http}]\n- from: [{podSelector: {}}]")
    spec = spec.replace("{port: http}", "{port: 8080}", 1)
    found = _found(APPS.replace("{port: http, path: /metrics}", "{targetPort: 5000}") + _policy("mlflow", spec))
    assert ("ServiceMonitor", "mlflow", "/spec/endpoints/0/targetPort") in found


def test_service_refs_forms() -> None:
    # api.example.com has no "svc" label: an external host, not a candidate
    refs = service_refs("http://minio:9000 postgres.db:5432 redis.cache.svc.cluster.local api.example.com", "ml")
    assert refs == [
        ServiceRef("ml", "minio", 9000, "http"),
        ServiceRef("db", "postgres", 5432, ""),
        ServiceRef("cache", "redis", None, ""),
    ]
    assert service_refs("mlflow", "ml") == []
    assert service_refs("--default-artifact-root=s3://mlflow/ gs://minio/x file://postgres/y", "ml") == []
    assert service_refs("mlflow", "ml", whole_value=True) == [ServiceRef("ml", "mlflow", None, "")]
    assert service_refs("--backend-store-uri=postgresql://u:p@db:5432/x", "ml") == [
        ServiceRef("ml", "db", 5432, "postgresql")
    ]


def _doc_example(label: str) -> str:
    doc = documentation(rule)
    block = doc.split("PASS:", 1)[1].split("FAIL:", 1)[0] if label == "PASS" else doc.split("FAIL:", 1)[1]
    return textwrap.dedent(block)


def test_docstring_pass_example_passes_and_fail_example_fires() -> None:
    passing, failing = _doc_example("PASS"), _doc_example("FAIL")
    assert _run(passing) == []
    assert sorted(r.kind for r, _ in _run(failing)) == ["Ingress", "NetworkPolicy"]


def test_bare_host_in_env_counts_only_for_host_like_variable_names() -> None:
    spec = GOOD_MLFLOW.replace("ports: [{port: 5432}]", "ports: [{port: 5433}]")
    base = APPS.replace('"--backend-store-uri=postgresql://u:$(PW)@postgres.ml.svc.cluster.local:5432/mlflow"', "--x")
    policies = _policy("mlflow", spec) + _policy("backends", GOOD_BACKENDS)
    host = base.replace('{name: UNRELATED, value: "mlflow"}', '{name: DB_HOST, value: "postgres"}')
    assert _found(host + policies) == [("Deployment", "mlflow", f"{POD}/env/1/value")]
    user = base.replace('{name: UNRELATED, value: "mlflow"}', '{name: POSTGRES_USER, value: "postgres"}')
    assert _found(user + policies) == []


def test_passes_for_host_lists_and_the_workloads_own_service() -> None:
    spec = GOOD_MLFLOW.replace("ports: [{port: 9000}]", "ports: [{port: 9001}]")
    policies = _policy("mlflow", spec) + _policy("backends", GOOD_BACKENDS)
    assert len(_run(APPS + policies)) == 1  # the MLFLOW_S3_ENDPOINT_URL call is blocked
    allowed = APPS.replace("MLFLOW_S3_ENDPOINT_URL", "MLFLOW_SERVER_ALLOWED_HOSTS")
    assert _run(allowed + policies) == []
    no_proxy = APPS.replace("MLFLOW_S3_ENDPOINT_URL", "NO_PROXY")
    assert _run(no_proxy + policies) == []
    own = APPS.replace('"http://minio:9000"', '"http://mlflow.ml.svc:80"')
    deny_self = policies.replace("ports: [{port: http}]", "ports: [{port: 1}]")
    assert _run(own + deny_self) == [r for r in _run(own + deny_self) if r[0].kind != "Deployment"]


def test_service_refs_skip_the_scans_only_where_they_find_nothing() -> None:
    """``service_refs`` returns early for text without ":" and "." (most env values and args): on random
    text it gives what the two regex scans give (the scans below, as they were before the early return)."""
    import random

    from generator.validate.rules import network_blocked as nb

    def scanned(text: str, namespace: str, whole_value: bool) -> list[nb.ServiceRef]:
        out: list[nb.ServiceRef] = []
        spans: list[tuple[int, int]] = []
        for m in nb._URL.finditer(text):
            spans.append(m.span())
            if m.group("scheme").lower() in nb.NON_NETWORK_SCHEMES:
                continue
            ref = nb._to_ref(m.group("host"), m.group("port"), m.group("scheme").lower(), namespace, single_ok=True)
            if ref is not None:
                out.append(ref)
        for m in nb._HOST.finditer(text):
            if any(a <= m.start() < b for a, b in spans):
                continue
            port = m.group("port")
            single_ok = port is not None or (whole_value and text.strip() == m.group(0))
            ref = nb._to_ref(m.group("host"), port, "", namespace, single_ok=single_ok)
            if ref is not None:
                out.append(ref)
        return out

    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice("ab0-_ .:@/Xs\n") for _ in range(rng.randrange(0, 16)))
        whole = rng.random() < 0.5
        assert nb.service_refs(text, "ns", whole_value=whole) == scanned(text, "ns", whole), (text, whole)
    assert nb.service_refs(" postgres ", "ns", whole_value=True) == [nb.ServiceRef("ns", "postgres", None, "")]


# hostNetwork pods: NetworkPolicy behaviour is undefined for them and most plugins ignore them
# (kubernetes/website concepts/services-networking/network-policies.md), as with MetalLB's speaker.
SPEAKER = """
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: speaker}
spec:
  selector: {matchLabels: {app: speaker}}
  template:
    metadata: {labels: {app: speaker}}
    spec:
      hostNetwork: HOST
      containers:
        - {name: speaker, image: "quay.io/metallb/speaker:v0.14.9", ports: [{name: metrics, containerPort: 7472}]}
---
apiVersion: v1
kind: Service
metadata: {name: speaker-metrics, labels: {app: speaker}}
spec:
  selector: {app: speaker}
  ports: [{name: metrics, port: 7472, targetPort: metrics}]
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: speaker}
spec:
  selector: {matchLabels: {app: speaker}}
  endpoints: [{port: metrics}]
"""
DENY_ALL = _policy("default-deny", "podSelector: {}\npolicyTypes: [Ingress, Egress]")


def test_a_host_network_pod_is_not_reported_as_refusing_or_denied() -> None:
    found = _found(SPEAKER.replace("HOST", "false") + DENY_ALL)
    assert found == [
        ("NetworkPolicy", "default-deny", "/spec/policyTypes/1"),
        ("ServiceMonitor", "speaker", "/spec/endpoints/0/port"),
    ]
    assert _found(SPEAKER.replace("HOST", "true") + DENY_ALL) == []


def test_non_isolated_pod_leaves_host_network_pods_out() -> None:
    from generator.validate.rules import non_isolated_pod

    def run(text: str) -> list[str]:
        ctx = Context.from_objects([d for d in yaml.safe_load_all(textwrap.dedent(text)) if d], namespace="ml")
        return [r.name for r in ctx.resources if r.kind == "DaemonSet" for _ in non_isolated_pod.check(ctx, r)]

    assert run(SPEAKER.replace("HOST", "false")) == ["speaker"]
    assert run(SPEAKER.replace("HOST", "true")) == []


def test_dns_names_each_workload_once() -> None:
    # the same Deployment in two files of one directory (a duplicate-resource error of its own) is named once
    twice = APPS + "---\n" + APPS.split("---")[0]
    found = _run(twice + _policy("mlflow", GOOD_MLFLOW.replace(DNS, "\n")) + _policy("backends", GOOD_BACKENDS))
    [dns] = [f for r, f in found if r.kind == "NetworkPolicy"]
    assert dns.message.count("Deployment mlflow") == 1, dns.message
