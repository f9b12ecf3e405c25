"""The office's sync progress in `sync_state`: one row per channel.

Channel `headquarters` holds the change-feed cursor (the `next` of the last applied page, as
text), the link's status, the retry timer and, in `detail` (JSON), the progress of a bootstrap and
the outcome of the last data check. Channel `audit` holds the id of the last audit event
headquarters accepted. Every write here runs inside the caller's transaction, so progress is
committed with the data it covers, never before it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from models.schema import SyncState, db
from models.sync_status import HEADQUARTERS

AUDIT = "audit"


@dataclass(frozen=True)
class State:
    """One channel's row (defaults when it does not exist yet)."""

    cursor: int | None = None
    last_success_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_error: str | None = None
    consecutive_errors: int = 0
    status: str = "never"
    next_attempt_at: datetime | None = None
    data_as_of: datetime | None = None
    clock_skew_s: float | None = None
    resync_required: bool = False
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def bootstrap(self) -> dict[str, Any] | None:
        """Progress of a bootstrap under way: phase, after, snapshot, pages, rows."""
        return self.detail.get("bootstrap")

    @property
    def needs_bootstrap(self) -> bool:
        """True if the register never synced, a bootstrap is under way, or a resync is due."""
        return self.cursor is None or self.resync_required or self.bootstrap is not None


def read(channel: str = HEADQUARTERS) -> State:
    """The channel's state as stored (committed or in the caller's transaction)."""
    row = SyncState.get_or_none(SyncState.channel == channel)
    if row is None:
        return State()
    return State(
        cursor=int(row.cursor) if row.cursor not in (None, "") else None,
        last_success_at=row.last_success_at,
        last_attempt_at=row.last_attempt_at,
        last_error=row.last_error,
        consecutive_errors=row.consecutive_errors,
        status=row.status,
        next_attempt_at=row.next_attempt_at,
        data_as_of=row.data_as_of,
        clock_skew_s=row.clock_skew_s,
        resync_required=bool(row.resync_required),
        detail=json.loads(row.detail) if row.detail else {},
    )


def write(channel: str = HEADQUARTERS, **changes: Any) -> None:
    """Update the channel's columns (creating its row); run inside the caller's transaction.

    `cursor` is given as an int, `detail` as a dict (stored as JSON).
    """
    if not db.in_transaction():
        raise RuntimeError("sync state is written only inside the transaction of its data")
    SyncState.insert(channel=channel).on_conflict_ignore().execute()
    if "cursor" in changes and changes["cursor"] is not None:
        changes["cursor"] = str(changes["cursor"])
    if "detail" in changes:
        changes["detail"] = json.dumps(changes["detail"], ensure_ascii=False, sort_keys=True)
    if changes:
        SyncState.update(**changes).where(SyncState.channel == channel).execute()


def update_detail(channel: str = HEADQUARTERS, **parts: Any) -> dict[str, Any]:
    """Replace some keys of the channel's `detail` (None removes a key); return the new detail."""
    detail = dict(read(channel).detail)
    for key, value in parts.items():
        if value is None:
            detail.pop(key, None)
        else:
            detail[key] = value
    write(channel, detail=detail)
    return detail
