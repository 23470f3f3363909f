"""The CLI surface: every command has --help, --version prints the package version."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from generator import __version__
from generator.cli import app

COMMANDS = ["build", "validate", "plan", "diff", "rules"]


def test_version_prints_package_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"gitops-gen {__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert "Not implemented" not in result.output


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["frobnicate"])
    assert result.exit_code == 2
