"""How fresh the register is: the truth every screen shows next to register data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.schema import db

HEADQUARTERS = "headquarters"

# One statement for all of it: this runs with every overview, so its SQL is fixed text.
FRESHNESS_SQL = (
    "SELECT s.last_success_at, s.last_attempt_at, s.last_error, "
    "(SELECT count(*) FROM outbox WHERE status = 'pending'), "
    "(SELECT value FROM office_setting WHERE key = 'demo_generated_at') "
    "FROM (SELECT 1) LEFT JOIN sync_state s ON s.channel = ?"
)


@dataclass(frozen=True)
class Freshness:
    """When the register last matched headquarters, and what waits to be sent."""

    last_success_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None
    pending_commands: int
    demo_generated_at: datetime | None

    @property
    def never_synced(self) -> bool:
        """True until the first successful sync with headquarters."""
        return self.last_success_at is None


def freshness() -> Freshness:
    """Read the sync state of the open register."""
    success, attempt, error, pending, demo = db.execute_sql(
        FRESHNESS_SQL, (HEADQUARTERS,)
    ).fetchone()
    return Freshness(_time(success), _time(attempt), error, pending, _time(demo))


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def describe(fresh: Freshness, now: datetime) -> str:
    """One line for humans: how old the data is, in words (times in local time)."""
    if fresh.last_success_at is None:
        base = "never synced with headquarters"
        if fresh.demo_generated_at is not None:
            local = fresh.demo_generated_at.astimezone().strftime("%Y-%m-%d %H:%M")
            base += f"; demo data generated {local}"
    else:
        age = now - fresh.last_success_at
        local = fresh.last_success_at.astimezone().strftime("%Y-%m-%d %H:%M")
        base = f"last synced {local} ({_age_words(age.total_seconds())} ago)"
    if fresh.pending_commands:
        base += f"; {fresh.pending_commands} change(s) waiting to be sent"
    if fresh.last_error:
        base += f"; last sync failed: {fresh.last_error}"
    return base


def _age_words(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} days"
