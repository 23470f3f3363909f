"""Benchmark of `gitops-gen validate`: resources/second and peak RSS on a generated corpus.

Builds 20,000 realistic resources (Deployments, Services, ConfigMaps, Ingresses, NetworkPolicies,
CronJobs, PodDisruptionBudgets; about 0.5% with a defect) as multi-document YAML files in a temporary
directory, then, in one process:

1. schema only: the real loader (``load_inputs``) + the schema rules;
2. full: the real loader + every registered rule (cross-resource rules included).

Run: ``python bench/validate_bench.py [--resources N] [--profile prod]``. Prints one line per pass and the
peak RSS of the process (``resource.getrusage``). Rates are resources per second of CPU time of this
process (one core; immune to other load on the machine), with the wall-clock rate beside them. Not a
test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from generator.validate.engine import SCHEMA_RULES, validate_resources
from generator.validate.load import load_inputs
from generator.validate.schemas import SchemaStore


def _labels(app: str, indent: str) -> str:
    return (
        f"{indent}app.kubernetes.io/name: {app}\n"
        f"{indent}app.kubernetes.io/component: server\n"
        f"{indent}app.kubernetes.io/part-of: mlflow-platform\n"
        f"{indent}app.kubernetes.io/managed-by: gitops-gen\n"
        f"{indent}app.kubernetes.io/instance: {app}\n"
    )


def app_documents(i: int) -> list[str]:
    """The seven documents of application ``i``; every 100th application carries one defect."""
    app = f"app-{i:05d}"
    ns = f"team-{i % 40:02d}"
    bad = i % 100 == 7
    replicas = '"2"' if bad else "2"  # a string where an integer is required: schema-invalid
    port_key = "containerport" if i % 100 == 37 else "containerPort"  # unknown-field
    deployment = f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {app}
  namespace: {ns}
  labels:
{_labels(app, "    ")}  annotations:
    argocd.argoproj.io/sync-wave: "2"
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app.kubernetes.io/name: {app}
  template:
    metadata:
      labels:
{_labels(app, "        ")}    spec:
      serviceAccountName: default
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    app.kubernetes.io/name: {app}
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        fsGroup: 10001
      containers:
        - name: server
          image: registry.example.com/{app}:1.{i % 17}.{i % 5}
          args: ["--port", "8080", "--workers", "4"]
          ports:
            - name: http
              {port_key}: 8080
          env:
            - name: APP_CONFIG
              valueFrom:
                configMapKeyRef:
                  name: {app}-config
                  key: settings
            - name: LOG_LEVEL
              value: info
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{cpu: 500m, memory: 256Mi}}
          readinessProbe:
            httpGet: {{path: /ready, port: http}}
          livenessProbe:
            httpGet: {{path: /healthz, port: http}}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {{drop: [ALL]}}
"""
    service = f"""apiVersion: v1
kind: Service
metadata:
  name: {app}
  namespace: {ns}
  labels:
{_labels(app, "    ")}spec:
  selector:
    app.kubernetes.io/name: {app}
  ports:
    - name: http
      port: 80
      targetPort: http
"""
    configmap = f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: {app}-config
  namespace: {ns}
data:
  settings: |
    workers = 4
    timeout = 30
  enabled: {"yes" if i % 100 == 57 else '"true"'}
"""
    ingress = f"""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {app}
  namespace: {ns}
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
spec:
  ingressClassName: nginx
  tls:
    - hosts: [{app}.example.com]
      secretName: {app}-tls
  rules:
    - host: {app}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {app}
                port:
                  name: http
"""
    netpol = f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {app}
  namespace: {ns}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/instance: {app}
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: ingress-nginx
      ports:
        - port: 8080
  egress:
    - to:
        - namespaceSelector: {{}}
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - {{port: 53, protocol: UDP}}
        - {{port: 53, protocol: TCP}}
"""
    cron_api = "batch/v1beta1" if i % 100 == 77 else "batch/v1"  # deprecated-api
    cronjob = f"""apiVersion: {cron_api}
kind: CronJob
metadata:
  name: {app}-report
  namespace: {ns}
spec:
  schedule: "{i % 60} 3 * * *"
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: 600
  jobTemplate:
    spec:
      ttlSecondsAfterFinished: 3600
      template:
        metadata:
          labels:
            app.kubernetes.io/name: {app}-report
            app.kubernetes.io/instance: {app}
        spec:
          restartPolicy: OnFailure
          securityContext:
            runAsNonRoot: true
            runAsUser: 10001
          containers:
            - name: report
              image: registry.example.com/{app}-report:1.0.{i % 9}
              args: ["report", "--since", "24h"]
              resources:
                requests: {{cpu: 50m, memory: 64Mi}}
                limits: {{cpu: 200m, memory: 128Mi}}
              securityContext:
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
"""
    pdb = f"""apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {app}
  namespace: {ns}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: {app}
"""
    return [deployment, service, configmap, ingress, netpol, cronjob, pdb]


def build_corpus(directory: Path, resources: int, per_file: int = 120) -> int:
    docs: list[str] = []
    i = 0
    while len(docs) < resources:
        docs.extend(app_documents(i))
        i += 1
    docs = docs[:resources]
    for n in range(0, len(docs), per_file):
        (directory / f"part-{n // per_file:04d}.yaml").write_text("---\n".join(docs[n : n + per_file]))
    return len(docs)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_pass(
    corpus: Path, store: SchemaStore, profile: str, only: frozenset[str] | None
) -> tuple[int, float, float, Counter[str]]:
    """Load + validate once; returns (resources, CPU seconds, wall seconds, findings per rule)."""
    wall, cpu = time.perf_counter(), time.process_time()
    resources = load_inputs([str(corpus)], repo=corpus, default_namespace="default")
    loaded_cpu = time.process_time()
    report = validate_resources(resources, profile=profile, schemas=store, only=only)
    done_wall, done_cpu = time.perf_counter(), time.process_time()
    count = len(resources)
    rules = Counter(f.rule for f in report.findings)
    print(
        f"  load {count / (loaded_cpu - cpu):8.0f} res/s CPU | "
        f"validate {count / (done_cpu - loaded_cpu):8.0f} res/s CPU"
        f" | total {done_cpu - cpu:6.2f}s CPU, {done_wall - wall:6.2f}s wall",
        file=sys.stderr,
    )
    del resources, report
    gc.collect()
    return count, done_cpu - cpu, done_wall - wall, rules


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--resources", type=int, default=20_000)
    parser.add_argument("--profile", default="prod")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="validate-bench-") as tmp:
        corpus = Path(tmp)
        # The corpus is written by a child process, so this process's peak RSS is validation only.
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            total = pool.apply(build_corpus, (corpus, args.resources))
        store = SchemaStore("1.33")
        print(f"corpus: {total} resources in {len(list(corpus.glob('*.yaml')))} files", file=sys.stderr)
        results = {}
        for name, only in (("schema-only", SCHEMA_RULES), ("full", None)):
            print(f"{name}:", file=sys.stderr)
            count, cpu, wall, rules = run_pass(corpus, store, args.profile, only)
            results[name] = (count / cpu, count / wall, rules)
        for name, (rate, wall_rate, rules) in results.items():
            top = ", ".join(f"{rule}={n}" for rule, n in sorted(rules.items()))
            print(f"{name:12s} {rate:8.0f} resources/s (CPU time; {wall_rate:.0f}/s wall clock)  findings: {top}")
        print(f"peak RSS     {peak_rss_mb():8.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
