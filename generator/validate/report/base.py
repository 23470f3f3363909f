"""The reporter base class: counts findings per severity for the summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from generator.validate.model import Finding, Severity


@dataclass
class Summary:
    resources: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0

    @property
    def findings(self) -> int:
        return self.errors + self.warnings + self.infos

    def add(self, finding: Finding) -> None:
        if finding.severity is Severity.ERROR:
            self.errors += 1
        elif finding.severity is Severity.WARNING:
            self.warnings += 1
        else:
            self.infos += 1

    def to_dict(self) -> dict[str, int]:
        return {
            "resources": self.resources,
            "errors": self.errors,
            "warnings": self.warnings,
            "infos": self.infos,
            "findings": self.findings,
        }

    def line(self) -> str:
        def n(count: int, word: str) -> str:
            return f"{count} {word}{'' if count == 1 else 's'}"

        return (
            f"{n(self.resources, 'resource')}: {n(self.errors, 'error')}, "
            f"{n(self.warnings, 'warning')}, {n(self.infos, 'info')}"
        )


class Reporter:
    """Subclasses override ``emit`` (one finding) and ``finish`` (after the last one)."""

    def __init__(self, stream: TextIO, *, resources: int = 0) -> None:
        self.stream = stream
        self.summary = Summary(resources=resources)
        self.findings: list[Finding] = []
        self._block: list[str] = []  # text not written yet (see ``out``)

    def write(self, finding: Finding) -> None:
        self.summary.add(finding)
        self.emit(finding)

    def flush(self) -> None:
        self.finish()
        self.stream.flush()

    def emit(self, finding: Finding) -> None:
        self.findings.append(finding)

    def finish(self) -> None:
        raise NotImplementedError

    def out(self, text: str) -> None:
        """Write ``text``, in blocks: one ``stream.write`` per call costs more than the formatting on reports
        of tens of thousands of findings, and the whole report is never one string in memory."""
        self._block.append(text)
        if len(self._block) >= 512:
            self.drain()

    def drain(self) -> None:
        """Write what :meth:`out` holds (at the end of ``finish``)."""
        self.stream.write("".join(self._block))
        self._block.clear()


def where(finding: Finding) -> str:
    if not finding.file:
        return "<unknown>"
    if finding.line <= 0:
        return finding.file
    return f"{finding.file}:{finding.line}" + (f":{finding.column}" if finding.column > 0 else "")
