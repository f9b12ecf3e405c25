"""Verifying a printed statement's QR code: genuine or not, and what it covered.

The payload `CD1|number|kind|stamp|digest|hmac` (models.signing) is signed with the key of the
workstation that printed it. A number reads DISTRICT-YYYYMMDD-CODE-NNNNN, CODE naming the
workstation, so headquarters tries that workstation's keys (every key it ever registered). An
older number (DISTRICT-YYYYMMDD-NNNNN, before workstations had codes) names only its district:
headquarters tries the keys of the office that recorded the statement, then of every office
serving that district and of their workstations. Either way a statement printed offline, not
yet received, is still verifiable.

Headquarters numbers the statements it serves itself (the citizen's downloaded rights record)
DISTRICT-YYYYMMDD-HQ-NNNNN: no workstation code is HQ (codes are a letter and digits), so no
office's number can be the same. It signs them with its own key (`hq_signing_key`, kept in its
database as the offices' keys are) and records each in `hq_statement`.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hq import offices, store
from hq.schema import HqSigningKey, HqStatement, Statement
from models import signing
from models.fields import UtcDateTimeField
from models.idnumber import mask_id_number

HQ_CODE = "HQ"  # the code of the numbers headquarters gives (never a workstation's code)
HQ_OFFICE = "headquarters"  # the issuer a verification names for them
NUMBER = re.compile(r"^(\d{6})-\d{8}-(?:([A-Z][0-9]{2,5}|HQ)-)?\d{5}$")
_TIME = UtcDateTimeField()


@dataclass(frozen=True)
class Verification:
    """The answer for one scanned code."""

    genuine: bool
    reason: str | None = None
    statement: dict[str, Any] | None = None


def _candidate_keys(
    record: Statement | None, district: str, code: str | None
) -> list[tuple[str, bytes]]:
    """(row id, key) pairs to try, without repeats: the keys of the workstation a number names,
    else the recording row's first, then those of the offices serving the district."""
    if code is not None:
        row = offices.row_of_code(code)
        office_ids = [row.id] if row is not None else []
    else:
        office_ids = ([record.office_id] if record else []) + offices.offices_serving(district)
    seen: set[bytes] = set()
    candidates = []
    for office_id in dict.fromkeys(office_ids):
        for key in offices.signing_keys(office_id):
            if key not in seen:
                seen.add(key)
                candidates.append((office_id, key))
    return candidates


def _masked_person(person_id: int | None) -> str | None:
    if person_id is None:
        return None
    row = store.execute("SELECT ssn FROM person WHERE id = ?", (person_id,)).fetchone()
    return mask_id_number(row[0]) if row else None


def verify_statement(payload: str) -> Verification:
    """Check a scanned QR payload against the keys of the offices of its district."""
    parts = payload.strip().split("|")
    if len(parts) != 6 or parts[0] != signing.VERSION:
        return Verification(
            False,
            "this is not a counterdesk statement code (it starts with CD1| and has six parts): "
            "scan it again, or treat the document as not genuine",
        )
    if not payload.isascii():  # a genuine code is ASCII; hmac.compare_digest refuses the rest
        return Verification(
            False,
            "this code holds characters a counterdesk statement code never has (it is plain "
            "ASCII): treat the document as not genuine",
        )
    number = parts[1]
    match = NUMBER.match(number)
    if not match:
        return Verification(
            False,
            f"{number!r} is not a statement number (DISTRICT-YYYYMMDD-CODE-NNNNN): not genuine",
        )
    district, code = match.group(1), match.group(2)
    if code == HQ_CODE:
        return _verify_own(number, payload)
    with store.read_snapshot():
        record = Statement.get_or_none(Statement.number == number)
        candidates = _candidate_keys(record, district, code)
        if not candidates and code is not None:
            return Verification(
                False,
                f"headquarters knows no workstation {code} with a signing key: the statement "
                "cannot be confirmed; treat it as not genuine until support checks it",
            )
        if not candidates:
            return Verification(
                False,
                f"headquarters holds no signing key of an office of district {district}: the "
                "statement cannot be confirmed; treat it as not genuine until support checks it",
            )
        signer, facts = None, None
        for office_id, key in candidates:
            facts = signing.verify(key, payload)
            if facts is not None:
                signer = office_id
                break
        if facts is None or signer is None:
            whose = f"workstation {code}" if code else f"no office of district {district}"
            return Verification(
                False,
                f"the code's signature matches {whose}: the statement was altered or is not "
                "genuine",
            )
        printer = offices.find_office(record.office_id if record else signer)
        if printer is None or not printer.serves(district):
            return Verification(
                False,
                f"the statement was signed by a workstation of an office that does not serve "
                f"district {district}: treat it as not genuine and report it to support",
            )
        if record is not None and (
            record.kind != facts.kind
            or record.printed_at.replace(microsecond=0) != facts.printed_at
        ):
            return Verification(
                False,
                f"the signature is valid, but headquarters recorded statement {number} with "
                "another kind or time: treat it as not genuine and report it to support",
            )
        statement = {
            "number": number,
            "office": printer.office_id,
            "workstation": printer.code,
            "kind": facts.kind,
            "printed_at": _TIME.db_value(record.printed_at if record else facts.printed_at),
            "person": _masked_person(record.person_id) if record else None,
            "pages": record.pages if record else None,
            "sha256": record.sha256 if record else None,
            "recorded": record is not None,
        }
    return Verification(True, None, statement)


# -- statements headquarters issues itself ------------------------------------------------------


def hq_signing_key() -> tuple[int, bytes]:
    """Headquarters' current signing key (row id, key), made on first use (inside the caller's
    write transaction or its own)."""
    with store.write_transaction():
        row = HqSigningKey.select().order_by(HqSigningKey.id.desc()).first()
        if row is None:
            row = HqSigningKey.create(key_hex=secrets.token_hex(32))
    return row.id, bytes.fromhex(row.key_hex)


@dataclass(frozen=True)
class HqNumber:
    """A number headquarters reserved, with the key to sign the statement under it."""

    number: str
    key_id: int
    key: bytes


def allocate_own(
    kind: str, person_id: int, year: int | None, lang: str, district: str, now: datetime
) -> HqNumber:
    """Reserve headquarters' next number of `district` for today's local date
    (DISTRICT-YYYYMMDD-HQ-NNNNN) and record it unwritten; never reused."""
    prefix = f"{district}-{now.astimezone():%Y%m%d}-{HQ_CODE}-"
    with store.write_transaction():
        key_id, key = hq_signing_key()
        last = store.execute(
            "SELECT max(number) FROM hq_statement WHERE number LIKE ?", (prefix + "%",)
        ).fetchone()[0]
        number = f"{prefix}{(int(last[len(prefix) :]) if last else 0) + 1:05d}"
        HqStatement.insert(
            number=number,
            kind=kind,
            person_id=person_id,
            year=year,
            lang=lang,
            printed_at=now,
            key=key_id,
        ).execute()
    return HqNumber(number, key_id, key)


def record_own(number: str, sha256: str, pages: int) -> None:
    """Record the written statement's SHA-256 and pages (verification shows them)."""
    with store.write_transaction():
        HqStatement.update(sha256=sha256, pages=pages).where(HqStatement.number == number).execute()


def _verify_own(number: str, payload: str) -> Verification:
    """Check a code headquarters signed: its record, its key, the facts signed."""
    with store.read_snapshot():
        record = HqStatement.get_or_none(HqStatement.number == number)
        if record is None or record.sha256 is None:
            return Verification(
                False,
                f"headquarters never issued statement {number}: treat it as not genuine",
            )
        key = HqSigningKey.get_by_id(record.key_id)
        facts = signing.verify(bytes.fromhex(key.key_hex), payload)
        if facts is None:
            return Verification(
                False,
                f"the code's signature does not match headquarters' statement {number}: the "
                "statement was altered or is not genuine",
            )
        if record.kind != facts.kind or record.printed_at.replace(microsecond=0) != (
            facts.printed_at
        ):
            return Verification(
                False,
                f"the signature is valid, but headquarters recorded statement {number} with "
                "another kind or time: treat it as not genuine and report it to support",
            )
        statement = {
            "number": number,
            "office": HQ_OFFICE,
            "workstation": HQ_CODE,
            "kind": facts.kind,
            "printed_at": _TIME.db_value(record.printed_at),
            "person": _masked_person(record.person_id),
            "pages": record.pages,
            "sha256": record.sha256,
            "recorded": True,
        }
    return Verification(True, None, statement)
