"""Progress on stderr: shown on a terminal (a real pty), never on piped stderr; stdout (the report) is the
same bytes either way, JSON included."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from generator.validate.progress import progress_display

ROOT = Path(__file__).resolve().parents[2]
# The CLI with the 2-second delay set to 0, so that a small corpus shows the display.
CLI = "import generator.validate.progress as p; p.DELAY = 0.0; from generator.cli import main; main()"
DOC = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\n  namespace: default\ndata:\n  k: v\n"


def _corpus(tmp_path: Path, files: int = 30) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(files):
        (corpus / f"c{i:02d}.yaml").write_text(DOC.format(i=i))
    return corpus


def _run(args: list[str], *, stderr_tty: bool) -> tuple[int, bytes, bytes]:
    """Run the CLI with stdout piped and stderr on a pty (or piped); returns (exit code, stdout, stderr)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="100", TERM="xterm")
    env.pop("NO_COLOR", None)
    if not stderr_tty:
        proc = subprocess.run([sys.executable, "-c", CLI, *args], capture_output=True, env=env, check=False)
        return proc.returncode, proc.stdout, proc.stderr
    master, slave = pty.openpty()
    try:
        proc2 = subprocess.Popen([sys.executable, "-c", CLI, *args], stdout=subprocess.PIPE, stderr=slave, env=env)
        os.close(slave)
        out = proc2.stdout.read() if proc2.stdout else b""
        err = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            err += chunk
        code = proc2.wait()
    finally:
        os.close(master)
    return code, out, err


@pytest.mark.parametrize(("jobs", "files"), [("1", 30), ("2", 600)])  # 600 files: several batches to share
def test_progress_on_a_terminal_and_clean_stdout(tmp_path: Path, jobs: str, files: int) -> None:
    corpus = _corpus(tmp_path, files)
    for fmt in ("json", "text"):
        args = ["validate", str(corpus), "--format", fmt, "--jobs", jobs]
        code_tty, out_tty, err_tty = _run(args, stderr_tty=True)
        code_pipe, out_pipe, err_pipe = _run(args, stderr_tty=False)
        assert code_tty == code_pipe == 0
        assert out_tty == out_pipe  # the report is the same bytes with and without the display
        assert b"validating" in err_tty and f"{files}/{files}".encode() in err_tty
        assert f"{files} resources".encode() in err_tty
        assert err_pipe == b""  # piped stderr: no display
    assert out_pipe.startswith(f"{files} resources: 0 errors".encode())


def test_progress_waits_for_the_delay() -> None:
    class Tty:
        def __init__(self) -> None:
            self.text = ""

        def write(self, s: str) -> int:
            self.text += s
            return len(s)

        def flush(self) -> None:
            pass

        def isatty(self) -> bool:
            return True

    stream = Tty()
    with progress_display(10, enabled=True, stream=stream, delay=3600) as show:  # type: ignore[arg-type]
        assert show is not None
        show(5, 50)
    assert stream.text == ""  # a run shorter than the delay shows nothing
    with progress_display(10, enabled=False) as none:
        assert none is None
    with progress_display(10, enabled=True, stream=stream, delay=0) as show:  # type: ignore[arg-type]
        assert show is not None
        show(5, 50)
    assert "5/10" in stream.text and "50 resources" in stream.text
