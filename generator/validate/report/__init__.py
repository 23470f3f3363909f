"""Reporters: each takes an output stream, receives findings one by one with ``write(finding)`` and
finishes with ``flush()`` (kubeconform's shape). ``make_reporter`` picks one by ``--format`` name."""

from __future__ import annotations

from typing import TextIO

from generator.errors import InputError
from generator.validate.report.base import Reporter, Summary
from generator.validate.report.github import GithubReporter
from generator.validate.report.json import JsonReporter
from generator.validate.report.junit import JunitReporter
from generator.validate.report.sarif import SarifReporter
from generator.validate.report.text import TextReporter

REPORTERS: dict[str, type[Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "sarif": SarifReporter,
    "junit": JunitReporter,
    "github": GithubReporter,
}
FORMATS = tuple(REPORTERS)


def make_reporter(fmt: str, stream: TextIO, *, resources: int) -> Reporter:
    try:
        cls = REPORTERS[fmt]
    except KeyError:
        raise InputError(f"--format: unknown format '{fmt}' (one of {', '.join(FORMATS)})") from None
    return cls(stream, resources=resources)


__all__ = ["FORMATS", "REPORTERS", "Reporter", "Summary", "make_reporter"]
