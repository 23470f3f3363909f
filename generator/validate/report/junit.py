"""JUnit XML: one test case per finding (a failure), or one passing case when the run is clean."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from generator.validate.report.base import Reporter, where


class JunitReporter(Reporter):
    def finish(self) -> None:
        suites = ET.Element("testsuites")
        cases = max(1, len(self.findings))
        suite = ET.SubElement(
            suites,
            "testsuite",
            {
                "name": "gitops-gen validate",
                "tests": str(cases),
                "failures": str(len(self.findings)),
                "errors": "0",
                "skipped": "0",
            },
        )
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", {"name": "resources", "value": str(self.summary.resources)})
        if not self.findings:
            ET.SubElement(suite, "testcase", {"classname": "gitops-gen", "name": "validate"})
        for f in self.findings:
            res = str(f.resource) if f.resource else "document"
            case = ET.SubElement(suite, "testcase", {"classname": f.file or "gitops-gen", "name": f"{f.rule} {res}"})
            failure = ET.SubElement(case, "failure", {"message": f.message, "type": f.severity.value})
            failure.text = f"{where(f)}: {f.severity.value} [{f.rule}] {f.message}" + (
                f" at {f.path}" if f.path else ""
            )
        ET.indent(suites)
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.stream.write(ET.tostring(suites, encoding="unicode") + "\n")
