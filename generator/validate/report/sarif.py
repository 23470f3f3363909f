"""SARIF 2.1.0 with the rule catalogue from the registry (ids, categories, docs, default levels)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from generator import __version__
from generator.validate.model import Finding, Severity
from generator.validate.report.base import Reporter

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def rule_catalogue() -> list[dict[str, Any]]:
    from generator.validate.rules import RULES, documentation

    out = []
    for rule_id in sorted(RULES):
        rule = RULES[rule_id]
        doc = documentation(rule).strip()
        summary = doc.splitlines()[0] if doc else rule_id
        out.append(
            {
                "id": rule_id,
                "name": rule_id,
                "shortDescription": {"text": summary},
                "fullDescription": {"text": doc or summary},
                "help": {"text": doc or summary},
                "defaultConfiguration": {"level": _LEVEL[rule.SEVERITY]},
                "properties": {"category": rule.CATEGORY, "kinds": sorted(rule.KINDS) if rule.KINDS else ["*"]},
            }
        )
    return out


class SarifReporter(Reporter):
    def finish(self) -> None:
        rules = rule_catalogue()
        index = {r["id"]: i for i, r in enumerate(rules)}
        results = [self._result(f, index) for f in self.findings]
        doc = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "gitops-gen",
                            "version": __version__,
                            "rules": rules,
                        }
                    },
                    "results": results,
                    "properties": {"summary": self.summary.to_dict()},
                }
            ],
        }
        self.stream.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")

    @staticmethod
    def _result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
        # "A string containing a valid relative or absolute URI" (sarif-schema-2.1.0.json, artifactLocation.uri):
        # a space, "#" or "%" in a path, or a non-ASCII letter, is percent-encoded (RFC 3986), so that
        # "c#m.yaml" is no fragment; "/" stays the path separator
        uri = quote(f.file, safe="/") if f.file else "unknown"
        location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": uri}}}
        if f.line > 0:
            region: dict[str, int] = {"startLine": f.line}
            if f.column > 0:
                region["startColumn"] = f.column
            location["physicalLocation"]["region"] = region
        if f.resource:
            location["logicalLocations"] = [{"fullyQualifiedName": str(f.resource), "kind": "object"}]
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "level": _LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [location],
            "properties": {"path": f.path, "resource": f.resource.to_dict() if f.resource else None},
        }
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        return result
