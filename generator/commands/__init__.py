"""One module per subcommand. Each exposes ``run(...) -> int`` (pure of typer) and ``cli`` (the typer
command that parses options and calls ``run`` through :func:`generator.cli_support.exit_with`)."""
