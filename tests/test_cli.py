"""The CLI surface: every command has --help, --version prints the package version."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def test_validating_a_repository_without_settings_does_not_import_ruamel(tmp_path: Path) -> None:
    """ruamel.yaml reads ``.gitops-gen.yaml`` and environment files only; plain files do without it."""
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
    code = (
        "import sys, io; from generator.commands import validate; "
        f"code = validate.run([{str(tmp_path)!r}], out=io.StringIO(), jobs=1); "
        "print(code, sorted({m.split('.')[0] for m in sys.modules if m.startswith('ruamel')}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.strip() == "0 []", out.stderr


_FAST_EXIT_PROBE = """
import atexit, sys
import typer
from generator import cli_support

class Loud:
    def __del__(self):
        sys.stdout.write("freed\\n")

if sys.argv[1] == "on":
    cli_support.enable_fast_exit()
atexit.register(lambda: sys.stdout.write("atexit ran\\n"))
cli_support.keep_until_exit(Loud())
GLOBAL = Loud()  # a module global: freed at a normal exit too
sys.stdout.write("report\\n")  # buffered: the fast exit must flush it
try:
    cli_support.exit_with(lambda: int(sys.argv[2]), fast=True)
except typer.Exit as exc:  # without the fast exit, as typer's standalone mode does
    sys.exit(exc.exit_code)
"""


@pytest.mark.parametrize("code", [0, 1, 3])
def test_the_fast_exit_keeps_the_code_output_and_atexit_handlers_but_frees_nothing(code: int) -> None:
    fast = subprocess.run([sys.executable, "-c", _FAST_EXIT_PROBE, "on", str(code)], capture_output=True, text=True)
    assert fast.returncode == code, fast.stderr
    assert fast.stdout == "report\natexit ran\n"  # no "freed": nothing was deallocated
    normal = subprocess.run([sys.executable, "-c", _FAST_EXIT_PROBE, "off", str(code)], capture_output=True, text=True)
    assert normal.returncode == code, normal.stderr
    assert "freed" in normal.stdout  # what the probe sees when objects are freed at exit


def test_the_fast_exit_is_off_in_process() -> None:
    """Tests and embedding call commands in-process: a command must raise typer.Exit, not end the process."""
    result = CliRunner().invoke(app, ["validate", "/nonexistent/path"])
    assert result.exit_code == 2
    assert "no such file or directory" in result.output


def test_a_closed_pipe_at_the_fast_exit_is_no_error(tmp_path: object) -> None:
    """The reader of the report went away (``| head``): the exit code stays the command's, no traceback."""
    code = _FAST_EXIT_PROBE.replace('sys.stdout.write("report\\\\n")', 'sys.stdout.write("x" * 200_000)')
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "on", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()
    assert proc.wait(timeout=60) == 1
    assert "Traceback" not in proc.stderr.read()
