"""Issue 8, point 5: hostile env files are refused cheaply (size while reading, nesting before any quadratic
parsing), and error messages quote at most a short escaped excerpt of the input."""

from __future__ import annotations

import os
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from generator.config.load import load_environment
from generator.config.read import MAX_DEPTH, MAX_FILE_BYTES
from generator.errors import ConfigError


def _refusal(path: Path) -> tuple[str, float, int]:
    """(message, seconds, peak traced bytes) of loading ``path``, which must be refused."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ConfigError) as err:
            load_environment(path, repo_root=path.parent.parent)
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return str(err.value), elapsed, peak


@pytest.fixture
def envdir(tmp_path: Path) -> Path:
    (tmp_path / "environments").mkdir()
    return tmp_path / "environments"


@pytest.mark.parametrize("opener,closer", [("[", "]"), ("{a: ", "}")])
def test_deep_flow_nesting_is_refused_in_under_a_second(envdir: Path, opener: str, closer: str) -> None:
    path = envdir / "deep.yaml"
    path.write_text("profile: dev\nx: " + opener * 10_000 + closer * 10_000 + "\n")
    message, elapsed, peak = _refusal(path)
    assert message.startswith("environments/deep.yaml:2:") and f"nesting deeper than {MAX_DEPTH} levels" in message
    assert elapsed < 1.0, elapsed
    assert peak < 5 * len(path.read_bytes()) + 1_000_000, peak


def test_deep_block_nesting_is_refused(envdir: Path) -> None:
    path = envdir / "deep.yaml"
    path.write_text("profile: dev\n" + "".join(" " * i + "k:\n" for i in range(500)))
    message, elapsed, _ = _refusal(path)
    assert f"nesting deeper than {MAX_DEPTH} levels" in message and elapsed < 1.0


def test_brackets_in_quotes_and_comments_do_not_count(envdir: Path) -> None:
    """The cheap pre-scan must not refuse a normal file that merely mentions brackets."""
    path = envdir / "dev.yaml"
    text = "profile: dev  # [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n"
    text += "namespace: mlflow-dev\n"
    text += "training: {command: ['python', '" + "[" * 40 + "', \"" + "{" * 40 + '"]}\n'
    path.write_text(text)
    env = load_environment(path, repo_root=envdir.parent)
    assert env.training.command[1] == "[" * 40


def test_file_over_the_limit_is_refused_in_under_a_second(envdir: Path) -> None:
    path = envdir / "big.yaml"
    path.write_bytes(b"profile: dev\n" + b"# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    message, elapsed, peak = _refusal(path)
    assert message == f"environments/big.yaml: file is larger than the limit of {MAX_FILE_BYTES:,} bytes"
    assert elapsed < 1.0 and peak < 3 * MAX_FILE_BYTES, (elapsed, peak)


def test_endless_input_is_read_only_up_to_the_limit(envdir: Path) -> None:
    """A FIFO that never ends (think /dev/zero): the loader reads limit + 1 bytes and stops."""
    fifo = envdir / "endless.yaml"
    os.mkfifo(fifo)
    written = [0]

    def writer() -> None:
        chunk = b"#" * 65536
        try:
            with open(fifo, "wb") as fh:
                while written[0] < 50 * MAX_FILE_BYTES:
                    fh.write(chunk)
                    written[0] += len(chunk)
        except BrokenPipeError:
            pass

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    message, elapsed, _ = _refusal(fifo)
    thread.join(5)
    assert "larger than the limit" in message and elapsed < 1.0
    assert not thread.is_alive() and written[0] < 3 * MAX_FILE_BYTES  # the reader closed the pipe early


def test_messages_quote_only_a_short_escaped_excerpt(envdir: Path) -> None:
    path = envdir / "dev.yaml"
    path.write_text("profile: dev\nnamespace: a\nnamespace: " + "b" * 5000 + "\n")
    message, _, _ = _refusal(path)
    assert "duplicate key" in message and len(message) < 300 and "b" * 200 not in message
    path.write_text('profile: dev\nnamespace: "\\e[31mred\\u0007' + "c" * 5000 + '"\n')
    message, _, _ = _refusal(path)
    assert "\x1b" not in message and "\x07" not in message and len(message) < 300
    path.write_text("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n" * 40)
    message, _, _ = _refusal(path)
    assert "nologin" not in message and len(message) < 300
