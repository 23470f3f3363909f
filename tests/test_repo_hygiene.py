"""Repository-wide promises of issue 2: the guide's plaintext passwords appear nowhere in the repo."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Built at run time so that this file does not itself contain them.
FORBIDDEN = ("mlflow" + "_password", "minio" + "123")


def _tracked_and_untracked_files() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    return [ROOT / name for name in out.decode().split("\0") if name]


def test_guide_passwords_appear_nowhere_in_the_repo() -> None:
    files = _tracked_and_untracked_files()
    assert files, "git ls-files listed nothing: the check would pass vacuously"
    offenders = []
    for path in files:
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        offenders += [f"{path.relative_to(ROOT)}: {word}" for word in FORBIDDEN if word in text]
    assert offenders == []
