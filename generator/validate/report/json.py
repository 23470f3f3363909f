"""JSON output: ``{"summary": {...}, "findings": [...]}`` (the shape documented in the README)."""

from __future__ import annotations

import json

from generator.validate.report.base import Reporter


class JsonReporter(Reporter):
    def finish(self) -> None:
        # Key order is fixed (the documented order, summary first), so the output is deterministic.
        doc = {"summary": self.summary.to_dict(), "findings": [f.to_dict() for f in self.findings]}
        self.stream.write(json.dumps(doc, indent=2) + "\n")
