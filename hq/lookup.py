"""`hq lookup` for headquarters' support staff: a person's register as headquarters holds it,
with the commands, visits and statements offices sent for them. The ID number is masked.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from hq import persons, store
from hq.errors import NotFound
from models.idnumber import mask_id_number
from models.money import format_yuan

RECENT = 20  # commands, visits and statements shown


def _dicts(query: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
    cursor = store.execute(query, params)
    names = [d[0] for d in cursor.description]
    return [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in cursor.fetchall()]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def describe(kind: persons.KeyKind, value: str, actor: str, now: datetime) -> dict[str, Any]:
    """The person's record at headquarters as plain data; the read is logged."""
    with store.read_snapshot():
        found = persons.find_person(kind, value)
        if found is None:
            what = "ID number" if kind is persons.KeyKind.SSN else "card"
            raise NotFound(f"headquarters has nobody with {what} {value.strip()}")
        pid = (found.id,)
        person = _dicts(
            "SELECT id, name, gender, birth_date, region_code, status, updated_at, district "
            "FROM person WHERE id = ?",
            pid,
        )[0]
        record: dict[str, Any] = {
            "person": {**person, "ssn": mask_id_number(found.ssn)},
            "cards": _dicts(
                "SELECT card_no, generation, status, status_changed_at, issue_date, expiry_date "
                "FROM card WHERE person_id = ? ORDER BY id",
                pid,
            ),
            "enrolments": _dicts(
                "SELECT insurance, start_date, end_date, status FROM enrolment "
                "WHERE person_id = ? ORDER BY insurance, start_date",
                pid,
            ),
            "accounts": _dicts(
                "SELECT kind, balance_fen, updated_at FROM account WHERE person_id = ? "
                "ORDER BY kind",
                pid,
            ),
            "contributions": _dicts(
                "SELECT count(*) AS months, min(period) AS first_period, "
                "max(period) AS last_period FROM contribution WHERE person_id = ?",
                pid,
            )[0],
            "query_credential": (
                _dicts(
                    "SELECT failed_attempts, locked_until, changed_at, "
                    "password_hash IS NULL AS initial_password FROM query_credential "
                    "WHERE person_id = ?",
                    pid,
                )
                or [None]
            )[0],
            "commands": _dicts(
                "SELECT received_at, office_id AS office, command, status, code, reason, actor, "
                f"uuid FROM command WHERE person_id = ? ORDER BY id DESC LIMIT {RECENT}",
                pid,
            ),
            "visits": _dicts(
                "SELECT at, office_id AS office, channel, purpose, staff FROM visit "
                f"WHERE person_id = ? ORDER BY at DESC LIMIT {RECENT}",
                pid,
            ),
            "statements": _dicts(
                "SELECT number, kind, printed_at, office_id AS office, pages, print_count "
                f"FROM statement WHERE person_id = ? ORDER BY printed_at DESC LIMIT {RECENT}",
                pid,
            ),
        }
    if record["query_credential"] is not None:
        flag = record["query_credential"]["initial_password"]
        record["query_credential"]["initial_password"] = bool(flag)
    persons.log_access(None, actor, found.id, kind.value, now)
    return record


def as_text(record: dict[str, Any]) -> str:
    """The record for a terminal."""
    p = record["person"]
    lines = [
        f"{p['name']}  {p['ssn']}  {p['gender']}  born {p['birth_date']}",
        f"district {p['district']} (household region {p['region_code']}), status {p['status']}",
        "",
        "Cards:",
    ]
    lines += [
        f"  {c['card_no']}  generation {c['generation']}  {c['status']}"
        + (f" since {c['status_changed_at']}" if c["status_changed_at"] else "")
        + f"  valid {c['issue_date']} to {c['expiry_date']}"
        for c in record["cards"]
    ] or ["  none"]
    lines.append("Accounts:")
    lines += [f"  {a['kind']:<8} {format_yuan(a['balance_fen'])}" for a in record["accounts"]] or [
        "  none"
    ]
    months = record["contributions"]
    lines.append(
        f"Contributions: {months['months']} monthly rows"
        + (f", {months['first_period']} to {months['last_period']}" if months["months"] else "")
    )
    credential = record["query_credential"]
    if credential is None:
        lines.append("Query password: initial (birth date), never failed")
    else:
        initial = "initial (birth date)" if credential["initial_password"] else "changed"
        until = credential["locked_until"]
        locked = f", locked until {until}" if until else ""
        lines.append(
            f"Query password: {initial}, {credential['failed_attempts']} failed attempts{locked}"
        )
    lines.append(f"Commands received (last {RECENT}):")
    lines += [
        f"  {c['received_at']}  {c['office']}  {c['command']}  {c['status']}"
        + (f" ({c['code']}: {c['reason']})" if c["code"] else "")
        for c in record["commands"]
    ] or ["  none"]
    lines.append("Visits:")
    lines += [
        f"  {v['at']}  {v['office']}  {v['channel']}  {v['purpose']}" for v in record["visits"]
    ] or ["  none"]
    lines.append("Statements:")
    lines += [
        f"  {s['number']}  {s['kind']}  printed {s['printed_at']} at {s['office']}"
        for s in record["statements"]
    ] or ["  none"]
    return "\n".join(lines)


def as_json(record: dict[str, Any]) -> str:
    """The record as indented JSON."""
    return json.dumps(record, ensure_ascii=False, indent=2, default=str)
