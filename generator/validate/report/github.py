"""GitHub Actions workflow commands: ``::error file=...,line=...,col=...,title=rule::message``."""

from __future__ import annotations

from generator.validate.model import Finding, Severity
from generator.validate.report.base import Reporter

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    def emit(self, finding: Finding) -> None:
        props = []
        if finding.file:
            props.append(f"file={escape_property(finding.file)}")
        if finding.line > 0:
            props.append(f"line={finding.line}")
        if finding.column > 0:
            props.append(f"col={finding.column}")
        props.append(f"title={escape_property(finding.rule)}")
        about = (
            f" ({finding.resource}" + (f" at {finding.path}" if finding.path else "") + ")" if finding.resource else ""
        )
        self.stream.write(f"::{_COMMAND[finding.severity]} {','.join(props)}::{escape_data(finding.message + about)}\n")

    def finish(self) -> None:
        self.stream.write(self.summary.line() + "\n")
