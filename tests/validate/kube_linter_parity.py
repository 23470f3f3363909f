"""kube-linter parity: run kube-linter's own check fixtures (tests/fixtures/kube-linter/tests/checks/) through
the gitops-gen rules mapped to each check (tests/fixtures/kube-linter/mapping.yaml) and compare with the
reports kube-linter's e2e suite expects (tests/fixtures/kube-linter/e2etests/bats-tests.sh: the count of
reports and, per report, the object kind and message).

Agreement of one check = (reports matched by object kind) / max(kube-linter's reports, ours): 1.0 when
both report the same number of objects of each kind. When the e2e test names the object of every report
("Kind name: message"), reports are matched by kind and name. When it does not spell out every report,
kinds are unknown and the counts alone are compared. When it asserts reports but no count
(pdb-max-unavailable), the asserted reports are the expectation.

``report_on_bindings`` (mapping.yaml): kube-linter reports RBAC access on the RoleBinding or
ClusterRoleBinding, gitops-gen on the Role or ClusterRole granting it; a finding on a role then counts as
one report on each binding of the fixture that binds it (an unbound role stays a report of its own).

``python3 -m tests.validate.kube_linter_parity`` prints the README table.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.validate.engine import validate_resources
from generator.validate.inputs import load_file
from generator.validate.model import Resource, ResourceRef
from generator.validate.rules import RULES

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "kube-linter"
BATS = FIXTURE / "e2etests" / "bats-tests.sh"
MAPPING = FIXTURE / "mapping.yaml"
# OpenShift kinds kube-linter checks and gitops-gen does not model (DeploymentConfig: deprecated since
# OpenShift 4.14, no schema bundled). Agreement is also given without them.
OPENSHIFT_KINDS = frozenset({"DeploymentConfig"})


@dataclass(frozen=True)
class Expectation:
    check: str
    file: str
    count: int
    kinds: tuple[str, ...] | None  # per report, when the e2e test lists every report
    names: tuple[str, ...] | None = None  # per report, when every listed report also names its object
    count_asserted: bool = True  # False: no count in the e2e test, ``count`` is its asserted reports


# "${message1}" or "${actual_messages[0]}" compared with "Kind: message" or "Kind name: message"
_MESSAGE = re.compile(r'\[\[ "\$\{(?:message\d+|actual_messages\[\d+\])\}" (?:==|=~) "([A-Za-z]+)(?: ([^:"]+))?: ')


def expectations() -> dict[str, Expectation]:
    """Every e2e test of bats-tests.sh that lints one fixture file and asserts a report count, or (without
    a count) asserts reports: then those are the expectation."""
    out: dict[str, Expectation] = {}
    for block in re.split(r'^@test "', BATS.read_text(), flags=re.M)[1:]:
        name = block.split('"', 1)[0]
        tmp = re.search(r'tmp="(tests/checks/[^"]+)"', block)
        count = re.search(r'\[\[ "\$\{count\}" == "(\d+)" \]\]', block)
        messages = _MESSAGE.findall(block)
        if tmp is None or (count is None and not messages):
            continue
        n = int(count.group(1)) if count is not None else len(messages)
        kinds = tuple(k for k, _ in messages) if len(messages) == n else None
        names = tuple(o for _, o in messages) if kinds is not None and all(o for _, o in messages) else None
        out[name] = Expectation(name, tmp.group(1), n, kinds, names, count is not None)
    return out


def mapping() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(MAPPING.read_text())
    assert isinstance(data, dict)
    return data


@dataclass
class Result:
    check: str
    rules: tuple[str, ...]
    expected: int
    ours: int
    matched: int
    kinds_known: bool
    ours_kinds: Counter[str] = field(default_factory=Counter)
    expected_k8s: int = 0  # kube-linter's reports on Kubernetes kinds (OpenShift's DeploymentConfig left out)
    by_object: bool = False  # matched by kind and name
    count_asserted: bool = True

    @property
    def agreement(self) -> float:
        top = max(self.expected, self.ours)
        return 1.0 if top == 0 else self.matched / top

    @property
    def agreement_k8s(self) -> float:
        top = max(self.expected_k8s, self.ours)
        return 1.0 if top == 0 else min(self.matched, top) / top


_BINDING_OF = {"Role": ("RoleBinding",), "ClusterRole": ("RoleBinding", "ClusterRoleBinding")}


def _bindings_of(resources: list[Resource], role: ResourceRef) -> list[Resource]:
    """The RoleBindings/ClusterRoleBindings of ``resources`` whose roleRef names ``role`` (a RoleBinding
    binds a Role of its own namespace, or a ClusterRole)."""
    out = []
    for b in resources:
        ref = b.obj.get("roleRef")
        if b.kind not in _BINDING_OF.get(role.kind, ()) or not isinstance(ref, dict):
            continue
        same_ns = role.kind == "ClusterRole" or b.namespace == role.namespace
        if ref.get("kind") == role.kind and ref.get("name") == role.name and same_ns:
            out.append(b)
    return out


def reported_objects(exp: Expectation, entry: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, name) of each of our reports for the check, in kube-linter's unit (see report_on_bindings)."""
    resources = load_file(FIXTURE / exp.file)
    report = validate_resources(resources, profile=entry.get("profile", "default"), only=frozenset(entry["rules"]))
    pattern = re.compile(entry["match"]) if entry.get("match") else None
    out: list[tuple[str, str]] = []
    for f in report.findings:
        if pattern is not None and not pattern.search(f.message):
            continue
        res = f.resource
        bindings = _bindings_of(resources, res) if res is not None and entry.get("report_on_bindings") else []
        if bindings:
            out.extend((b.kind, b.name) for b in bindings)
        else:
            out.append((res.kind, res.name) if res is not None else ("", ""))
    return out


def run_check(exp: Expectation, entry: dict[str, Any]) -> Result:
    rules = tuple(entry["rules"])
    reported = reported_objects(exp, entry)
    ours = Counter(kind for kind, _ in reported)
    if exp.kinds is not None:
        if exp.names is not None:  # per object: kind and name
            wanted = Counter(zip(exp.kinds, exp.names, strict=True))
            by_object = Counter(reported)
            matched = sum(min(n, by_object[o]) for o, n in wanted.items())
        else:
            wanted_kinds = Counter(exp.kinds)
            matched = sum(min(n, ours[k]) for k, n in wanted_kinds.items())
        k8s = sum(1 for k in exp.kinds if k not in OPENSHIFT_KINDS)
    else:
        matched = min(exp.count, sum(ours.values()))
        k8s = exp.count
    return Result(
        exp.check,
        rules,
        exp.count,
        sum(ours.values()),
        matched,
        exp.kinds is not None,
        ours,
        k8s,
        by_object=exp.names is not None,
        count_asserted=exp.count_asserted,
    )


def results() -> list[Result]:
    exps = expectations()
    out = []
    for check, entry in sorted(mapping().items()):
        if entry.get("rules") and check in exps:
            out.append(run_check(exps[check], entry))
    return out


def per_rule(found: list[Result], *, k8s: bool = False) -> dict[str, tuple[int, int]]:
    """rule -> (matched reports, max(expected, ours) summed over its checks); ``k8s``: without
    kube-linter's reports on OpenShift kinds."""
    table: dict[str, tuple[int, int]] = {}
    for r in found:
        key = ", ".join(r.rules)
        matched, total = table.get(key, (0, 0))
        expected = r.expected_k8s if k8s else r.expected
        top = max(expected, r.ours)
        table[key] = (matched + min(r.matched, top), total + top)
    return table


def markdown() -> str:
    found = results()
    lines = [
        "| kube-linter check | gitops-gen rule | kube-linter reports | ours | agreement | without DeploymentConfig |",
        "|---|---|---|---|---|---|",
    ]
    for r in found:
        basis = " (object)" if r.by_object else "" if r.kinds_known else " (count)"
        basis += "" if r.count_asserted else " (no count in e2e)"
        lines.append(
            f"| {r.check} | {', '.join(r.rules)} | {r.expected} | {r.ours} | {r.agreement:.0%}{basis} "
            f"| {r.agreement_k8s:.0%} |"
        )
    rules, k8s = per_rule(found), per_rule(found, k8s=True)
    lines += ["", "| gitops-gen rule | agreement over its checks | without DeploymentConfig |", "|---|---|---|"]
    for rule, (matched, total) in sorted(rules.items()):
        m2, t2 = k8s[rule]
        lines.append(f"| {rule} | {matched}/{total} = {_pct(matched, total)} | {m2}/{t2} = {_pct(m2, t2)} |")
    matched, total = (sum(x) for x in zip(*rules.values(), strict=True))
    m2, t2 = (sum(x) for x in zip(*k8s.values(), strict=True))
    lines += [
        "",
        f"Overall over the {len(found)} mapped checks: {matched}/{total} = {_pct(matched, total)}; "
        f"without DeploymentConfig: {m2}/{t2} = {_pct(m2, t2)}.",
    ]
    return "\n".join(lines)


def _pct(part: int, whole: int) -> str:
    return f"{part / whole if whole else 1:.0%}"


def registered(rule: str) -> bool:
    return rule in RULES


def dont_fire_findings() -> list[tuple[str, str, str]]:
    """Our findings on fixture objects kube-linter names ``dont-fire*`` (its convention for negatives)."""
    exps = expectations()
    out = []
    for check, entry in sorted(mapping().items()):
        if not entry.get("rules") or check not in exps:
            continue
        resources = load_file(FIXTURE / exps[check].file)
        report = validate_resources(resources, profile=entry.get("profile", "default"), only=frozenset(entry["rules"]))
        pattern = re.compile(entry["match"]) if entry.get("match") else None
        for f in report.findings:
            negative = f.resource is not None and f.resource.name.startswith("dont-fire")
            if negative and f.resource and (pattern is None or pattern.search(f.message)):
                out.append((check, f.rule, f"{f.resource.kind} {f.resource.name}"))
    return out


if __name__ == "__main__":
    print(markdown())
