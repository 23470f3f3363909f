"""The CLI surface: every command has --help, --version prints the package version."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from generator import __version__, cli
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


@pytest.mark.parametrize(
    ("args", "want"),
    [
        (["validate", "overlays/prod", "--jobs", "2"], "validate"),
        (["--version"], None),
        (["--help"], None),
        (["valdate"], None),  # a typo: the full application says "No such command"
        ([], None),
        (["build", "--help"], "build"),
    ],
)
def test_main_registers_only_the_invoked_command(args: list[str], want: str | None) -> None:
    assert cli.invoked_command(args) == want


@pytest.mark.parametrize("command", [*COMMANDS, "init"])
def test_an_application_of_one_command_parses_and_helps_like_the_full_one(command: str) -> None:
    alone = CliRunner().invoke(cli.make_app(command), [command, "--help"], terminal_width=100)
    full = CliRunner().invoke(app, [command, "--help"], terminal_width=100)
    assert alone.exit_code == full.exit_code == 0
    assert alone.output == full.output


def test_the_validate_command_does_not_import_the_other_commands() -> None:
    code = (
        "import sys; from generator import cli; cli.make_app('validate'); "
        "print(sorted(m for m in sys.modules if m.startswith('generator.commands.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['generator.commands.validate']"
