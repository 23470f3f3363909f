"""Human-readable output: one line per finding (``file:line:col: severity [rule] message``), a summary."""

from __future__ import annotations

from typing import TextIO

from generator.validate.model import Finding, ResourceRef
from generator.validate.report.base import Reporter, where


class TextReporter(Reporter):
    def __init__(self, stream: TextIO, *, resources: int = 0) -> None:
        super().__init__(stream, resources=resources)
        self._ref: ResourceRef | None = None  # the last finding's resource and its " (Kind ns/name" text
        self._about = ""

    def emit(self, finding: Finding) -> None:
        ref = finding.resource
        if ref is not None and ref.kind:
            if ref is not self._ref:
                self._ref, self._about = ref, f" ({ref}"
            about = self._about + (f" at {finding.path})" if finding.path else ")")
        else:
            about = ""
        self.out(f"{where(finding)}: {finding.severity.value} [{finding.rule}] {finding.message}{about}\n")

    def finish(self) -> None:
        self.out(self.summary.line() + "\n")
        self.drain()
