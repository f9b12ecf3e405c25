"""A whole copy of the office's scope, page by page: employers, then persons with their rows.

Each page is applied in one transaction together with the bootstrap's progress
(`sync_state.detail["bootstrap"]`: phase, after, snapshot): a bootstrap killed at any moment
resumes after the last page it committed. The `head_seq` of the very first page is the snapshot;
the last page's transaction sets the change-feed cursor to it (and clears `resync_required`),
after which the engine pulls the changes made meanwhile. A full resync is the same walk over a
register that already holds data.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import peewee

from models.schema import db, write_transaction
from sync import state
from sync.apply import apply_employer_page, apply_person_page, defer_foreign_keys, protected_rows
from sync.client import HqClient
from sync.errors import BadAnswer

PAGE = 500  # persons (or employers) per page
PHASES = ("employer", "person")

# Called after each committed page with the stored progress and "applied": the page's phase.
Progress = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class BootstrapOutcome:
    """What a bootstrap (or the rest of a resumed one) did."""

    pages: int
    rows: int
    snapshot: int
    resumed: bool


def start_progress() -> dict[str, Any]:
    """The progress of a bootstrap that has not committed a page yet."""
    return {"phase": "employer", "after": 0, "snapshot": None, "pages": 0, "rows": 0}


def bootstrap(
    client: HqClient, *, limit: int = PAGE, progress: Progress | None = None
) -> BootstrapOutcome:
    """Copy the scope page by page from the stored progress (or from the start)."""
    at = state.read().bootstrap
    resumed = at is not None
    at = at or start_progress()
    pages = rows = 0
    while True:
        page = client.bootstrap(at["phase"], at["after"], limit)
        if not page.done and page.next <= at["after"]:
            raise BadAnswer(f"headquarters' bootstrap does not advance after {at['after']}")
        try:
            with write_transaction():
                stored = state.read().bootstrap or start_progress()
                if (stored["phase"], stored["after"]) != (at["phase"], at["after"]):
                    at = stored  # another process moved on: continue from its progress
                    continue
                conn = db.connection()
                defer_foreign_keys(conn)
                if page.phase == "employer":
                    apply_employer_page(conn, page)
                else:
                    apply_person_page(conn, page, protected_rows(conn))
                at = _advance(at, page.next, page.done, page.head_seq, page.rows)
                if at["phase"] == "finished":
                    state.write(cursor=at["snapshot"], resync_required=False)
                    state.update_detail(
                        bootstrap=None,
                        resync_reason=None,
                        last_bootstrap={
                            "snapshot": at["snapshot"],
                            "pages": at["pages"],
                            "rows": at["rows"],
                            "finished_at": page.server_time.isoformat(),
                        },
                    )
                else:
                    state.update_detail(bootstrap=at)
        except (sqlite3.IntegrityError, peewee.IntegrityError) as exc:
            raise BadAnswer(
                f"a bootstrap page from headquarters ({page.phase} after {page.after}) does not "
                f"fit the register ({exc}); nothing of that page was applied"
            ) from exc
        pages += 1
        rows += page.rows
        if progress is not None:
            progress({**at, "applied": page.phase})
        if at["phase"] == "finished":
            return BootstrapOutcome(pages, rows, at["snapshot"], resumed)


def _advance(at: dict[str, Any], next_id: int, done: bool, head: int, rows: int) -> dict[str, Any]:
    snapshot = at["snapshot"] if at["snapshot"] is not None else head
    moved = {**at, "snapshot": snapshot, "pages": at["pages"] + 1, "rows": at["rows"] + rows}
    if not done:
        return {**moved, "after": next_id}
    if at["phase"] == "employer":
        return {**moved, "phase": "person", "after": 0}
    return {**moved, "phase": "finished", "after": next_id}


def require_resync(reason: dict[str, Any]) -> None:
    """Mark the register for a full resync (inside the caller's transaction)."""
    state.write(resync_required=True)
    state.update_detail(bootstrap=None, resync_reason=reason)
