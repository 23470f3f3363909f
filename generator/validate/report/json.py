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

from json.encoder import encode_basestring_ascii as _q  # what json.dumps uses for str (C)

from generator.validate.model import Finding
from generator.validate.report.base import Reporter


class JsonReporter(Reporter):
    def finish(self) -> None:
        # Key order is fixed (the documented order, summary first), so the output is deterministic. Written
        # piece by piece with the encoder json.dumps uses for strings: the same bytes as
        # json.dumps(doc, indent=2) (tests/validate/test_report.py), several times faster on big reports.
        summary = ",\n".join(f"    {_q(k)}: {v}" for k, v in self.summary.to_dict().items())
        write = self.stream.write
        write('{\n  "summary": {\n' + summary + "\n  },\n")
        if not self.findings:
            write('  "findings": []\n}\n')
            return
        write('  "findings": [\n')
        separator = ""
        for finding in self.findings:  # one at a time: the whole report is never one string in memory
            write(separator + _finding(finding))
            separator = ",\n"
        write("\n  ]\n}\n")


def _finding(f: Finding) -> str:
    ref = f.resource
    if ref is None:
        resource = "null"
    else:
        resource = (
            '{\n        "apiVersion": ' + _q(ref.api_version)
            + ',\n        "kind": ' + _q(ref.kind)
            + ',\n        "namespace": ' + _q(ref.namespace)
            + ',\n        "name": ' + _q(ref.name)
            + "\n      }"
        )  # fmt: skip
    return (
        '    {\n      "rule": ' + _q(f.rule)
        + ',\n      "severity": ' + _q(f.severity.value)
        + ',\n      "message": ' + _q(f.message)
        + ',\n      "file": ' + _q(f.file)
        + ',\n      "line": ' + str(f.line)
        + ',\n      "column": ' + str(f.column)
        + ',\n      "resource": ' + resource
        + ',\n      "path": ' + _q(f.path)
        + "\n    }"
    )  # fmt: skip
