"""Reporters: text, json (documented shape), sarif 2.1.0 with the rule catalogue, junit, github."""

from __future__ import annotations

import io
import json
from urllib.parse import unquote
from xml.etree import ElementTree as ET

import pytest

from generator.errors import InputError
from generator.validate.model import Finding, ResourceRef, Severity
from generator.validate.report import FORMATS, make_reporter
from generator.validate.rules import RULES

FINDINGS = [
    Finding(
        message='unknown field "targetport"',
        path="/spec/ports/0/targetport",
        rule="unknown-field",
        severity=Severity.ERROR,
        resource=ResourceRef("v1", "Service", "team", "web"),
        file="base/service.yaml",
        line=9,
        column=7,
    ),
    Finding(
        message="image has no tag, 100%, a:b",
        path="/spec/template/spec/containers/0/image",
        rule="latest-tag",
        severity=Severity.WARNING,
        resource=ResourceRef("apps/v1", "Deployment", "team", "web"),
        file="base/deployment.yaml",
        line=17,
        column=11,
    ),
    Finding(message="hint", rule="job-ttl", severity=Severity.INFO, file="x.yaml"),
]


def _render(fmt: str, findings: list[Finding] = FINDINGS, resources: int = 5) -> str:
    out = io.StringIO()
    reporter = make_reporter(fmt, out, resources=resources)
    for f in findings:
        reporter.write(f)
    reporter.flush()
    return out.getvalue()


def test_text() -> None:
    lines = _render("text").splitlines()
    assert lines[0] == (
        'base/service.yaml:9:7: error [unknown-field] unknown field "targetport" '
        "(Service team/web at /spec/ports/0/targetport)"
    )
    assert lines[2] == "x.yaml: info [job-ttl] hint"
    assert lines[-1] == "5 resources: 1 error, 1 warning, 1 info"


def test_json_shape() -> None:
    doc = json.loads(_render("json"))
    assert doc["summary"] == {"resources": 5, "errors": 1, "warnings": 1, "infos": 1, "findings": 3}
    assert list(doc) == ["summary", "findings"]
    first = doc["findings"][0]
    assert list(first) == ["rule", "severity", "message", "file", "line", "column", "resource", "path"]
    assert list(first["resource"]) == ["apiVersion", "kind", "namespace", "name"]
    assert first["resource"] == {"apiVersion": "v1", "kind": "Service", "namespace": "team", "name": "web"}
    assert (first["rule"], first["severity"], first["line"], first["column"]) == ("unknown-field", "error", 9, 7)
    assert doc["findings"][2]["resource"] is None


def test_json_when_clean() -> None:
    assert json.loads(_render("json", [])) == {
        "summary": {"resources": 5, "errors": 0, "warnings": 0, "infos": 0, "findings": 0},
        "findings": [],
    }


def test_sarif() -> None:
    doc = json.loads(_render("sarif"))
    assert doc["version"] == "2.1.0" and "sarif" in doc["$schema"]
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(RULES)
    assert all(
        r["fullDescription"]["text"] and r["defaultConfiguration"]["level"] in ("error", "warning", "note")
        for r in rules
    )
    result = run["results"][0]
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == "unknown-field"
    assert result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "base/service.yaml"}, "region": {"startLine": 9, "startColumn": 7}}
    assert (
        run["results"][2]["level"] == "note" and "region" not in run["results"][2]["locations"][0]["physicalLocation"]
    )


def test_junit() -> None:
    root = ET.fromstring(_render("junit"))
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "3" and suite.get("failures") == "3"
    failures = root.findall(".//failure")
    assert failures[0].get("type") == "error" and "base/service.yaml:9:7" in (failures[0].text or "")
    clean = ET.fromstring(_render("junit", []))
    assert clean.find("testsuite").get("failures") == "0"  # type: ignore[union-attr]
    assert len(clean.findall(".//testcase")) == 1


def test_github_annotations() -> None:
    lines = _render("github").splitlines()
    assert lines[0] == (
        '::error file=base/service.yaml,line=9,col=7,title=unknown-field::unknown field "targetport" '
        "(Service team/web at /spec/ports/0/targetport)"
    )
    assert lines[1].startswith("::warning file=base/deployment.yaml,line=17,col=11,title=latest-tag::")
    assert "100%25, a:b" in lines[1]  # data escaping: % only
    assert lines[2] == "::notice file=x.yaml,title=job-ttl::hint"


def test_unknown_format() -> None:
    assert set(FORMATS) == {"text", "json", "sarif", "junit", "github"}
    with pytest.raises(InputError):
        make_reporter("xml", io.StringIO(), resources=0)


@pytest.mark.parametrize("findings", [FINDINGS, [], FINDINGS[2:]], ids=["findings", "clean", "no-resource"])
def test_json_bytes_equal_json_dumps_indent_2(findings: list[Finding]) -> None:
    """The hand-written JSON writer produces exactly what json.dumps(doc, indent=2) did, non-ASCII and
    control characters included."""
    odd = Finding(
        message='caf\u00e9 \u2603 "q" \\ \n\t\x01 \U0001f600',
        path="/a~1b/\u00fc",
        rule="schema-invalid",
        severity=Severity.ERROR,
        resource=ResourceRef("v1", "ConfigMap", "", "n\u00e4me"),
        file="d\u00eer/f.yaml",
        line=1,
        column=0,
    )
    findings = [*findings, odd] if findings else findings
    out = _render("json", findings)
    summary = {"resources": 5, "errors": 0, "warnings": 0, "infos": 0, "findings": len(findings)}
    for f in findings:
        key = {"error": "errors", "warning": "warnings", "info": "infos"}[f.severity.value]
        summary[key] += 1
    expected = json.dumps({"summary": summary, "findings": [f.to_dict() for f in findings]}, indent=2) + "\n"
    assert out == expected


@pytest.mark.parametrize("bound", [1, 2, 65_536])
def test_json_with_its_string_cache_full_and_cleared(monkeypatch: pytest.MonkeyPatch, bound: int) -> None:
    """The JSON writer keeps the escaped text of repeated messages and paths; when the cache is full it
    starts over. Either way the bytes are json.dumps's."""
    from generator.validate.report import json as json_report

    monkeypatch.setattr(json_report, "_ENCODED_MAX", bound)
    findings = [
        Finding(f'message "{i % 3}" \u00e9', f"/spec/{i % 2}", "latest-tag", Severity.WARNING, None, f"f{i}.yaml", i, 1)
        for i in range(9)
    ]
    summary = {"resources": 5, "errors": 0, "warnings": 9, "infos": 0, "findings": 9}
    expected = json.dumps({"summary": summary, "findings": [f.to_dict() for f in findings]}, indent=2) + "\n"
    assert _render("json", findings) == expected


def test_sarif_uris_are_uri_references_for_any_file_name() -> None:
    """A path with a space, "#", "%" or a non-ASCII letter is percent-encoded (RFC 3986): until 2026-12-05
    "my dir/c#m.yaml" went into the uri as is, which a SARIF consumer reads as "my dir/c" plus a fragment."""
    names = ["my dir/ü/c#m.yaml", "100%/a b.yaml", "base/service.yaml"]
    findings = [Finding(message="m", rule="job-ttl", severity=Severity.INFO, file=name, line=1) for name in names]
    doc = json.loads(_render("sarif", findings))
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]]
    assert sorted(uris) == ["100%25/a%20b.yaml", "base/service.yaml", "my%20dir/%C3%BC/c%23m.yaml"]
    assert sorted(unquote(u) for u in uris) == sorted(names)
