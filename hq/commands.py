"""Commands pushed by offices: each applied in its own transaction, deduplicated by
(office, uuid), and answered accepted or rejected with a reason a person can act on.

A card or credential command that is rejected re-publishes the current row in the change feed,
so the office's optimistic local change is undone by its next pull. The staff commands
(`staff.add`, `staff.disable`, `staff.password_set`) are in `hq.staff_commands`; what handlers
share (the item, its context, rejections) in `hq.command_types`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hq import journal, offices, register, store
from hq.command_types import (
    Context,
    Handler,
    ItemResult,
    Outcome,
    PushItem,
    RejectCode,
    Rejected,
    parse_payload,
    utc,
)
from hq.offices import EnrolledOffice
from hq.payloads import (
    CardPayload,
    FailedPayload,
    IssuedPayload,
    PensionCheckPayload,
    PrintedPayload,
    ResetPayload,
    SignInStatePayload,
    UnlockedPayload,
    VisitPayload,
)
from hq.schema import Command, Statement, Visit
from hq.staff_commands import STAFF_HANDLERS
from models.benefits import next_due
from models.commands import CommandName
from models.credentials import LOCK_HOURS, MAX_ATTEMPTS
from models.document_kinds import KINDS
from models.enums import CardStatus, CheckChannel, PersonStatus
from models.fields import UtcDateTimeField
from models.idnumber import mask_id_number, normalise_id_number
from models.visits import CHANNELS

MAX_ITEMS = 500
_TIME = UtcDateTimeField()


# -- lookups ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    id: int
    ssn: str
    district: str


def _person(ctx: Context, ssn: str, *, in_scope: bool = True) -> _Person:
    """The person with this ID number; rejected if unknown or (in_scope) not the office's."""
    number = normalise_id_number(ssn)
    row = store.execute("SELECT id, ssn, district FROM person WHERE ssn = ?", (number,)).fetchone()
    if row is None:
        raise Rejected(
            RejectCode.UNKNOWN_PERSON,
            f"headquarters has nobody with ID number {mask_id_number(number)}: check the number; "
            "a person registered elsewhere today reaches headquarters' register tomorrow",
        )
    person = _Person(*row)
    if in_scope and not ctx.office.serves(person.district):
        raise Rejected(
            RejectCode.OUT_OF_SCOPE,
            f"the person with ID number {mask_id_number(person.ssn)} belongs to district "
            f"{person.district}, which office {ctx.office.office_id} does not serve: an office of "
            f"district {person.district} must do this",
            person_id=person.id,
        )
    return person


# -- handlers ---------------------------------------------------------------------------------


def _card_change(ctx: Context, expected: CardStatus, new: CardStatus, action: str) -> int:
    payload = parse_payload(CardPayload, ctx)
    number = payload.card_no.upper()
    row = store.execute(
        "SELECT c.id, c.status, p.id, p.ssn, p.district FROM card c "
        "JOIN person p ON p.id = c.person_id WHERE c.card_no = ?",
        (number,),
    ).fetchone()
    if row is None:
        raise Rejected(
            RejectCode.UNKNOWN_CARD,
            f"headquarters has no card {number}: check the number printed on the card",
        )
    card_id, status, person_id, ssn, district = row
    card = ("card", [card_id])
    if not ctx.office.serves(district):
        raise Rejected(
            RejectCode.OUT_OF_SCOPE,
            f"card {number} belongs to a person of district {district}, which office "
            f"{ctx.office.office_id} does not serve: an office of district {district} must "
            f"{action} it",
            person_id=person_id,
        )
    if normalise_id_number(payload.ssn) != ssn:
        raise Rejected(
            RejectCode.INVALID_PAYLOAD,
            f"card {number} does not belong to the person with ID number "
            f"{mask_id_number(normalise_id_number(payload.ssn))}: check the card and the person",
            person_id=person_id,
            republish=card,
        )
    if status != expected.value:
        raise Rejected(
            RejectCode.CARD_STATE,
            f"card {number} is {status} at headquarters, so it cannot be {action} (only a card "
            f"that is {expected.value} can); the office's register is corrected at the next sync",
            person_id=person_id,
            republish=card,
        )
    store.execute(
        "UPDATE card SET status = ?, status_changed_at = ? WHERE id = ?",
        (new.value, _TIME.db_value(utc(payload.at)), card_id),
    )
    register.republish("card", [card_id], ctx.now)
    return person_id


def _report_lost(ctx: Context) -> int:
    return _card_change(ctx, CardStatus.ACTIVE, CardStatus.LOST, "reported lost")


def _cancel_loss(ctx: Context) -> int:
    return _card_change(ctx, CardStatus.LOST, CardStatus.ACTIVE, "given back (loss cancelled)")


def _credential(person_id: int) -> tuple[Any, ...] | None:
    return store.execute(
        "SELECT person_id, password_hash, failed_attempts, locked_until, changed_at "
        "FROM query_credential WHERE person_id = ?",
        (person_id,),
    ).fetchone()


def _password_reset(ctx: Context) -> int:
    payload = parse_payload(ResetPayload, ctx)
    person = _person(ctx, payload.ssn)
    if payload.to_initial and payload.password_hash is not None:
        raise Rejected(
            RejectCode.INVALID_PAYLOAD,
            "a reset to the initial password carries no password hash: report it to support",
            person_id=person.id,
            republish=("query_credential", [person.id]),
        )
    row = [person.id, payload.password_hash, 0, None, _TIME.db_value(ctx.created_at)]
    register.upsert_rows("query_credential", [row], now=ctx.now)
    return person.id


def _password_failed(ctx: Context) -> int:
    """Wrong query passwords counted at one workstation, merged with what headquarters holds:
    several workstations (and the online self-query) count for the same person, so the count
    only grows (the highest count wins) and locks at MAX_ATTEMPTS whoever reached it; a count
    made before the password's last change (a reset) is stale and changes nothing."""
    payload = parse_payload(FailedPayload, ctx)
    person = _person(ctx, payload.ssn)
    current = _credential(person.id)
    changed_at = _TIME.python_value(current[4]) if current else None
    if changed_at is not None and ctx.created_at < changed_at:
        return person.id
    held = current[2] if current else 0
    held_lock = _TIME.python_value(current[3]) if current and current[3] else None
    failed = max(held, payload.failed_attempts)
    locked_until = held_lock
    if payload.locked or failed >= MAX_ATTEMPTS:
        mine = ctx.created_at + timedelta(hours=LOCK_HOURS)
        locked_until = max(held_lock, mine) if held_lock else mine
    row = [
        person.id,
        current[1] if current else None,
        failed,
        _TIME.db_value(locked_until),
        current[4] if current else _TIME.db_value(ctx.created_at),
    ]
    register.upsert_rows("query_credential", [row], now=ctx.now)
    return person.id


def _password_unlocked(ctx: Context) -> int:
    payload = parse_payload(UnlockedPayload, ctx)
    person = _person(ctx, payload.ssn)
    current = _credential(person.id)
    if current is not None and (current[2] or current[3]):
        register.upsert_rows(
            "query_credential", [[person.id, current[1], 0, None, current[4]]], now=ctx.now
        )
    return person.id


def _visit(ctx: Context) -> int | None:
    payload = parse_payload(VisitPayload, ctx)
    if payload.channel not in CHANNELS:
        raise Rejected(
            RejectCode.INVALID_PAYLOAD,
            f"a visit's channel is one of {', '.join(CHANNELS)}, not {payload.channel!r}: "
            "report it to support",
        )
    person = _person(ctx, payload.ssn, in_scope=False) if payload.ssn else None
    person_id = person.id if person else None
    at = utc(payload.at)
    Visit.insert(
        office=ctx.office.id,
        uuid=ctx.item.uuid,
        person_id=person_id,
        card_no=payload.card_no,
        channel=payload.channel,
        purpose=payload.purpose,
        staff=payload.staff,
        at=at,
        note=payload.note,
        received_at=ctx.now,
    ).execute()
    row = (person_id, payload.card_no, payload.channel, payload.purpose, payload.staff, at)
    journal.publish_visit(ctx.office, ctx.item.uuid, (*row, payload.note), ctx.now)
    return person_id


def _statement_issued(ctx: Context) -> int | None:
    payload = parse_payload(IssuedPayload, ctx)
    district = payload.number.split("-")[0]
    if not ctx.office.serves(district):
        raise Rejected(
            RejectCode.OUT_OF_SCOPE,
            f"statement number {payload.number} is of district {district}, which office "
            f"{ctx.office.office_id} does not serve: check the office's district setting",
        )
    if payload.kind not in KINDS:
        raise Rejected(
            RejectCode.INVALID_PAYLOAD,
            f"a statement's kind is one of {', '.join(KINDS)}, not {payload.kind!r}: "
            "report it to support",
        )
    parts = payload.number.split("-")
    if len(parts) == 4 and parts[2] != ctx.office.code:
        raise Rejected(
            RejectCode.INVALID_PAYLOAD,
            f"statement number {payload.number} carries workstation {parts[2]}, but this is "
            f"workstation {ctx.office.code}: the workstation's code setting must be checked by "
            "support before more statements are printed",
        )
    person = _person(ctx, payload.ssn) if payload.ssn else None
    sha256 = payload.sha256.lower() if payload.sha256 else None
    existing = Statement.get_or_none(Statement.number == payload.number)
    if existing is not None:
        if existing.office_id == ctx.office.id and existing.sha256 == sha256:
            return existing.person_id  # the same statement sent again: nothing to do
        raise Rejected(
            RejectCode.DUPLICATE_NUMBER,
            f"statement number {payload.number} was already recorded by office "
            f"{existing.office_id} for another document: the office's statement numbering "
            "must be checked by support before more statements are printed",
            person_id=person.id if person else None,
        )
    Statement.insert(
        number=payload.number,
        office=ctx.office.id,
        kind=payload.kind,
        person_id=person.id if person else None,
        sha256=sha256,
        pages=payload.pages,
        printed_at=utc(payload.printed_at),
        offline=payload.offline,
        received_at=ctx.now,
    ).execute()
    person_id = person.id if person else None
    facts = (payload.kind, person_id, utc(payload.printed_at), payload.offline, sha256)
    journal.publish_statement(ctx.office, (payload.number, *facts, payload.pages), ctx.now)
    return person_id


def _statement_printed(ctx: Context) -> int | None:
    payload = parse_payload(PrintedPayload, ctx)
    existing = Statement.get_or_none(Statement.number == payload.number)
    if existing is None:
        raise Rejected(
            RejectCode.INVALID_PAYLOAD,
            f"headquarters has no statement {payload.number} (its statement.issued command was "
            "not accepted): see that rejection first",
        )
    if not offices.same_office(existing.office_id, ctx.office):
        raise Rejected(
            RejectCode.OUT_OF_SCOPE,
            f"statement {payload.number} was issued by office {existing.office_id}, not by "
            f"office {ctx.office.office_id}",
            person_id=existing.person_id,
        )
    Statement.update(
        print_count=Statement.print_count + 1,
        last_printer=payload.printer,
        last_printed_at=ctx.created_at,
    ).where(Statement.number == payload.number).execute()
    return existing.person_id


def _pension_check(ctx: Context) -> int:
    """A retiree's yearly eligibility check made at an office: headquarters' row of that year
    (one per year; a later check of the same year replaces it), published to the office."""
    payload = parse_payload(PensionCheckPayload, ctx)
    person = _person(ctx, payload.ssn)
    channels = [c.value for c in CheckChannel]
    if payload.channel not in channels:
        raise Rejected(
            RejectCode.INVALID_PAYLOAD,
            f"a check's channel is one of {', '.join(channels)}, not {payload.channel!r}: "
            "report it to support",
            person_id=person.id,
            republish=("pension_check", [person.id, payload.checked_date.year]),
        )
    status = store.execute("SELECT status FROM person WHERE id = ?", (person.id,)).fetchone()[0]
    if status != PersonStatus.RETIRED.value:
        raise Rejected(
            RejectCode.PERSON_STATE,
            f"the person with ID number {mask_id_number(person.ssn)} is {status} at "
            "headquarters, not retired: no pension eligibility check is due; the office's "
            "register is corrected at the next sync",
            person_id=person.id,
            republish=("pension_check", [person.id, payload.checked_date.year]),
        )
    day = payload.checked_date
    row = [person.id, day.year, day.isoformat(), payload.channel, next_due(day).isoformat()]
    register.upsert_rows("pension_check", [row], now=ctx.now)
    return person.id


def _sign_in_state(ctx: Context) -> None:
    """A member of staff's sign-in failures at one workstation: shared with the office's other
    workstations (the office's journal); headquarters keeps nothing else of it."""
    payload = parse_payload(SignInStatePayload, ctx)
    until = utc(payload.locked_until) if payload.locked_until else None
    row = (payload.username, payload.failed_attempts, until, utc(payload.at))
    journal.publish_sign_in_state(ctx.office, row, ctx.now)
    return None


HANDLERS: dict[CommandName, Handler] = {
    CommandName.CARD_REPORT_LOST: _report_lost,
    CommandName.CARD_CANCEL_LOSS: _cancel_loss,
    CommandName.PASSWORD_RESET: _password_reset,
    CommandName.PASSWORD_FAILED: _password_failed,
    CommandName.PASSWORD_UNLOCKED: _password_unlocked,
    CommandName.VISIT: _visit,
    CommandName.STATEMENT_ISSUED: _statement_issued,
    CommandName.STATEMENT_PRINTED: _statement_printed,
    CommandName.STAFF_SIGN_IN_STATE: _sign_in_state,
    CommandName.PENSION_CHECK: _pension_check,
    **STAFF_HANDLERS,
}


# -- applying ---------------------------------------------------------------------------------


def _run(ctx: Context) -> int | None:
    try:
        name = CommandName(ctx.item.command)
    except ValueError:
        raise Rejected(
            RejectCode.UNKNOWN_COMMAND,
            f"headquarters does not know the command {ctx.item.command!r}: upgrade headquarters "
            "to the office's counterdesk version",
        ) from None
    return HANDLERS[name](ctx)


def apply_item(office: EnrolledOffice, item: PushItem, now: datetime) -> ItemResult:
    """Apply one command in its own transaction, or answer as before if it was seen already."""
    with store.write_transaction():
        stored = Command.get_or_none((Command.office == office.id) & (Command.uuid == item.uuid))
        if stored is not None:
            code = RejectCode(stored.code) if stored.code else None
            return ItemResult(item.uuid, Outcome(stored.status), code, stored.reason)
        ctx = Context(office, item, now)
        try:
            with store.hq_db.atomic():  # a savepoint: a rejected command keeps nothing it wrote
                person_id = _run(ctx)
            result = ItemResult(item.uuid, Outcome.ACCEPTED)
        except Rejected as exc:
            if exc.republish is not None:  # staff accounts go to each district they serve
                register.republish(*exc.republish, now)
            person_id = exc.person_id
            result = ItemResult(item.uuid, Outcome.REJECTED, exc.code, exc.reason)
        Command.insert(
            office=office.id,
            uuid=item.uuid,
            command=item.command[:40],
            payload=json.dumps(item.payload, ensure_ascii=False, sort_keys=True),
            actor=item.actor[:60],
            created_at=utc(item.created_at),
            received_at=now,
            person_id=person_id,
            status=result.outcome.value,
            code=result.code.value if result.code else None,
            reason=result.reason,
        ).execute()
        return result


def not_for(item: PushItem, who: EnrolledOffice, code: str | None) -> ItemResult:
    """The answer to an item a relay sent for a workstation it may not speak for."""
    return ItemResult(
        item.uuid,
        Outcome.REJECTED,
        RejectCode.OUT_OF_SCOPE,
        f"{who.id} may not send commands of workstation {code}: it is not an active "
        "workstation of the same office (revoked?); ask headquarters' support",
    )


def apply_push(
    office: EnrolledOffice, items: Sequence[PushItem], clock: Callable[[], datetime]
) -> list[ItemResult]:
    """Apply the commands in order, each in its own transaction; one result per item."""
    return [apply_item(office, item, clock()) for item in items]
