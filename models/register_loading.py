"""Whether the register is still receiving its first copy from headquarters, and how far it got.

An office enrolled with headquarters whose first bootstrap has not finished (the change-feed
cursor is still unset) holds only the persons of the pages committed so far: a person it does
not find may simply not have arrived yet. Each page is committed with its progress
(`sync_state.detail["bootstrap"]`, written by sync/bootstrap.py), so one statement reads it.
A demo register, or one that is not enrolled, is never "loading".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.errors import InvalidRequest
from models.schema import db

HEADQUARTERS = "headquarters"  # the sync_state channel (sync.state.HEADQUARTERS)

LOADING_SQL = (
    "SELECT (SELECT value FROM office_setting WHERE key = 'hq_url'), s.cursor, "
    "json_extract(s.detail, '$.bootstrap') "
    "FROM (SELECT 1) LEFT JOIN sync_state s ON s.channel = ?"
)


@dataclass(frozen=True)
class RegisterLoading:
    """The first copy of the register under way: persons received, and about how many come."""

    received: int
    total: int | None  # the scope's persons at headquarters when the copy began (None: unknown)
    started_at: datetime | None  # headquarters' time of the copy's first page (None: no page yet)
    phase: str  # the phase the copy is in: staff, employer, person, office (or "start")

    @property
    def percent(self) -> int | None:
        """Persons received of the total, in whole percent (None without a total)."""
        if not self.total:
            return None
        return min(100, self.received * 100 // self.total)


def register_loading() -> RegisterLoading | None:
    """The first copy's progress if it is still under way, else None (the register is whole)."""
    url, cursor, progress = db.execute_sql(LOADING_SQL, (HEADQUARTERS,)).fetchone()
    if url is None or cursor not in (None, ""):
        return None
    return loading_from(json.loads(progress) if progress else None)


def loading_from(progress: dict[str, Any] | None) -> RegisterLoading:
    """The loading state of a stored bootstrap progress (None: no page committed yet)."""
    progress = progress or {}
    received = progress.get("persons")
    if received is None:  # a progress stored before persons were counted in it
        received = db.execute_sql("SELECT count(*) FROM person").fetchone()[0]
    started = progress.get("started_at")
    return RegisterLoading(
        received=int(received),
        total=progress.get("persons_total"),
        started_at=datetime.fromisoformat(started) if started else None,
        phase=str(progress.get("phase") or "start"),
    )


def register_complete() -> bool:
    """True unless the first copy from headquarters is still under way."""
    return register_loading() is None


class RegisterIncomplete(InvalidRequest):
    """Work that needs the whole register, refused while its first copy is still loading."""

    def __init__(self, what: str, loading: RegisterLoading) -> None:
        self.what, self.loading = what, loading
        of = f" of about {loading.total:,}" if loading.total is not None else ""
        super().__init__(
            f"{what} needs the whole register, and its first copy from headquarters is still "
            f"loading ({loading.received:,}{of} persons received): try again once it is complete "
            "(counterdesk sync status shows the progress)"
        )


def require_complete(what: str) -> None:
    """Raise RegisterIncomplete while the first copy is still loading (`what`: the work refused,
    in English, for the command line)."""
    loading = register_loading()
    if loading is not None:
        raise RegisterIncomplete(what, loading)
