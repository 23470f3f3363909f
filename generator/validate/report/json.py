"""JSON output (``--format json``), one document::

    {
      "summary": {"resources": 98, "errors": 1, "warnings": 0, "infos": 2, "findings": 3},
      "findings": [
        {
          "rule": "unknown-field",
          "severity": "error",                       # error | warning | info
          "message": "unknown field \"targetport\"",
          "file": "base/service.yaml",               # repo-relative; the source file for overlays
          "line": 9, "column": 7,                    # 1-based; 0 when unknown
          "resource": {"apiVersion": "v1", "kind": "Service", "namespace": "team", "name": "web"},
          "path": "/spec/ports/0/targetport"         # JSON pointer into the rendered object
        }
      ]
    }

Findings are sorted by file, line, column, rule, resource, path. For a document that is not a
Kubernetes object the ``resource`` fields it lacks are empty strings.
"""

from __future__ import annotations

import json

from generator.validate.report.base import Reporter


class JsonReporter(Reporter):
    def finish(self) -> None:
        # Key order is fixed (the documented order, summary first), so the output is deterministic.
        doc = {"summary": self.summary.to_dict(), "findings": [f.to_dict() for f in self.findings]}
        self.stream.write(json.dumps(doc, indent=2) + "\n")
