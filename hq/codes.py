"""Workstation codes: a letter for the kind and 2-5 digits (C03), unique in the city, printed in
statement numbers. Reads the office table only (no store session of its own): the enrolment
and the schema upgrade (`hq.store`) both use it."""

from __future__ import annotations

import re

from hq.errors import InvalidInput
from hq.schema import Office

CODE = re.compile(r"^[A-Z][0-9]{2,5}$")
KINDS = {"counter": "C", "kiosk": "K", "supervisor": "S", "relay": "R"}


def next_code(kind: str, wanted: str | None) -> str:
    """`wanted` if it is a free code, else the next free code of the kind's letter (C01, C02,
    ... C99, C100, ...). Runs inside the enrolling transaction."""
    if wanted is not None:
        if not CODE.match(wanted):
            raise InvalidInput(
                f"{wanted!r} is not a workstation code: a capital letter and 2-5 digits (C03)"
            )
        if Office.select().where(Office.code == wanted).exists():
            raise InvalidInput(f"code {wanted} is taken: choose another, or leave --code out")
        return wanted
    letter = KINDS[kind]
    used = {
        int(row.code[1:])
        for row in Office.select(Office.code).where(Office.code.startswith(letter))
        if row.code and CODE.match(row.code)
    }
    serial = max(used, default=0) + 1
    return f"{letter}{serial:02d}"


def give_codes() -> None:
    """Give a code to every office row that has none (enrolled before workstations existed)."""
    for row in Office.select().where(Office.code.is_null()).order_by(Office.created_at, Office.id):
        Office.update(code=next_code("counter", None), kind="counter").where(
            Office.id == row.id
        ).execute()
