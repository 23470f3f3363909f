"""What a ``--jobs N`` child sends back unpacks to what the child had: every field of every finding, resource
and document source (generator/validate/packing.py)."""

from __future__ import annotations

import dataclasses
import pickle

from generator.validate.load import DocSource, load_text
from generator.validate.model import Finding, Resource, ResourceRef, Severity
from generator.validate.packing import pack_findings, pack_resources, unpack_findings, unpack_resources

TEXT = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: a}
data: {k: v, k: w}
---
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Service, metadata: {name: s, namespace: n}}
"""


def _fields(res: Resource) -> tuple[object, ...]:
    source = dataclasses.astuple(res.source) if res.source is not None else None
    return (res.obj, res.file, res.doc_index, res.line, res.duplicate_keys, res.default_namespace, source)


def test_resources_come_back_with_every_field_and_their_document_source() -> None:
    resources = [*load_text(TEXT, "x.yaml", default_namespace="dflt"), Resource({"kind": "Pod"}, "y.yaml")]
    assert any(r.duplicate_keys for r in resources) and any(r.source and r.source.base for r in resources)
    back = unpack_resources(pickle.loads(pickle.dumps(pack_resources(resources))))
    assert [_fields(r) for r in back] == [_fields(r) for r in resources]
    assert all(isinstance(r.source, DocSource) for r in back[:-1]) and back[-1].source is None


def test_findings_come_back_equal_and_share_one_ref_per_resource() -> None:
    ref = ResourceRef("v1", "ConfigMap", "n", "a")
    findings = [
        Finding("m1", "/data", "rule-a", Severity.ERROR, ref, "x.yaml", 3, 7),
        Finding("m2", "", "rule-b", Severity.WARNING, ResourceRef("v1", "ConfigMap", "n", "a"), "x.yaml", 1, 1),
        Finding("m3", "", "rule-c", Severity.INFO, None, "k/kustomization.yaml", 0, 0),
    ]
    back = unpack_findings(pickle.loads(pickle.dumps(pack_findings(findings))))
    assert back == findings
    assert back[0].resource is back[1].resource
