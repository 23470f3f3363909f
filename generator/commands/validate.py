"""`gitops-gen validate` (not implemented yet)."""

from __future__ import annotations

import typer

from generator.cli_support import not_implemented


def cli() -> None:
    """Not implemented yet."""
    not_implemented("validate")
    raise typer.Exit(3)
