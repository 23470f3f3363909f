"""The yaml-rs fast path gives exactly what the libyaml (go-yaml v2 semantics) path gives, and steps aside
whenever YAML 1.2 and go-yaml v2 could disagree."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.errors import InputError
from generator.validate import load as load_mod
from generator.validate import yaml_exact, yaml_fast
from generator.validate.load import load_text

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "tests" / "fixtures" / "guide"

pytestmark = pytest.mark.skipif(yaml_fast.yaml_rs is None, reason="yaml-rs not installed")


def _bench_documents() -> list[str]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from validate_bench import app_documents
    finally:
        sys.path.pop(0)
    return [doc for i in range(0, 120) for doc in app_documents(i)]


def _summary(text: str, fast: bool) -> list[tuple[Any, ...]]:
    return [
        (r.obj, r.line, r.doc_index, r.file, r.source.start_line, r.source.end_line, r.source.base, r.duplicate_keys)
        for r in load_text(text, "t.yaml", fast=fast)
    ]


PLAIN_STREAMS = [
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  x: '1'\n  y: \"2\"\n  z: |\n    block\n    text\n",
    "# leading comment\n---\n# comment\napiVersion: v1\nkind: A\n---\n---\napiVersion: v1\nkind: B\n---\n",
    "--- {apiVersion: v1, kind: C, metadata: {name: c}}\n--- # comment\napiVersion: v1\nkind: D\n",
    "apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: E, metadata: {name: e}}\n",
    "a: &x {b: 1, c: [1, 2.5, -3, 1e3, .inf, ~, null, true, False, 0, 0o17, 0x1F]}\nd: *x\ne: '10:30'\nf: 2024-01-01\n",
    "s: 'yes'\nt: 'it''s'\nu: \"tab\\tand \\u00e9\"\nv: plain text here\nw: 'n'\n",
    "k:\n  - name: sync-wave\n    value: \"-3\"\n  - {name: q, value: '0755'}\n",
    "- just\n- a list\n",
    "",
    "# only comments\n",
]


@pytest.mark.parametrize("text", PLAIN_STREAMS)
def test_fast_path_equals_libyaml_path_on_plain_streams(text: str) -> None:
    fast, slow = _summary(text, True), _summary(text, False)
    assert repr(fast) == repr(slow)  # repr: nan != nan


def _slow_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = yaml_exact.exact_documents

    def spy(text: str, display: str) -> Any:
        calls.append(text)
        return real(text, display)

    # the exact path is called for a whole stream (load_text) and for one document (yaml_fast)
    monkeypatch.setattr(load_mod, "exact_documents", spy)
    monkeypatch.setattr(yaml_fast, "exact_documents", spy)
    return calls


def test_fast_path_is_taken_per_document_and_equal_on_the_benchmark_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = _bench_documents()
    text = "---\n".join(docs)
    expected = _summary(text, False)
    calls = _slow_calls(monkeypatch)
    assert _summary(text, True) == expected
    # only the documents with "enabled: yes" (YAML 1.1 boolean) or "mode: 0644" (go-yaml octal) went
    # through libyaml
    go_only = ("enabled: yes", "mode: 0644")
    assert len(calls) == sum(1 for doc in docs if any(m in doc for m in go_only)) > 0
    assert all(any(m in chunk for m in go_only) for chunk in calls)


@pytest.mark.parametrize("path", sorted(GUIDE.glob("*.yaml")), ids=lambda p: p.name)
def test_fast_path_equals_libyaml_path_on_the_guide_fixtures(path: Path) -> None:
    text = path.read_text()
    assert _summary(text, True) == _summary(text, False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v: yes\n", {"v": True}),
        ("v: off\n", {"v": False}),
        ("v: [y, n]\n", {"v": [True, False]}),
        ("on: push\n", {"true": "push"}),
        ("v: 0755\n", {"v": 493}),
        ("v: [0755]\n", {"v": [493]}),
        ("v: 09\n", {"v": 9.0}),
        ("v: 1_000\n", {"v": 1000}),
        ("v: 0b101\n", {"v": 5}),
        ("v: 0X1F\n", {"v": 31}),
        ("v: 0B11\n", {"v": 3}),
        ("v: 18446744073709551615\n", {"v": 18446744073709551615}),
        ("v: 123456789012345678901\n", {"v": 1.2345678901234568e20}),
        ("80: http\n", {"80": "http"}),
        ("true: x\n", {"true": "x"}),
        ("base: &b {x: 1}\nd:\n  <<: *b\n  z: 2\n", {"base": {"x": 1}, "d": {"x": 1, "z": 2}}),
        ("v: !!str 12\n", {"v": "12"}),
        ("%YAML 1.1\n---\nv: 1\n", {"v": 1}),
    ],
)
def test_ambiguous_streams_get_go_yaml_semantics(text: str, expected: dict[str, Any]) -> None:
    [res] = load_text(text, "t.yaml")
    assert res.obj == expected
    assert repr(_summary(text, True)) == repr(_summary(text, False))


def test_quoted_go_only_words_also_fall_back_and_stay_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _slow_calls(monkeypatch)
    [res] = load_text("v: 'yes'\n", "t.yaml")
    assert res.obj == {"v": "yes"}
    assert calls == ["v: 'yes'\n"]  # a string "yes" cannot tell quoted from plain afterwards


def test_plain_documents_do_not_touch_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _slow_calls(monkeypatch)
    load_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: '0755', port: \"8080\"}\n", "t.yaml")
    assert calls == []


def test_slow_documents_keep_their_lines_inside_a_fast_stream() -> None:
    text = "apiVersion: v1\nkind: A\n---\n# c\napiVersion: v1\nkind: B\nmode: 0755\nmode: 1\n---\nkind: C\n"
    fast, slow = _summary(text, True), _summary(text, False)
    assert fast == slow
    assert [r.source.duplicate_marks for r in load_text(text, "t.yaml")] == [{}, {"/mode": (8, 1)}, {}]


def test_duplicate_keys_and_errors_go_through_the_libyaml_path() -> None:
    [res] = load_text("a: 1\na: 2\n", "t.yaml")
    assert res.duplicate_keys == ["/a"]
    with pytest.raises(InputError, match=r"t\.yaml:2:"):
        load_text("a: 1\n b: [\n", "t.yaml")
    with pytest.raises(InputError):
        load_text("a: !Ref x\n", "t.yaml")


def test_strings_are_shared_like_on_the_libyaml_path() -> None:
    a, b = load_text("---\n".join(["apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same}\n"] * 2), "t.yaml")
    assert a.obj["metadata"]["name"] is b.obj["metadata"]["name"]
    assert next(iter(a.obj)) is next(iter(b.obj))


def test_special_floats_match() -> None:
    [res] = load_text("a: .nan\nb: -.inf\n", "t.yaml")
    assert math.isnan(res.obj["a"]) and res.obj["b"] == -math.inf


# Where a token can sit in a document: {t} is replaced by a tag ("!!str", "!!int", "!custom") or a number
# with a leading zero ("0755", "-0755", "0_7", "09"), in node position and inside a scalar's text.
_CONTEXTS = [
    "a: {t} 12\n",
    "a: {t}\n",
    "a:\t{t}\n",
    "a:\n  {t}\n",
    "a:\n- {t}\n",
    "a:\n  -   {t}\n",
    "a: [{t}, x]\n",
    "a: [x,{t}]\n",
    "a: {{b: {t}}}\n",
    "a: {{b:{t}}}\n",
    "a: &anchor {t}\n",
    "a: &anchor\n  {t}\n",
    "? {t}\n: v\n",
    "{t}: v\n",
    "--- {t}\n",
    "a: b\n  {t}\n",
    "a: words and {t} more\n",
    "a: x || {t}y\n",
    "a: 'quoted {t}'\n",
    'a: "quoted, {t}"\n',
    "a: |\n  block\n  {t}\n",
    "a: >-\n  folded {t}\n",
    "a: between 0 and {t}.\n",
    "a: [x, 'y {t}']\n",
    # commas: flow indicators only inside a flow collection
    "a: f(x, {t})\n",
    "a: {{}}\nb: f(x, {t})\n",
    "a: []\nb: [c, {t}]\n",
    "a: [x,\n  {t}]\n",
    "a: {{x: 1,\n  b: {t}}}\n",
    "a: {{b: '}}', c: {t}}}\n",
    'a: {{b: "]", c: {t}}}\n',
    "a: {{b: x # }}\n  , c: {t}}}\n",
    "a: {{b: [1, 2]}}\nc: f(x, {t})\n",
    "a: ['x', 'y''s', \"z\"]\nc: f(x, {t})\n",
    "a: ['x, {t}']\n",
    "a: [it's, {t}]\n",
    "a: ['x', {t}]\n",
    "a: ['x]', {t}]\n",
    "a: ['x\n  ]', {t}]\n",
    # a quoted value on its line: the rest of the line up to the closing quote is its text
    "a: 'x ? {t} : y'\n",
    "- a: 'x, {t}'\n",
    "a: 'x' ? {t}\n",
    "{{a: x - 'y, b: {t}}}\n",
    "a: [x - 'y, b: {t}]\n",
    "a: x - 'y ? {t}\n",
    "'a': 'b ? {t}'\n",
    "a: 'b\n  c' ? {t}\n",
    # ":" without a blank: text in block context, an indicator after a quoted key or in a flow collection
    "a: x:{t}\n",
    '{{"a":{t}}}\n',
    "a: [b:{t}]\n",
    "a: ^(?:[x]|y)+$\nb: f(x, {t})\n",
    # a quoted scalar's next lines hold what looks like flow collections and indicators
    'a: "x\n  flags: [\n  y, {t}"\n',
    'a: "x\n  flags: [\n  y"\nb: f(y, {t})\n',
    "a: |\n  'x\n  flags: [\nb: f(y, {t})\n",
    "a: |\n  'x\n  flags: [\nb: [y, {t}]\n",
    # "-", "?" and "---" alone are indicators; at a word's end they are text
    "a: x - {t}\n",
    "a: x- {t}\n",
    "a: why? {t}\n",
    "- - {t}\n",
    "? - {t}\n",
    # the next lines of a quoted scalar are its text...
    "a: 'x ||\n  {t} y'\n",
    'a: "x ||\n  {t} y"\n',
    "a: 'it''s\n    more\n  {t} y'\n",
    'a: "say \\"hi\n  {t} y"\n',
    "- 'x\n  {t}'\n",
    # ...but not once the quote is closed, or when the quote is a block scalar's text or a plain scalar's
    "a: 'x'\nb:\n  {t}\n",
    "a: 'x\n  y'\nb:\n  {t}\n",
    "a: |\n  'text\nb:\n  {t}\n",
    "a: |\n 'text\nb:\n    {t} x\n",
    "a: |\n  x\n      'text\nb:\n  {t}\n",
    "a: x\n  'y\nb:\n  {t}\n",
    "a: [x,\n  'y',\n  {t}]\n",
    "a: [x,\n  'y\n    still',\n    {t}]\n",
    'a: "x\n  \'y\n  {t}"\n',
    # the next lines of a plain scalar are its text (a CEL rule continued by "&& !has(x)")...
    "a: x ||\n  && {t}\n",
    "a: x ||\n  y\n  && {t}\n",
    "a: x ||\n    y\n  && {t} z\n",
    "- b: x ||\n    && {t}\n",
    "a:\n  b: x\n    {t}\n",
    # ...but not after a key without a value, a comment, a quote, a block scalar or a shallower line
    "a: x\nb:\n  && {t}\n",
    "a: x\nb:\n  {t}\n",
    "a: x # c\n  {t}\n",
    "a: x\n  # c\n  {t}\n",
    "a: 'x'\n  {t}\n",
    "a: |\n  x\n  {t}\n",
    "- b: x\n  {t}\n",
    "a: x\n\n  {t}\n",
    "a:\n- x\n  {t}\n",
]
_TOKENS = ["!!str", "!!int", "!custom", "0755", "-0755", "+0755", "0_7", "09", "0755.5", "!!str 0755"]


@pytest.mark.parametrize("context", _CONTEXTS)
def test_tags_and_leading_zeros_in_any_position_read_as_libyaml_reads_them(context: str) -> None:
    """The fast path steps aside for a tag or a leading-zero number only where one starts a node; this
    checks every pairing of a position and a token against the libyaml path (the same objects, or the same
    error)."""
    for token in _TOKENS:
        text = "apiVersion: v1\nkind: ConfigMap\n" + context.format(t=token)
        try:
            slow = _summary(text, False)
        except InputError:
            with pytest.raises(InputError):
                _summary(text, True)
            continue
        assert repr(_summary(text, True)) == repr(slow), text


def test_a_bang_or_a_leading_zero_inside_text_keeps_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """CRDs carry both in their descriptions and CEL rules (argo-workflows: "between 0 and 0777", ``rule:
    '!has(self.a) || !self.b'``); such a document went to the pure-Python path as a whole."""
    calls = _slow_calls(monkeypatch)
    text = (
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: a}\n"
        "spec:\n  description: >-\n    mode bits, a value between 0 and 0777. Not !important\n"
        "  rule: '!has(self.realtime) || !self.realtime ||\n    !self.value.contains(x)'\n"
        "  all: self.all(t, !(has(t.timeout) && !has(t.steps)))\n  why: is it? !x\n  note: a != b and x - y\n"
        "  rules:\n  - rule: (has(self.manifest) && !has(self.manifestFrom)) ||\n"
        "      (!has(self.manifest) && has(self.manifestFrom)) || (!has(self.manifest)\n"
        "      && !has(self.manifestFrom))\n"
    )
    [res] = load_text(text, "t.yaml")
    assert res.obj["spec"]["rule"] == "!has(self.realtime) || !self.realtime || !self.value.contains(x)"
    assert res.obj["spec"]["note"] == "a != b and x - y"
    assert res.obj["spec"]["rules"][0]["rule"].endswith("|| (!has(self.manifest) && !has(self.manifestFrom))")
    assert calls == []
    assert repr(_summary(text, True)) == repr(_summary(text, False))


@pytest.mark.parametrize(
    "text",
    [
        "data:\n  example.com: |\n",
        "data:\n  example.com: |\n\n",
        "data:\n  a: |\n   \n  \n",
        "data:\n  k: |\n    type: gitlab\n    secret: x",
        "data:\n  k: |+\n    x",
        "data:\n  k: >\n    x",
        "data:\n  k: |\n    x\n    # c",
        "data:\n  k: |\n    x\n  ",
        "- |\n  x",
        "data:\n  k: |\n    x\n---\ndata:\n  k: |\n---\ndata:\n  k: x",
        "data:\n  k: 'x'",
        "data:\n  k: x",
    ],
)
def test_a_block_scalar_at_the_end_of_a_document_reads_as_libyaml_reads_it(text: str) -> None:
    """yaml-rs read a block scalar at the end of its input otherwise (Knative's overlay-config-domain.yaml:
    an empty ``|`` read "\\n"; argo-workflows' webhook clients Secret, no final line break: a "\\n" more)."""
    assert repr(_summary(text, True)) == repr(_summary(text, False))
