"""Work off the Tk main loop, and back: the one way the application's screens do it.

Worker threads run register and card work (`submit`); long work that reports as it goes (a
batch's process) runs on a thread of its own (`follow`); other threads that have something to
tell the screens (the sync worker's updates and steps) call a `listener`. Workers never touch a
widget: each outcome, report or message is put on one queue that the Tk main loop drains with
`after()`, where the callbacks run. Each task runs with its own register connection (peewee
keeps one per thread: the worker connects before the task and closes after it).
"""

from __future__ import annotations

import contextlib
import queue
import threading
import tkinter as tk
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from peewee import Database

from models.schema import db

Callback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


@dataclass(frozen=True)
class _Outcome:
    result: Any
    error: BaseException | None
    on_done: Callback | None
    on_error: ErrorCallback | None
    owner: tk.Misc | None


class TaskRunner:
    """Runs functions on worker threads; `on_done` / `on_error` run later on the main loop.

    A callback whose `owner` widget was destroyed meanwhile (a screen rebuilt for another
    language, say) is dropped. Errors without an `on_error` go to `default_error`.
    """

    def __init__(
        self,
        widget: tk.Misc,
        default_error: ErrorCallback,
        workers: int = 3,
        poll_ms: int = 25,
        database: Database = db,
    ) -> None:
        self._widget = widget
        self._default_error = default_error
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="task")
        self._outcomes: queue.SimpleQueue[_Outcome] = queue.SimpleQueue()
        self._poll_ms = poll_ms
        self._db = database
        self._lock = threading.Lock()
        self._pending = 0
        self._after_id: str | None = None
        self._closed = False

    @property
    def pending(self) -> int:
        """Tasks submitted whose callbacks have not run yet."""
        with self._lock:
            return self._pending

    def start(self) -> None:
        """Start draining outcomes on the main loop."""
        self._schedule()

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callback | None = None,
        on_error: ErrorCallback | None = None,
        owner: tk.Misc | None = None,
    ) -> None:
        """Run `fn(*args)` on a worker, then `on_done(result)` or `on_error(exc)` on the main
        loop."""
        if self._closed:
            return
        with self._lock:
            self._pending += 1
        self._pool.submit(self._run, fn, args, on_done, on_error, owner)

    def post(self, callback: Callback, value: Any, owner: tk.Misc | None = None) -> None:
        """From any thread: run `callback(value)` on the main loop (dropped if `owner` is gone
        by then)."""
        if self._closed:
            return
        with self._lock:
            self._pending += 1
        self._outcomes.put(_Outcome(value, None, callback, None, owner))

    def listener(self, callback: Callback, owner: tk.Misc | None = None) -> Callback:
        """A function other threads may call with a value: `callback(value)` runs on the main
        loop (dropped if `owner` is gone by then)."""
        return lambda value: self.post(callback, value, owner)

    def follow(
        self,
        fn: Callable[[Callback], Any],
        on_item: Callback,
        *,
        on_done: Callback | None = None,
        on_error: ErrorCallback | None = None,
        owner: tk.Misc | None = None,
    ) -> None:
        """Run `fn(emit)` on a thread of its own (long work that reports as it goes, without
        holding one of the workers); each `emit(item)` runs `on_item(item)` on the main loop,
        then `on_done(result)` or `on_error(exc)` once `fn` returns. While it runs it is not
        `pending` (the window is idle between its reports); its reports and its end are."""
        if self._closed:
            return
        emit = self.listener(on_item, owner)
        thread = threading.Thread(
            target=self._run,
            args=(fn, (emit,), on_done, on_error, owner, False),
            name="task-follow",
            daemon=True,
        )
        thread.start()

    def _run(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        on_done: Callback | None,
        on_error: ErrorCallback | None,
        owner: tk.Misc | None,
        counted: bool = True,  # False: its end is counted as pending only once it arrives
    ) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            self._db.connect(reuse_if_open=True)
            try:
                result = fn(*args)
            finally:
                if not self._db.is_closed():
                    self._db.close()
        except BaseException as exc:  # handed to the main loop, never lost in a thread
            error = exc
        if not counted:
            with self._lock:
                self._pending += 1
        self._outcomes.put(_Outcome(result, error, on_done, on_error, owner))

    def drain(self) -> int:
        """Run the callbacks of finished tasks (main loop only); return how many ran."""
        count = 0
        while True:
            try:
                outcome = self._outcomes.get_nowait()
            except queue.Empty:
                return count
            with self._lock:
                self._pending -= 1
            count += 1
            self._deliver(outcome)

    def _deliver(self, outcome: _Outcome) -> None:
        owner = outcome.owner
        if owner is not None and not _alive(owner):
            return
        if outcome.error is None:
            if outcome.on_done is not None:
                outcome.on_done(outcome.result)
        elif outcome.on_error is not None:
            outcome.on_error(outcome.error)
        else:
            self._default_error(outcome.error)

    def _schedule(self) -> None:
        if not self._closed:
            self._after_id = self._widget.after(self._poll_ms, self._tick)

    def _tick(self) -> None:
        try:
            self.drain()
        finally:
            self._schedule()

    def close(self) -> None:
        """Stop draining and let running tasks finish (their outcomes are dropped)."""
        self._closed = True
        if self._after_id is not None:
            with contextlib.suppress(tk.TclError):
                self._widget.after_cancel(self._after_id)
        self._pool.shutdown(wait=True, cancel_futures=True)


def _alive(widget: tk.Misc) -> bool:
    try:
        return bool(widget.winfo_exists())
    except tk.TclError:
        return False
