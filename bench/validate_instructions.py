"""Instructions that `gitops-gen validate` executes, counted by valgrind's callgrind: the same count for the
same code and corpus on any load, to within 0.01% (2,537,713,081 and 2,537,760,416 for two runs of
2,000 resources), where wall-clock time on a shared machine varies by up to 30% between runs (README,
Performance). For comparing two versions of the code when
the difference is a few percent; `validate_bench.py` stays the measure of what users wait for.

    python3 bench/validate_instructions.py                  # realistic corpus, 2,000 resources
    python3 bench/validate_instructions.py --corpus findings --resources 4000

Needs `valgrind` (Debian: `apt-get install valgrind`). Runs `validate --jobs 1 --format json` as the
benchmark does (the console script's Python, this checkout's modules compiled to bytecode first),
under `valgrind --tool=callgrind` with PYTHONHASHSEED=0, and prints the total and the share of imports,
loading (yaml-rs, `values.canonical`), `values.share` and positions (`fastpos.locate`), inclusive. About
25 s for 2,000 resources.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from validate_bench import K8S_VERSION, REPO, build_corpus, with_bytecode

# Inclusive counts worth a line: a substring of callgrind_annotate's function name -> label.
PARTS = {
    "import.c:PyImport_ImportModuleLevelObject ": "imports",
    "CPyDef_values___canonical ": "values.canonical (loading)",
    "CPyDef_values___share ": "values.share (sharing for phase 2)",
    "CPyDef_fastpos___locate ": "fastpos.locate (positions)",
    "CPyDef_engine___check_resource_gen": "engine.check_resource (rules)",
}


def validate_command(corpus: Path) -> list[str]:
    """``gitops-gen validate CORPUS --format json --jobs 1`` as the interpreter itself runs it."""
    code = (
        "import sys; from generator.cli import main; "
        f"sys.argv = ['gitops-gen', 'validate', {str(corpus)!r}, '--kubernetes-version', {K8S_VERSION!r}, "
        "'--format', 'json', '--jobs', '1']; main()"
    )
    return [os.path.realpath(sys.executable), "-c", code]  # not a pyenv shim: valgrind would count bash


def count(corpus: Path, out: Path, env: dict[str, str]) -> tuple[int, dict[str, int]]:
    """Total instructions of one run, and the inclusive count of each of PARTS."""
    profile = out / "callgrind.out"
    with (out / "report.json").open("wb") as report:
        proc = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={profile}", *validate_command(corpus)],
            stdout=report,
            stderr=subprocess.PIPE,
            env={**env, "PYTHONHASHSEED": "0"},
            check=False,
        )
    if proc.returncode not in (0, 1):  # 1: findings at the --fail-on level
        raise SystemExit(f"validate under valgrind failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    total = re.search(rb"Collected : (\d+)", proc.stderr)
    if total is None:
        raise SystemExit(f"no instruction count in valgrind's output: {proc.stderr.decode()[-2000:]}")
    annotated = subprocess.run(
        ["callgrind_annotate", "--inclusive=yes", str(profile)], capture_output=True, text=True, check=True
    ).stdout
    parts: dict[str, int] = {}
    for line in annotated.splitlines():
        for needle, label in PARTS.items():
            if needle in line and label not in parts:  # the first line is the outermost (non-recursive) entry
                parts[label] = int(line.split()[0].replace(",", ""))
    return int(total.group(1)), parts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=("realistic", "findings"), default="realistic")
    parser.add_argument("--resources", type=int, default=2000, help="corpus size (default: 2000)")
    args = parser.parse_args(argv)
    for tool in ("valgrind", "callgrind_annotate"):
        if shutil.which(tool) is None:
            print(f"{tool} not found: install valgrind (Debian: apt-get install valgrind)", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory(prefix="validate-instructions-") as tmp:
        work = Path(tmp)
        corpus = work / args.corpus
        corpus.mkdir()
        resources, files = build_corpus(corpus, args.resources, heavy=args.corpus == "findings")
        env = with_bytecode(dict(os.environ, PYTHONPATH=str(REPO)), work / "pycache")  # this checkout, wherever run
        # One run first, uncounted: it writes the bytecode of the modules outside this checkout (typer,
        # PyYAML...) under the same prefix, as an installed copy has it; counted, it adds ~2 billion.
        subprocess.run(validate_command(corpus), env=env, check=False, capture_output=True)
        total, parts = count(corpus, work, env)
    print(f"corpus {args.corpus}: {resources} resources in {files} files")
    print(f"instructions: {total:,}")
    for label, value in parts.items():
        print(f"  {label:40s} {value:>15,}  {value / total:6.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
