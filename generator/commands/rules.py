"""`gitops-gen rules`: the rule catalogue (ID, category, default severity, kinds, documentation)."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, TextIO

import typer

from generator.cli_support import exit_with
from generator.validate.profiles import PROFILES
from generator.validate.rules import RULES, Rule, documentation


class Format(StrEnum):
    text = "text"
    markdown = "markdown"


def _kinds(rule: Rule) -> str:
    return ", ".join(sorted(rule.KINDS)) if rule.KINDS else "all"


def _doc(rule: Rule) -> str:
    return documentation(rule).strip()


def _profile_line(rule_id: str) -> str:
    parts = [f"{name}: {table[rule_id]}" for name, table in PROFILES.items() if rule_id in table]
    return "; ".join(parts)


def _ordered() -> list[tuple[str, Rule]]:
    return sorted(RULES.items(), key=lambda item: (item[1].CATEGORY, item[0]))


def render_text() -> str:
    lines = []
    for rule_id, rule in _ordered():
        lines.append(f"{rule_id}  [{rule.CATEGORY}, {rule.SEVERITY.value}]  kinds: {_kinds(rule)}")
        profiles = _profile_line(rule_id)
        if profiles:
            lines.append(f"    profiles: {profiles}")
        for line in _doc(rule).splitlines():
            lines.append(f"    {line}".rstrip())
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_markdown() -> str:
    out = ["# gitops-gen validation rules", "", "| ID | Category | Default severity | Kinds |", "|---|---|---|---|"]
    for rule_id, rule in _ordered():
        out.append(f"| [`{rule_id}`](#{rule_id}) | {rule.CATEGORY} | {rule.SEVERITY.value} | {_kinds(rule)} |")
    for rule_id, rule in _ordered():
        out += ["", f"## {rule_id}", ""]
        out.append(f"Category: {rule.CATEGORY}. Default severity: {rule.SEVERITY.value}. Kinds: {_kinds(rule)}.")
        profiles = _profile_line(rule_id)
        if profiles:
            out.append(f"Profiles: {profiles}.")
        out.append("")
        out.extend(_markdown_doc(_doc(rule)))
    return "\n".join(out).rstrip() + "\n"


def _markdown_doc(doc: str) -> list[str]:
    """Docstring -> markdown: the indented PASS/FAIL blocks become YAML code fences."""
    lines = doc.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() in ("PASS:", "FAIL:"):
            out.append(f"**{line.strip()[:-1]}**")
            out.append("")
            out.append("```yaml")
            i += 1
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                if lines[i].strip() in ("PASS:", "FAIL:"):
                    break
                out.append(lines[i][4:])
                i += 1
            while out and not out[-1].strip():
                out.pop()
            out.append("```")
            out.append("")
            continue
        out.append(line)
        i += 1
    return out


def run(*, out: TextIO, fmt: str = "text") -> int:
    out.write(render_markdown() if fmt == "markdown" else render_text())
    return 0


def cli(
    fmt: Annotated[Format, typer.Option("--format", help="text, or markdown for the rule docs.")] = Format.text,
) -> None:
    """Print the rule catalogue: ID, category, default severity, kinds and documentation."""
    exit_with(lambda: run(out=sys.stdout, fmt=fmt.value))
