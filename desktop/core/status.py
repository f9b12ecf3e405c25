"""What the status bar says about sync, and the seam where the sync engine's worker plugs in.

Two sources feed the status bar, both typed:
- every few seconds a task reads the register's sync state (`read_status`, on a worker):
  `models.sync_status.Freshness`, through `from_freshness`;
- the sync engine's background `SyncWorker` (sync/scheduler.py) publishes a
  `sync.scheduler.WorkerUpdate` after each run from its own thread, to a listener of the
  window's task runner (`desktop.app.tasks.TaskRunner.listener`): the window reads it on the
  Tk main loop through `from_update`.

The link's states are sync's own (`sync.errors.LinkStatus`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from models.clock import utc_now
from models.register_loading import RegisterLoading
from models.sync_status import Freshness, freshness
from sync.errors import LinkStatus
from sync.scheduler import WorkerUpdate

STALE_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class BarStatus:
    """One reading of the sync state, as the status bar shows it."""

    state: LinkStatus
    reason: str | None  # the sync engine's own words (English), e.g. the last error
    last_success_at: datetime | None
    data_as_of: datetime | None  # headquarters' time of the data, when the engine knows it
    demo_generated_at: datetime | None
    pending: int
    rejected: int | None  # None: not known
    checked_at: datetime
    clock_skew_s: float | None = None  # this computer's clock minus headquarters'
    error_code: str | None = None  # the code of the error behind `reason` (sync.errors)
    through_relay: bool = False  # syncs with the office relay, not headquarters directly
    upstream: str | None = None  # the relay's link to headquarters: online, offline, never
    waiting_at_relay: int = 0  # commands the relay holds for headquarters
    loading: RegisterLoading | None = None  # the first copy of the register under way

    @property
    def register_loading(self) -> bool:
        """The first copy of the register from headquarters is still arriving."""
        return self.loading is not None

    @property
    def office_link_down(self) -> bool:
        """The office relay cannot be reached: this workstation works alone."""
        return self.through_relay and self.state in (LinkStatus.OFFLINE, LinkStatus.FAILING)

    @property
    def headquarters_link_down(self) -> bool:
        """The relay answers but cannot reach headquarters: the office works as one."""
        return self.through_relay and self.state is LinkStatus.ONLINE and self.upstream == "offline"

    @property
    def never_synced(self) -> bool:
        """True until the first successful sync."""
        return self.last_success_at is None

    @property
    def as_of(self) -> datetime | None:
        """The time the data is from: headquarters' data time, else the last success."""
        return self.data_as_of or self.last_success_at


def from_freshness(fresh: Freshness, now: datetime | None = None) -> BarStatus:
    """The bar's reading of the register's sync state."""
    now = now or utc_now()
    return BarStatus(
        state=_state(fresh.status, fresh.last_success_at, fresh.last_error, now),
        reason=fresh.last_error,
        last_success_at=fresh.last_success_at,
        data_as_of=fresh.data_as_of,
        demo_generated_at=fresh.demo_generated_at,
        pending=fresh.pending_commands,
        rejected=fresh.rejected_awaiting,
        checked_at=now,
        clock_skew_s=fresh.clock_skew_s,
        error_code=fresh.error_kind if fresh.last_error else None,
        through_relay=fresh.through_relay,
        upstream=fresh.upstream_status,
        waiting_at_relay=fresh.waiting_at_relay,
        loading=fresh.loading,
    )


def from_update(
    update: WorkerUpdate, now: datetime | None = None, demo_generated_at: datetime | None = None
) -> BarStatus:
    """The bar's reading of what the sync worker published after a run (a failure outside
    sync, such as the register's, is the reason when sync itself reported none). The worker
    does not know when the demo data was made: `demo_generated_at` is the bar's last."""
    now = now or utc_now()
    status = update.snapshot
    reason = status.last_error or update.error
    return BarStatus(
        state=_state(status.status, status.last_success_at, reason, now),
        reason=reason,
        last_success_at=status.last_success_at,
        data_as_of=status.data_as_of,
        demo_generated_at=demo_generated_at,
        pending=status.pending,
        rejected=status.rejected_awaiting,
        checked_at=now,
        clock_skew_s=status.clock_skew_s,
        error_code=status.error_kind if status.last_error else None,
        through_relay=status.through_relay,
        upstream=status.upstream_status,
        waiting_at_relay=status.waiting_at_relay,
        loading=status.loading,
    )


def _state(
    declared: str | None, last_success: datetime | None, error: str | None, now: datetime
) -> LinkStatus:
    stale = last_success is None or now - last_success > STALE_AFTER
    if declared in LinkStatus.__members__.values():
        if declared == LinkStatus.ONLINE and stale:  # said when it last ran; not running now
            return LinkStatus.OFFLINE
        return LinkStatus(declared)
    if error:
        return LinkStatus.FAILING
    return LinkStatus.OFFLINE if stale else LinkStatus.ONLINE


def read_status() -> BarStatus:
    """Read the register's sync state (on a worker)."""
    return from_freshness(freshness())
