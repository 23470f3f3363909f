"""Human-readable output: one line per finding (``file:line:col: severity [rule] message``), a summary."""

from __future__ import annotations

from typing import TextIO

from generator.validate.model import Finding, ResourceRef
from generator.validate.report.base import Reporter, where


class TextReporter(Reporter):
    def __init__(self, stream: TextIO, *, resources: int = 0) -> None:
        super().__init__(stream, resources=resources)
        self._block: list[str] = []  # lines not written yet (written in blocks, and at the end)
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
        self._block.append(f"{where(finding)}: {finding.severity.value} [{finding.rule}] {finding.message}{about}\n")
        if len(self._block) >= 512:
            self.stream.write("".join(self._block))
            self._block.clear()

    def finish(self) -> None:
        self.stream.write("".join(self._block) + self.summary.line() + "\n")
        self._block.clear()
