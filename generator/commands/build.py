"""`gitops-gen build`: render environments into base/ + overlays/ (+ argocd/, CI workflow), validate, commit.

Order of a build, so that a failure at any step leaves the repository as it was:
load every env file (ConfigError: exit 2) -> render in memory -> take the lock -> refuse on hand edits ->
write into a staging directory -> validate every built overlay there (errors: exit 1) -> swap the staged
roots into place -> commit only the generated roots.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from generator import __version__
from generator.cli_support import exit_with
from generator.errors import GitError, InputError, ValidationFailed
from generator.gitops import tree
from generator.gitops.git import GitRepo
from generator.gitops.tree import BuildLock, Changes

if TYPE_CHECKING:
    from generator.config.model import Environment
    from generator.render import Rendered

Loader = Callable[[Path, Path], "Environment"]  # (env file, repo root) -> Environment
Renderer = Callable[[Sequence["Environment"]], "Rendered"]


@dataclass(frozen=True)
class OverlayResult:
    """What validating one built overlay found: one line per error, and how many warnings."""

    errors: list[str]
    warnings: int = 0


# (overlay directory in the staged tree, its environment) -> result
OverlayValidator = Callable[[Path, "Environment"], OverlayResult]

_MAX_LISTED = 20
# Per-environment directories a build of --all may delete once their environment file is gone.
_PER_ENV_PARENTS = ("overlays", "argocd")


# ------------------------------------------------------------------------------------------ defaults


def _default_loader() -> Loader:
    from generator.config.load import load_environment

    def load(path: Path, repo_root: Path) -> Environment:
        return load_environment(path, repo_root=repo_root)

    return load


def _discover(repo_root: Path) -> list[Path]:
    try:
        from generator.config.load import discover
    except ImportError:
        return sorted((repo_root / "environments").glob("*.yaml"))
    return list(discover(repo_root))


def _default_renderer() -> Renderer:
    from generator.render import render

    return render


def _default_validator() -> OverlayValidator | None:
    """The validation engine's ``validate_overlay``, or None while ``generator.validate.engine`` lacks it."""
    try:
        engine = importlib.import_module("generator.validate.engine")
    except ImportError:
        return None
    fn: Any = getattr(engine, "validate_overlay", None)
    if fn is None:
        return None

    def validate(overlay: Path, env: Environment) -> OverlayResult:
        report = fn(overlay.parent.parent, env)  # validate_overlay(repo root, env) builds overlays/<env>
        findings = list(getattr(report, "findings", report))
        errors = [_finding_line(f) for f in findings if str(f.severity) == "error"]
        warnings = sum(1 for f in findings if str(f.severity) == "warning")
        return OverlayResult(errors=errors, warnings=warnings)

    return validate


def _finding_line(finding: Any) -> str:
    where = str(getattr(finding, "file", "") or "")
    line = int(getattr(finding, "line", 0) or 0)
    if where and line:
        where += f":{line}"
    resource = getattr(finding, "resource", None)
    parts = [p for p in (where, f"[{getattr(finding, 'rule', '')}]", str(resource or ""), finding.message) if p]
    return " ".join(parts)


# ---------------------------------------------------------------------------------------------- run


def _open_repo(path: Path) -> GitRepo:
    """The GitOps project at ``path``: the folder itself when it holds environments/ (also a subfolder of a
    monorepo), else the git top level of the repository containing it."""
    repo = GitRepo.open(path, project=(path / "environments").is_dir())
    if not (repo.root / "environments").is_dir():
        raise InputError(f"{repo.root}: no environments/ directory (is this the GitOps repository? see --repo)")
    return repo


def _select(repo_root: Path, names: Sequence[str], all_envs: bool) -> list[Path]:
    available = _discover(repo_root)
    by_name = {p.stem: p for p in available}
    listing = ", ".join(sorted(by_name)) or "none"
    if all_envs and names:
        raise InputError("give environment names or --all, not both")
    if all_envs:
        if not available:
            raise InputError(f"no environments/*.yaml in {repo_root}")
        return available
    if not names:
        raise InputError(f"name at least one environment or pass --all (available: {listing})")
    names = [_env_name(n) for n in names]
    unknown = [n for n in names if n not in by_name]
    if unknown:
        what = ", ".join(repr(n) for n in unknown)
        raise InputError(f"unknown environment {what} (available: {listing})")
    return [by_name[n] for n in dict.fromkeys(names)]


def _env_name(arg: str) -> str:
    """``prod``, ``prod.yaml`` and ``environments/prod.yaml`` all name environment ``prod``."""
    path = Path(arg)
    return path.stem if path.suffix == ".yaml" and str(path.parent) in (".", "environments") else arg


def _complete_env(incomplete: str) -> list[str]:
    """Shell completion: environment names of the repository in the current directory."""
    try:
        return [p.stem for p in _discover(GitRepo.open(Path.cwd()).root) if p.stem.startswith(incomplete)]
    except Exception:
        return []


def _check_hosts(root: Path, envs: Sequence[Environment], paths: Sequence[Path], loader: Loader) -> None:
    """Two environments of the repository sharing an ingress host: ConfigError naming both files.

    The other env files are loaded too; one that does not load is its own build's problem, not this one's.
    """
    from generator.config.load import check_unique_hosts
    from generator.errors import ConfigError

    others = []
    for path in _discover(root):
        if path not in paths:
            try:
                others.append(loader(path, root))
            except ConfigError:
                continue
    check_unique_hosts([*envs, *others])


def _listed(paths: Sequence[str]) -> str:
    shown = ", ".join(paths[:_MAX_LISTED])
    return shown + (f" and {len(paths) - _MAX_LISTED} more" if len(paths) > _MAX_LISTED else "")


def _orphans(repo_root: Path, env_names: Sequence[str], roots: Sequence[str]) -> list[str]:
    """``overlays/<x>`` and ``argocd/<x>`` directories of environments whose file was deleted (``--all`` only).

    Only directories whose every file says it was generated by gitops-gen from ``environments/<x>.yaml``
    count, so hand-made directories next to the generated ones are never touched.
    """
    out = []
    for parent in _PER_ENV_PARENTS:
        base = repo_root / parent
        if not base.is_dir() or base.is_symlink():
            continue
        for child in sorted(base.iterdir()):
            rel = f"{parent}/{child.name}"
            if child.name in env_names or not child.is_dir() or child.is_symlink():
                continue
            if any(tree.is_under(rel, r) or tree.is_under(r, rel) for r in roots):
                continue
            said = f"Generated by gitops-gen from environments/{child.name}.yaml".encode()
            markers = (b"# " + said, b"<!-- " + said)  # YAML files, and the PREREQUISITES.md page
            files = tree.read_tree(repo_root, [rel])
            if files and all(data.startswith(markers) for data in files.values()):
                out.append(rel)
    return out


def hand_edits(
    *,
    disk: Mapping[str, str],
    head: Mapping[str, str],
    index: Mapping[str, str],
    rendered: Mapping[str, str],
    written: Mapping[str, str],
) -> list[str]:
    """Paths under the generated roots whose working-tree or staged content a build would destroy.

    All maps are ``path -> blob id``. A file is a hand edit when its content is none of: HEAD's, what this
    build renders, what the last build wrote (so ``build --no-commit`` followed by ``build`` is fine).
    Deleting a generated file is not counted: rebuilding it loses nothing.
    """
    out = []
    for path in sorted(set(disk) | set(index)):
        ours = {head.get(path), rendered.get(path), written.get(path)}
        on_disk, staged = disk.get(path), index.get(path)
        if (on_disk is not None and on_disk not in ours) or (staged is not None and staged not in ours):
            out.append(path)
    return out


def _env_files(
    git: GitRepo, paths: Sequence[Path], env_names: Sequence[str], orphans: Sequence[str]
) -> tuple[dict[str, bytes], list[str]]:
    """The env files a build commits with its tree (``path -> bytes``), and deleted env files to record.

    A deleted env file is recorded only with its orphaned overlay (``build --all`` removing ``overlays/x``),
    so HEAD never keeps ``environments/x.yaml`` without its tree. Symlinked env files are not committed (the
    link, not its target, is what git stores; the user owns it).
    """
    files: dict[str, bytes] = {}
    for path in paths:
        if path.is_symlink():
            continue
        files[path.relative_to(git.root).as_posix()] = path.read_bytes()
    gone = []
    for orphan in orphans:
        name = orphan.split("/", 1)[1]
        rel = f"environments/{name}.yaml"
        if name not in env_names and not (git.root / rel).exists() and git.head_blobs([rel]):
            gone.append(rel)
    return files, sorted(set(gone))


def _commit_message(names: Sequence[str], changes: Changes, sources: Iterable[str]) -> str:
    body = [f"Generated by gitops-gen {__version__} from {', '.join(sources)}.", "", *changes.lines()]
    return f"gitops-gen: build {', '.join(names)} ({changes.summary})\n\n" + "\n".join(body) + "\n"


def run(
    names: Sequence[str],
    *,
    out: TextIO,
    all_envs: bool = False,
    repo: Path | None = None,
    commit: bool = True,
    check: bool = False,
    force: bool = False,
    validate: bool = True,
    commit_env: bool = True,
    load: Loader | None = None,
    render: Renderer | None = None,
    validator: OverlayValidator | None = None,
) -> int:
    """Build (or with ``check`` compare) the named environments in ``repo``; return the exit code.

    ``load``, ``render`` and ``validator`` default to the real loader, renderer and validation engine;
    tests inject their own.
    """
    git = _open_repo((repo or Path.cwd()).resolve())
    root = git.root
    paths = _select(root, names, all_envs)

    loader = load or _default_loader()
    envs = [loader(path, root) for path in paths]  # any ConfigError stops us here: nothing written
    _check_hosts(root, envs, paths, loader)
    if git.prefix:  # a project folder inside a larger repository: Argo CD paths are repository-relative
        envs = [replace(e, argocd=replace(e.argocd, repo_path=git.prefix.rstrip("/"))) for e in envs]
    for warned in envs:
        for warning in warned.warnings:
            print(f"warning: {warning}", file=out)
    env_names = [e.name for e in envs]
    result = (render or _default_renderer())(envs)
    files = {path: text.encode("utf-8") for path, text in result.files.items()}
    orphans = _orphans(root, env_names, result.roots) if all_envs else []
    roots = tree.normalize_roots([*result.roots, *orphans], files)
    new = tree.shas(files)

    if check:
        with BuildLock(git.git_dir, shared=True):
            tree.refuse_symlinks(root, roots)
            drift = Changes.between(tree.shas(tree.read_tree(root, roots)), new)
        if drift:
            print(
                f"drift: {len(drift.lines())} generated file(s) differ from what gitops-gen would generate:", file=out
            )
            for line in drift.lines():
                print(line, file=out)
            again = "--all" if all_envs else " ".join(env_names)
            print(f"run 'gitops-gen build {again}' and commit the result", file=out)
            return 1
        print(f"in sync: {len(files)} generated file(s) for {', '.join(env_names)} match", file=out)
        return 0

    if commit:  # before anything is written (GitError, exit 2)
        git.check_no_operation_in_progress()
        git.check_identity()
    with BuildLock(git.git_dir):
        for leftover in [*git.ensure_index_unlocked(), *tree.recover(root), *git.recover()]:
            print(f"cleaned up after an interrupted build: {leftover}", file=out)
        tree.refuse_symlinks(root, roots)
        start_head = git.head_sha
        disk = tree.shas(tree.read_tree(root, roots))
        index = git.index_blobs(roots)
        head = git.head_blobs(roots)
        edits = hand_edits(
            disk=disk,
            head=head,
            index=index,
            rendered=new,
            written=tree.load_written(git.git_dir),
        )
        if edits and not force:
            raise GitError(
                f"generated paths have uncommitted hand edits: {_listed(edits)} "
                "(edit environments/*.yaml instead; commit or revert them, or pass --force to overwrite)"
            )
        if edits:
            print(f"--force: overwriting hand edits in {_listed(edits)}", file=out)

        with tree.StagedTree(root, files, roots) as staged:
            if validate:
                _validate(staged, envs, validator if validator is not None else _default_validator(), out)
            else:
                print("not validated (--no-validate)", file=out)
            on_disk = Changes.between(disk, new)
            if on_disk:
                tree.save_written(git.git_dir, roots, new)  # before the swap: a killed swap is never "hand edits"
                tree.fault_point("staged")
                staged.swap()
                tree.fault_point("swapped")
                tops = sorted({r.split("/", 1)[0] + ("/" if "/" in r or (root / r).is_dir() else "") for r in roots})
                print(f"wrote {len(files)} file(s) ({on_disk.summary}) under {' '.join(tops)}", file=out)
                if orphans:
                    print(f"removed {', '.join(orphans)}: their environments/*.yaml is gone", file=out)
            else:
                print(f"up to date on disk: {len(files)} generated file(s) unchanged", file=out)

        if not commit:
            print("not committed (--no-commit)", file=out)
            return 0
        env_files, env_gone = _env_files(git, paths, env_names, orphans) if commit_env else ({}, [])
        env_roots = [*env_files, *env_gone]
        committed = Changes.between({**head, **git.head_blobs(env_roots)}, {**new, **tree.shas(env_files)})
        if not commit_env:
            mine, _ = _env_files(git, paths, env_names, [])
            stale = sorted(p for p, sha in tree.shas(mine).items() if git.head_blobs([p]).get(p) != sha)
            if stale:
                print(f"not committed (--no-commit-env): {', '.join(stale)}; commit it with the tree", file=out)
        if not committed:
            if index != new:  # --force over staged hand edits: the index must match the tree again
                git.sync_index(roots, files)
            print("nothing changed since the last commit; no commit", file=out)
            return 0
        message = _commit_message(env_names, committed, [e.source_file for e in envs])
        sha = git.commit_files([*roots, *env_roots], {**files, **env_files}, message, expected_head=start_head)
        print(f"committed {sha[:12]} {message.splitlines()[0]}", file=out)
        return 0


def _validate(
    staged: tree.StagedTree, envs: Sequence[Environment], validator: OverlayValidator | None, out: TextIO
) -> None:
    if validator is None:
        print("not validated: the validation engine is not available", file=out)
        return
    from generator.kustomize.renders import concurrent_renders, render_ahead
    from generator.validate.cpus import default_jobs
    from generator.validate.inputs import render_now

    # the overlays render at once, one kustomize per core (generator.kustomize.renders); results in env order
    with concurrent_renders(default_jobs(), render_now):
        render_ahead([staged.new / "overlays" / env.name for env in envs])
        failed = [f"overlays/{env.name}" for env in envs if not _validated(staged, env, validator, out)]
    if failed:
        raise ValidationFailed(f"validation failed for {', '.join(failed)}: nothing written, nothing committed")


def _validated(staged: tree.StagedTree, env: Environment, validator: OverlayValidator, out: TextIO) -> bool:
    """Validate the staged overlay of ``env`` and print the outcome; False when it has errors."""
    overlay = f"overlays/{env.name}"
    result = validator(staged.new / overlay, env)
    if not result.errors:
        print(f"validated {overlay}: 0 errors, {result.warnings} warning(s)", file=out)
        return True
    prefix = f"{staged.new}/"
    print(f"{overlay}: {len(result.errors)} error(s), {result.warnings} warning(s)", file=out)
    for line in result.errors[:_MAX_LISTED]:
        print(f"  {line.replace(prefix, '')}", file=out)
    if len(result.errors) > _MAX_LISTED:
        print(f"  ... and {len(result.errors) - _MAX_LISTED} more (gitops-gen validate shows all)", file=out)
    return False


# ---------------------------------------------------------------------------------------------- cli


def cli(
    envs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Environments to build: names of environments/<ENV>.yaml.",
            show_default=False,
            autocompletion=_complete_env,
        ),
    ] = None,
    all_envs: Annotated[bool, typer.Option("--all", help="Build every environments/*.yaml.")] = False,
    no_commit: Annotated[bool, typer.Option("--no-commit", help="Write the files but do not commit them.")] = False,
    repo: Annotated[
        Path | None,
        typer.Option(
            "--repo", metavar="PATH", help="The GitOps git repository to write into (default: the current directory)"
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing; exit 1 and list the files when the working tree differs from what would be generated.",
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite uncommitted hand edits in generated files.")
    ] = False,
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Skip validating the built overlays before writing.")
    ] = False,
    no_commit_env: Annotated[
        bool,
        typer.Option(
            "--no-commit-env",
            help="Commit only the generated tree, not environments/<ENV>.yaml (by default both, in one commit).",
        ),
    ] = False,
) -> None:
    """Render environments/<ENV>.yaml into base/ and overlays/<ENV>/, validate them, and commit.

    Only generated paths are written (base/, components/, overlays/<ENV>/, argocd/, the CI workflow) and
    committed together with environments/<ENV>.yaml (unless --no-commit-env); anything else in the
    repository, staged or not, is left alone. Writing is atomic: files are
    rendered and validated in a staging directory and swapped into place, and concurrent builds are serialized
    by a lock. Hand edits in generated files are refused unless --force.

    Examples:

      gitops-gen build dev               # render, validate, commit overlays/dev
      gitops-gen build --all             # every environments/*.yaml, one commit
      gitops-gen build prod --no-commit  # write the files, do not commit
      gitops-gen build --all --check     # CI drift check: exit 1 if out of date
      gitops-gen build prod --repo ../platform-gitops

    Exit codes: 0 built, nothing to do, or in sync; 1 validation errors or --check drift; 2 bad input
    (env file error, unknown environment, hand edits, another build running).
    """
    exit_with(
        lambda: run(
            envs or [],
            out=sys.stdout,
            all_envs=all_envs,
            repo=repo,
            commit=not no_commit,
            check=check,
            force=force,
            validate=not no_validate,
            commit_env=not no_commit_env,
        )
    )
