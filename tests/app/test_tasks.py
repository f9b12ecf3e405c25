"""Work on worker threads, outcomes on the Tk main loop."""

from __future__ import annotations

import gc
import threading
import time
import tkinter as tk
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from desktop.app.tasks import TaskRunner
from models.home import OfficeHome
from models.schema import db


@pytest.fixture
def root(display: str) -> Iterator[tk.Tk]:
    window = tk.Tk()
    yield window
    window.destroy()
    # free the dead window's Tk objects here, on the main thread (as AppDriver.close does): a
    # collection started later in a worker thread would run their __del__ (Tk calls) there
    gc.collect()


def _until(root: tk.Tk, runner: TaskRunner, done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not done():
        runner.drain()
        root.update()
        assert time.monotonic() < deadline, "the task never came back"
        time.sleep(0.005)


def test_outcomes_come_back_on_the_main_thread(root: tk.Tk, demo: OfficeHome) -> None:
    errors: list[BaseException] = []
    runner = TaskRunner(root, errors.append)
    seen: dict[str, Any] = {}

    def work() -> tuple[str, int]:
        return threading.current_thread().name, id(db.connection())

    runner.submit(work, on_done=lambda r: seen.update(result=r, thread=threading.current_thread()))
    _until(root, runner, lambda: "result" in seen)
    worker, connection = seen["result"]
    assert worker.startswith("task") and seen["thread"] is threading.main_thread()
    assert connection != id(db.connection())  # each worker thread has its own connection
    runner.submit(lambda: 1 / 0)
    _until(root, runner, lambda: bool(errors))
    assert isinstance(errors[0], ZeroDivisionError) and runner.pending == 0
    runner.close()


def test_a_destroyed_owner_gets_no_callback(root: tk.Tk, demo: OfficeHome) -> None:
    runner = TaskRunner(root, lambda _e: None)
    owner = tk.Frame(root)
    called: list[object] = []
    release = threading.Event()
    runner.submit(release.wait, 5, on_done=called.append, owner=owner)
    owner.destroy()
    release.set()
    _until(root, runner, lambda: runner.pending == 0)
    assert called == []
    runner.close()


def test_a_listener_called_from_another_thread_runs_on_the_main_loop(
    root: tk.Tk, demo: OfficeHome
) -> None:
    runner = TaskRunner(root, lambda _e: None)
    seen: list[tuple[int, threading.Thread]] = []
    tell = runner.listener(lambda n: seen.append((n, threading.current_thread())))
    gone = tk.Frame(root)
    dropped = runner.listener(lambda n: seen.append((-n, threading.current_thread())), gone)
    gone.destroy()
    sender = threading.Thread(target=lambda: [f(n) for n in range(3) for f in (tell, dropped)])
    sender.start()
    sender.join()
    _until(root, runner, lambda: runner.pending == 0)
    assert [n for n, _ in seen] == [0, 1, 2]
    assert all(thread is threading.main_thread() for _, thread in seen)
    runner.close()


def test_followed_work_reports_each_item_then_its_result_on_the_main_loop(
    root: tk.Tk, demo: OfficeHome
) -> None:
    runner = TaskRunner(root, lambda _e: None, workers=1)
    items: list[int] = []
    done: list[str] = []
    release = threading.Event()

    def long_work(emit: Callable[[Any], None]) -> str:
        for n in range(3):
            emit(n)
        release.wait(5)
        return "finished"

    runner.follow(long_work, items.append, on_done=done.append)
    runner.submit(lambda: "the worker is free", on_done=done.append)  # not held by the follow
    _until(root, runner, lambda: items == [0, 1, 2] and done == ["the worker is free"])
    assert runner.pending == 0  # the window is idle between the reports of followed work
    release.set()
    _until(root, runner, lambda: len(done) == 2)
    assert done == ["the worker is free", "finished"] and runner.pending == 0
    runner.close()
