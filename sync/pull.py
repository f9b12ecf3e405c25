"""Pulling the change feed: each page and the cursor that covers it, in one transaction.

The cursor is re-read inside the page's transaction: if another process (the desktop app and a
command line sync at once) moved it meanwhile, the page is dropped and the pull goes on from the
stored cursor, so an older page never overwrites newer data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import peewee

from models.cipher import INTEGRITY_ERRORS
from models.schema import db, write_transaction
from sync import state
from sync.answers import ChangesPage
from sync.apply import apply_changes, defer_foreign_keys, protected_rows
from sync.bootstrap import require_resync
from sync.client import HqClient
from sync.errors import BadAnswer, FeedChanged, FeedPruned

PAGE = 1000


@dataclass(frozen=True)
class PullOutcome:
    """What one complete pull did."""

    pages: int
    changes: int
    cursor: int
    head_seq: int
    server_time: datetime


def pull(client: HqClient, *, limit: int = PAGE) -> PullOutcome:
    """Apply every change after the stored cursor until headquarters says there is no more.

    The last page's transaction also stores `data_as_of` (headquarters' time of that answer).
    """
    cursor = state.read().cursor or 0
    pages = changes = 0
    while True:
        try:
            page = client.changes(cursor, limit)
        except FeedPruned:
            with write_transaction():  # the changes after the cursor are gone: copy again
                require_resync({"feed": f"pruned after {cursor}"})
            raise
        if page.more and page.next == cursor:
            raise BadAnswer("headquarters' change feed does not advance (more, but same cursor)")
        _check_feed(page.feed)
        try:
            with write_transaction():
                stored = state.read().cursor or 0
                if stored != cursor:
                    cursor = stored
                    continue
                conn = db.connection()
                defer_foreign_keys(conn)
                changes += apply_changes(conn, page.changes, protected_rows(conn))
                done = {} if page.more else {"data_as_of": _data_as_of(page)}
                state.write(cursor=page.next, **done)
                if page.upstream is not None or state.read().detail.get("upstream"):
                    state.update_detail(upstream=_upstream_detail(page))
        except (*INTEGRITY_ERRORS, peewee.IntegrityError) as exc:
            raise BadAnswer(
                f"changes after {cursor} from headquarters do not fit the register ({exc}); "
                "nothing of that page was applied"
            ) from exc
        pages += 1
        cursor = page.next
        if not page.more:
            return PullOutcome(pages, changes, cursor, page.head_seq, page.server_time)


def _check_feed(feed: str | None) -> None:
    """Refuse a page of another feed than the cursor's: the register is copied again."""
    stored = state.read().detail.get("feed")
    if feed == stored:
        return
    with write_transaction():
        require_resync({"feed": f"{stored or 'headquarters'} -> {feed or 'headquarters'}"})
    raise FeedChanged(
        f"this register was synced with {'relay feed ' + stored if stored else 'headquarters'}, "
        f"now it is answered by {'relay feed ' + feed if feed else 'headquarters'} (a rebuilt "
        "office relay, or the sync address changed): the next sync copies the register again"
    )


def _data_as_of(page: ChangesPage) -> datetime | None:
    """Headquarters' time the data is as of: the answer's time, or through an office relay the
    time of the relay's last complete pull from headquarters (never newer than that)."""
    if page.upstream is None:
        return page.server_time
    return page.upstream.data_as_of


def _upstream_detail(page: ChangesPage) -> dict[str, Any] | None:
    """What the relay said of its link to headquarters, for the status bar."""
    up = page.upstream
    if up is None:
        return None
    return {
        "status": up.status,
        "data_as_of": up.data_as_of.isoformat() if up.data_as_of else None,
        "last_success_at": up.last_success_at.isoformat() if up.last_success_at else None,
        "waiting": up.waiting,
        "error": up.error,
        "seen_at": page.server_time.isoformat(),
        "workstations": list(up.workstations),
    }
