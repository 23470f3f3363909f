"""`gitops-gen diff`: what a change does to the rendered manifests, per environment (for PR comments)."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from generator.cli_support import exit_with
from generator.commands.plan import load_rendered
from generator.errors import GitError, InputError
from generator.gitops import diffing
from generator.kustomize.files import kustomization_file
from generator.kustomize.render import kustomize_build
from generator.kustomize.renders import concurrent_renders, render_ahead, rendered
from generator.validate import cpus


class Format(StrEnum):
    text = "text"
    markdown = "markdown"


def _open_repo(path: Path) -> Any:
    import git

    try:
        return git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitError(f"{path}: not inside a git repository") from None


def _resolve(repo: Any, ref: str) -> Any:
    import git

    try:
        return repo.commit(ref)
    except (git.BadName, ValueError, git.GitCommandError):
        raise InputError(f"--base {ref!r}: no such commit, branch or tag") from None


def default_base(repo: Any) -> tuple[str, Any]:
    """The merge base of HEAD with the default branch (origin/HEAD, else main, else master, else HEAD)."""
    import git

    try:
        head = repo.head.commit
    except ValueError:
        raise GitError(f"{repo.working_tree_dir}: the repository has no commits yet") from None
    candidates: list[str] = []
    try:
        target = repo.git.symbolic_ref("--quiet", "refs/remotes/origin/HEAD")
        candidates.append(target.removeprefix("refs/remotes/"))
    except git.GitCommandError:
        pass
    candidates += ["main", "master"]
    for name in candidates:
        try:
            branch = repo.commit(name)
        except (git.BadName, ValueError, git.GitCommandError):
            continue
        bases = repo.merge_base(head, branch)
        if bases:
            return f"merge-base of HEAD and {name}", bases[0]
    return "HEAD", head


def _export(commit: Any, dest: Path) -> None:
    """Write the files of ``commit`` under ``dest`` from git objects (the working tree and index untouched)."""
    for item in commit.tree.traverse():
        if item.type != "blob":
            continue  # trees are created on demand; submodules (commits) are not part of the render
        target = dest / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = item.data_stream.read()
        if stat.S_ISLNK(item.mode):
            os.symlink(data.decode(), target)
        else:
            target.write_bytes(data)


def _overlay_names(root: Path) -> set[str]:
    overlays = root / "overlays"
    if not overlays.is_dir():
        return set()
    return {p.name for p in overlays.iterdir() if p.is_dir() and kustomization_file(p) is not None}


def _render(root: Path, env: str) -> list[dict[str, Any]]:
    overlay = root / "overlays" / env
    if kustomization_file(overlay) is None:
        return []  # the environment does not exist on this side: everything is added or removed
    return load_rendered(rendered(overlay, kustomize_build), f"overlays/{env}")  # started ahead by compute()


def stale_overlays(root: Path, names: list[str]) -> list[str]:
    """One note per environment whose generated files on disk differ from what its env file generates.

    ``diff`` compares the *rendered overlays* (what Argo CD syncs), so an env file edited without
    ``gitops-gen build`` shows no change at all; this tells the user instead of staying silent."""
    from generator.config.load import load_environment
    from generator.errors import GitopsGenError
    from generator.kustomize.emit import render_tree

    notes: list[str] = []
    for name in names:
        source = root / "environments" / f"{name}.yaml"
        if not source.is_file():
            continue
        try:
            files = render_tree([load_environment(source, repo_root=root)])
        except GitopsGenError as exc:
            notes.append(f"environments/{name}.yaml cannot be built, overlays/{name} may be stale: {exc}")
            continue
        prefix = f"overlays/{name}/"
        wanted = {rel: text for rel, text in files.items() if rel.startswith((prefix, "base/", "components/"))}
        on_disk = {p.relative_to(root).as_posix() for p in (root / "overlays" / name).rglob("*") if p.is_file()}
        differs = sorted(
            rel
            for rel, text in wanted.items()
            if not (root / rel).is_file() or (root / rel).read_text(encoding="utf-8") != text
        )
        differs += sorted(on_disk - wanted.keys())
        if differs:
            notes.append(
                f"overlays/{name} differs from what gitops-gen generates from environments/{name}.yaml "
                f"({len(differs)} generated file(s), e.g. {differs[0]}): this diff shows the overlays as they "
                f"are on disk; run 'gitops-gen build {name}' first"
            )
    return notes


def compute(repo_path: Path, base: str | None, envs: list[str]) -> tuple[str, list[diffing.EnvDiff]]:
    """Title and per-environment diffs between ``base`` (default: merge base) and the working tree."""
    repo = _open_repo(repo_path)
    root = Path(repo.working_tree_dir)
    if base is None:
        how, commit = default_base(repo)
    else:
        how, commit = base, _resolve(repo, base)
    short = commit.hexsha[:12]
    label = f"{how} ({short})" if how != short else short
    with tempfile.TemporaryDirectory(prefix="gitops-gen-diff-") as tmp:
        old_root = Path(tmp)
        _export(commit, old_root)
        names = sorted(envs) if envs else sorted(_overlay_names(old_root) | _overlay_names(root))
        for name in names:
            if name in (".", "..") or "/" in name or not name:
                raise InputError(f"--env {name!r} is not an environment name")
        if envs:
            missing = [
                n for n in names if not (old_root / "overlays" / n).is_dir() and not (root / "overlays" / n).is_dir()
            ]
            if missing:
                raise InputError(
                    f"--env {missing[0]}: overlays/{missing[0]} exists neither at {short} nor in the working tree"
                )
        # both sides of every environment render at once, one kustomize per core (generator.kustomize.renders)
        with concurrent_renders(cpus.default_jobs(), kustomize_build):
            sides = [side / "overlays" / name for name in names for side in (old_root, root)]
            render_ahead([overlay for overlay in sides if kustomization_file(overlay) is not None])
            diffs = [
                diffing.diff_env(
                    name, _render(old_root, name), _render(root, name), old_label=short, new_label="working tree"
                )
                for name in names
            ]
    return f"gitops-gen diff: {label} → working tree", diffs


def run(
    *, base: str | None = None, envs: list[str] | None = None, fmt: str = "text", repo: Path = Path("."), out: TextIO
) -> int:
    """Print the rendered diff; 0 when nothing differs, 1 when something does (2 on errors, raised)."""
    if fmt not in ("text", "markdown"):
        raise InputError(f"unknown format {fmt!r} (expected text or markdown)")
    title, diffs = compute(repo, base, list(envs or []))
    notes = stale_overlays(Path(_open_repo(repo).working_tree_dir), [d.env for d in diffs])
    if fmt == "markdown":
        out.write(diffing.render_markdown(diffs, title=title, notes=notes))
    else:
        out.write(diffing.render_text(diffs, title=title, notes=notes))
    return 1 if diffing.has_changes(diffs) else 0


def cli(
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            help="Git ref to compare with. Default: the merge base of HEAD with the default branch "
            "(origin/HEAD, else main, else master).",
            show_default=False,
        ),
    ] = None,
    env: Annotated[
        list[str] | None,
        typer.Option("--env", help="Environment to diff (repeatable). Default: every overlays/* on either side."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="text, or markdown for a PR comment.")] = Format.text,
    repo: Annotated[Path, typer.Option("--repo", help="GitOps repository (any path inside it).")] = Path("."),
) -> None:
    """Show what the working tree changes in the rendered manifests, per environment.

    Renders each overlays/ENV with kustomize at the base ref (read from git objects: the working tree and
    the index are not touched) and in the working tree, and lists resources added, removed and changed,
    each with a unified diff; Secret data values are masked. --format markdown prints a PR comment (summary
    table, one collapsible section per environment, capped at 65,536 characters). Exit 0 when nothing
    differs, 1 when something does, 2 on errors.
    """
    exit_with(lambda: run(base=base, envs=env, fmt=fmt.value, repo=repo, out=sys.stdout))
