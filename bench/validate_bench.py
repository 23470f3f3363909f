"""Benchmark of `gitops-gen validate` as users run it, side by side with kubeconform.

Generates a corpus of Kubernetes manifests in a temporary directory, then times, as child processes, in
interleaved rounds (A B C A B C ...; load on the shared machine hits every command alike):

- ``gitops-gen validate DIR --format json --jobs 1 --kubernetes-version 1.33.0`` (report written to a file),
- the same with ``--jobs N`` (N = the number of cores, the default) and with text output,
- ``kubeconform -n 1 -strict -summary`` on the same files (when a binary is on PATH or given with
  ``--kubeconform``), against the same Kubernetes schemas: kubernetes-validate's bundled 1.33 schemas
  with their ``$ref``s inlined into a local folder in kubeconform's own layout
  (``v1.33.0-standalone-strict/<kind>-<group>-<version>.json``); the exact command is printed.

Two corpora (``--corpus realistic|findings|both``, default both):

- realistic: 20,000 resources (Deployments, Services, ConfigMaps, Ingresses, NetworkPolicies, CronJobs)
  in about 7,000 files of 1 to 6 documents; ~5% schema errors, YAML edge cases (YAML 1.1 booleans, octal,
  anchors and merge keys, block scalars, flow style, a ``kind: List``, JSON files), a few findings per
  resource on average;
- findings: the same mix where nearly every resource has several findings (no probes, no resources,
  root, latest tags, dangling references), so positions and the report dominate.

For each command: CPU seconds (user + system of the child, ``os.wait4``), wall seconds, resources/s
(wall) and the child's peak RSS, the median over rounds (gitops-gen's modules are compiled to bytecode
first, as ``pip install`` does); the ratio gitops-gen / kubeconform in throughput (wall and CPU) per round,
and the targets with PASS/FAIL. ``--scale 200000`` also times ``--jobs 1`` on a 10x corpus (linear cost
target), between two runs of the 20k corpus whose mean is the base, and checks that memory stays bounded:
the 10x corpus's peak RSS at most 2x the 20k runs' (sub-linear; linear growth is 10x). Also checks that the
JSON report is byte-identical for every ``--jobs``.

Run: ``python3 bench/validate_bench.py [--resources 20000] [--rounds 3] [--kubeconform PATH]``.
Not a test: figures depend on the machine and its load (printed with the figures).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
K8S_VERSION = "1.33.0"

# ------------------------------------------------------------------------------------------ corpus


def _labels(app: str, indent: str) -> str:
    return (
        f"{indent}app.kubernetes.io/name: {app}\n"
        f"{indent}app.kubernetes.io/part-of: platform\n"
        f"{indent}app.kubernetes.io/instance: {app}\n"
    )


def _container(app: str, i: int, heavy: bool) -> str:
    """The Deployment's container; ``heavy`` drops the hardening (several findings per workload)."""
    port_key = "containerport" if i % 40 == 37 else "containerPort"  # unknown-field (schema)
    if heavy:
        return f"""        - name: server
          image: {app}:latest
          ports:
            - name: http
              {port_key}: 8080
          env:
            - name: DB_PASSWORD
              value: hunter2-{i}
            - name: APP_CONFIG
              valueFrom:
                configMapKeyRef: {{name: {app}-missing, key: settings}}
            - name: DB_PASSWORD
              value: dup
          securityContext:
            privileged: {"true" if i % 2 else "false"}
"""
    return f"""        - name: server
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


def app_documents(i: int, heavy: bool = False) -> list[str]:
    """The six documents of application ``i`` (YAML text each)."""
    app = f"app-{i:05d}"
    ns = f"team-{i % 40:02d}"
    replicas = '"2"' if i % 40 == 7 else ("1" if heavy else "2")  # a string: schema-invalid
    pod_security = (
        ""
        if heavy
        else """      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        fsGroup: 10001
"""
    )
    deployment = f"""# {app}: the server
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {app}
  namespace: {ns}
  labels: &labels
{_labels(app, "    ")}  annotations:
    argocd.argoproj.io/sync-wave: "2"
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app.kubernetes.io/name: {app}
  template:
    metadata:
      labels: *labels
    spec:
{pod_security}      containers:
{_container(app, i, heavy)}"""
    if i % 5 != 0:  # anchors are a YAML edge case of a minority of files
        deployment = deployment.replace("labels: &labels\n", "labels:\n").replace(
            "      labels: *labels\n", "      labels:\n" + _labels(app, "        ")
        )
    target = "web" if heavy and i % 3 == 0 else "http"  # port-mismatch / dangling-service in the heavy mix
    selector = f"{app}-gone" if heavy and i % 3 == 1 else app
    service = f"""apiVersion: v1
kind: Service
metadata:
  name: {app}
  namespace: {ns}
  labels:
{_labels(app, "    ")}spec:
  type: {"NodePort" if heavy else "ClusterIP"}
  selector:
    app.kubernetes.io/name: {selector}
  ports:
    - name: http
      port: 80
      targetPort: {target}
"""
    enabled = "yes" if i % 40 == 17 else '"true"'  # an unquoted YAML 1.1 boolean: schema-invalid
    mode = "0644" if i % 9 == 0 else '"0644"'  # octal for kubectl: schema-invalid in a ConfigMap
    configmap = f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: {app}-config
  namespace: {ns}
data:
  settings: |
    workers = 4
    timeout = 30
    password = {"s3cr3t" if heavy else "from-env"}
  enabled: {enabled}
  mode: {mode}
  folded: >-
    a folded
    line
"""
    tls = f"  tls:\n    - hosts: [{app}.example.com]\n      secretName: {app}-tls\n"
    ingress_api = "extensions/v1beta1" if i % 40 == 27 else "networking.k8s.io/v1"  # removed API
    ingress = f"""apiVersion: {ingress_api}
kind: Ingress
metadata:
  name: {app}
  namespace: {ns}
  annotations: {{cert-manager.io/cluster-issuer: letsencrypt}}
spec:
  ingressClassName: nginx
{"" if heavy else tls}  rules:
    - host: {app}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {app if not heavy else app + "-nope"}
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
{"" if heavy else "        - {port: 53, protocol: UDP}" + chr(10)}        - {{port: 53, protocol: TCP}}
"""
    cronjob = f"""apiVersion: batch/v1
kind: CronJob
metadata:
  name: {app}-report
  namespace: {ns}
spec:
  schedule: "{i % 60} 3 * * *"
  {"concurrencyPolicy: Forbid" if not heavy else "suspend: false"}
  jobTemplate:
    spec:
      {"ttlSecondsAfterFinished: 3600" if not heavy else "backoffLimit: 2"}
      template:
        metadata:
          labels:
            app.kubernetes.io/name: {app}-report
            app.kubernetes.io/instance: {app}
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: registry.example.com/{app}-report{":1.0." + str(i % 9) if not heavy else ""}
              args: ["report", "--since", "24h"]
{
        ""
        if heavy
        else '''              resources:
                requests: {cpu: 50m, memory: 64Mi}
                limits: {cpu: 200m, memory: 128Mi}
              securityContext:
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                runAsNonRoot: true
'''
    }"""
    return [deployment, service, configmap, ingress, netpol, cronjob]


def _as_list(docs: list[str]) -> str:
    """Documents wrapped into one ``kind: List`` (a YAML edge case kubectl expands)."""
    items = "".join("  - " + doc.replace("\n", "\n    ").rstrip() + "\n" for doc in docs)
    return f"apiVersion: v1\nkind: List\nitems:\n{items}"


def build_corpus(directory: Path, resources: int, heavy: bool = False) -> tuple[int, int]:
    """Write the corpus; returns (resources, files). Files hold 1 to 6 documents, one directory per team."""
    written = files = 0
    i = 0
    while written < resources:
        docs = app_documents(i, heavy)[: resources - written]
        team = directory / f"team-{i % 40:02d}"
        team.mkdir(exist_ok=True)
        app = f"app-{i:05d}"
        if i % 50 == 3:  # a List of three items
            groups = [(f"{app}.yaml", _as_list(docs[:3])), (f"{app}-extra.yaml", "---\n".join(docs[3:]))]
        elif i % 3 == 0:
            groups = [(f"{app}.yaml", "---\n".join(docs))]
        elif i % 3 == 1:
            groups = [(f"{app}.yaml", "---\n".join(docs[:3])), (f"{app}-extra.yaml", "---\n".join(docs[3:]))]
        else:
            groups = [(f"{app}-{n}.yaml", doc) for n, doc in enumerate(docs[:2])]
            groups.append((f"{app}-rest.yaml", "---\n".join(docs[2:])))
        for name, text in groups:
            if text.strip():
                (team / name).write_text(text)
                files += 1
        written += len(docs)
        i += 1
    return written, files


# ------------------------------------------------------------------------------------------ kubeconform


def kubeconform_schemas(directory: Path, version: str = K8S_VERSION) -> Path:
    """kubernetes-validate's strict schemas of ``version`` with every ``$ref`` inlined, written in the
    layout kubeconform looks for under a local ``-schema-location`` folder
    (``v<version>-standalone-strict/<kind><kindSuffix>.json``, pkg/registry/registry.go of kubeconform
    v0.7.0). kubernetes-validate's files refer to ``/api/_definitions.json``, an absolute path that
    kubeconform's loader would look for on disk, hence the inlining (what kubernetes-json-schema's
    ``-standalone`` variants are). Recursive definitions (only in apiextensions types) stop at the cycle."""
    import kubernetes_validate

    source = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema" / f"v{version}-local-strict"
    target = directory / f"v{version}-standalone-strict"
    target.mkdir(parents=True, exist_ok=True)
    defs = json.loads((source / "_definitions.json").read_text())["$defs"]

    def inline(node: object, stack: frozenset[str]) -> object:
        if isinstance(node, dict):
            ref = node.get("$ref")
            rest = {k: inline(v, stack) for k, v in node.items() if k != "$ref"}
            if isinstance(ref, str):
                name = ref.rsplit("/", 1)[-1]
                if name in stack:
                    return rest
                resolved = inline(defs[name], stack | {name})
                return {**resolved, **rest} if isinstance(resolved, dict) else resolved
            return rest
        if isinstance(node, list):
            return [inline(v, stack) for v in node]
        return node

    wanted = ("deployment-", "service-v1", "configmap-v1", "ingress-", "networkpolicy-", "cronjob-", "list-v1")
    for path in sorted(source.glob("*.json")):
        if path.name.startswith(wanted):
            (target / path.name).write_text(json.dumps(inline(json.loads(path.read_text()), frozenset())))
    return directory


# ------------------------------------------------------------------------------------------ timing


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float
    code: int


@dataclass
class Command:
    name: str
    argv: list[str]
    output: Path | None  # stdout goes to this file (the report), else to /dev/null
    samples: list[Sample] = field(default_factory=list)


def run_child(argv: Sequence[str], stdout_path: Path | None, env: dict[str, str]) -> Sample:
    """One run of ``argv``: wall time, CPU (user + system) and peak RSS of that child only (os.wait4)."""
    out = open(stdout_path or os.devnull, "wb")  # noqa: SIM115 - closed below, after the child exits
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE, env=env)
        assert proc.stderr is not None
        err = proc.stderr.read()  # drained before wait4, so a chatty child cannot block on a full pipe
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        out.close()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv[0]} failed ({proc.returncode}): {err.decode(errors='replace')[-2000:]}")
    # ru_maxrss of a wait4'd child is that child's own peak (KiB on Linux); grandchildren (workers) are
    # not included, so --jobs N reports the parent's peak only.
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode)


def gitops_gen_argv() -> list[str]:
    """The installed console script (what users run), importing this checkout through PYTHONPATH."""
    script = Path(sysconfig.get_path("scripts")) / "gitops-gen"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from generator.cli import main; main()"]


def with_bytecode(env: dict[str, str], prefix: Path) -> dict[str, str]:
    """The environment of an installed gitops-gen: its modules compiled to bytecode once, as ``pip install``
    does. A checkout imported through PYTHONPATH with PYTHONDONTWRITEBYTECODE set (as on CI machines) would
    otherwise recompile ~120 modules on every run (~0.15 s), a cost no installed copy pays."""
    env = {key: value for key, value in env.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(prefix)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "generator")], env=env, check=True)
    return env


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def measure(commands: list[Command], rounds: int, env: dict[str, str]) -> None:
    for r in range(rounds):
        for cmd in commands if r % 2 == 0 else list(reversed(commands)):  # alternate order: no slot bias
            cmd.samples.append(run_child(cmd.argv, cmd.output, env))
        print(f"  round {r + 1}/{rounds} done (load average {load_average()})", file=sys.stderr, flush=True)


def report_corpus(
    label: str, resources: int, files: int, commands: list[Command], jobs: int, kubeconform_cmd: str | None
) -> dict[str, bool]:
    """Print the table for one corpus; returns the target checks."""
    print(f"\n## corpus '{label}': {resources} resources in {files} files")
    print(f"{'command':44s} {'wall s':>8s} {'CPU s':>8s} {'res/s wall':>11s} {'res/s CPU':>10s} {'peak RSS MB':>12s}")
    by_name = {c.name: c for c in commands}
    for cmd in commands:
        wall = median([s.wall for s in cmd.samples])
        cpu = median([s.cpu for s in cmd.samples])
        rss = max(s.rss_mb for s in cmd.samples)
        print(f"{cmd.name:44s} {wall:8.2f} {cpu:8.2f} {resources / wall:11.0f} {resources / cpu:10.0f} {rss:12.1f}")
    checks: dict[str, bool] = {}
    j1 = by_name["gitops-gen --format json --jobs 1"]
    jn = by_name.get(f"gitops-gen --format json --jobs {jobs}")
    rss = max(s.rss_mb for s in j1.samples)
    checks[f"{label}: peak RSS --jobs 1 <= 150 MB ({rss:.0f} MB)"] = rss <= 150
    if jn is not None and jobs > 1:
        scaling = [a.wall / b.wall for a, b in zip(j1.samples, jn.samples, strict=True)]
        print(f"scaling --jobs {jobs} vs --jobs 1 (wall, per round): " + ", ".join(f"{x:.2f}x" for x in scaling))
        checks[f"{label}: --jobs {jobs} scales >= 1.7x (median {median(scaling):.2f}x)"] = median(scaling) >= 1.7
    kc = by_name.get("kubeconform -n 1")
    if kc is not None:
        wall_ratio = [k.wall / g.wall for g, k in zip(j1.samples, kc.samples, strict=True)]
        cpu_ratio = [k.cpu / g.cpu for g, k in zip(j1.samples, kc.samples, strict=True)]
        print(f"kubeconform: {kubeconform_cmd}")
        print(
            "throughput ratio gitops-gen --jobs 1 / kubeconform -n 1, per round: wall "
            + ", ".join(f"{x:.2f}x" for x in wall_ratio)
            + " | CPU "
            + ", ".join(f"{x:.2f}x" for x in cpu_ratio)
        )
        m = median(wall_ratio)
        checks[f"{label}: --jobs 1 >= 2x kubeconform -n 1 throughput (median wall ratio {m:.2f}x; goal 3x)"] = m >= 2
        if jn is not None and f"kubeconform -n {jobs}" in by_name:
            kn = by_name[f"kubeconform -n {jobs}"]
            ratio = [k.wall / g.wall for g, k in zip(jn.samples, kn.samples, strict=True)]
            print(
                f"throughput ratio gitops-gen --jobs {jobs} / kubeconform -n {jobs}, per round: "
                + ", ".join(f"{x:.2f}x" for x in ratio)
            )
    return checks


def find_kubeconform(given: str | None) -> str | None:
    if given:
        return given
    return shutil.which("kubeconform")


def kubeconform_version(binary: str) -> str:
    out = subprocess.run([binary, "-v"], capture_output=True, text=True, check=False).stdout.strip()
    return out or "?"


def bench_corpus(
    label: str,
    heavy: bool,
    args: argparse.Namespace,
    tmp: Path,
    kubeconform: str | None,
    schemas: Path | None,
    env: dict[str, str],
) -> dict[str, bool]:
    corpus = tmp / label
    corpus.mkdir()
    resources, files = build_corpus(corpus, args.resources, heavy)
    jobs = args.jobs
    gg = gitops_gen_argv()
    base = [*gg, "validate", str(corpus), "--kubernetes-version", K8S_VERSION]
    commands = [
        Command("gitops-gen --format json --jobs 1", [*base, "--format", "json", "--jobs", "1"], tmp / "j1.json"),
        Command(
            f"gitops-gen --format json --jobs {jobs}", [*base, "--format", "json", "--jobs", str(jobs)], tmp / "jn.json"
        ),
        Command("gitops-gen (text) --jobs 1", [*base, "--jobs", "1"], tmp / "j1.txt"),
    ]
    kc_cmd = None
    if kubeconform and schemas:
        kc = [kubeconform, "-strict", "-summary", "-kubernetes-version", K8S_VERSION, "-schema-location", str(schemas)]
        kc_cmd = " ".join([*kc, "-n", "1", str(corpus)])
        commands.append(Command("kubeconform -n 1", [*kc, "-n", "1", str(corpus)], tmp / "kc1.txt"))
        commands.append(Command(f"kubeconform -n {jobs}", [*kc, "-n", str(jobs), str(corpus)], tmp / "kcn.txt"))
    print(f"[{label}] {resources} resources, {files} files; {args.rounds} interleaved rounds", file=sys.stderr)
    measure(commands, args.rounds, env)
    checks = report_corpus(label, resources, files, commands, jobs, kc_cmd)
    same = (tmp / "j1.json").read_bytes() == (tmp / "jn.json").read_bytes()
    checks[f"{label}: JSON report byte-identical for --jobs 1 and --jobs {jobs}"] = same
    summary = json.loads((tmp / "j1.json").read_text())["summary"]
    print(f"gitops-gen summary: {json.dumps(summary)}")
    if kc_cmd:
        tail = (tmp / "kc1.txt").read_text().strip().splitlines()
        print(f"kubeconform summary: {tail[-1] if tail else '?'}")
    if args.scale:
        big = tmp / f"{label}-scale"
        big.mkdir()
        big_resources, big_files = build_corpus(big, args.scale, heavy)
        scale_cmd = [*gg, "validate", str(big), "--kubernetes-version", K8S_VERSION, "--format", "json", "--jobs", "1"]
        small = Command("small", [*base, "--format", "json", "--jobs", "1"], tmp / "s.json")
        large = Command("large", scale_cmd, tmp / "l.json")
        # small, large, small: the base is the mean of the runs just before and just after (the machine's
        # speed drifts over the minute the large run takes; one small run on either side alone swung the
        # ratio by 20%)
        measure([small, large, small], 1, env)
        before, after = small.samples
        ratio = large.samples[0].wall / ((before.wall + after.wall) / 2)
        cpu_ratio = large.samples[0].cpu / ((before.cpu + after.cpu) / 2)
        factor = big_resources / resources
        print(
            f"scale: {big_resources} resources ({big_files} files) take {large.samples[0].wall:.1f}s wall, "
            f"{ratio:.2f}x the time of {resources} ({before.wall:.2f}s before, {after.wall:.2f}s after; "
            f"{cpu_ratio:.2f}x by CPU) for {factor:.0f}x the resources; peak RSS {large.samples[0].rss_mb:.0f} MB"
        )
        checks[f"{label}: {factor:.0f}x resources take <= {1.1 * factor:.0f}x the time ({ratio:.2f}x)"] = (
            ratio <= 1.1 * factor
        )
        # "memory stays bounded" (the words): not growing with the input, read as at most twice the
        # peak of the base corpus for 10x the resources
        base_rss = max(before.rss_mb, after.rss_mb)
        growth = large.samples[0].rss_mb / base_rss
        checks[f"{label}: memory bounded: {factor:.0f}x resources peak at <= 2x the RSS ({growth:.1f}x)"] = growth <= 2
        shutil.rmtree(big)
    shutil.rmtree(corpus)
    return checks


def build_kind(package: Path) -> str:
    """Whether the timed code runs compiled (setup.py, mypyc) or as pure Python, and whether a compiled
    build is stale (older than its sources: the benchmark would time old code)."""
    from generator.compiled import compiled_modules, stale_modules

    compiled = compiled_modules(package)
    if not compiled:
        return "pure Python (no compiled modules)"
    stale = stale_modules(package)
    note = f"; STALE, older than their sources: {', '.join(stale)}" if stale else ""
    return f"compiled with mypyc ({len(compiled)} modules){note}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--resources", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpus", choices=("realistic", "findings", "both"), default="both")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="N of the --jobs N run")
    parser.add_argument("--kubeconform", help="kubeconform binary (default: the one on PATH, if any)")
    parser.add_argument("--scale", type=int, default=0, help="also time --jobs 1 on a corpus of this size")
    args = parser.parse_args(argv)
    kubeconform = find_kubeconform(args.kubeconform)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    print(f"# gitops-gen validate benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"machine: {os.cpu_count()} cores, load average at start {load_average()} (shared machine)")
    print(f"gitops-gen: {' '.join(gitops_gen_argv())} (PYTHONPATH={REPO})")
    print(f"gitops-gen build: {build_kind(REPO / 'generator')}")
    print(f"kubeconform: {kubeconform + ' (' + kubeconform_version(kubeconform) + ')' if kubeconform else 'not found'}")
    checks: dict[str, bool] = {}
    with tempfile.TemporaryDirectory(prefix="validate-bench-") as name:
        tmp = Path(name)
        env = with_bytecode(env, tmp / "pycache")
        schemas = kubeconform_schemas(tmp / "kubeconform-schemas") if kubeconform else None
        if schemas:
            print(f"kubeconform schemas: {schemas} (kubernetes-validate v{K8S_VERSION}-local-strict, $refs inlined)")
        corpora = [("realistic", False), ("findings", True)]
        for label, heavy in corpora:
            if args.corpus in (label, "both"):
                checks.update(bench_corpus(label, heavy, args, tmp, kubeconform, schemas, env))
    print(f"\nload average at end {load_average()}")
    print("## targets")
    for text, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
