"""Verifying a printed statement's QR code: genuine or not, and what it covered.

The payload `CD1|number|kind|stamp|digest|hmac` (models.signing) is signed with the key of the
workstation that printed it. A number reads DISTRICT-YYYYMMDD-CODE-NNNNN, CODE naming the
workstation, so headquarters tries that workstation's keys (every key it ever registered). An
older number (DISTRICT-YYYYMMDD-NNNNN, before workstations had codes) names only its district:
headquarters tries the keys of the office that recorded the statement, then of every office
serving that district and of their workstations. Either way a statement printed offline, not
yet received, is still verifiable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from hq import offices, store
from hq.schema import Statement
from models import signing
from models.fields import UtcDateTimeField
from models.idnumber import mask_id_number

NUMBER = re.compile(r"^(\d{6})-\d{8}-(?:([A-Z][0-9]{2,5})-)?\d{5}$")
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
