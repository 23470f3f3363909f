"""The single place where :class:`GitopsGenError` becomes a message and an exit code."""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

import typer

from generator.errors import GitopsGenError


def exit_with(run: Callable[[], int]) -> NoReturn:
    """Run a command body and exit with its code; a GitopsGenError becomes one line on stderr."""
    try:
        code = run()
    except GitopsGenError as exc:
        typer.echo(f"gitops-gen: error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None
    raise typer.Exit(code)


def not_implemented(name: str) -> None:
    typer.echo(f"gitops-gen: '{name}' is not implemented yet", err=True)
