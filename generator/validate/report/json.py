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
Kubernetes object the ``resource`` fields it lacks are empty strings; an object named by
``metadata.generateName`` has that prefix and ``*`` as its name (:attr:`Resource.shown_name`).
"""

from __future__ import annotations

from json.encoder import encode_basestring_ascii as _q  # what json.dumps uses for str (C)

from generator.validate.model import ResourceRef, Severity
from generator.validate.report.base import Reporter

_ENCODED_MAX = 65_536  # encoded strings kept while writing (~10 MB)


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
        # Consecutive findings mostly share their resource, file, rule and severity: those parts are encoded
        # once per run of them.
        separator = ""
        heads: dict[str, tuple[Severity, str]] = {}
        last_ref: ResourceRef | bool | None = False
        last_file: str | None = None
        resource = file = ""
        # Messages and paths repeat across resources (35,576 distinct messages and a few hundred paths for the
        # findings corpus's 78,098 findings) and are interned: a dict lookup by identity costs a fraction of
        # escaping them again. Bounded, so a report of millions of findings keeps its memory.
        encoded: dict[str, str] = {}
        for f in self.findings:
            ref = f.resource
            if ref is not last_ref:
                last_ref, resource = ref, _resource(ref)
            if f.file is not last_file:
                last_file, file = f.file, _q(f.file)
            cached = heads.get(f.rule)
            if cached is None or cached[0] is not f.severity:
                cached = heads[f.rule] = (f.severity, _head(f.rule, f.severity))
            # One f-string, not a chain of "+": mypyc builds it with one allocation of the final length,
            # where each "+" copied the string so far (bench/validate_instructions.py --corpus findings).
            message = encoded.get(f.message)
            if message is None:
                if len(encoded) >= _ENCODED_MAX:
                    encoded.clear()
                message = encoded[f.message] = _q(f.message)
            path = encoded.get(f.path)
            if path is None:
                path = encoded[f.path] = _q(f.path)
            self.out(
                f'{separator}{cached[1]},\n      "message": {message},\n      "file": {file},'
                f'\n      "line": {f.line},\n      "column": {f.column},\n      "resource": {resource},'
                f'\n      "path": {path}\n    }}'
            )
            separator = ",\n"
        self.out("\n  ]\n}\n")
        self.drain()


def _head(rule: str, severity: Severity) -> str:
    return '    {\n      "rule": ' + _q(rule) + ',\n      "severity": ' + _q(severity.value)


def _resource(ref: ResourceRef | None) -> str:
    if ref is None:
        return "null"
    return (
        '{\n        "apiVersion": ' + _q(ref.api_version)
        + ',\n        "kind": ' + _q(ref.kind)
        + ',\n        "namespace": ' + _q(ref.namespace)
        + ',\n        "name": ' + _q(ref.name)
        + "\n      }"
    )  # fmt: skip
