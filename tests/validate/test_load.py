"""The manifest reader: kubectl's YAML 1.1 semantics (go-yaml v2), streams, lists, duplicates, errors."""

from __future__ import annotations

import gc
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from generator.errors import InputError
from generator.validate.inputs import load_file, load_inputs, load_path
from generator.validate.load import load_text
from generator.validate.walk import stream_inputs
from generator.validate.yaml_exact import resolve_plain


def _objs(text: str) -> list[dict[str, object]]:
    return [r.obj for r in load_text(text, "t.yaml")]


@pytest.mark.parametrize(
    ("plain", "expected"),
    [
        ("yes", True), ("On", True), ("y", True), ("NO", False), ("off", False), ("n", False),
        ("true", True), ("~", None), ("null", None), ("0755", 493), ("0x1F", 31), ("0b101", 5),
        ("0o17", 15), ("1_000", 1000), ("-12", -12), ("1e3", 1000.0), ("1.5", 1.5), (".inf", float("inf")),
        ("10:30", "10:30"), ("2024-01-01", "2024-01-01"), ("1.2.3", "1.2.3"), ("yes please", "yes please"),
    ],
)  # fmt: skip
def test_plain_scalars_resolve_like_kubectl(plain: str, expected: object) -> None:
    [obj] = _objs(f"v: {plain}\n")
    assert obj["v"] == expected and type(obj["v"]) is type(expected)


def test_quoted_scalars_stay_strings() -> None:
    [obj] = _objs("a: 'yes'\nb: \"0755\"\nc: !!str 12\n")
    assert obj == {"a": "yes", "b": "0755", "c": "12"}


def test_non_string_keys_become_json_keys_and_merge_keys_work() -> None:
    [obj] = _objs("on: push\n80: http\ny: 1\nbase: &b {x: 1}\nd:\n  <<: *b\n  z: 2\n")
    assert obj["true"] == 1 and obj["80"] == "http"  # go-yaml v2: "on" and "y" are booleans, y wins
    assert obj["d"] == {"x": 1, "z": 2}


def test_same_objects_as_pyyaml_on_plain_documents() -> None:
    text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\n  labels: {a: b}\nspec:\n  replicas: 3\n"
    assert _objs(text) == [yaml.safe_load(text)]


def test_multi_document_stream_with_empty_and_comment_documents() -> None:
    text = "# header\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n...\n"
    resources = load_text(text, "t.yaml")
    assert [r.name for r in resources] == ["a"]
    assert resources[0].line == 6


def test_kind_list_items_are_expanded() -> None:
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n"
        "- {apiVersion: v1, kind: Secret, metadata: {name: b}}\n"
    )
    resources = load_text(text, "t.yaml")
    assert [(r.kind, r.name) for r in resources] == [("ConfigMap", "a"), ("Secret", "b")]
    assert resources[1].source.base == ("items", 1)


def test_duplicate_keys_are_recorded_with_pointer_and_position() -> None:
    [res] = load_text("a:\n  b: 1\n  b: 2\nc: 3\nc: 4\n", "t.yaml")
    assert res.obj == {"a": {"b": 2}, "c": 4}
    assert res.duplicate_keys == ["/a/b", "/c"]
    assert res.source.duplicate_marks == {"/a/b": (3, 3), "/c": (5, 1)}


def test_document_without_kind_or_not_an_object_is_loaded_with_a_problem() -> None:
    resources = load_text("metadata: {name: x}\n---\n42\n", "t.yaml")
    assert [r.source.problem for r in resources] == [
        "document has no apiVersion or kind",
        "document is a int, not an object",
    ]


def test_syntax_error_is_an_input_error_with_position() -> None:
    with pytest.raises(InputError, match=r"^t.yaml:2:\d+: invalid YAML"):
        load_text("a: 1\n b: [\n", "t.yaml")


def test_unknown_tag_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"t\.yaml"):
        load_text("a: !Ref x\n", "t.yaml")


def test_json_files_and_directories_and_stdin(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    (tmp_path / "sub" / "b.json").write_text(
        json.dumps({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "b"}})
    )
    (tmp_path / "notes.txt").write_text("not yaml: [")
    assert [r.name for r in load_path(tmp_path, repo=tmp_path)] == ["a", "b"]
    assert load_file(tmp_path / "sub" / "b.json", repo=tmp_path)[0].file == "sub/b.json"
    stdin = io.StringIO("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\n")
    [res] = load_inputs(["-"], stdin=stdin)
    assert res.file == "<stdin>" and res.name == "s"


def test_json_duplicate_keys_are_detected(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "name": "b"}}')
    [res] = load_file(path)
    assert res.duplicate_keys == ["/metadata/name"] and res.name == "b"


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_path(tmp_path / "nope.yaml")


def test_kustomization_directory_is_rendered_with_kustomize(tmp_path: Path) -> None:
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    (tmp_path / "kustomization.yaml").write_text("resources: [cm.yaml]\nnamePrefix: dev-\nnamespace: team\n")
    [res] = load_path(tmp_path, repo=tmp_path.parent)
    assert (res.name, res.namespace) == ("dev-a", "team")
    assert res.source.rendered_from == tmp_path.name


def test_resolve_plain_tags() -> None:
    assert resolve_plain("yes").endswith("bool") and resolve_plain("12").endswith("int")
    assert resolve_plain("abc").endswith("str") and resolve_plain("1e3").endswith("float")


def test_kustomize_directories_below_a_plain_directory_are_rendered(tmp_path: Path) -> None:
    for env in ("dev", "prod"):
        overlay = tmp_path / "overlays" / env
        overlay.mkdir(parents=True)
        (overlay / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
        (overlay / "patch-only.yaml").write_text("metadata: {name: not-a-resource}\n")
        (overlay / "kustomization.yaml").write_text(f"resources: [cm.yaml]\nnamePrefix: {env}-\n")
    (tmp_path / "overlays" / "extra.yaml").write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n")
    resources = load_path(tmp_path / "overlays", repo=tmp_path)
    assert [(r.name, r.file) for r in resources] == [
        ("dev-a", "overlays/dev"),
        ("s", "overlays/extra.yaml"),
        ("prod-a", "overlays/prod"),
    ]


def test_aliases_share_objects_and_alias_bombs_are_refused() -> None:
    [res] = load_text("a: &x {b: [1, 2]}\nc: *x\nd: *x\n", "t.yaml", fast=False)
    assert res.obj["a"] is res.obj["c"] is res.obj["d"]
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefghij":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 10) + "]\n"
    with pytest.raises(InputError, match="excessive aliasing"):
        load_text(bomb, "t.yaml")


def _cyclic_garbage(action: Callable[[], object]) -> list[object]:
    """What ``action`` leaves behind that only the cyclic collector would free (it is paused while the CLI
    validates: pipeline.run_units)."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        result = action()
        del result
        gc.collect()
        return list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def test_loading_through_libyaml_leaves_no_cycles() -> None:
    # "on" reads differently in YAML 1.1 and 1.2 and the anchor needs the composer: both take the libyaml
    # path, whose loader used to stay in a cycle with its builder (and keep its stream) until collected.
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: &l {x: on}}\ndata: *l\n---\nkind: X\n"
    assert load_text(text, "a.yaml")[0].obj["data"] == {"x": True}
    assert _cyclic_garbage(lambda: load_text(text, "a.yaml")) == []


def test_walking_a_directory_leaves_no_cycles(tmp_path: Path) -> None:
    for name in ("a/b/c.yaml", "a/d.yaml", "e.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    assert [p.relative_to(tmp_path).as_posix() for p in stream_inputs(tmp_path)] == ["a/b/c.yaml", "a/d.yaml", "e.yaml"]
    assert _cyclic_garbage(lambda: stream_inputs(tmp_path)) == []


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_utf16_file_with_a_byte_order_mark_is_read_as_argo_cd_and_kubectl_read_it(tmp_path: Path, codec: str) -> None:
    """Windows PowerShell 5 writes `kubectl get -o yaml > cm.yaml` as UTF-16 with a byte order mark and CRLF.
    Argo CD (TomOnTime/utfutil) and kubectl (cli-runtime FileVisitor) decode it by the mark; it was an
    unreadable-input error ("not UTF-8 text"). Findings point at the same line and column as in UTF-8."""
    from typer.testing import CliRunner

    from generator.cli import app

    text = "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: app\r\ndata:\r\n  enabled: true\r\n"
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    (tmp_path / "win").mkdir()
    (tmp_path / "win" / "cm.yaml").write_bytes(bom + text.encode(codec))
    (tmp_path / "unix").mkdir()
    (tmp_path / "unix" / "cm.yaml").write_text(text.replace("\r\n", "\n"))
    [res] = load_file(tmp_path / "win" / "cm.yaml")
    assert res.obj["metadata"] == {"name": "app"} and res.obj["data"] == {"enabled": True}

    def findings(directory: str) -> list[tuple[str, int, int, str]]:
        args = ["validate", "--repo", str(tmp_path), "--format", "json", str(tmp_path / directory)]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1, result.output
        return [(f["rule"], f["line"], f["column"], f["message"]) for f in json.loads(result.output)["findings"]]

    assert findings("win") == findings("unix") != []
    assert ("schema-invalid", 6, 3) in {f[:3] for f in findings("win")}
