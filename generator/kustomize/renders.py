"""kustomize renders started ahead of their turn, so that a command with several kustomize directories
renders them at once instead of one after the other.

``gitops-gen validate`` on a repository renders every ``overlays/*`` (and ``validate a/ b/`` every kustomize
directory below its inputs), ``build`` the overlay of each environment it builds, ``diff`` every overlay at
the base and in the working tree; each render is a ``kustomize`` process that runs for 0.1 s or more, before
the command can go on. Within :func:`concurrent_renders`, :func:`render_ahead` starts them on up to
``workers`` threads (one per core, or ``--jobs``, as for the rest of the work: kustomize is CPU-bound), in
the order given; the command then asks for each text in its own order (:func:`rendered`) and waits only for
the one it needs (or renders it itself when it was not started ahead). Outputs, errors and their order are
those of rendering one by one: a directory's error is raised when the command reaches that directory, so the
first failing input in its order is the one reported, as before, and the renders not started when the
command leaves the block (at such an error) never start. The renders run in copies of the caller's context
(``contextvars``): ``--allow-remote`` (generator.kustomize.remote.REMOTE_ALLOWED) holds in them as in the
caller. Threads are daemons: a run that stops at an error does not wait for renders it no longer needs
(their kustomize processes finish on their own).
"""

from __future__ import annotations

import contextvars
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path


class _Slot:
    """One render: its text, or the exception it raised, once ``done`` is set."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.text = ""
        self.error: BaseException | None = None


class _Renders:
    def __init__(self, workers: int, render: Callable[[Path], str]) -> None:
        self.workers = workers
        self.render = render
        self.slots: dict[str, _Slot] = {}
        self.queues: list[deque[tuple[Path, _Slot]]] = []  # renders not started yet


_RENDERS: ContextVar[_Renders | None] = ContextVar("gitops_gen_renders", default=None)


def _key(directory: Path) -> str:
    # the same directory however the caller spells it (overlays/dev, ./overlays/dev/, a link to it)
    return os.path.realpath(directory)


@contextmanager
def concurrent_renders(workers: int, render: Callable[[Path], str]) -> Iterator[None]:
    """Within this block, :func:`render_ahead` renders with ``render`` on up to ``workers`` threads."""
    renders = _Renders(workers, render)
    token = _RENDERS.set(renders)
    try:
        yield
    finally:
        _RENDERS.reset(token)
        # A command that leaves the block early (an error in an earlier input) needs none of the renders
        # not started yet: they never start. Those running finish on their own (a kustomize process each).
        for queue in renders.queues:
            queue.clear()


def render_ahead(directories: Iterable[Path]) -> None:
    """Start rendering ``directories`` in the background, in this order. Nothing happens outside a
    :func:`concurrent_renders` block, with one worker, or for fewer than two new directories (rendering
    one ahead would only move its wait)."""
    renders = _RENDERS.get()
    if renders is None or renders.workers < 2:
        return
    queue: deque[tuple[Path, _Slot]] = deque()
    new: dict[str, _Slot] = {}
    for directory in directories:
        key = _key(directory)
        if key not in renders.slots and key not in new:
            new[key] = _Slot()
            queue.append((directory, new[key]))
    if len(queue) < 2:
        return
    renders.slots.update(new)
    renders.queues.append(queue)
    for _ in range(min(renders.workers, len(queue))):
        # one copy of the context per thread: a context is entered by one thread at a time
        context = contextvars.copy_context()
        threading.Thread(target=_drain, args=(queue, renders.render, context), daemon=True).start()


def _drain(queue: deque[tuple[Path, _Slot]], render: Callable[[Path], str], context: contextvars.Context) -> None:
    while True:
        try:
            directory, slot = queue.popleft()  # deque.popleft is atomic: each render is taken once
        except IndexError:
            return
        try:
            slot.text = context.run(render, directory)
        except BaseException as exc:  # handed to the thread that asks for this render
            slot.error = exc
        finally:
            slot.done.set()


def rendered(directory: Path, render: Callable[[Path], str]) -> str:
    """The text of ``directory``: its render started ahead (waiting for it, raising what it raised), or
    ``render(directory)`` in this thread when it was not started ahead."""
    renders = _RENDERS.get()
    slot = renders.slots.get(_key(directory)) if renders is not None else None
    if slot is None:
        return render(directory)
    slot.done.wait()
    if slot.error is not None:
        raise slot.error
    return slot.text
