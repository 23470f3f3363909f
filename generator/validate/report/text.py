"""Human-readable output: one line per finding (``file:line:col: severity [rule] message``), a summary."""

from __future__ import annotations

from generator.validate.model import Finding
from generator.validate.report.base import Reporter, where


class TextReporter(Reporter):
    def emit(self, finding: Finding) -> None:
        about = (
            f" ({finding.resource}" + (f" at {finding.path}" if finding.path else "") + ")"
            if finding.resource and finding.resource.kind
            else ""
        )
        self.stream.write(f"{where(finding)}: {finding.severity.value} [{finding.rule}] {finding.message}{about}\n")

    def finish(self) -> None:
        self.stream.write(self.summary.line() + "\n")
