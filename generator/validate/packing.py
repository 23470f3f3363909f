"""What a ``--jobs N`` child sends back to the parent (generator/validate/forking.py): findings and resources
as plain tuples, not dataclasses. Pickling a slots dataclass runs Python code per object; tuples of str and
int pickle in C, several times faster for 20,000 resources. Unpacking gives objects equal to the child's.
"""

from __future__ import annotations

import dataclasses
import operator
from sys import intern
from typing import Any

from generator.validate.load import DocSource
from generator.validate.model import Finding, Resource, ResourceRef, Severity

FindingTuple = tuple[str, str, str, str, tuple[str, str, str, str] | None, str, int, int]
# a Resource's fields in declaration order, its source as its DocSource's fields in theirs (None: no source)
ResourceTuple = tuple[dict[str, Any], str, int, int, list[str], str, tuple[Any, ...] | None]

# one C call that reads every field of a DocSource, in the order DocSource(*fields) takes them
_SOURCE_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(DocSource)))
_SEVERITIES = {s.value: s for s in Severity}  # a dict lookup, not Severity(value): the enum's call is ~1 us


def pack_findings(findings: list[Finding]) -> list[FindingTuple]:
    out: list[FindingTuple] = []
    for f in findings:
        ref = f.resource
        refs = (ref.api_version, ref.kind, ref.namespace, ref.name) if ref is not None else None
        out.append((f.message, f.path, f.rule, f.severity.value, refs, f.file, f.line, f.column))
    return out


def unpack_findings(tuples: list[FindingTuple]) -> list[Finding]:
    refs: dict[tuple[str, str, str, str], ResourceRef] = {}  # one ResourceRef per resource, as in-process
    out = []
    for message, path, rule, severity, names, file, line, column in tuples:
        ref = None
        if names is not None:
            ref = refs.get(names)
            if ref is None:
                ref = refs[names] = ResourceRef(*names)
        out.append(Finding(intern(message), intern(path), rule, _SEVERITIES[severity], ref, file, line, column))
    return out


def pack_resources(resources: list[Resource]) -> list[ResourceTuple]:
    source = _SOURCE_FIELDS
    return [
        (
            r.obj, r.file, r.doc_index, r.line, r.duplicate_keys, r.default_namespace,
            None if r.source is None else source(r.source),
        )
        for r in resources
    ]  # fmt: skip


def unpack_resources(tuples: list[ResourceTuple]) -> list[Resource]:
    return [
        Resource(obj, file, index, line, dups, namespace, None if src is None else DocSource(*src))
        for obj, file, index, line, dups, namespace, src in tuples
    ]
