"""The background sync worker of the desktop application (and of `counterdesk sync`).

A `SyncWorker` thread runs the engine whenever the retry timer says so (`sync_state.
next_attempt_at`: the interval after a success, the backoff after a failure, kept across
restarts), or at once after `wake()`. After each run it publishes a `StatusSnapshot` to its
listeners (callables: a queue's `put`, a feed's `publish`); it never touches a widget. peewee
connections are per thread: the worker opens its own connection to the register and closes it
when it stops.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from models.clock import utc_now
from models.db import open_register
from models.home import OfficeHome
from models.schema import db
from sync import state
from sync.client import HqClient
from sync.engine import SyncEngine, SyncReport
from sync.errors import SyncError
from sync.status import StatusSnapshot, read_status

log = logging.getLogger(__name__)

POLL_S = 30.0  # look at the timer at least this often (another process may have synced)


@dataclass(frozen=True)
class WorkerUpdate:
    """What the worker publishes: the status after a run, and the run's report (if any)."""

    snapshot: StatusSnapshot
    report: SyncReport | None
    error: str | None = None  # a failure outside sync's own errors (e.g. the register)


Connect = Callable[[], HqClient]
Listener = Callable[[WorkerUpdate], None]


class SyncWorker:
    """Runs `SyncEngine.run_once` in a background thread when due."""

    def __init__(
        self,
        home: OfficeHome,
        connect: Connect,
        *,
        listeners: list[Listener] | None = None,
        clock: Callable[[], datetime] = utc_now,
        interval_s: float | None = None,
        poll_s: float = POLL_S,
        engine_options: dict[str, object] | None = None,
    ) -> None:
        self.home = home
        self.connect = connect
        self.clock = clock
        self.interval_s = interval_s
        self.poll_s = poll_s
        self.engine_options = engine_options or {}
        self._listeners: list[Listener] = list(listeners or [])
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._forced = False
        self._hold_until: datetime | None = None  # after an unexpected error: wait a poll
        self._thread = threading.Thread(target=self._run, name="counterdesk-sync", daemon=True)
        self.runs = 0

    def add_listener(self, callback: Listener) -> None:
        """Call `callback(update)` after every run (from the worker's thread)."""
        self._listeners.append(callback)

    def start(self) -> SyncWorker:
        """Start the thread; returns self."""
        self._thread.start()
        return self

    def wake(self) -> None:
        """Sync now (e.g. after a local write or a click on "sync now")."""
        self._forced = True
        self._wake.set()

    def stop(self, timeout: float | None = 30.0) -> None:
        """Ask the thread to stop after the current run and wait for it."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        """True while the thread runs."""
        return self._thread.is_alive()

    def _run(self) -> None:
        try:
            self._open()
        except Exception as exc:  # the register cannot be opened: say so once, then stop
            log.exception("sync worker cannot open the register")
            self._publish(None, f"the sync worker cannot open the register: {exc}")
            return
        try:
            while not self._stop.is_set():
                if self._due():
                    self._forced = False
                    self._once()
                self._wake.wait(self._wait_s())
                self._wake.clear()
        finally:
            if not db.is_closed():
                db.close()

    def _open(self) -> None:
        if db.database is None:
            open_register(self.home.register_path, passphrase=self.home.known_passphrase())
        else:
            db.connect(reuse_if_open=True)

    def _due(self) -> bool:
        if self._forced:
            return True
        if self._hold_until is not None and self._hold_until > self.clock():
            return False
        when = state.read().next_attempt_at
        return when is None or when <= self.clock()

    def _wait_s(self) -> float:
        when = state.read().next_attempt_at
        if when is None or self._hold_until is not None:
            return self.poll_s
        return max(0.05, min(self.poll_s, (when - self.clock()).total_seconds()))

    def _once(self) -> None:
        report = None
        problem = None
        try:
            client = self.connect()
            try:
                engine = SyncEngine(
                    client, clock=self.clock, interval_s=self.interval_s, **self.engine_options
                )
                report = engine.run_once()
            finally:
                client.close()
        except SyncError as exc:  # e.g. not enrolled: nothing to run yet
            problem = exc.message
        except Exception as exc:  # never let the thread die; the next poll tries again
            log.exception("sync run failed")
            problem = f"sync stopped by an unexpected error: {exc}"
        self._hold_until = (
            None if report is not None else self.clock() + timedelta(seconds=self.poll_s)
        )
        self.runs += 1
        self._publish(report, problem)

    def _publish(self, report: SyncReport | None, problem: str | None) -> None:
        try:
            update = WorkerUpdate(read_status(), report, problem)
        except Exception:
            log.exception("sync status cannot be read")
            return
        for listener in list(self._listeners):
            try:
                listener(update)
            except Exception:
                log.exception("a sync status listener failed")
