"""What the status bar says about sync, and the seam where the sync engine's worker plugs in.

Two sources feed the status bar:
- every few seconds a task reads the register's sync state (`read_status`, on a worker);
- the sync engine's background `SyncWorker` (sync/scheduler.py) may publish snapshots from its
  own thread through `StatusFeed.publish`, the callback it is given. The feed only queues them;
  the Tk main loop takes the newest with `StatusFeed.latest()`.

Snapshots are read defensively (`snapshot_from`): any object with some of the attributes of
`models.sync_status.Freshness` (and the sync engine's `status`, `data_as_of`, `rejected`, ...)
will do, so the two sides can grow independently.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from models.clock import utc_now
from models.schema import Outbox
from models.sync_status import freshness

STALE_AFTER = timedelta(hours=24)


class SyncState(StrEnum):
    """How the office stands with headquarters."""

    NEVER = "never"  # never synced: not enrolled yet, or its first sync has not run
    ONLINE = "online"
    OFFLINE = "offline"
    FAILING = "failing"


@dataclass(frozen=True)
class StatusSnapshot:
    """One reading of the sync state, as the status bar shows it."""

    state: SyncState
    reason: str | None  # the sync engine's own words (English), e.g. the last error
    last_success_at: datetime | None
    data_as_of: datetime | None  # headquarters' time of the data, when the engine knows it
    demo_generated_at: datetime | None
    pending: int
    rejected: int | None  # None: not known
    checked_at: datetime
    clock_skew_s: float | None = None  # this computer's clock minus headquarters'
    reason_kind: str | None = None  # the type of the error behind `reason` (sync.errors)
    through_relay: bool = False  # syncs with the office relay, not headquarters directly
    upstream: str | None = None  # the relay's link to headquarters: online, offline, never
    waiting_at_relay: int = 0  # commands the relay holds for headquarters

    @property
    def office_link_down(self) -> bool:
        """The office relay cannot be reached: this workstation works alone."""
        return self.through_relay and self.state in (SyncState.OFFLINE, SyncState.FAILING)

    @property
    def headquarters_link_down(self) -> bool:
        """The relay answers but cannot reach headquarters: the office works as one."""
        return self.through_relay and self.state is SyncState.ONLINE and self.upstream == "offline"

    @property
    def never_synced(self) -> bool:
        """True until the first successful sync."""
        return self.last_success_at is None

    @property
    def as_of(self) -> datetime | None:
        """The time the data is from: headquarters' data time, else the last success."""
        return self.data_as_of or self.last_success_at


class StatusSource(Protocol):
    """What the sync engine's worker offers: listeners called with each status snapshot."""

    def add_listener(self, callback: Callable[[object], None]) -> None:
        """Call `callback(snapshot)` (from the source's own thread) after every change."""
        ...


def _attr(obj: object, *names: str, default: Any = None) -> Any:
    for name in names:
        value = getattr(obj, name, None)
        if value is not None:
            return value
    return default


def snapshot_from(
    obj: object, now: datetime | None = None, rejected: int | None = None
) -> StatusSnapshot:
    """A StatusSnapshot from a Freshness or a sync engine snapshot, reading attributes
    defensively (missing ones count as unknown)."""
    now = now or utc_now()
    last_success = _attr(obj, "last_success_at")
    error = _attr(obj, "last_error", "error", "reason")
    declared = _attr(obj, "status", "state")
    state = _state(declared, last_success, error, now)
    return StatusSnapshot(
        state=state,
        reason=str(error) if error else None,
        last_success_at=last_success,
        data_as_of=_attr(obj, "data_as_of"),
        demo_generated_at=_attr(obj, "demo_generated_at"),
        pending=int(_attr(obj, "pending_commands", "pending", default=0)),
        rejected=_attr(obj, "rejected", "rejected_commands", "rejected_awaiting", default=rejected),
        checked_at=now,
        clock_skew_s=_attr(obj, "clock_skew_s"),
        reason_kind=_attr(obj, "error_kind") if error else None,
        through_relay=bool(_attr(obj, "through_relay", default=False)),
        upstream=_attr(obj, "upstream_status"),
        waiting_at_relay=int(_attr(obj, "waiting_at_relay", default=0)),
    )


def _state(
    declared: object, last_success: datetime | None, error: object, now: datetime
) -> SyncState:
    stale = last_success is None or now - last_success > STALE_AFTER
    if declared is not None:
        text = str(getattr(declared, "value", declared)).lower()
        if text == SyncState.ONLINE and stale:  # said when it last ran; it is not running now
            return SyncState.OFFLINE
        if text in SyncState.__members__.values():
            return SyncState(text)
    if error:
        return SyncState.FAILING
    return SyncState.OFFLINE if stale else SyncState.ONLINE


def read_status() -> StatusSnapshot:
    """Read the register's sync state (on a worker)."""
    rejected = (
        Outbox.select()
        .where((Outbox.status == "rejected") & Outbox.acknowledged_at.is_null())
        .count()
    )
    return snapshot_from(freshness(), rejected=rejected)


class StatusFeed:
    """Thread-safe mailbox for snapshots published by the sync engine's worker."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()

    def publish(self, snapshot: object) -> None:
        """Called from any thread (the sync worker's callback); never touches a widget."""
        self._queue.put(snapshot)

    def latest(self) -> object | None:
        """The newest published snapshot since the last call, or None (main loop)."""
        newest = None
        while True:
            try:
                newest = self._queue.get_nowait()
            except queue.Empty:
                return newest

    def attach(self, source: StatusSource) -> None:
        """Subscribe to a sync worker's status snapshots."""
        source.add_listener(self.publish)
