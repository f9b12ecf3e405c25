"""The reader monitor's events, driven by a scripted backend (the real one: test_card_stack)."""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass

from cards.errors import ServiceUnavailable
from cards.monitor import EventKind, ReaderEvent, ReaderMonitor


@dataclass(frozen=True)
class State:
    name: str
    card_present: bool


class ScriptedBackend:
    """Replays a list of reader snapshots, one per change; None means the service died."""

    def __init__(self, script: list[dict[str, bool] | None]) -> None:
        self.script = script
        self.changed = threading.Event()

    def states(self) -> list[State]:
        current = self.script[0]
        if current is None:
            raise ServiceUnavailable("the card service is not running")
        return [State(n, p) for n, p in current.items()]

    def wait_for_change(self, known: dict[str, bool], timeout_ms: int) -> bool:
        if len(self.script) > 1:
            self.script.pop(0)
            return True
        threading.Event().wait(timeout_ms / 1000)
        return False

    def close(self) -> None:
        pass


def collect(events: queue.Queue[ReaderEvent], count: int) -> list[tuple[str, str]]:
    return [(e.kind.value, e.reader) for e in (events.get(timeout=5) for _ in range(count))]


def test_changes_become_events_in_order() -> None:
    script: list[dict[str, bool] | None] = [
        {},
        {"R1": False},
        {"R1": True},
        {"R1": False},
        {},
    ]
    events: queue.Queue[ReaderEvent] = queue.Queue()
    backend = ScriptedBackend(script)
    monitor = ReaderMonitor(lambda: backend, events, wait_ms=10)
    monitor.start()
    try:
        assert collect(events, 4) == [
            ("reader-attached", "R1"),
            ("card-inserted", "R1"),
            ("card-removed", "R1"),
            ("reader-detached", "R1"),
        ]
    finally:
        monitor.stop()
    assert not monitor.is_alive()


def test_a_card_already_in_the_reader_is_reported_at_start() -> None:
    events: queue.Queue[ReaderEvent] = queue.Queue()
    backend = ScriptedBackend([{"R1": True, "R2": False}])
    monitor = ReaderMonitor(lambda: backend, events, wait_ms=10)
    monitor.start()
    try:
        assert collect(events, 3) == [
            ("reader-attached", "R1"),
            ("card-inserted", "R1"),
            ("reader-attached", "R2"),
        ]
    finally:
        monitor.stop()


def test_the_service_going_away_and_coming_back_is_reported() -> None:
    events: queue.Queue[ReaderEvent] = queue.Queue()
    attempts = {"n": 0}

    def open_backend() -> ScriptedBackend:
        attempts["n"] += 1
        if attempts["n"] < 3:
            raise ServiceUnavailable("the card service is not running")
        return ScriptedBackend([{"R1": True}])

    monitor = ReaderMonitor(open_backend, events, wait_ms=10, retry_s=0.01)
    monitor.start()
    try:
        assert collect(events, 4) == [
            ("service-down", ""),
            ("service-up", ""),
            ("reader-attached", "R1"),
            ("card-inserted", "R1"),
        ]
    finally:
        monitor.stop()
    assert EventKind.SERVICE_DOWN.value == "service-down"
