"""`--help` reads well in an 80-column terminal: prose paragraphs reflow instead of keeping the
docstring's hard line breaks (which typer's rich help preserves, leaving dangling one-word lines), and
example lines fit."""

from __future__ import annotations

import itertools

import pytest
from typer.testing import CliRunner

from generator.cli import app, reflow

COMMANDS = ("build", "validate", "plan", "diff", "rules")


def _help(command: str, columns: int) -> list[str]:
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": str(columns), "TERM": "dumb"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    end = next(i for i, line in enumerate(lines) if "─ Arguments" in line or "─ Options" in line)
    return [line.strip() for line in lines[:end]]


@pytest.mark.parametrize("command", COMMANDS)
def test_no_dangling_lines_in_prose(command: str) -> None:
    """A prose line followed by more prose fills the terminal width (no short line mid-paragraph)."""
    width = 100
    lines = _help(command, width)
    for line, following in itertools.pairwise(lines):
        if not line or not following or line.startswith(("Usage:", "gitops-gen ")):
            continue
        assert len(line) + len(following.split()[0]) >= width - 6, f"{command}: dangling line {line!r}"


@pytest.mark.parametrize("command", ["build", "plan", "diff"])
def test_examples_fit_in_80_columns(command: str) -> None:
    lines = _help(command, 80)
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        if line.startswith("gitops-gen "):
            assert not following or following.startswith("gitops-gen "), f"{command}: wrapped example {line!r}"


def test_reflow_keeps_indented_blocks_and_paragraphs() -> None:
    doc = "Summary.\n\n    Para one\n    continues.\n\n    Examples:\n\n      a  # x\n      b  # y\n"
    assert reflow(doc) == "Summary.\n\nPara one continues.\n\nExamples:\n\n  a  # x\n  b  # y"
    assert reflow(None) is None
