"""The typer application: wires the subcommands (see generator.cli_support for exit codes)."""

from __future__ import annotations

import inspect

import typer

from generator import __version__

app = typer.Typer(
    name="gitops-gen",
    help="Generate, validate and plan the Kustomize GitOps repository of an MLflow platform on Kubernetes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gitops-gen {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Generate, validate and plan the Kustomize GitOps repository of an MLflow platform on Kubernetes."""


def reflow(doc: str | None) -> str | None:
    """Join the hard-wrapped lines of each prose paragraph of a docstring.

    Typer's rich help keeps every line break inside a paragraph and then wraps again at the terminal
    width, which leaves dangling one-word lines. Paragraphs with indented lines (examples) stay as
    written."""
    if doc is None:
        return None
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(
        p if any(line.startswith(" ") for line in p.splitlines()) else " ".join(p.split("\n")) for p in paragraphs
    )


def _register() -> None:
    # Explicit list, no import-time discovery: the order here is the order in --help.
    from generator.commands import build, diff, init, plan, rules, validate

    for name, module in (
        ("init", init),
        ("build", build),
        ("validate", validate),
        ("plan", plan),
        ("diff", diff),
        ("rules", rules),
    ):
        module.cli.__doc__ = reflow(module.cli.__doc__)
        app.command(name)(module.cli)


_register()


def main() -> None:
    app(prog_name="gitops-gen")


if __name__ == "__main__":  # pragma: no cover
    main()
