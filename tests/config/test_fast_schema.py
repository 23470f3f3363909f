"""The env-file schema's fast path (jsonschema-rs) never accepts what python-jsonschema refuses.

generator/config/read.py checks an environment file with jsonschema-rs first and lets python-jsonschema
decide whenever jsonschema-rs does not find it valid. So the one answer that must agree is "valid": these
tests look for a document or a string that jsonschema-rs accepts and python-jsonschema refuses.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped,unused-ignore]
import jsonschema_rs
import pytest

from generator.config import read
from generator.config.read import round_trip_yaml

ROOT = Path(__file__).resolve().parents[2]


def _patterns(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return own + [p for v in node.values() for p in _patterns(v)]
    if isinstance(node, list):
        return [p for v in node for p in _patterns(v)]
    return []


PATTERNS = sorted(set(_patterns(read.schema())))
# Strings that tell regex engines apart: every Python whitespace character, line ends, Unicode digits and
# letters, and near-misses of the schema's own formats.
PROBES = [
    *(f"a{c}b" for c in read.PYTHON_SPACE),
    *(f"https://h.example/{c}x" for c in read.PYTHON_SPACE),
    *(f"models:/m{c}1" for c in read.PYTHON_SPACE),
    "abc\n",
    "abc\r\n",
    "\nabc",
    "\u0661\u0662\u0663",  # Arabic-Indic digits
    "1.3\u0660",
    "ǅx",
    "K",  # KELVIN SIGN
    "\u0131",  # dotless i
    "10.0.0.1",
    "10.0.0.1\n",
    "256.1.1.1",
    "1.33",
    "1.33\n",
    "500m",
    "2Gi",
    "30s",
    "1h30m",
    "registry.example:5000/team/app:1.2.3",
    "app:latest",
    "app:latest@sha256:" + "a" * 64,
    "",
    " ",
    "x" * 70,
    "https://mlflow.example.com/a/b",
    "http://h.example:8080/x",
    "models:/m/1",
    "s3://bucket/key",
]


def test_python_space_is_what_python_re_matches_with_backslash_s() -> None:
    every = "".join(chr(c) for c in range(sys.maxunicode + 1))
    assert "".join(re.findall(r"\s", every)) == read.PYTHON_SPACE


def test_every_schema_pattern_translates() -> None:
    assert PATTERNS, "the schema has patterns"
    for pattern in PATTERNS:
        read.rust_pattern(pattern)  # raises on an escape that could mean something else
    with pytest.raises(ValueError, match=r"\\w"):
        read.rust_pattern(r"^\w+$")


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_pattern_accepts_in_rust_only_what_python_accepts(pattern: str) -> None:
    rust = jsonschema_rs.validator_for({"type": "string", "pattern": read.rust_pattern(pattern)})
    rng = random.Random(pattern)
    alphabet = "aZ09.-_:/@*+=\n\t \x1c\x85\u2028\u0661"
    randoms = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(300)]
    accepted = 0
    for text in [*PROBES, *randoms]:
        if rust.is_valid(text):
            accepted += 1
            assert re.search(pattern, text), f"jsonschema-rs accepts {text!r} for {pattern!r}, Python does not"
    assert accepted, f"no probe matches {pattern!r}: the comparison would be vacuous"


def _env_documents() -> list[dict[str, Any]]:
    docs = []
    for path in sorted((ROOT / "environments").glob("*.yaml")):
        docs.append(read.plain(round_trip_yaml().load(path.read_text()), path.name))
    return docs


LEAVES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1,
    1.0,
    2.5,
    10**6,
    "",
    "x",
    "a b",
    "a\x1cb",
    "a\u2028b",
    "dev",
    "prod",
    "1.33",
    "1.33\n",
    "0 3 * * *",
    "61 3 * * *",
    "@daily",
    "500m",
    "1Gi",
    "https://mlflow.example.com",
    "https://mlflow.example.com/a\x1cb",
    "models:/m/1",
    [],
    ["x"],
    {},
    {"x": 1},
]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _mutate(doc: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    doc = json.loads(json.dumps(doc))
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(_paths(doc)[1:])
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        choice = rng.random()
        if choice < 0.7:
            parent[path[-1]] = rng.choice(LEAVES)
        elif choice < 0.85 and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent["unknownKey"] = rng.choice(LEAVES)
    return doc


def test_mutated_env_files_are_valid_in_rust_only_when_valid_in_python() -> None:
    python = read._validator()
    rust = read._fast_validator()
    rng = random.Random(13)
    verdicts = {(True, True): 0, (False, False): 0, (False, True): 0}
    for doc in _env_documents():
        assert rust.is_valid(doc) and not list(python.iter_errors(doc))  # the shipped files are valid
        for _ in range(400):
            mutated = _mutate(doc, rng)
            fast = rust.is_valid(mutated)
            slow = not list(python.iter_errors(mutated))
            assert not (fast and not slow), f"jsonschema-rs accepts what python-jsonschema refuses: {mutated}"
            verdicts[(fast, slow)] += 1
    # both answers occur, so the comparison means something
    assert verdicts[(True, True)] > 100 and verdicts[(False, False)] > 100, verdicts


def test_a_valid_file_does_not_import_python_jsonschema(tmp_path: Path) -> None:
    import subprocess

    code = (
        "import sys; from generator.config.load import load_by_name; from pathlib import Path;"
        f"load_by_name(Path({str(ROOT)!r}), 'prod'); print('jsonschema' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
    assert jsonschema  # imported here for the reference validator only
