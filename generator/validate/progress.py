"""Progress of a long validation on stderr: files and resources done, with rich (a dependency of typer).

Shown only when asked for (the command asks when stderr is a terminal) and only once the run has taken
longer than :data:`DELAY` seconds, so short runs and piped or redirected output never see it. The display
is transient (erased when done) and lives on stderr: stdout carries the report alone, in every format.
No refresh thread (``auto_refresh=False``): workers are forked while it is shown.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

DELAY = 2.0  # seconds before the display appears


@contextmanager
def progress_display(
    files: int, *, enabled: bool, stream: TextIO | None = None, delay: float | None = None
) -> Iterator[Callable[[int, int], None] | None]:
    """A callback ``(files done, resources done)`` that keeps a progress line on ``stream`` (default
    stderr) up to date; None when not ``enabled``. ``delay``: seconds before it shows (default DELAY)."""
    if not enabled:
        yield None
        return
    delay = DELAY if delay is None else delay
    start = time.monotonic()
    shown: list[Any] = []  # [Progress, task id] once displayed

    def update(done_files: int, done_resources: int) -> None:
        if not shown:
            if time.monotonic() - start < delay:
                return
            shown.extend(_start(files, stream or sys.stderr))
        bar, task = shown
        bar.update(task, completed=done_files, resources=done_resources)
        bar.refresh()

    try:
        yield update
    finally:
        if shown:
            shown[0].stop()


def _start(files: int, stream: TextIO) -> list[Any]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(file=stream, stderr=stream is sys.stderr)
    bar = Progress(
        TextColumn("validating"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files, {task.fields[resources]} resources"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        auto_refresh=False,
    )
    bar.start()
    task = bar.add_task("validate", total=files, resources=0)
    return [bar, task]
