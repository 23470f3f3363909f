"""Independent checks of a repository's git index, with the real git CLI only (no gitops-gen code)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def run_git(repo: Path, *args: str, index: Path | None = None, stdin: bytes | None = None) -> str:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    if index is not None:
        env["GIT_INDEX_FILE"] = str(index)
    proc = subprocess.run(["git", *args], cwd=repo, env=env, input=stdin, capture_output=True, check=True)
    return proc.stdout.decode("utf-8", "surrogateescape")


def index_problems(repo: Path) -> list[str]:
    """Ways the real index disagrees with what a freshly rebuilt index says; empty when consistent.

    1. ``git diff HEAD`` (working tree vs HEAD) with the real index equals it with an index freshly read from
       HEAD (``GIT_INDEX_FILE=<tmp> git read-tree HEAD``): the index's stat data and cache-tree hide nothing.
    2. ``git diff --cached`` equals a plain comparison of the index entries (``ls-files -s``) with HEAD's
       (``ls-tree -r``), which no cache-tree can short-cut.
    3. ``git write-tree`` of (a copy of) the real index equals the tree written from its bare entries: the
       cache-tree extension holds no stale directory ids (the cause of the silent revert of issue 8).
    """
    problems: list[str] = []
    git_dir = Path(run_git(repo, "rev-parse", "--absolute-git-dir").strip())
    real = git_dir / "index"
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp, "fresh")
        run_git(repo, "read-tree", "HEAD", index=fresh)
        with_real = run_git(repo, "diff", "HEAD", "--name-status", "--no-renames")
        with_fresh = run_git(repo, "diff", "HEAD", "--name-status", "--no-renames", index=fresh)
        if with_real != with_fresh:
            problems.append(f"git diff HEAD: real index says {with_real!r}, fresh index says {with_fresh!r}")

        cached = set(run_git(repo, "diff", "--cached", "--name-only", "--no-renames").splitlines())
        entries = _entries(run_git(repo, "ls-files", "-s"))
        head = _entries(run_git(repo, "ls-tree", "-r", "HEAD"), tree=True)
        plain = {p for p in set(entries) | set(head) if entries.get(p) != head.get(p)}
        if cached != plain:
            problems.append(f"git diff --cached lists {sorted(cached)}, the index entries differ at {sorted(plain)}")

        copy = Path(tmp, "copy")
        shutil.copyfile(real, copy)
        tree_cached = run_git(repo, "write-tree", index=copy).strip()
        bare = Path(tmp, "bare")
        lines = "".join(f"{mode} {sha}\t{path}\n" for path, (mode, sha) in sorted(entries.items()))
        run_git(repo, "update-index", "--index-info", index=bare, stdin=lines.encode())
        tree_bare = run_git(repo, "write-tree", index=bare).strip()
        if tree_cached != tree_bare:
            problems.append(
                f"write-tree of the index gives {tree_cached}, its entries give {tree_bare} (stale cache-tree)"
            )
    return problems


def porcelain(repo: Path, index: Path | None = None) -> str:
    return run_git(repo, "status", "--porcelain", "--untracked-files=all", index=index)


def fresh_porcelain(repo: Path) -> str:
    """``git status --porcelain`` as a freshly rebuilt index (read from HEAD) sees the repository."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp, "fresh")
        run_git(repo, "read-tree", "HEAD", index=fresh)
        return porcelain(repo, fresh)


def _entries(text: str, *, tree: bool = False) -> dict[str, tuple[str, str]]:
    out = {}
    for line in text.splitlines():
        meta, path = line.split("\t", 1)
        fields = meta.split()
        out[path] = (fields[0], fields[2]) if tree else (fields[0], fields[1])
    return out
