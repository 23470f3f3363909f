"""`gitops-gen init [DIR]`: start a GitOps repository of your own (or a project folder in a monorepo).

Creates DIR (default: the current directory), runs ``git init`` there unless DIR is already inside a git
work tree, and writes ``environments/dev.yaml`` (a commented template), ``README.md``, ``.gitignore`` and
``.pre-commit-config.yaml``. Existing files are never overwritten (exit 2, files listed). Nothing is built or
committed: ``gitops-gen build dev --repo DIR`` does that, unchanged.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path
from typing import Annotated, TextIO

import typer

from generator.cli_support import exit_with
from generator.errors import InputError
from generator.gitops.git import GitRepo

# template file in generator/templates/init -> path in the new repository
FILES = {
    "dev.yaml": "environments/dev.yaml",
    "README.md": "README.md",
    "gitignore.txt": ".gitignore",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
}


def run(directory: Path, *, out: TextIO) -> int:
    directory = directory.resolve()
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory}: not a directory")
    existing = [rel for rel in FILES.values() if (directory / rel).exists() or (directory / rel).is_symlink()]
    if existing:
        raise InputError(f"{directory}: already has {', '.join(existing)}; nothing written (init never overwrites)")
    directory.mkdir(parents=True, exist_ok=True)
    created_repo = GitRepo.init_if_needed(directory)
    templates = resources.files("generator.templates").joinpath("init")
    for name, rel in FILES.items():
        target = directory / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(templates.joinpath(name).read_text(encoding="utf-8"), encoding="utf-8")
    if created_repo:
        print(f"initialized an empty git repository in {directory}", file=out)
    for rel in FILES.values():
        print(f"created {rel}", file=out)
    print(
        "next: edit environments/dev.yaml (ingress.host, argocd.repoURL), then: "
        f"gitops-gen build dev --repo {directory}",
        file=out,
    )
    return 0


def cli(
    directory: Annotated[
        Path | None, typer.Argument(help="Where to create the repository (default: the current directory).")
    ] = None,
) -> None:
    """Create a new GitOps repository: git init (unless already inside one), environments/dev.yaml, README.

    The files are a starting point with guidance in comments; `gitops-gen build dev` works on them as they
    are. DIR may be a folder inside an existing repository (a monorepo): environments/ and the generated tree
    then live under that folder, and `gitops-gen build --repo DIR` writes there.

    Examples:

      gitops-gen init mlflow-gitops && gitops-gen build dev --repo mlflow-gitops
      gitops-gen init platform                 # a folder of the monorepo you are in
    """
    exit_with(lambda: run(directory or Path.cwd(), out=sys.stdout))
