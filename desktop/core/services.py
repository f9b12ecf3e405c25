"""The counter's work on the register, as functions for worker threads.

Each wraps a service of `models` (which checks the actor's role and writes the audit log and
the outbox); the actions also return the outbox entries they queued, so that the screen can say
whether headquarters has confirmed them yet.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models import cardops, credentials, lookup, visits
from models.actor import Actor
from models.errors import NotFound
from models.overview import Overview
from models.people import PersonSummary
from models.register_loading import register_loading
from models.schema import Outbox, db
from models.staff import StaffMember, authenticate, staff_member

STATEMENTS_FOLDER = "statements"


@dataclass(frozen=True)
class Tracked:
    """A service's result and the outbox entries (sequence numbers) it queued."""

    result: Any
    outbox_seqs: tuple[int, ...]


def _last_seq() -> int:
    return db.execute_sql("SELECT coalesce(max(seq), 0) FROM outbox").fetchone()[0]


def tracked(actor: Actor, fn: Callable[[], Any]) -> Tracked:
    """Run `fn` and collect the outbox entries `actor` queued meanwhile."""
    before = _last_seq()
    result = fn()
    rows = db.execute_sql(
        "SELECT seq FROM outbox WHERE seq > ? AND actor = ? ORDER BY seq", (before, actor.name)
    ).fetchall()
    return Tracked(result, tuple(r[0] for r in rows))


def outbox_states(seqs: list[int]) -> dict[int, tuple[str, str | None]]:
    """seq -> (status, headquarters' reason) for the given outbox entries."""
    if not seqs:
        return {}
    rows = Outbox.select(Outbox.seq, Outbox.status, Outbox.reason).where(Outbox.seq.in_(seqs))
    return {r.seq: (r.status, r.reason) for r in rows}


def sign_in(username: str, password: str) -> StaffMember:
    """Check the password; the member of staff (with display name) on success."""
    actor = authenticate(username, password)
    return staff_member(actor.name)


def open_person(kind: lookup.KeyKind, value: str, actor: Actor, reveal: bool = False) -> Overview:
    """The person's overview (the read is logged; with `reveal`, as a reveal of the full ID
    number). Nobody found while the register's first copy is still loading raises
    `desktop.core.loading.StillLoading` with headquarters' answer."""
    try:
        return lookup.open_overview(kind, value, actor, reveal=reveal)
    except NotFound:
        loading = register_loading()
        if loading is None or kind is lookup.KeyKind.NAME:
            raise
    from desktop.core.loading import not_yet_received

    raise not_yet_received(kind, value, actor, loading)


def reveal_ssn(kind: lookup.KeyKind, value: str, actor: Actor) -> str:
    """The full ID number; logged as a reveal."""
    return lookup.open_overview(kind, value, actor, reveal=True).person.ssn


def search(
    text: str, actor: Actor, birth_year: int | None = None, region_codes: Sequence[str] = ()
) -> lookup.NameMatches:
    """People matching a name, of one birth year and of a district's region codes if given
    (the search is logged)."""
    return lookup.search_people(text, actor, birth_year=birth_year, region_codes=region_codes)


def report_lost(card_no: str, actor: Actor) -> Tracked:
    """Report the card lost."""
    return tracked(actor, lambda: cardops.report_card_lost(card_no, actor))


def cancel_loss(card_no: str, actor: Actor) -> Tracked:
    """Cancel the card's loss report."""
    return tracked(actor, lambda: cardops.cancel_card_loss(card_no, actor))


def reset_password(person_id: int, actor: Actor) -> Tracked:
    """Reset the query password to the birth date."""
    return tracked(actor, lambda: credentials.reset_query_password(person_id, actor))


def check_password(person_id: int, password: str, actor: Actor) -> Tracked:
    """Verify the query password (failures are counted and queued)."""
    return tracked(actor, lambda: credentials.verify_query_password(person_id, password, actor))


def reload(kind: lookup.KeyKind, value: str, actor: Actor) -> Overview:
    """Read the overview again after a change (logged like any read)."""
    return lookup.open_overview(kind, value, actor)


def end_visit(
    actor: Actor, purpose: str, person_id: int, card_no: str | None, note: str
) -> Tracked:
    """Record the visit."""
    return tracked(
        actor,
        lambda: visits.record_service_visit(
            actor, "counter", purpose, person_id=person_id, card_no=card_no, note=note
        ),
    )


@dataclass(frozen=True)
class Printed:
    """A statement made at the counter."""

    number: str
    path: Path
    pages: int
    job: str | None  # the printing system's answer, None when not sent to a printer


def print_statement(
    home_path: Path,
    actor: Actor,
    person: PersonSummary,
    year: int,
    lang: str,
    printer: str | None,
) -> Tracked:
    """Write the rights record of `year` to the office's statements folder; print it with lp
    when a printer is configured ("default": the system's default printer)."""
    from models.home import OfficeHome
    from reports.issue import check_writable, issue
    from reports.printing import send_to_printer

    home = OfficeHome(home_path)
    folder = home.path / STATEMENTS_FOLDER

    def work() -> Printed:
        check_writable(folder)  # the office's own statements folder, made on first use
        draft = folder / f".rights-{year}-{person.id}-{uuid.uuid4().hex}.pdf"
        doc = issue(home, actor, "rights", draft, person=person, year=year, lang=lang)
        path = doc.path.with_name(f"{doc.number}-rights-{year}.pdf")
        doc.path.replace(path)  # named after its statement number: never overwritten
        job = None
        if printer:
            queue_name = None if printer == "default" else printer
            job = send_to_printer(path, doc.number, actor, queue_name)
        return Printed(doc.number, path, doc.pages, job)

    return tracked(actor, work)
