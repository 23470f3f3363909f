"""Work shared out between the parent process and forked children (``validate --jobs N``).

Tasks are numbered 0..count-1 and handed out one at a time from one counter in shared memory, in order,
to the parent and to ``N - 1`` children forked for the occasion, so every process stays busy until no task
is left. The parent works too: what it computes needs no pickling, and on a machine with N cores N
processes are busy, not N workers and a parent that waits for them. The children are forked: they inherit
the loaded modules and everything the tasks read (the inputs, the context of the cross-resource phase)
without pickling; what they compute goes back through a pipe, read by one thread per child in the parent
(reading does not hold the GIL, so the parent's own work goes on meanwhile).

Errors: a task that raises stops the handing out (later tasks are not started); every task before it was
handed out already and finishes. The error of the lowest task is raised in the parent, so ``--jobs N`` fails
with the error ``--jobs 1`` gives (the first input that fails). A child that dies without a word (killed) is
an error of its own.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

try:
    import fcntl
except ImportError:  # not on Windows, where fork is not available either
    fcntl = None  # type: ignore[assignment]

T = TypeVar("T")


class _Outcome(Generic[T]):
    """What the parent holds of a run: each task's result, the errors, by task number."""

    def __init__(self, count: int) -> None:
        self.results: list[T | None] = [None] * count
        self.done = [False] * count
        self.errors: dict[int, BaseException] = {}

    def first_error(self) -> BaseException | None:
        return self.errors[min(self.errors)] if self.errors else None


def share_out(
    count: int,
    processes: int,
    work: Callable[[int], T],
    ship: Callable[[T], Any],
    land: Callable[[Any], T],
    tick: Callable[[list[T | None]], None] | None = None,
    prelude: Callable[[], None] | None = None,
) -> list[T]:
    """``[work(0), ..., work(count - 1)]`` computed by the parent and ``processes - 1`` forked children.

    A child's result travels as ``ship(result)`` (picklable, cheap to pickle) and becomes ``land(shipped)``
    in the parent. ``tick(results)`` runs in the parent after each of its tasks and while it waits for
    the children (``None`` for what is not done yet): for progress. ``prelude()`` runs in the parent once the
    children are forked, before it takes a task (the children do not see what it computes). With one process
    nothing is forked (and ``fork`` need not exist)."""
    processes = min(processes, count)  # a process without a task would only be forked to exit
    if processes <= 1:
        if prelude is not None:
            prelude()
        done: list[T | None] = []
        for index in range(count):
            done.append(work(index))
            if tick is not None:
                tick(done)
        return cast(list[T], done)
    mp = multiprocessing.get_context("fork")
    counter = mp.Value("i", 0)

    def take() -> int:
        with counter.get_lock():
            index: int = counter.value
            counter.value = index + 1
        return index

    def stop() -> None:
        with counter.get_lock():
            counter.value = count

    def child(send: Any) -> None:
        try:
            while (index := take()) < count:
                try:
                    shipped = ship(work(index))
                except BaseException as exc:
                    stop()
                    _send_error(send, index, exc)
                    return
                send.send(("done", index, shipped))
        finally:
            send.close()

    outcome: _Outcome[T] = _Outcome(count)
    children = []
    for _ in range(processes - 1):
        receive, send = mp.Pipe(duplex=False)
        _widen(send)
        proc = mp.Process(target=child, args=(send,), daemon=True)
        proc.start()  # before any thread of ours exists: forking a process with threads is unsafe
        send.close()
        children.append((proc, receive))
    readers = [threading.Thread(target=_read, args=(receive, land, outcome), daemon=True) for _, receive in children]
    for reader in readers:
        reader.start()
    if prelude is not None:
        prelude()
    while (index := take()) < count:
        try:
            outcome.results[index] = work(index)
            outcome.done[index] = True
        except BaseException as exc:
            stop()
            outcome.errors[index] = exc
            break
        if tick is not None:
            tick(outcome.results)
    for reader in readers:
        while reader.is_alive():
            reader.join(0.1)
            if tick is not None:
                tick(outcome.results)
    for proc, _ in children:
        proc.join()
    if tick is not None:
        tick(outcome.results)  # the last results, even when the children finished them all meanwhile
    error = outcome.first_error()
    if error is not None:
        raise error
    if not all(outcome.done):
        codes = ", ".join(str(proc.exitcode) for proc, _ in children)
        raise RuntimeError(f"a worker process stopped before its work was done (exit codes {codes})")
    return cast(list[T], outcome.results)  # every task is done: no None is left


# A child's result for one task is a few hundred kB; Linux pipes hold 64 kB (pipe(7), "Pipe capacity"), so
# a child waited in send() until the parent's reader thread, which needs the GIL that the parent's own work
# holds, had read it. A pipe of 1 MB, the limit an unprivileged process may set (/proc/sys/fs/pipe-max-size),
# takes a result or more at once: --jobs 2 on the benchmark's findings corpus took 21 to 37 ms less (means of
# 8 and 10 alternating runs, 2026-12-05); no change measurable on the realistic one.
_PIPE_BYTES = 1 << 20


def _widen(connection: Any) -> None:
    """Let the pipe behind ``connection`` hold :data:`_PIPE_BYTES` (where the platform allows it)."""
    setting = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if setting is None:
        return
    with contextlib.suppress(OSError):  # a lower limit here: the default capacity works, only slower
        fcntl.fcntl(connection.fileno(), setting, _PIPE_BYTES)


def _send_error(send: Any, index: int, exc: BaseException) -> None:
    """The error itself if it pickles (our errors do: their arguments are their message), else its text."""
    try:
        send.send(("error", index, exc))
    except Exception:
        send.send(("error", index, RuntimeError(f"{type(exc).__name__}: {exc}")))


def _read(receive: Any, land: Callable[[Any], T], outcome: _Outcome[T]) -> None:
    """One child's messages, until it closes its end of the pipe."""
    try:
        while True:
            status, index, payload = receive.recv()
            if status == "error":
                outcome.errors[index] = payload
            else:
                outcome.results[index] = land(payload)
                outcome.done[index] = True
    except EOFError:
        return
    finally:
        receive.close()
