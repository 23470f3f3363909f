"""`gitops-gen plan` (not implemented yet)."""

from __future__ import annotations

import typer

from generator.cli_support import not_implemented


def cli() -> None:
    """Not implemented yet."""
    not_implemented("plan")
    raise typer.Exit(3)
