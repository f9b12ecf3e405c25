"""The 12333 hotline desk at headquarters: calls, finding and verifying the caller, the caller's
record, a card reported lost, the call's note, and the desk's audit log.

A call belongs to one agent. The agent finds the caller by ID number (GB 11643) or card number
in any district; until the caller is verified only the cards' states, the masked ID number
and the name are shown. The caller is verified by the query password (typed on the phone
keypad, entered by the agent) on the same `query_credential` row the counter, the kiosk and the
online self-query count on, or by two questions the record answers (the employer, last
month's personal contribution in yuan); a wrong password and wrong answers count on that row
alike, and a locked credential refuses both ways until it expires or a counter unlocks it.

Every step is an event of `hotline_event` (who, whom, when, why: the call's purpose, what),
and every read of a person's data is also in the access log (actor `hotline:<agent>`), as the
counter's and `hq lookup`'s reads are.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from hq import persons, register, store
from hq import selfquery_store as sq
from hq.schema import HotlineCall, HotlineEvent
from models.credentials import LOCK_HOURS, MAX_ATTEMPTS, check_hash
from models.fields import UtcDateTimeField
from models.idnumber import InvalidIdNumber, mask_id_number, parse_id_number
from models.money import parse_yuan
from models.people import InvalidCardNumber, normalise_card_number

PURPOSES = ("contributions", "medical_account", "card", "pension", "other")
MAX_OUTCOME = 500  # characters of a call's outcome
ACCESS_KIND = "hotline"  # the access log's key kind of an agent's reads
PASSWORD_WAY = "password"
QUESTIONS_WAY = "questions"
_TIME = UtcDateTimeField()


class Action(StrEnum):
    """What an event of the desk's audit log records."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    LOOKUP = "lookup"
    PASSWORD_OK = "password_ok"
    PASSWORD_FAILED = "password_failed"
    QUESTIONS_OK = "questions_ok"
    QUESTIONS_FAILED = "questions_failed"
    VERIFY_LOCKED = "verify_locked"  # a try refused because the credential is locked
    REFUSED = "refused"  # the record asked for before the caller was verified
    RECORD_READ = "record_read"
    CARD_LOST = "card_lost"
    NOTE = "note"


class NumberRefused(ValueError):
    """A lookup number that is neither a valid ID number nor a card number (its message is a
    msgid of the pages)."""


class NotVerified(PermissionError):
    """The caller of the call has not been verified: nothing but the summary is shown."""


@dataclass(frozen=True)
class Call:
    """A call as the desk holds it."""

    id: int
    agent: str
    person_id: int | None
    purpose: str
    verified_by: str | None
    outcome: str | None

    @property
    def verified(self) -> bool:
        """True once the caller was verified."""
        return self.verified_by is not None


class Check(StrEnum):
    """How a verification try ended."""

    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    NO_PASSWORD = "no_password"  # still the initial password: use the questions
    UNANSWERABLE = "unanswerable"  # the record cannot answer the questions: use the password


@dataclass(frozen=True)
class Verification:
    """The answer to a verification try: the tries left and the end of a lock."""

    check: Check
    tries_left: int = MAX_ATTEMPTS
    locked_until: datetime | None = None


def actor_of(agent: str) -> str:
    """The access log's actor for an agent."""
    return f"hotline:{agent}"


def log(
    agent: str,
    action: Action,
    now: datetime,
    *,
    call: Call | None = None,
    detail: str | None = None,
) -> None:
    """Write one event of the desk's audit log (whom and why taken from the call)."""
    with store.write_transaction():
        HotlineEvent.insert(
            at=now,
            agent=agent[:40],
            call=call.id if call else None,
            person_id=call.person_id if call else None,
            action=action.value,
            purpose=call.purpose if call else None,
            detail=detail[:200] if detail else None,
        ).execute()


def _call_row(call_id: int) -> Call | None:
    row = store.execute(
        "SELECT id, agent, person_id, purpose, verified_by, outcome FROM hotline_call WHERE id = ?",
        (call_id,),
    ).fetchone()
    return Call(*row) if row else None


def call_of(agent: str, call_id: int | None) -> Call | None:
    """The agent's open call with this id (None if absent, another agent's or noted)."""
    if call_id is None:
        return None
    found = _call_row(call_id)
    if found is None or found.agent != agent or found.outcome is not None:
        return None
    return found


def _key(number: str) -> tuple[persons.KeyKind, str]:
    text = number.strip().upper()
    if len(text) == 18:
        try:
            return persons.KeyKind.SSN, parse_id_number(text).value
        except InvalidIdNumber:
            raise NumberRefused("This is not a valid ID number: check it digit by digit.") from None
    try:
        return persons.KeyKind.CARD, normalise_card_number(text)
    except InvalidCardNumber:
        raise NumberRefused(
            "Type an ID number (18 characters) or a card number (9 letters or digits)."
        ) from None


def lookup(agent: str, call: Call | None, purpose: str, number: str, now: datetime) -> Call:
    """Find the caller by ID number or card number (any district) for the agent's call (a new
    call if `call` is None; another lookup in the same call starts its verification over).
    NumberRefused for a malformed number; the call's person is None if nobody matches."""
    kind, value = _key(number)
    if purpose not in PURPOSES:
        purpose = "other"
    with store.write_transaction():
        found = persons.find_person(kind, value)
        person_id = found.id if found else None
        if call is None:
            call_id = HotlineCall.insert(
                agent=agent, person_id=person_id, purpose=purpose, started_at=now
            ).execute()
        else:
            call_id = call.id
            HotlineCall.update(
                person_id=person_id, purpose=purpose, verified_by=None, verified_at=None
            ).where(HotlineCall.id == call_id).execute()
        made = _call_row(call_id)
        assert made is not None
        log(agent, Action.LOOKUP, now, call=made, detail=f"by {kind.value}: {_found(found)}")
    if found is not None:
        persons.log_access(None, actor_of(agent), found.id, ACCESS_KIND, now)
    return made


def _found(found: persons.FoundPerson | None) -> str:
    return f"found (district {found.district})" if found else "nobody"


def summary(person_id: int) -> dict[str, Any]:
    """What the agent sees before verification: the masked ID number, the name, and each
    card's state (the card number masked but its last 4 characters)."""
    row = store.execute("SELECT ssn, name FROM person WHERE id = ?", (person_id,)).fetchone()
    cards = store.execute(
        "SELECT card_no, status FROM card WHERE person_id = ? ORDER BY generation DESC, id DESC",
        (person_id,),
    ).fetchall()
    return {
        "ssn": mask_id_number(row[0]) if row else "",
        "name": row[1] if row else "",
        "cards": [{"card_no": "*****" + c[0][-4:], "status": c[1]} for c in cards],
    }


def _when(value: Any) -> datetime | None:
    return _TIME.python_value(value) if value is not None else None


def _credential(person_id: int) -> tuple[str | None, int, datetime | None, Any]:
    row = store.execute(
        "SELECT password_hash, failed_attempts, locked_until, changed_at FROM query_credential "
        "WHERE person_id = ?",
        (person_id,),
    ).fetchone()
    if row is None:
        return None, 0, None, None
    return row[0], int(row[1] or 0), _when(row[2]), row[3]


def _count_failure(person_id: int, now: datetime) -> Verification:
    """One more wrong try on the shared credential row (published like the self-query's),
    locking it after MAX_ATTEMPTS; inside the caller's write transaction."""
    stored, failed, locked_until, changed = _credential(person_id)
    held = 0 if locked_until is not None else failed  # an expired lock starts a fresh count
    count = held + 1
    until = now + timedelta(hours=LOCK_HOURS) if count >= MAX_ATTEMPTS else None
    changed_text = changed if changed is not None else _TIME.db_value(now)
    row = [person_id, stored, count, _TIME.db_value(until), changed_text]
    register.upsert_rows("query_credential", [row], now=now)
    if until is not None:
        return Verification(Check.LOCKED, 0, until)
    return Verification(Check.WRONG, MAX_ATTEMPTS - count)


def _clear_failures(person_id: int, now: datetime) -> None:
    stored, failed, locked_until, changed = _credential(person_id)
    if failed or locked_until:
        register.upsert_rows("query_credential", [[person_id, stored, 0, None, changed]], now=now)


def _verified(call: Call, way: str, now: datetime) -> None:
    HotlineCall.update(verified_by=way, verified_at=now).where(HotlineCall.id == call.id).execute()


def _locked(person_id: int, now: datetime) -> datetime | None:
    until = _credential(person_id)[2]
    return until if until is not None and until > now else None


def verify_password(call: Call, password: str, now: datetime) -> Verification:
    """Check the query password the caller typed (entered by the agent), counting a failure on
    the shared credential row. A caller still on the initial password (the birth date, which
    the ID number shows) cannot be verified this way."""
    assert call.person_id is not None
    with store.read_snapshot():
        checked = _credential(call.person_id)[0]
    # the scrypt work outside the feed writers' transaction, which holds up every writer
    matches = checked is not None and check_hash(password[:64], checked)
    with store.write_transaction():
        until = _locked(call.person_id, now)
        if until is not None:
            result = Verification(Check.LOCKED, 0, until)
        else:
            stored = _credential(call.person_id)[0]
            if stored != checked and stored is not None:  # changed meanwhile (rare): again
                matches = check_hash(password[:64], stored)
            if stored is None:
                result = Verification(Check.NO_PASSWORD)
            else:
                result = _settle(call, matches, PASSWORD_WAY, now)
        _log_check(call, result, until is not None, Action.PASSWORD_OK, Action.PASSWORD_FAILED, now)
    return result


def _settle(call: Call, right: bool, way: str, now: datetime) -> Verification:
    """Inside the writers' transaction: a right answer clears the failures and marks the call
    verified (`way`); a wrong one counts on the shared credential row."""
    assert call.person_id is not None
    if not right:
        return _count_failure(call.person_id, now)
    _clear_failures(call.person_id, now)
    _verified(call, way, now)
    return Verification(Check.OK)


def _log_check(
    call: Call, result: Verification, was_locked: bool, ok: Action, failed: Action, now: datetime
) -> None:
    """Log a verification: `ok`, a refusal of a credential locked before (VERIFY_LOCKED), or
    `failed` (a wrong answer, the one that locked it included, or no way to check)."""
    if result.check is Check.OK:
        action = ok
    elif result.check is Check.LOCKED and was_locked:
        action = Action.VERIFY_LOCKED
    else:
        action = failed
    log(call.agent, action, now, call=call, detail=_detail(result))


def _detail(result: Verification) -> str:
    if result.check is Check.WRONG:
        return f"wrong; {result.tries_left} tries left"
    if result.check is Check.LOCKED and result.locked_until is not None:
        return f"locked until {result.locked_until.isoformat(timespec='minutes')}"
    return result.check.value


def last_month(today: date) -> int:
    """The period (YYYYMM) of the month before `today`'s."""
    first = today.replace(day=1) - timedelta(days=1)
    return first.year * 100 + first.month


def _comparable(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _answers(person_id: int, today: date) -> tuple[set[str], int | None]:
    """The employers the record answers with (current enrolments', else every enrolment's)
    and last month's personal contribution in fen (None: no contribution that month)."""
    rows = store.execute(
        "SELECT m.name, e.end_date FROM enrolment e JOIN employer m ON m.id = e.employer_id "
        "WHERE e.person_id = ?",
        (person_id,),
    ).fetchall()
    current = {_comparable(r[0]) for r in rows if r[1] is None}
    employers = current or {_comparable(r[0]) for r in rows}
    paid = store.execute(
        "SELECT count(*), sum(personal_fen) FROM contribution WHERE person_id = ? AND period = ?",
        (person_id, last_month(today)),
    ).fetchone()
    return employers, (int(paid[1]) if paid and paid[0] else None)


def questions_available(person_id: int, today: date) -> bool:
    """True if the record can answer both questions."""
    employers, fen = _answers(person_id, today)
    return bool(employers) and fen is not None


def verify_questions(
    call: Call, employer: str, contribution: str, today: date, now: datetime
) -> Verification:
    """Check the caller's two answers (checked here, never shown to the agent): the employer
    and last month's personal contribution in yuan. A wrong pair counts as one failure on the
    shared credential row."""
    assert call.person_id is not None
    with store.write_transaction():
        until = _locked(call.person_id, now)
        employers, fen = _answers(call.person_id, today)
        if until is not None:
            result = Verification(Check.LOCKED, 0, until)
        elif not employers or fen is None:
            result = Verification(Check.UNANSWERABLE)
        else:
            try:
                said = parse_yuan(contribution.replace("元", "")[:32])
            except ValueError:
                said = None
            right = _comparable(employer[:100]) in employers and said == fen
            result = _settle(call, right, QUESTIONS_WAY, now)
        _log_check(
            call, result, until is not None, Action.QUESTIONS_OK, Action.QUESTIONS_FAILED, now
        )
    return result


def record(call: Call, today: date, now: datetime) -> dict[str, Any]:
    """The verified caller's record as the self-query shows it (ID masked), the read logged;
    NotVerified (and the refusal logged) before verification."""
    current = _call_row(call.id)
    if current is None or current.person_id is None or not current.verified:
        log(call.agent, Action.REFUSED, now, call=call, detail="record before verification")
        raise NotVerified("the caller is not verified")
    found = sq.own_record(current.person_id, today, now, actor_of(call.agent), ACCESS_KIND)
    log(call.agent, Action.RECORD_READ, now, call=current)
    return found


def report_card_lost(call: Call, card_no: str, now: datetime) -> bool:
    """Report the verified caller's active card lost, through the self-query's path (published
    in the feed, so the district's offices see it at their next sync). NotVerified before
    verification; False if the card is not the caller's or not active."""
    current = _call_row(call.id)
    if current is None or current.person_id is None or not current.verified:
        log(call.agent, Action.REFUSED, now, call=call, detail="card lost before verification")
        raise NotVerified("the caller is not verified")
    done = sq.report_card_lost(current.person_id, card_no[:16], now, actor_of(call.agent))
    log(call.agent, Action.CARD_LOST, now, call=current, detail="reported" if done else "refused")
    return done


def note(call: Call, purpose: str, outcome: str, now: datetime) -> None:
    """Close the call with its purpose and outcome (whitespace folded, MAX_OUTCOME characters
    at most)."""
    text = " ".join(outcome.split())[:MAX_OUTCOME]
    if purpose not in PURPOSES:
        purpose = call.purpose
    with store.write_transaction():
        HotlineCall.update(purpose=purpose, outcome=text, noted_at=now).where(
            HotlineCall.id == call.id
        ).execute()
        noted = _call_row(call.id)
        log(call.agent, Action.NOTE, now, call=noted, detail=f"{len(text)} characters")


def audit_extract(start: datetime, end: datetime, agent: str | None = None) -> list[dict[str, Any]]:
    """The desk's events from `start` up to (not including) `end`, oldest first, optionally of
    one agent: when, agent, action, call, purpose, the person (masked ID number), detail."""
    query = (
        "SELECT e.at, e.agent, e.action, e.call_id, e.purpose, p.ssn, e.detail "
        "FROM hotline_event e LEFT JOIN person p ON p.id = e.person_id "
        "WHERE e.at >= ? AND e.at < ?"
    )
    params: list[Any] = [_TIME.db_value(start), _TIME.db_value(end)]
    if agent:
        query += " AND e.agent = ?"
        params.append(agent.strip())
    rows = store.execute(query + " ORDER BY e.at, e.id", tuple(params)).fetchall()
    return [
        {
            "at": _when(r[0]),
            "agent": r[1],
            "action": r[2],
            "call": r[3],
            "purpose": r[4],
            "person": mask_id_number(r[5]) if r[5] else None,
            "detail": r[6],
        }
        for r in rows
    ]
