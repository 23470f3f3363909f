"""The source documents behind rendered objects: identities read without composing, documents composed on
first use (generator/validate/sourcedocs.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from yaml.nodes import MappingNode

from generator.validate import sourcedocs
from generator.validate.engine import validate_resources
from generator.validate.inputs import load_path
from generator.validate.sourcedocs import compose_all, identities, scalar

# Documents whose identity yaml-rs and libyaml could read differently: the node tree decides there.
CHUNKS = [
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n",
    "kind: ConfigMap\nmetadata: {name: 'quoted'}\n",
    "kind: ConfigMap\nmetadata:\n  name: 0755\n",
    "kind: ConfigMap\nmetadata:\n  name: 12\n",
    "kind: ConfigMap\nmetadata:\n  name: null\n",
    "kind: ConfigMap\nmetadata:\n  name: yes\n",
    "kind: 5\nmetadata:\n  name: n\n",
    "kind: ConfigMap\nmetadata:\n  name: a\n  name: b\n",
    "kind: ConfigMap\nmetadata: x\n",
    "kind: ConfigMap\nmetadata:\n  name: !!str 1\n",
    "kind: ConfigMap\nmetadata: &m\n  name: anchored\nother: *m\n",
    'kind: ConfigMap\nmetadata:\n  name: "tab\\there"\n',
    "- a list\n",
    "# only a comment\n",
    "kind: ConfigMap\nmetadata:\n  name: [unclosed\n",
]


@pytest.mark.parametrize("chunk", CHUNKS)
def test_identities_are_what_the_node_tree_says(chunk: str) -> None:
    nodes = compose_all(chunk)
    node = nodes[0] if nodes else None
    expected = (scalar(node, "kind"), scalar(node, "metadata", "name")) if isinstance(node, MappingNode) else ("", "")
    found = identities(chunk)
    assert [(kind, name) for _, _, _, kind, name in found] == ([expected] if all(expected) else [])


def test_identities_keep_each_documents_offsets_and_first_line() -> None:
    text = "# head\n---\nkind: A\nmetadata: {name: a}\n---\n\nkind: B\nmetadata:\n  name: b\n"
    [a, b] = identities(text)
    assert a[3:] == ("A", "a") and text[a[0] : a[1]].startswith("---\nkind: A")
    assert a[2] == 1 and b[2] == 4


def _repo(tmp_path: Path) -> Path:
    base = tmp_path / "base"
    base.mkdir()
    docs = [
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata:\n  k: v\n{'bogus: 1' if i == 7 else ''}\n"
        for i in range(40)
    ]
    (base / "many.yaml").write_text("---\n".join(docs))
    (base / "kustomization.yaml").write_text("resources: [many.yaml]\n")
    for env in ("dev", "prod"):
        (tmp_path / env).mkdir()
        (tmp_path / env / "kustomization.yaml").write_text(f"resources: [../base]\nnamePrefix: {env}-\n")
    return tmp_path


def test_only_the_documents_with_findings_are_composed_and_files_are_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """argo-workflows (2026-12-05): 30 overlays pulling in 12 MB of CRDs composed every file once per
    overlay, 17 s of a 52 s run; a document is now composed only when a finding is located in it."""
    repo = _repo(tmp_path)
    composed: list[str] = []
    real = sourcedocs.compose_all

    def spy(text: str) -> list[object]:
        composed.append(text)
        return real(text)  # type: ignore[return-value]

    monkeypatch.setattr(sourcedocs, "compose_all", spy)
    monkeypatch.setattr(sourcedocs, "_FILES", {})
    read: list[Path] = []
    real_read = Path.read_text

    def counting(self: Path, *args: object, **kwargs: object) -> str:
        if self.name == "many.yaml":
            read.append(self)
        return real_read(self, *args, **kwargs)  # type: ignore[arg-type]

    resources = [r for env in ("dev", "prod") for r in load_path(repo / env, repo=repo)]
    line = (repo / "base" / "many.yaml").read_text().splitlines().index("bogus: 1") + 1
    monkeypatch.setattr(Path, "read_text", counting)
    findings = validate_resources(resources, kubernetes_version="1.33", only=frozenset({"unknown-field"})).findings
    assert sorted((f.file, f.line, f.resource.name if f.resource else "") for f in findings) == [
        ("base/many.yaml", line, "dev-c7"),
        ("base/many.yaml", line, "prod-c7"),
    ]
    docs = [text for text in composed if "kind: ConfigMap" in text]
    assert len(docs) == 2 and all("name: c7\n" in text for text in docs)  # once per overlay's source map
    assert len(read) == 1
