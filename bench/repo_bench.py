"""Benchmark of the everyday commands on a real GitOps repository: this one (3 overlays, real kustomize).

`validate_bench.py` measures throughput on 20,000 resources; here the repository is small and what a user
waits for is everything around the rules: the interpreter and imports, reading the environment files,
rendering each overlay with kustomize. Each command runs as a subprocess (the installed console script,
this checkout's modules compiled to bytecode first, as ``pip install`` does) in a copy of the repository's
GitOps tree with a git history of its own, in interleaved rounds; the table gives medians of wall time,
CPU (user + system, of the command and everything it started: kustomize, git) and the command's peak
RSS.

    python3 bench/repo_bench.py [--rounds 7]

- ``validate``: every overlays/* (kustomize renders up to --jobs at a time, generator/kustomize/renders.py);
- ``validate --jobs 1``: the same, one process, renders one by one;
- ``validate --env prod``: one overlay with its environment's profile and policy;
- ``build dev``: render dev, validate it and find nothing to commit (the re-run of an unchanged build);
- ``build --all``: the same for every environment (their overlays render up to one per core at a time);
- ``plan prod``: the first-sync plan of one overlay;
- ``diff --base HEAD``: every overlay rendered at HEAD (exported from git objects) and in the working tree.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from validate_bench import REPO, Command, gitops_gen_argv, median, run_child, with_bytecode

TREE = ("environments", "base", "components", "overlays", "argocd")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def copy_repository(target: Path) -> Path:
    """This checkout's GitOps tree (as committed or edited) in a new git repository."""
    target.mkdir(parents=True)
    for name in TREE:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, target / name)
    _git(target, "init", "-q", "-b", "main")
    _git(target, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "add", "-A")
    _git(target, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m", "tree")
    return target


def commands(repo: Path) -> list[Command]:
    cli = gitops_gen_argv()
    return [
        Command("validate", [*cli, "validate", "--repo", str(repo)], None),
        Command("validate --jobs 1", [*cli, "validate", "--repo", str(repo), "--jobs", "1"], None),
        Command("validate --env prod", [*cli, "validate", "--repo", str(repo), "--env", "prod"], None),
        Command("build dev", [*cli, "build", "dev", "--repo", str(repo)], None),
        Command("build --all", [*cli, "build", "--all", "--repo", str(repo)], None),
        Command("plan prod", [*cli, "plan", "prod", "--repo", str(repo)], None),
        Command("diff --base HEAD", [*cli, "diff", "--base", "HEAD", "--repo", str(repo)], None),
    ]


def _commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return out.stdout.strip() or "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default: 7)")
    args = parser.parse_args(argv)
    if shutil.which("kubectl") is None and shutil.which("kustomize") is None:
        raise SystemExit("repo_bench: needs kubectl (or kustomize) on PATH to render the overlays")
    with tempfile.TemporaryDirectory(prefix="gitops-gen-repo-bench-") as tmp:
        work = Path(tmp)
        repo = copy_repository(work / "repo")
        env = with_bytecode(dict(os.environ, PYTHONPATH=str(REPO)), work / "pycache")
        env["GIT_AUTHOR_NAME"] = env["GIT_COMMITTER_NAME"] = "bench"
        env["GIT_AUTHOR_EMAIL"] = env["GIT_COMMITTER_EMAIL"] = "bench@example.invalid"
        cmds = commands(repo)
        for cmd in cmds:  # one run each first, uncounted: warm caches, and a command that fails stops here
            run_child(cmd.argv, None, env)
        for r in range(args.rounds):
            for cmd in cmds if r % 2 == 0 else list(reversed(cmds)):
                cmd.samples.append(run_child(cmd.argv, None, env))
        print(
            f"repo_bench: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {_commit()}, "
            f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), Python "
            f"{platform.python_version()}, {args.rounds} rounds, medians"
        )
        print(f"{'command':24s} {'wall s':>8s} {'CPU s':>8s} {'peak RSS':>10s}")
        for cmd in cmds:
            wall = median([s.wall for s in cmd.samples])
            cpu = median([s.cpu for s in cmd.samples])
            rss = median([s.rss_mb for s in cmd.samples])
            print(f"{cmd.name:24s} {wall:8.2f} {cpu:8.2f} {rss:8.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
