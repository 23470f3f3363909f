"""The stale-build guard (generator/compiled.py) on a package laid out as an editable mypyc build leaves
it: extension modules next to their sources."""

from __future__ import annotations

import importlib.machinery
import os
from pathlib import Path

from generator.compiled import compiled_modules, compiled_sources, module_docstring, stale_modules

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def _package(tmp_path: Path) -> Path:
    pkg = tmp_path / "generator"
    (pkg / "rules").mkdir(parents=True)
    for name in ("rules/a.py", "rules/b.py", "engine.py"):
        (pkg / name).write_text(f'"""Doc of {name}."""\n')
        (pkg / name).with_suffix(SUFFIX).write_bytes(b"")  # built after the source
    return pkg


def _age(path: Path, seconds: int) -> None:
    stat = path.stat()
    os.utime(path, (stat.st_atime - seconds, stat.st_mtime - seconds))


def test_a_fresh_build_is_not_stale(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    for source in pkg.rglob("*.py"):
        _age(source, 60)
    listed = ["generator/rules/a.py", "generator/rules/b.py", "generator/engine.py"]
    assert [p.name for p in compiled_modules(pkg)] == [f"engine{SUFFIX}", f"a{SUFFIX}", f"b{SUFFIX}"]
    assert stale_modules(pkg, listed) == []


def test_an_edited_source_and_a_module_off_the_list_are_stale(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    for ext in pkg.rglob(f"*{SUFFIX}"):
        _age(ext, 60)
    _age(pkg / "rules" / "b.py", 120)  # b's build is newer than b.py; a.py and engine.py were edited since
    listed = ["generator/rules/a.py", "generator/rules/b.py"]
    assert stale_modules(pkg, listed) == [
        f"generator/engine.py (no longer compiled: remove engine{SUFFIX})",
        "generator/rules/a.py",
    ]


def test_a_loader_left_as_it_was_by_a_rebuild_of_the_shared_library_is_not_stale(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    for ext in pkg.rglob(f"*{SUFFIX}"):
        _age(ext, 60)  # every source edited after its loader was built...
    listed = ["generator/rules/a.py", "generator/rules/b.py", "generator/engine.py"]
    assert len(stale_modules(pkg, listed)) == 3
    (tmp_path / f"0123abcd__mypyc{SUFFIX}").write_bytes(b"")  # ...and the library with their code after them
    assert stale_modules(pkg, listed) == []
    _age(tmp_path / f"0123abcd__mypyc{SUFFIX}", 120)  # a library older than the sources does not count
    assert len(stale_modules(pkg, listed)) == 3


def test_the_compiled_list_names_existing_sources() -> None:
    sources = compiled_sources()
    root = Path(__file__).resolve().parents[1]
    assert sources and all((root / s).is_file() for s in sources)
    assert "generator/validate/rules/latest_tag.py" in sources


def test_a_compiled_module_s_documentation_comes_from_its_source(tmp_path: Path) -> None:
    class Compiled:  # what mypyc leaves: no __doc__, __file__ naming the extension
        __doc__ = None
        __file__ = str(tmp_path / f"rule{SUFFIX}")

    (tmp_path / "rule.py").write_text('"""A rule.\n\nPASS:\n\n    a: 1\n"""\nID = "x"\n')
    assert module_docstring(Compiled) == "A rule.\n\nPASS:\n\n    a: 1\n"
