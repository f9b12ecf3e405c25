"""The citizen's own reads and credential changes at headquarters, for the online self-query.

Sign-in checks the query password on the same `query_credential` row the counter and the kiosk
count on (published through the change feed, so the district's offices see failures, locks and
new passwords). Every attempt costs one scrypt hash whatever happens (unknown ID number, initial
password, locked credential), and an unknown ID number is answered as a wrong password would
be, with its own count kept in this process, so that nobody can learn who is registered.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from hq import persons, register, store
from models.credentials import (
    LOCK_HOURS,
    MAX_ATTEMPTS,
    PASSWORD,
    UnheldTries,
    check_hash,
    decoy_hash,
    hash_password,
)
from models.enums import CardStatus, ContributionStatus
from models.fields import UtcDateTimeField
from models.idnumber import mask_id_number

MONTHS_SHOWN = 36
SELF_ACTOR = "self:online"  # the access log's actor for a citizen's own read
SELF_KIND = "self"
LOST_KIND = "cardlost"  # the access log's key kind of a card reported lost online
_TIME = UtcDateTimeField()


class Outcome(StrEnum):
    """How a sign-in attempt ended."""

    OK = "ok"
    WRONG = "wrong"  # wrong password or unknown ID number: the same answer
    LOCKED = "locked"


@dataclass(frozen=True)
class SignIn:
    """The answer to one attempt: the person (only when OK), whether the password is still the
    initial one, the tries left and the end of a lock."""

    outcome: Outcome
    person_id: int | None = None
    initial_password: bool = False
    tries_left: int = MAX_ATTEMPTS
    locked_until: datetime | None = None


def _when(value: Any) -> datetime | None:
    return _TIME.python_value(value) if value is not None else None


_CREDENTIAL = (
    "SELECT p.id, p.birth_date, c.password_hash, c.failed_attempts, c.locked_until, "
    "c.changed_at FROM person p LEFT JOIN query_credential c ON c.person_id = p.id "
    "WHERE p.ssn = ?"
)


def sign_in(
    ssn: str, password: str, now: datetime, unknown: UnheldTries, *, retries: int = 2
) -> SignIn:
    """Check the query password of the holder of `ssn` (a valid, normalised ID number),
    counting a failure on the shared credential row (on `unknown` for an ID number nobody
    holds); one scrypt hash in every case.

    The hash is worked out outside any transaction (it takes 50-150 ms, and a feed writer's
    transaction holds up every other writer of the city); the outcome is then written in one
    short transaction on the row as it is by then: a failure counted meanwhile by the counter
    or another sign-in adds up, and a password changed meanwhile is checked again."""
    with store.read_snapshot():
        row = store.execute(_CREDENTIAL, (ssn,)).fetchone()
    if row is None:
        check_hash(password, decoy_hash())
        tried = unknown.fail(ssn, now)
        if tried.locked_until is not None:
            return SignIn(Outcome.LOCKED, tries_left=0, locked_until=tried.locked_until)
        return SignIn(Outcome.WRONG, tries_left=MAX_ATTEMPTS - tried.failed)
    person_id, birth, stored, _failed, locked, _changed = row
    locked_until = _when(locked)
    if locked_until is not None and locked_until > now:
        check_hash(password, decoy_hash())
        return SignIn(Outcome.LOCKED, tries_left=0, locked_until=locked_until)
    if stored is None:
        check_hash(password, decoy_hash())
        ok = hmac.compare_digest(password.encode(), _as_date(birth).strftime("%Y%m%d").encode())
    else:
        ok = check_hash(password, stored)
    with store.write_transaction():
        fresh = store.execute(_CREDENTIAL, (ssn,)).fetchone()
        if fresh is not None and fresh[0] == person_id and fresh[2] == stored:
            return _count(fresh, ok, now)
    if retries > 0:  # the holder's password (or the holder) changed while it was checked
        return sign_in(ssn, password, now, unknown, retries=retries - 1)
    return SignIn(Outcome.WRONG, tries_left=MAX_ATTEMPTS)  # not counted: nothing was checked


def _count(row: tuple[Any, ...], ok: bool, now: datetime) -> SignIn:
    """Write a checked try's outcome on the credential row as it is now (inside the writers'
    transaction)."""
    person_id, _birth, stored, failed, locked, changed = row
    locked_until = _when(locked)
    if locked_until is not None and locked_until > now:  # locked while this try was checked
        return SignIn(Outcome.LOCKED, tries_left=0, locked_until=locked_until)
    changed_text = changed if changed is not None else _TIME.db_value(now)
    if ok:
        if failed or locked:
            register.upsert_rows(
                "query_credential", [[person_id, stored, 0, None, changed_text]], now=now
            )
        return SignIn(Outcome.OK, person_id, initial_password=stored is None)
    count = (0 if locked_until is not None else (failed or 0)) + 1
    until = now + timedelta(hours=LOCK_HOURS) if count >= MAX_ATTEMPTS else None
    row_out = [person_id, stored, count, _TIME.db_value(until), changed_text]
    register.upsert_rows("query_credential", [row_out], now=now)
    if until is not None:
        return SignIn(Outcome.LOCKED, tries_left=0, locked_until=until)
    return SignIn(Outcome.WRONG, tries_left=MAX_ATTEMPTS - count)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


class PasswordRefused(ValueError):
    """A new query password that breaks a rule (its message is a msgid of the pages)."""


def change_password(person_id: int, new_password: str, now: datetime) -> None:
    """Set the holder's new query password (6 to 8 digits, not the birth date), published."""
    if not PASSWORD.match(new_password):
        raise PasswordRefused("The password must have 6 to 8 digits.")
    hashed = hash_password(new_password)  # outside the writers' transaction (see `sign_in`)
    with store.write_transaction():
        birth = store.execute("SELECT birth_date FROM person WHERE id = ?", (person_id,)).fetchone()
        if birth is None:
            raise PasswordRefused("Your record is no longer available.")
        if new_password == _as_date(birth[0]).strftime("%Y%m%d"):
            raise PasswordRefused("The new password must not be your birth date.")
        row = [person_id, hashed, 0, None, _TIME.db_value(now)]
        register.upsert_rows("query_credential", [row], now=now)


def _dicts(query: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
    cursor = store.execute(query, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _months_back(today: date, count: int) -> list[int]:
    year, month = today.year, today.month
    periods = []
    for _ in range(count):
        periods.append(year * 100 + month)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return periods


def by_month(rows: list[dict[str, Any]], periods: list[int]) -> list[dict[str, Any]]:
    """One line per month of `periods` (newest first): the pension base (else the largest),
    the employer's and the personal parts summed over the insurances, and the month's state
    (arrears if any insurance is in arrears; None where the month has no contribution)."""
    months: dict[int, dict[str, Any]] = {
        p: {"period": p, "base_fen": 0, "employer_fen": 0, "personal_fen": 0, "status": None}
        for p in periods
    }
    for row in rows:
        month = months.get(row["period"])
        if month is None:
            continue
        if row["insurance"] == 1 or not month["base_fen"]:
            month["base_fen"] = max(month["base_fen"], int(row["base_fen"]))
        month["employer_fen"] += int(row["employer_fen"])
        month["personal_fen"] += int(row["personal_fen"])
        states = {month["status"], row["status"]} - {None}
        for state in (ContributionStatus.ARREARS, ContributionStatus.BACK_PAID):
            if state in states:
                month["status"] = int(state)
                break
        else:
            month["status"] = int(ContributionStatus.PAID)
    return [months[p] for p in periods]


def by_year(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Yearly totals over the insurances (newest first): months paid (the most of any
    insurance), the employer's and the personal parts."""
    years: dict[int, dict[str, Any]] = {}
    for row in rows:
        year = years.setdefault(
            row["year"],
            {"year": row["year"], "months_paid": 0, "employer_fen": 0, "personal_fen": 0},
        )
        year["months_paid"] = max(year["months_paid"], int(row["months_paid"]))
        year["employer_fen"] += int(row["employer_fen"])
        year["personal_fen"] += int(row["personal_fen"])
    return [years[y] for y in sorted(years, reverse=True)]


def own_record(
    person_id: int, today: date, now: datetime, actor: str = SELF_ACTOR, kind: str = SELF_KIND
) -> dict[str, Any]:
    """The holder's record as the self-query shows it, the read logged as their own (or as
    `actor`'s, e.g. a hotline agent's)."""
    periods = _months_back(today, MONTHS_SHOWN)
    pid = (person_id,)
    with store.read_snapshot():
        person = _dicts(
            "SELECT ssn, name, gender, birth_date, status, updated_at FROM person WHERE id = ?",
            pid,
        )[0]
        person["ssn"] = mask_id_number(person["ssn"])
        record: dict[str, Any] = {
            "person": person,
            "cards": _dicts(
                "SELECT card_no, generation, status, status_changed_at, issue_date, expiry_date "
                "FROM card WHERE person_id = ? ORDER BY generation DESC, id DESC",
                pid,
            ),
            "enrolments": _dicts(
                "SELECT e.insurance, e.start_date, e.end_date, e.status, m.name AS employer "
                "FROM enrolment e LEFT JOIN employer m ON m.id = e.employer_id "
                "WHERE e.person_id = ? ORDER BY e.insurance, e.start_date",
                pid,
            ),
            "contributions": _dicts(
                "SELECT period, insurance, base_fen, employer_fen, personal_fen, status "
                "FROM contribution WHERE person_id = ? AND period >= ? "
                "ORDER BY period DESC, insurance",
                (person_id, periods[-1]),
            ),
            "years": _dicts(
                "SELECT year, insurance, months_paid, employer_fen, personal_fen "
                "FROM contribution_year WHERE person_id = ? ORDER BY year DESC, insurance",
                pid,
            ),
            "accounts": _dicts(
                "SELECT id, kind, balance_fen, updated_at FROM account WHERE person_id = ? "
                "ORDER BY kind",
                pid,
            ),
            "benefits": _dicts(
                "SELECT period, kind, amount_fen, paid_date FROM benefit_payment "
                "WHERE person_id = ? ORDER BY period DESC, kind LIMIT 24",
                pid,
            ),
        }
        medical = [a["id"] for a in record["accounts"] if a["kind"] == "medical"]
        record["medical_entries"] = (
            _dicts(
                "SELECT posted_date, kind, amount_fen, balance_after_fen, counterparty "
                "FROM account_entry WHERE account_id = ? ORDER BY posted_date DESC, id DESC "
                "LIMIT 24",
                (medical[0],),
            )
            if medical
            else []
        )
    record["periods"] = periods
    record["months"] = by_month(record["contributions"], periods)
    record["year_totals"] = by_year(record["years"])
    record["arrears"] = sorted(
        {c["period"] for c in record["contributions"] if c["status"] == ContributionStatus.ARREARS}
    )
    stamps = [_when(person["updated_at"])] + [_when(a["updated_at"]) for a in record["accounts"]]
    record["as_of"] = max((s for s in stamps if s is not None), default=None)
    persons.log_access(None, actor, person_id, kind, now)
    return record


def report_card_lost(person_id: int, card_no: str, now: datetime, actor: str = SELF_ACTOR) -> bool:
    """Report the holder's own active card lost (挂失) and publish it in the change feed, so
    the district's offices see it at their next sync; False if the card is not the holder's
    or not active (nothing changes). Logged in the access log as the holder's own action (or
    as `actor`'s: the hotline desk reports a card lost for a verified caller).
    Cancelling a loss stays at the counter."""
    with store.write_transaction():
        row = store.execute(
            "SELECT id FROM card WHERE card_no = ? AND person_id = ? AND status = ?",
            (card_no, person_id, CardStatus.ACTIVE.value),
        ).fetchone()
        if row is None:
            return False
        store.execute(
            "UPDATE card SET status = ?, status_changed_at = ? WHERE id = ?",
            (CardStatus.LOST.value, _TIME.db_value(now), row[0]),
        )
        register.republish("card", [row[0]], now)
    persons.log_access(None, actor, person_id, LOST_KIND, now)
    return True
