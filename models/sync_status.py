"""How fresh the register is: the truth every screen shows next to register data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from models.register_loading import RegisterLoading, register_loading
from models.schema import db

HEADQUARTERS = "headquarters"
SKEW_REPORTED_S = 300.0  # a clock more than 5 minutes off headquarters' is reported

# One statement for all of it: this runs with every overview, so its SQL is fixed text.
FRESHNESS_SQL = (
    "SELECT s.last_success_at, s.last_attempt_at, s.last_error, "
    "(SELECT count(*) FROM outbox WHERE status = 'pending'), "
    "(SELECT value FROM office_setting WHERE key = 'demo_generated_at'), "
    "s.status, s.data_as_of, "
    "(SELECT count(*) FROM outbox WHERE status = 'rejected' AND acknowledged_at IS NULL), "
    "s.clock_skew_s, s.resync_required, json_extract(s.detail, '$.error_kind'), "
    "(SELECT value FROM office_setting WHERE key = 'hq_service'), "
    "json_extract(s.detail, '$.upstream.status'), json_extract(s.detail, '$.upstream.waiting') "
    "FROM (SELECT 1) LEFT JOIN sync_state s ON s.channel = ?"
)
RELAY_SERVICE = "counterdesk-relay"  # what an office relay answers at hello (sync.settings)


@dataclass(frozen=True)
class Freshness:
    """When the register last matched headquarters, and what waits to be sent or seen."""

    last_success_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None
    pending_commands: int
    demo_generated_at: datetime | None
    status: str = "never"  # never | online | offline | failing
    data_as_of: datetime | None = None  # headquarters' time of the last complete pull
    rejected_awaiting: int = 0  # commands headquarters rejected, not yet seen by a supervisor
    clock_skew_s: float | None = None  # this computer's clock minus headquarters'
    resync_required: bool = False
    error_kind: str | None = None  # the code of the last error (sync.errors), for its translation
    # Through the office relay: the relay's own link to headquarters, as it last said (online,
    # offline, never), and the commands it holds for headquarters.
    through_relay: bool = False
    upstream_status: str | None = None
    waiting_at_relay: int = 0
    # The first copy of the register still under way (None: the register is whole).
    loading: RegisterLoading | None = None

    @property
    def never_synced(self) -> bool:
        """True until the first successful sync with headquarters."""
        return self.last_success_at is None

    @property
    def clock_skew_reported(self) -> bool:
        """True if this computer's clock is more than 5 minutes off headquarters'."""
        return self.clock_skew_s is not None and abs(self.clock_skew_s) > SKEW_REPORTED_S


def freshness() -> Freshness:
    """Read the sync state of the open register."""
    (
        success,
        attempt,
        error,
        pending,
        demo,
        status,
        as_of,
        rejected,
        skew,
        resync,
        kind,
        service,
        upstream,
        waiting,
    ) = db.execute_sql(FRESHNESS_SQL, (HEADQUARTERS,)).fetchone()
    return Freshness(
        _time(success),
        _time(attempt),
        error,
        pending,
        _time(demo),
        status or "never",
        _time(as_of),
        rejected,
        skew,
        bool(resync),
        kind,
        service == RELAY_SERVICE,
        upstream,
        int(waiting or 0),
        register_loading(),
    )


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def synced_at(fresh: Freshness) -> datetime:
    """When the data last matched headquarters, on this computer's clock: headquarters' time of
    the last complete pull corrected by the measured skew, else the last successful sync."""
    if fresh.data_as_of is not None:
        return fresh.data_as_of + timedelta(seconds=fresh.clock_skew_s or 0.0)
    assert fresh.last_success_at is not None
    return fresh.last_success_at


def describe(fresh: Freshness, now: datetime) -> str:
    """One line for humans: how old the data is, in words (times in local time)."""
    if fresh.last_success_at is None and fresh.data_as_of is None:
        base = "never synced with headquarters"
        if fresh.demo_generated_at is not None:
            local = fresh.demo_generated_at.astimezone().strftime("%Y-%m-%d %H:%M")
            base += f"; demo data generated {local}"
    else:
        when = synced_at(fresh)
        age = now - when
        local = when.astimezone().strftime("%Y-%m-%d %H:%M")
        base = f"last synced {local} ({age_words(age.total_seconds())} ago)"
    if fresh.loading is not None:
        base += "; " + loading_words(fresh.loading)
    if fresh.through_relay and fresh.status == "offline":
        base += "; the office relay cannot be reached: this workstation works alone"
    elif fresh.through_relay and fresh.upstream_status == "offline":
        base += "; the office relay cannot reach headquarters: the office works as one"
    if fresh.pending_commands:
        base += f"; {fresh.pending_commands} change(s) waiting to be sent"
    if fresh.rejected_awaiting:
        base += f"; {fresh.rejected_awaiting} change(s) rejected by headquarters await a supervisor"
    if fresh.last_error:
        state = {"offline": "offline", "failing": "headquarters failing"}.get(fresh.status)
        base += f"; {state + ': ' if state else ''}last sync failed: {fresh.last_error}"
    if fresh.clock_skew_reported:
        minutes = round(abs(fresh.clock_skew_s or 0.0) / 60)
        way = "ahead of" if (fresh.clock_skew_s or 0.0) > 0 else "behind"
        base += f"; this computer's clock is {minutes} min {way} headquarters'"
    if fresh.resync_required:
        base += "; a full resync is due (the data check found a difference)"
    return base


def loading_words(loading: RegisterLoading) -> str:
    """The first copy's progress for humans (English, for the command line)."""
    if loading.total is None:
        return f"the register is still loading: {loading.received:,} persons received"
    return (
        f"the register is still loading: {loading.received:,} of about {loading.total:,} "
        f"persons received ({loading.percent} %)"
    )


def age_words(seconds: float) -> str:
    """An age in words: less than a minute, N min, N h, N days."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} days"
