"""The reader monitor: reader attached/detached and card inserted/removed, as events on a queue.

The monitor runs in its own thread and never calls into the user interface: it puts each event
in a sink (a queue a command-line loop reads, or the application's hand-over to its main
loop). It also reports when the card service goes away and comes back, so the screen can say
so instead of freezing.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from cards.errors import ServiceUnavailable


class EventKind(StrEnum):
    """What happened."""

    READER_ATTACHED = "reader-attached"
    READER_DETACHED = "reader-detached"
    CARD_INSERTED = "card-inserted"
    CARD_REMOVED = "card-removed"
    SERVICE_DOWN = "service-down"
    SERVICE_UP = "service-up"


@dataclass(frozen=True)
class ReaderEvent:
    """One change, with the reader it concerns and when it was seen (time.monotonic())."""

    kind: EventKind
    reader: str = ""
    at: float = field(default_factory=time.monotonic)


class ReaderStateLike(Protocol):
    """A reader's name and whether it holds a card."""

    name: str
    card_present: bool


class ReaderBackend(Protocol):
    """What the monitor needs from PC/SC (cards.pcsc.PcscContext fits)."""

    def states(self) -> list[ReaderStateLike]: ...

    def wait_for_change(self, known: dict[str, bool], timeout_ms: int) -> bool: ...

    def close(self) -> None: ...


class EventSink(Protocol):
    """Where the monitor puts its events (a queue, or what hands them to a main loop)."""

    def put(self, event: ReaderEvent) -> None:
        """Take one event (called from the monitor's thread)."""
        ...


class ReaderMonitor(threading.Thread):
    """Watches the readers in a daemon thread and puts ReaderEvents on `events`."""

    def __init__(
        self,
        open_backend: Callable[[], ReaderBackend],  # called again after the service returns
        events: EventSink | queue.Queue[ReaderEvent],
        wait_ms: int = 500,
        retry_s: float = 1.0,
    ) -> None:
        super().__init__(name="reader-monitor", daemon=True)
        self._open = open_backend
        self.events = events
        self._wait_ms = wait_ms
        self._retry_s = retry_s
        self._stopping = threading.Event()
        self._known: dict[str, bool] = {}

    def stop(self, timeout: float | None = 2.0) -> None:
        """Ask the thread to end and wait for it (up to `timeout` seconds)."""
        self._stopping.set()
        if self.is_alive():
            self.join(timeout)

    def run(self) -> None:
        """Open the backend, report the initial state, then report every change."""
        service_up: bool | None = None
        while not self._stopping.is_set():
            try:
                backend = self._open()
            except ServiceUnavailable:
                if service_up is not False:
                    self._emit(EventKind.SERVICE_DOWN)
                    self._forget_all()
                service_up = False
                self._stopping.wait(self._retry_s)
                continue
            if service_up is False:
                self._emit(EventKind.SERVICE_UP)
            service_up = True
            try:
                self._watch(backend)
            except ServiceUnavailable:
                self._emit(EventKind.SERVICE_DOWN)
                self._forget_all()
                service_up = False
            finally:
                backend.close()

    def _watch(self, backend: ReaderBackend) -> None:
        self._update({s.name: s.card_present for s in backend.states()})
        while not self._stopping.is_set():
            if backend.wait_for_change(self._known, self._wait_ms):
                self._update({s.name: s.card_present for s in backend.states()})

    def _update(self, now: dict[str, bool]) -> None:
        for name in sorted(now.keys() - self._known.keys()):
            self._emit(EventKind.READER_ATTACHED, name)
            if now[name]:
                self._emit(EventKind.CARD_INSERTED, name)
        for name in sorted(self._known.keys() - now.keys()):
            if self._known[name]:
                self._emit(EventKind.CARD_REMOVED, name)
            self._emit(EventKind.READER_DETACHED, name)
        for name in sorted(now.keys() & self._known.keys()):
            if now[name] != self._known[name]:
                self._emit(EventKind.CARD_INSERTED if now[name] else EventKind.CARD_REMOVED, name)
        self._known = now

    def _forget_all(self) -> None:
        self._update({})

    def _emit(self, kind: EventKind, reader: str = "") -> None:
        self.events.put(ReaderEvent(kind, reader))
