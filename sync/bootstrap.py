"""A whole copy of the office's scope, page by page: the staff accounts of the districts (one
page, first, so that a clerk can sign in on a new counter PC while the rest arrives), employers,
persons with their rows, then the office's journal.

Each page is applied in one transaction together with the bootstrap's progress
(`sync_state.detail["bootstrap"]`: phase, after, snapshot, the order of its phases, and for the
counter while it loads the persons received, about how many come and when the copy began;
models/register_loading.py reads it): a bootstrap killed at any moment
resumes after the last page it committed. The `head_seq` of the very first page is the snapshot;
the last page's transaction sets the change-feed cursor to it (and clears `resync_required`),
after which the engine pulls the changes made meanwhile. A full resync is the same walk over a
register that already holds data.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import peewee

from models.cipher import INTEGRITY_ERRORS
from models.schema import db, write_transaction
from sync import state
from sync.answers import BootstrapPage
from sync.apply import (
    apply_employer_page,
    apply_office_page,
    apply_person_page,
    apply_staff_page,
    defer_foreign_keys,
    protected_rows,
)
from sync.client import HqClient, Sent
from sync.errors import BadAnswer, FeedChanged

PAGE = 500  # persons (or employers) per page
PHASES = ("staff", "employer", "person", "office")
# The order of a bootstrap begun before the staff page came first: a stored progress without
# an "order" finishes in the order it began in.
OLD_PHASES = ("employer", "person", "staff", "office")

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
    return {
        "phase": PHASES[0],
        "after": 0,
        "snapshot": None,
        "pages": 0,
        "rows": 0,
        "order": list(PHASES),
        "persons": 0,
    }


def phase_order(at: dict[str, Any]) -> tuple[str, ...]:
    """The order of the phases of a stored progress (the old order if it names none)."""
    return tuple(at.get("order") or OLD_PHASES)


def _persons_total(client: HqClient) -> int | None:
    """About how many persons the scope holds, from headquarters' quick digest (None if it
    cannot tell): only shown to the clerk as the progress of the first copy."""
    try:
        count = client.digest("quick").tables.get("person", (None, None))[0]
    except Exception:  # an estimate only: the copy goes on without it
        return None
    return int(count) if count is not None else None


def bootstrap(
    client: HqClient, *, limit: int = PAGE, progress: Progress | None = None
) -> BootstrapOutcome:
    """Copy the scope page by page from the stored progress (or from the start)."""
    at = state.read().bootstrap
    resumed = at is not None
    at = at or start_progress()
    if "persons_total" not in at and at["phase"] != "office":
        at = {**at, "persons_total": _persons_total(client)}
    pages = rows = 0
    with _Prefetcher(client, limit) as pages_ahead:
        while True:
            page = pages_ahead.take(at["phase"], at["after"])
            if not page.done and page.next <= at["after"]:
                raise BadAnswer(f"headquarters' bootstrap does not advance after {at['after']}")
            pages_ahead.ask(_following(phase_order(at), page.phase, page.next, page.done))
            at, applied = _apply(page, at, progress)
            if not applied:
                continue  # another process moved on: continue from its progress
            pages += 1
            rows += page.rows
            if at["phase"] == "finished":
                return BootstrapOutcome(pages, rows, at["snapshot"], resumed)


def _following(
    order: tuple[str, ...], phase: str, next_id: int, done: bool
) -> tuple[str, int] | None:
    """The page that comes after one (None after the last phase's last page)."""
    if not done:
        return phase, next_id
    following = order.index(phase) + 1
    return (order[following], 0) if following < len(order) else None


class _Prefetcher:
    """Asks headquarters for the next page while the current one is being applied.

    Headquarters builds and sends page n+1 while the office writes page n, so the two machines
    (or the two processes on one) work at the same time. The background thread only waits on
    the network; the answer is decoded on the caller's thread (decoding beside the inserts would
    make both fight for the interpreter lock). A page fetched for a position the bootstrap did
    not continue from (another process moved the progress on) is dropped.
    """

    def __init__(self, client: HqClient, limit: int) -> None:
        self.client = client
        self.limit = limit
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="bootstrap-prefetch")
        self.pending: tuple[tuple[str, int], Future[Sent]] | None = None

    def __enter__(self) -> _Prefetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pending is not None:
            self.pending[1].cancel()
        self.pool.shutdown(wait=True)

    def ask(self, position: tuple[str, int] | None) -> None:
        """Start fetching the page at `position` (phase, after) in the background."""
        if position is not None:
            future = self.pool.submit(
                self.client.request_bootstrap, position[0], position[1], self.limit
            )
            self.pending = (position, future)

    def take(self, phase: str, after: int) -> BootstrapPage:
        """The page at (phase, after): the prefetched one if it is that page, else fetched now."""
        pending, self.pending = self.pending, None
        if pending is not None:
            if pending[0] == (phase, after):
                return self.client.bootstrap_answer(pending[1].result(), phase, after)
            with contextlib.suppress(Exception):  # a page we do not use: drop its errors too
                pending[1].result()
        return self.client.bootstrap(phase, after, self.limit)


def _apply(
    page: BootstrapPage, at: dict[str, Any], progress: Progress | None
) -> tuple[dict[str, Any], bool]:
    """Apply one page with its progress in one transaction.

    Returns the progress after it and True; or, when another process moved the stored progress
    on meanwhile, that stored progress and False (the page is not applied).
    """
    if at["snapshot"] is not None and at.get("feed") != page.feed:
        with write_transaction():  # the relay was rebuilt under the bootstrap: start again
            state.update_detail(bootstrap=None)
        raise FeedChanged(
            "the office relay's feed changed during the copy of the register: the copy "
            "starts again at the next sync"
        )
    try:
        with write_transaction():
            stored = state.read().bootstrap or start_progress()
            if (stored["phase"], stored["after"]) != (at["phase"], at["after"]):
                return stored, False
            if at["snapshot"] is None:
                at = {**at, "feed": page.feed}
            conn = db.connection()
            defer_foreign_keys(conn)
            if page.phase == "employer":
                apply_employer_page(conn, page)
            elif page.phase == "staff":
                apply_staff_page(conn, page, protected_rows(conn))
            elif page.phase == "office":
                apply_office_page(conn, page)
            else:
                apply_person_page(conn, page, protected_rows(conn))
            at = _advance(at, page)
            if at["phase"] == "finished":
                state.write(cursor=at["snapshot"], resync_required=False)
                state.update_detail(
                    bootstrap=None,
                    feed=at.get("feed"),
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
    except (*INTEGRITY_ERRORS, peewee.IntegrityError) as exc:
        raise BadAnswer(
            f"a bootstrap page from headquarters ({page.phase} after {page.after}) does not "
            f"fit the register ({exc}); nothing of that page was applied"
        ) from exc
    if progress is not None:
        progress({**at, "applied": page.phase})
    return at, True


def _advance(at: dict[str, Any], page: BootstrapPage) -> dict[str, Any]:
    snapshot = at["snapshot"] if at["snapshot"] is not None else page.head_seq
    moved = {**at, "snapshot": snapshot, "pages": at["pages"] + 1, "rows": at["rows"] + page.rows}
    if at["snapshot"] is None:  # the first page: every person received is at least this fresh
        moved["started_at"] = page.server_time.isoformat()
    if page.phase == "person" and "persons" in at:
        moved["persons"] = at["persons"] + len(page.tables.get("person", ()))
    if not page.done:
        return {**moved, "after": page.next}
    order = phase_order(at)
    following = order.index(at["phase"]) + 1
    if following < len(order):
        return {**moved, "phase": order[following], "after": 0}
    return {**moved, "phase": "finished", "after": page.next}


def require_resync(reason: dict[str, Any]) -> None:
    """Mark the register for a full resync (inside the caller's transaction)."""
    state.write(resync_required=True)
    state.update_detail(bootstrap=None, resync_reason=reason)
