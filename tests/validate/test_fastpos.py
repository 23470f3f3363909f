"""Positions from the text (generator.validate.fastpos) equal positions from the composed node tree
(the old path, generator.validate.positions.walk on libyaml nodes) for every pointer into generated and
hand-written documents, and the CLI's JSON report equals the old single-pass engine's, byte for byte."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.commands import validate as validate_cmd
from generator.validate import sourcedocs
from generator.validate.engine import validate_resources
from generator.validate.inputs import load_inputs
from generator.validate.load import load_text
from generator.validate.model import pointer
from generator.validate.positions import Locator
from generator.validate.schemas import SchemaStore

from . import random_yaml

ROOT = Path(__file__).resolve().parents[2]


def _bench() -> Any:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import validate_bench
    finally:
        sys.path.pop(0)
    return validate_bench


EDGE_CASES = [
    # compact sequences, comments at any indentation, blank lines, block scalars that look like YAML
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n# a comment at column 0\n  labels:\n"
    "    x: y\ndata:\n  script: |\n    name: not-a-key\n    - not an item\n\n  other: >-\n    folded\n"
    "  list:\n  - a\n  - b\n",
    # sequences of mappings, same names twice (strategic-merge list key), flow items, nested compact lists
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n"
    "      containers:\n      - name: a\n        image: x\n        ports:\n        - containerPort: 80\n"
    "          name: http\n      - name: a\n        image: y\n      - {name: b, image: z}\n"
    "      -   name: c\n          image: w\n",
    # multi-line plain scalars, keys with trailing spaces, values with quotes and colons inside
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  annotations:\n    note: a long\n"
    "      plain scalar\n    quoted: \"a: b\"\n    single: 'it''s'\ndata :\n  k  : v\n  url: http://x?y=1\n",
    # things the text path refuses (the composer answers): anchors, quoted keys, tags, multi-line quotes
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: &n c\ndata:\n  a: *n\n",
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata:\n  "quoted": x\n  b: "multi\n    line"\n',
    # a root that is a List
    "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: e\n"
    '  data:\n    x: "1"\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: f}\n',
    # null values, empty mappings, a document end marker, a comment after a key
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: s # trailing\n  labels:\nspec:\n  selector: {}\n"
    "  ports:\n  - port: 80\n    targetPort:\n...\n",
    # a key whose value starts on the next line deeper, numbers and booleans as names
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name:\n    g\nspec:\n  template:\n    spec:\n"
    '      containers:\n      - name: 123\n        image: i\n      - name: "123"\n        image: j\n',
    # anchored block values and aliases after a key (walked around, not into), flow mappings and sequences
    # on one line (walked into), items whose content starts on the line after the dash
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: h\n  labels: &labels\n    app: h\n"
    "    tier: web # c\nspec:\n  selector: {matchLabels: {app: h}}\n  template:\n    metadata:\n"
    "      labels: *labels\n    spec:\n      containers:\n        - # the server\n          name: a\n"
    "          image: x\n          env:\n            - {name: A, value: b}\n            - name: B\n"
    "              valueFrom:\n                configMapKeyRef: {name: cm,  key: k , optional: }\n"
    "          args: [--a, b, 3]   # trailing\n          ports: [{containerPort: 80}]\n        -\n"
    "          name: b\n          image: y\n          command: []\n          workingDir: {}\n",
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: i, labels: {a: b}}\ndata: {x: 'q', y: z}\n"
    "binaryData: {k: v, k: w}\nimmutable: [a: b]\n",
    # keys and items that a node lacks but a later node at the same column has: a step must not find
    # them past the end of its own node (node ranges are upper bounds, checked per line found)
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: k\n  labels:\n    a: x\n  annotations:\n    b: y\n"
    "data:\n  list:\n  - name: p\n  - name: q\n    extra: 1\n  other:\n  - name: r\n    only: 2\n  nested:\n"
    "    - x: 1\n    - y: 2\n  # a comment at column 2\n  after:\n    - z: 3\n    -   w: 4\n  tail: t\n"
    "binaryData:\n  x: 1\n  k:\n      deep: 1\n  z:\n    - 1\n",
    "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: l\n"
    "  data:\n    a: 1\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: m\n    labels:\n      a: 2\n"
    "  data:\n    b: 1\n",
    "apiVersion: v1\nkind: List\nitems:\n  - # first\n    apiVersion: v1\n    kind: ConfigMap\n"
    "    metadata:\n      name: j\n  -\n    - nested\n  - &item\n    apiVersion: v1\n    kind: Secret\n"
    "  - *item\n",
]


def _pointers(obj: Any, path: tuple[str | int, ...] = ()) -> Iterator[str]:
    yield pointer(*path)
    yield pointer(*path, "missing-key")
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from _pointers(value, (*path, key))
    elif isinstance(obj, list):
        yield pointer(*path, len(obj))  # past the end
        for i, value in enumerate(obj):
            yield from _pointers(value, (*path, i))


def _documents() -> list[str]:
    bench = _bench()
    docs = [d for i in range(0, 60) for heavy in (False, True) for d in bench.app_documents(i, heavy)]
    docs.append(bench._as_list(bench.app_documents(3)[:3]))
    return docs + EDGE_CASES


def _names(obj: Any) -> set[str]:
    if isinstance(obj, dict):
        return {str(k) for k in obj}.union(*(_names(v) for v in obj.values()))
    if isinstance(obj, list):
        return set().union(*(_names(v) for v in obj))
    return set()


def _cross_pointers(obj: Any, names: list[str], path: tuple[str | int, ...] = ()) -> Iterator[str]:
    """Below every node, every key name of the document and every index up to two past the end."""
    for name in names:
        yield pointer(*path, name)
    for i in range(len(obj) + 2 if isinstance(obj, list) else 2):
        yield pointer(*path, i)
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from _cross_pointers(value, names, (*path, key))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            yield from _cross_pointers(value, names, (*path, i))


def _compare(tmp_path: Path, stream: str, pointers: Callable[[Any], Iterator[str]]) -> tuple[int, int, int]:
    """Both paths' position of every pointer into every resource of ``stream``: asserted equal. Returns
    (resources, pointers checked, pointers the text path answered)."""
    path = tmp_path / "s.yaml"
    path.write_text(stream)
    resources = load_inputs([str(path)], repo=tmp_path)
    fast, slow = Locator(fast=True), Locator(fast=False)
    checked = by_text = 0
    for res in resources:
        for ptr in pointers(res.obj):
            assert fast.locate(res, ptr) == slow.locate(res, ptr), (res.ref, ptr)
            checked += 1
            by_text += fast._fast(res, ptr) is not None
    return len(resources), checked, by_text


def _every_name_everywhere(obj: Any) -> Iterator[str]:
    return _cross_pointers(obj, sorted(_names(obj)))


@pytest.mark.parametrize("stream", EDGE_CASES, ids=lambda s: f"{len(s)}")
def test_text_positions_equal_composed_positions_for_names_found_elsewhere(tmp_path: Path, stream: str) -> None:
    resources, checked, _ = _compare(tmp_path, stream, _every_name_everywhere)
    assert checked > 10 * resources


@pytest.mark.parametrize("seeds", [range(0, 100), range(100, 200)], ids=["seeds 0-99", "seeds 100-199"])
def test_text_positions_equal_composed_positions_in_random_block_documents(tmp_path: Path, seeds: range) -> None:
    """Random documents (tests/validate/random_yaml.py): indentation styles, comments at any column and the
    same key names at every level; every key name of the document below every node, both paths equal."""
    stream = "---\n".join(random_yaml.document(seed) for seed in seeds)
    resources, checked, by_text = _compare(tmp_path, stream, _every_name_everywhere)
    assert resources == len(seeds)
    assert by_text > 0.5 * checked  # the text path answers most of them (not those into flow collections)


@pytest.mark.parametrize("stream", ["---\n".join(_documents()), *EDGE_CASES], ids=lambda s: f"{len(s)}")
def test_text_positions_equal_composed_positions_for_every_pointer(tmp_path: Path, stream: str) -> None:
    resources, checked, by_text = _compare(tmp_path, stream, _pointers)
    assert checked > resources
    if resources > 100:  # the generated corpus: the text path answers most pointers (not the
        assert by_text > 0.75 * checked  # anchored documents, nor pointers into flow collections)


def test_text_path_is_taken_for_plain_block_yaml() -> None:
    text = EDGE_CASES[1]
    [res] = load_text(text, "t.yaml")
    ptr = "/spec/template/spec/containers/1/image"
    # item 1 has the name of item 0: like the composed walk (strategic-merge list key), the first is found
    assert Locator()._fast(res, ptr) == ("t.yaml", 9, 9) == Locator(fast=False).locate(res, ptr)
    assert Locator()._fast(res, "/spec/template/spec/containers/3/image") == ("t.yaml", 17, 11)
    [anchored] = load_text(EDGE_CASES[3], "t.yaml")
    assert Locator()._fast(anchored, "/data/a") is None  # refused: the composer answers


def _old_json_report(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The report of the code path before the pipeline: one process, the single-pass engine, positions
    from documents composed with PyYAML's CSafeLoader, the JSON reporter's json.dumps(indent=2)."""
    with monkeypatch.context() as patch:
        patch.setattr(sourcedocs, "_PositionLoader", yaml.CSafeLoader)
        resources = load_inputs([str(corpus)], repo=corpus, default_namespace="default")
        report = validate_resources(
            resources, profile="default", schemas=SchemaStore("1.33.0"), locator=Locator(fast=False)
        )
    counts = {s: sum(1 for f in report.findings if f.severity.value == s) for s in ("error", "warning", "info")}
    summary = {
        "resources": report.resources,
        "errors": counts["error"],
        "warnings": counts["warning"],
        "infos": counts["info"],
        "findings": len(report.findings),
    }
    return json.dumps({"summary": summary, "findings": [f.to_dict() for f in report.findings]}, indent=2) + "\n"


@pytest.mark.parametrize("heavy", [False, True], ids=["realistic", "findings"])
def test_cli_json_report_equals_the_old_engine_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, heavy: bool
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    resources, _ = _bench().build_corpus(corpus, 1500, heavy)
    old = _old_json_report(corpus, monkeypatch)
    assert json.loads(old)["summary"]["findings"] > resources // 3
    for jobs in (1, 2, 3):
        out = io.StringIO()
        validate_cmd.run([str(corpus)], out=out, repo=corpus, fmt="json", kubernetes_version="1.33.0", jobs=jobs)
        assert out.getvalue() == old, f"--jobs {jobs}"


def test_the_memo_walks_a_shared_prefix_once_and_gives_what_fresh_walks_give() -> None:
    """The findings of one resource share a document's memo (a trie by pointer part): a path walked
    before is reused step by step, and every answer equals a walk with an empty memo."""
    from generator.validate import fastpos

    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
        "      containers:\n        - name: a\n          image: x\n          ports:\n            - containerPort: 80\n"
        "        - name: b\n          image: y\n"
    )
    obj = yaml.safe_load(text)
    paths = [
        ["spec", "template", "spec", "containers", "1", "image"],
        ["spec", "template", "spec", "containers", "0", "ports", "0", "containerPort"],
        ["spec", "template", "spec", "containers", "0", "image"],
        ["spec", "template", "spec", "containers", "1", "image"],
        ["metadata", "name"],
        ["spec", "template", "missing", "key"],
    ]
    memo = fastpos.Memo()
    shared = [fastpos.locate(text, 0, len(text), p, obj, memo) for p in paths]
    fresh = [fastpos.locate(text, 0, len(text), p, obj) for p in paths]
    assert shared == fresh == [(13, 10), (11, 14), (9, 10), (13, 10), (3, 2), (5, 2)]
    # one child per distinct part after a common prefix: spec and metadata at the root, two containers
    assert sorted(memo.children) == ["metadata", "spec"]
    containers = memo.children["spec"].children["template"].children["spec"].children["containers"]
    assert sorted(containers.children) == ["0", "1"]


def test_the_significant_line_scan_matches_its_regex_on_random_text() -> None:
    """``fastpos._significant`` replaces a regex search and its match's methods in the walk: for any text,
    start and end it gives what ``_SIGNIFICANT.search(text, pos, end)`` gives."""
    import random
    import re

    from generator.validate import fastpos

    significant = re.compile(r"^( *)([^ \n#])", re.M)  # the first line with content, not blank or comment
    rng = random.Random(13)
    for _ in range(20_000):
        text = "".join(rng.choice("  \n\n#a-:") for _ in range(rng.randrange(0, 24)))
        end = rng.randrange(0, len(text) + 1)
        pos = rng.randrange(0, end + 1)
        found = significant.search(text, pos, end)
        want = (found.start(2), len(found.group(1))) if found else (-1, 0)
        assert fastpos._significant(text, pos, end) == want, (text, pos, end)
        at = rng.randrange(0, len(text) + 1)
        assert fastpos._dash(text, at) == (text.startswith("- ", at) or text.startswith("-\n", at)), (text, at)


def test_the_end_of_node_and_dash_scans_match_their_regexes_on_random_text() -> None:
    """``fastpos._ended`` and ``fastpos._dashes`` replace regex searches (a pattern's ``search`` goes
    through Python from compiled code): for any text, range and column they answer what the patterns did."""
    import random
    import re

    from generator.validate import fastpos

    def ended(text: str, start: int, stop: int, col: int, seq: bool) -> bool:
        if not seq and col == 0:
            return False
        c = col if seq else col - 1
        same = rf" {{{c}}}(?:[^ \n#-]|-[^ \n])" if seq else rf" {{{c}}}[^ \n#]"
        pattern = re.compile(rf"\n{same}" if c == 0 else rf"\n(?: {{0,{c - 1}}}[^ \n#]|{same})")
        return pattern.search(text, start, stop + 1) is not None

    def dashes(text: str, start: int, col: int, end: int, want: int) -> list[int]:
        found: list[int] = []
        pattern = re.compile(rf"\n {{{col}}}-(?=[ \n]|\Z)")
        checked = start - 1
        while len(found) < want:
            m = pattern.search(text, checked, end)
            if m is None or ended(text, checked, m.start(), col, True):
                break
            checked = m.end() - 1
            found.append(checked)
        return found

    rng = random.Random(29)
    for _ in range(30_000):
        text = "".join(rng.choice("   \n\n#a-:") for _ in range(rng.randrange(0, 30)))
        stop = rng.randrange(0, len(text) + 1)
        start = rng.randrange(0, stop + 1)
        col = rng.randrange(0, 5)
        seq = rng.random() < 0.5
        assert fastpos._ended(text, start, stop, col, seq) == ended(text, start, stop, col, seq), (text, start, stop)
        end = rng.randrange(0, len(text) + 1)
        first = rng.randrange(1, end + 1) if end else 1
        want = rng.randrange(1, 4)
        assert fastpos._dashes(text, first, col, end, want) == dashes(text, first, col, end, want), (text, first, end)
