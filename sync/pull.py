"""Pulling the change feed: each page and the cursor that covers it, in one transaction.

The cursor is re-read inside the page's transaction: if another process (the desktop app and a
command line sync at once) moved it meanwhile, the page is dropped and the pull goes on from the
stored cursor, so an older page never overwrites newer data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import peewee

from models.cipher import INTEGRITY_ERRORS
from models.schema import db, write_transaction
from sync import state
from sync.apply import apply_changes, defer_foreign_keys, protected_rows
from sync.client import HqClient
from sync.errors import BadAnswer

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
        page = client.changes(cursor, limit)
        if page.more and page.next == cursor:
            raise BadAnswer("headquarters' change feed does not advance (more, but same cursor)")
        try:
            with write_transaction():
                stored = state.read().cursor or 0
                if stored != cursor:
                    cursor = stored
                    continue
                conn = db.connection()
                defer_foreign_keys(conn)
                changes += apply_changes(conn, page.changes, protected_rows(conn))
                done = {} if page.more else {"data_as_of": page.server_time}
                state.write(cursor=page.next, **done)
        except (*INTEGRITY_ERRORS, peewee.IntegrityError) as exc:
            raise BadAnswer(
                f"changes after {cursor} from headquarters do not fit the register ({exc}); "
                "nothing of that page was applied"
            ) from exc
        pages += 1
        cursor = page.next
        if not page.more:
            return PullOutcome(pages, changes, cursor, page.head_seq, page.server_time)
