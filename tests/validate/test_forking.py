"""Work shared out between the parent and forked children (generator.validate.forking)."""

from __future__ import annotations

import fcntl
import multiprocessing.context
import os
import signal
import time

import pytest

from generator.errors import InputError
from generator.validate import pipeline
from generator.validate.engine import Settings
from generator.validate.forking import _widen, share_out
from generator.validate.load import InputItem, TextItem
from generator.validate.schemas import SchemaStore


def _square(index: int) -> int:
    return index * index


@pytest.mark.parametrize("processes", [1, 2, 3])
def test_results_come_back_in_task_order_whoever_computed_them(processes: int) -> None:
    pids: list[int] = []

    def work(index: int) -> tuple[int, int]:
        return index * index, os.getpid()

    def land(shipped: tuple[int, int]) -> tuple[int, int]:
        pids.append(shipped[1])
        return shipped

    got = share_out(200, processes, work=work, ship=lambda r: r, land=land)
    assert [value for value, _ in got] == [_square(i) for i in range(200)]
    # results that travelled came from children; the parent's own did not travel
    assert all(pid != os.getpid() for pid in pids)
    if processes == 1:
        assert pids == []


@pytest.mark.parametrize("processes", [1, 2, 3])
def test_the_error_of_the_lowest_failing_task_is_raised(processes: int) -> None:
    def work(index: int) -> int:
        if index in (37, 90):
            raise InputError(f"task {index} failed")
        return index

    with pytest.raises(InputError, match="task 37 failed"):
        share_out(120, processes, work=work, ship=lambda r: r, land=lambda r: r)


def test_an_error_that_does_not_pickle_still_reaches_the_parent_with_its_text() -> None:
    class Unpicklable(Exception):
        def __reduce__(self) -> str | tuple[object, ...]:
            raise TypeError("no pickling")

    parent = os.getpid()

    def work(index: int) -> int:
        if os.getpid() != parent:
            raise Unpicklable("child failed")
        time.sleep(0.01)  # the parent is slow: the child gets tasks
        return index

    with pytest.raises(RuntimeError, match="Unpicklable: child failed"):
        share_out(50, 2, work=work, ship=lambda r: r, land=lambda r: r)


def test_a_child_that_dies_is_an_error_not_a_missing_result() -> None:
    parent = os.getpid()

    def work(index: int) -> int:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(0.01)  # the parent is slow: the child gets tasks
        return index

    with pytest.raises(RuntimeError, match="stopped before its work was done"):
        share_out(50, 2, work=work, ship=lambda r: r, land=lambda r: r)


def test_progress_ticks_in_the_parent_until_everything_is_done() -> None:
    seen: list[int] = []
    share_out(
        30,
        2,
        work=_square,
        ship=lambda r: r,
        land=lambda r: r,
        tick=lambda rs: seen.append(sum(r is not None for r in rs)),
    )
    assert seen and seen == sorted(seen) and seen[-1] == 30


def _good(first: int) -> str:
    return "---\n".join(
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n" for i in range(first, first + 300)
    )


@pytest.mark.parametrize("processes", [1, 2])
def test_a_bad_file_mid_corpus_gives_the_same_error_for_every_jobs(processes: int) -> None:
    texts = [_good(0), _good(300), "apiVersion: v1\nkind: [unclosed\n", _good(600), "a: [\n", _good(900)]
    items: list[InputItem] = [TextItem(text, f"f{i}.yaml", "default") for i, text in enumerate(texts)]
    job = pipeline.UnitJob(items, Settings(), SchemaStore("1.33.0"))
    with pytest.raises(InputError) as raised:
        pipeline.run_units([job], processes=processes)
    assert "f2.yaml" in str(raised.value)


def test_no_more_processes_than_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []
    fork_process = multiprocessing.context.ForkProcess

    class Counted(fork_process):  # type: ignore[misc,valid-type]
        def start(self) -> None:
            started.append(1)
            super().start()

    monkeypatch.setattr(multiprocessing.context.ForkContext, "Process", Counted)
    assert share_out(3, 16, work=_square, ship=lambda r: r, land=lambda r: r) == [0, 1, 4]
    assert len(started) == 2  # 3 tasks: the parent and two children, not 15
    started.clear()
    assert share_out(1, 16, work=_square, ship=lambda r: r, land=lambda r: r) == [0]
    assert started == []


def test_a_childs_pipe_holds_a_whole_result() -> None:
    receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
    try:
        _widen(send)
        assert fcntl.fcntl(send.fileno(), fcntl.F_GETPIPE_SZ) >= 1 << 20
    finally:
        receive.close()
        send.close()


@pytest.mark.parametrize("processes", [1, 2])
def test_the_prelude_runs_in_the_parent_before_its_tasks_and_children_do_not_see_it(processes: int) -> None:
    """The cross-resource phase warms its indexes up in the parent while the forked child starts on the
    whole rules' tasks (pipeline._share_pairs): the prelude runs once, in the parent, after the fork."""
    seen: list[int] = []
    parent = os.getpid()

    def prelude() -> None:
        seen.append(os.getpid())

    def work(index: int) -> tuple[int, bool, int]:
        # (task, whether the prelude had run in this process, which process)
        return index, bool(seen), os.getpid()

    results = share_out(6, processes, work=work, ship=lambda r: r, land=lambda r: r, prelude=prelude)
    assert seen == [parent]
    assert [index for index, _, _ in results] == list(range(6))
    for _, prelude_seen, pid in results:
        assert prelude_seen == (pid == parent)  # the parent's tasks come after it; a child never sees it
