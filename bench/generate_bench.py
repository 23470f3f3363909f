"""Benchmark: load + render N synthetic environments (no kustomize, no git) and report time and peak memory.

    python bench/generate_bench.py            # 100 environments
    python bench/generate_bench.py -n 500 --repeat 3

The environments vary profile (dev/staging/prod), MLflow replicas and HPA, storage sizes, monitoring and
0-4 served models. Each is written as ``environments/<name>.yaml`` in a temporary directory and loaded with
the real loader (schema validation included), then rendered with the real renderer (``generator.render``:
Kustomize tree + Argo CD objects + workflow, whichever exist). Targets: <= 20 ms per environment and
<= 150 MB peak memory. Exit code 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from generator.config.load import load_environment
from generator.config.model import Environment
from generator.render import available_renderers, render

TARGET_MS_PER_ENV = 20.0
TARGET_PEAK_MB = 150.0


def synthetic_env(index: int, rng: random.Random) -> str:
    """The text of one valid environments/<env>.yaml; deterministic for a given seed and index."""
    profile = ("dev", "staging", "prod")[index % 3]
    replicas = 1 if profile != "prod" else rng.randint(2, 5)
    lines = [
        f"# synthetic environment {index}",
        f"profile: {profile}",
        f"namespace: mlflow-bench-{index}",
        'kubernetesVersion: "1.33"',
        "ingress:",
        f"  host: mlflow-{index}.bench.example.com",
        "postgres:",
        "  storage:",
        f"    size: {rng.choice([5, 10, 20, 50])}Gi",
        "mlflow:",
        f"  replicas: {replicas}",
        f"  workers: {rng.randint(1, 8)}",
        f"  dbPoolSize: {rng.randint(2, 20)}",
    ]
    if profile == "prod" and rng.random() < 0.5:
        lines += [
            "  hpa:",
            "    enabled: true",
            f"    minReplicas: {replicas}",
            f"    maxReplicas: {replicas + rng.randint(1, 4)}",
            "    targetCPUUtilization: 70",
        ]
    lines += ["training:", f'  schedule: "{rng.randint(0, 59)} {rng.randint(0, 23)} * * *"', "serving:"]
    models = rng.randint(0, 4)
    if models == 0:
        lines.append("  models: []")
    else:
        lines.append("  models:")
        for m in range(models):
            lines += [
                f"    - name: model-{m}",
                f"      modelUri: models:/model-{m}/Production",
                f"      replicas: {rng.randint(1, 3)}",
            ]
    if profile != "dev":
        lines += ["monitoring:", f"  enabled: {'true' if rng.random() < 0.7 else 'false'}"]
    lines += [
        "argocd:",
        "  repoURL: https://github.com/example/mlflow-gitops.git",
        "  targetRevision: main",
    ]
    return "\n".join(lines) + "\n"


def run(count: int, seed: int) -> tuple[float, float, int, int]:
    """Write, load and render ``count`` environments; return (load s, render s, files, bytes)."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="gitops-gen-bench-") as tmp:
        repo = Path(tmp)
        (repo / "environments").mkdir()
        paths = []
        for i in range(count):
            path = repo / "environments" / f"bench-{i:04d}.yaml"
            path.write_text(synthetic_env(i, rng), encoding="utf-8")
            paths.append(path)
        start = time.perf_counter()
        envs: list[Environment] = [load_environment(p, repo_root=repo) for p in paths]
        loaded = time.perf_counter()
        files = render(envs).files
        rendered = time.perf_counter()
    return loaded - start, rendered - loaded, len(files), sum(len(t) for t in files.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--count", type=int, default=100, help="number of environments (default 100)")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best time is reported (default 3)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    run(min(args.count, 3), args.seed)  # warm-up: imports, schema compilation, caches
    # timing without tracemalloc (it slows allocation-heavy code down several times): best of --repeat
    timed = min((run(args.count, args.seed) for _ in range(args.repeat)), key=lambda r: r[0] + r[1])
    load_s, render_s, nfiles, nbytes = timed
    # memory: one traced run; peak of Python allocations during load + render of all environments
    gc.collect()
    tracemalloc.start()
    run(args.count, args.seed)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    per_env_ms = (load_s + render_s) * 1000 / args.count
    peak_mb = peak / 2**20

    print(f"renderers:          {', '.join(available_renderers())}")
    print(f"environments:       {args.count} (best of {args.repeat})")
    print(f"generated:          {nfiles} files, {nbytes / 2**20:.1f} MiB")
    print(f"load:               {load_s * 1000:.0f} ms ({load_s * 1000 / args.count:.2f} ms/env)")
    print(f"render:             {render_s * 1000:.0f} ms ({render_s * 1000 / args.count:.2f} ms/env)")
    print(f"load+render:        {per_env_ms:.2f} ms/env (target <= {TARGET_MS_PER_ENV:.0f})")
    print(f"peak (tracemalloc): {peak_mb:.1f} MiB (target <= {TARGET_PEAK_MB:.0f})")
    print(f"peak RSS:           {maxrss_mb:.1f} MiB (ru_maxrss, whole process incl. interpreter)")
    ok = per_env_ms <= TARGET_MS_PER_ENV and peak_mb <= TARGET_PEAK_MB and maxrss_mb <= TARGET_PEAK_MB
    print("result:             " + ("within targets" if ok else "TARGET MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
