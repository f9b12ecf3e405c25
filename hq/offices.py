"""Enrolled offices and their workstations: tokens (stored hashed), districts (the scope),
short codes and signing keys.

A token reads `<row id>.<secret>`, where the row is an office or one of its workstations; the
secret is 32 random bytes in urlsafe base64 and only its SHA-256 is stored, compared in constant
time. Every row has a code unique in the city (`C03`: a letter for its kind, then digits), which
the statement numbers it issues carry, so two workstations never need to agree on a number.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import peewee

from hq import store
from hq.codes import KINDS, next_code
from hq.errors import InvalidInput, NotFound
from hq.schema import Office, OfficeDistrict, OfficeKey
from models.clock import utc_now

OFFICE_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
DISTRICT = re.compile(r"^\d{6}$")
SIGNING_KEY = re.compile(r"^[0-9a-fA-F]{64}$")
_NO_HASH = "0" * 64  # compared against when the office is unknown, to take the same time


@dataclass(frozen=True)
class EnrolledOffice:
    """Who sent a request: a row (the office's own, or one of its workstations), the office it
    belongs to, and the districts that office serves.

    `id` is the row: commands, audit chains, keys and statements are kept under it. `office` is
    the office (the row itself when it has no parent): the scope and what the office shares.
    """

    id: str
    name: str | None
    districts: tuple[str, ...]
    office: str = ""
    code: str | None = None
    kind: str | None = None

    @property
    def office_id(self) -> str:
        """The office this row belongs to."""
        return self.office or self.id

    def serves(self, district: str | None) -> bool:
        """True if `district` is one of the office's districts."""
        return district in self.districts

    def as_json(self) -> dict[str, Any]:
        """`{"id", "districts", "workstation"}` as the contract shows an office: the office's
        id, and the workstation that asked (`{"id", "code", "kind"}`)."""
        return {
            "id": self.office_id,
            "districts": list(self.districts),
            "workstation": {"id": self.id, "code": self.code, "kind": self.kind},
        }


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_district(code: str) -> str:
    """A district code of 6 digits, else InvalidInput."""
    if not DISTRICT.match(code):
        raise InvalidInput(f"{code!r} is not a district code (6 digits, e.g. 370102)")
    return code


def check_kind(kind: str) -> str:
    """A workstation kind (counter, kiosk, supervisor, relay), else InvalidInput."""
    if kind not in KINDS:
        raise InvalidInput(f"{kind!r} is not a workstation kind: one of {', '.join(KINDS)}")
    return kind


def enrol_office(
    office_id: str,
    districts: Sequence[str],
    name: str | None = None,
    *,
    new_token: bool = False,
    kind: str = "counter",
    now: datetime | None = None,
) -> str:
    """Enrol an office for `districts` and return its token (shown once, stored hashed).

    The office's own row is a workstation of `kind` too (a one-PC office needs nothing else)
    and gets its code. An office already enrolled is refused unless `new_token`: then its token
    is replaced (the old one stops working at once) and its districts (and name, if given) are
    set anew; its code stays.
    """
    if not OFFICE_ID.match(office_id):
        raise InvalidInput(
            f"{office_id!r} is not an office id: 1-40 letters, digits, '-' or '_' (no dots)"
        )
    check_kind(kind)
    codes = sorted({check_district(d) for d in districts})
    if not codes:
        raise InvalidInput("an office serves at least one district (--district CODE)")
    secret = secrets.token_urlsafe(32)
    now = now or utc_now()
    with store.write_transaction():
        existing = Office.get_or_none(Office.id == office_id)
        if existing is not None and existing.parent_id is not None:
            raise InvalidInput(
                f"{office_id} is a workstation of office {existing.parent_id}, not an office"
            )
        if existing is not None and not new_token:
            raise InvalidInput(
                f"office {office_id} is already enrolled: use --new-token to give it a new "
                "token (the old one stops working)"
            )
        if existing is None:
            Office.insert(
                id=office_id,
                name=name,
                token_hash=_secret_hash(secret),
                created_at=now,
                code=next_code(kind, None),
                kind=kind,
            ).execute()
        else:
            changes: dict[Any, Any] = {Office.token_hash: _secret_hash(secret)}
            changes[Office.revoked_at] = None
            if name is not None:
                changes[Office.name] = name
            if existing.code is None:
                changes[Office.code] = next_code(kind, None)
                changes[Office.kind] = kind
            Office.update(changes).where(Office.id == office_id).execute()
            OfficeDistrict.delete().where(OfficeDistrict.office == office_id).execute()
        OfficeDistrict.insert_many([{"office": office_id, "district": d} for d in codes]).execute()
    return f"{office_id}.{secret}"


@dataclass(frozen=True)
class NewWorkstation:
    """A workstation just enrolled: its row id, code, kind and token (shown once)."""

    id: str
    code: str
    kind: str
    token: str


def enrol_workstation(
    office_id: str,
    kind: str,
    *,
    code: str | None = None,
    name: str | None = None,
    now: datetime | None = None,
) -> NewWorkstation:
    """Enrol a workstation of an office (its own token and code; the office's districts).

    The row's id is `<office>-<code>`; its token works at headquarters and at the office's
    relay. A revoked or unknown office is refused.
    """
    check_kind(kind)
    secret = secrets.token_urlsafe(32)
    now = now or utc_now()
    with store.write_transaction():
        office = Office.get_or_none(Office.id == office_id)
        if office is None or office.revoked_at is not None:
            raise NotFound(f"there is no enrolled office {office_id}: enrol the office first")
        if office.parent_id is not None:
            raise InvalidInput(
                f"{office_id} is a workstation of office {office.parent_id}: name the office"
            )
        chosen = next_code(kind, code)
        row_id = f"{office_id}-{chosen}"
        if len(row_id) > 40 or Office.select().where(Office.id == row_id).exists():
            raise InvalidInput(f"cannot name the workstation {row_id}: choose another --code")
        Office.insert(
            id=row_id,
            name=name,
            token_hash=_secret_hash(secret),
            created_at=now,
            parent=office_id,
            code=chosen,
            kind=kind,
        ).execute()
    return NewWorkstation(row_id, chosen, kind, f"{row_id}.{secret}")


def revoke_office(office_id: str, now: datetime | None = None) -> None:
    """Revoke the token of an office (and so of its workstations) or of one workstation: its
    requests are refused from now on."""
    with store.write_transaction():
        done = Office.update(revoked_at=now or utc_now()).where(Office.id == office_id).execute()
    if not done:
        raise NotFound(f"there is no office or workstation {office_id}")


def find_office(office_id: str) -> EnrolledOffice | None:
    """The office or workstation with this id (revoked or not), or None."""
    row = Office.get_or_none(Office.id == office_id)
    if row is None:
        return None
    owner = row.parent_id or row.id
    districts = (
        OfficeDistrict.select(OfficeDistrict.district)
        .where(OfficeDistrict.office == owner)
        .order_by(OfficeDistrict.district)
    )
    return EnrolledOffice(
        row.id, row.name, tuple(d.district for d in districts), owner, row.code, row.kind
    )


def authenticate(token: str) -> EnrolledOffice | None:
    """The office or workstation a bearer token belongs to; None for a malformed, unknown or
    revoked token (a workstation of a revoked office is refused too)."""
    office_id, dot, secret = token.partition(".")
    if not dot or not OFFICE_ID.match(office_id) or not secret:
        return None
    row = (
        Office.select(Office.token_hash, Office.revoked_at, Office.parent)
        .where(Office.id == office_id)
        .first()
    )
    stored = row.token_hash if row is not None else _NO_HASH
    matches = hmac.compare_digest(stored, _secret_hash(secret))
    if row is None or not matches or row.revoked_at is not None:
        return None
    if row.parent_id is not None:
        parent = Office.select(Office.revoked_at).where(Office.id == row.parent_id).first()
        if parent is None or parent.revoked_at is not None:
            return None
    return find_office(office_id)


def workstations(office_id: str) -> list[Office]:
    """The rows of an office: its own first, then its workstations by code."""
    return list(
        Office.select()
        .where((Office.id == office_id) | (Office.parent == office_id))
        .order_by(Office.parent.is_null(False), Office.code)
    )


def row_of_code(code: str) -> Office | None:
    """The office or workstation row that has this code, or None."""
    return Office.get_or_none(Office.code == code)


def same_office(row_id: str, office: EnrolledOffice) -> bool:
    """True if the row `row_id` is `office`'s own or one of the same office's rows."""
    row = Office.select(Office.id, Office.parent).where(Office.id == row_id).first()
    return row is not None and (row.parent_id or row.id) == office.office_id


def register_key(
    office: EnrolledOffice,
    signing_key: str,
    office_name: str | None,
    client_version: str | None,
    now: datetime,
) -> None:
    """Keep the workstation's statement signing key (with every earlier one) and its details
    (the office's name is taken from its own PC only: a workstation's is given at enrolment)."""
    if not SIGNING_KEY.match(signing_key):
        raise InvalidInput("signing_key must be 64 hex digits")
    key = signing_key.lower()
    with store.write_transaction():
        known = OfficeKey.select().where(
            (OfficeKey.office == office.id) & (OfficeKey.key_hex == key)
        )
        if not known.exists():
            OfficeKey.insert(office=office.id, key_hex=key, registered_at=now).execute()
        changes: dict[Any, Any] = {Office.enrolled_at: now, Office.client_version: client_version}
        if office_name and office.name is None and office.id == office.office_id:
            changes[Office.name] = office_name
        Office.update(changes).where(Office.id == office.id).execute()


def signing_keys(office_id: str) -> list[bytes]:
    """Every signing key the office ever registered, newest first."""
    rows = (
        OfficeKey.select(OfficeKey.key_hex)
        .where(OfficeKey.office == office_id)
        .order_by(OfficeKey.id.desc())
    )
    return [bytes.fromhex(r.key_hex) for r in rows]


def offices_serving(district: str) -> list[str]:
    """The ids of the offices that serve `district`, each followed by its workstations."""
    rows = (
        OfficeDistrict.select(OfficeDistrict.office)
        .where(OfficeDistrict.district == district)
        .order_by(OfficeDistrict.office)
    )
    found: list[str] = []
    for r in rows:
        found.extend(w.id for w in workstations(r.office_id))
    return found


def listing() -> list[dict[str, Any]]:
    """Every office and workstation: office, id, code, kind, name, revoked, last contact."""
    rows = Office.select().order_by(
        peewee.fn.COALESCE(Office.parent, Office.id), Office.parent.is_null(False), Office.code
    )
    return [row_facts(r) for r in rows]


def row_facts(row: Office) -> dict[str, Any]:
    """An office's or workstation's row as listings show it (never its token hash)."""
    return {
        "office": row.parent_id or row.id,
        "id": row.id,
        "code": row.code,
        "kind": row.kind,
        "name": row.name,
        "revoked": row.revoked_at is not None,
        "last_seen_at": row.last_seen_at.isoformat() if row.last_seen_at else None,
    }


_SEEN_EVERY_S = 60.0
_last_seen: dict[str, datetime] = {}


def seen(row_id: str, now: datetime) -> None:
    """Note a request of `row_id`: written at most once a minute per row and API process (a
    busy office must not turn every request into a write)."""
    before = _last_seen.get(row_id)
    if before is not None and abs((now - before).total_seconds()) < _SEEN_EVERY_S:
        return
    _last_seen[row_id] = now
    try:
        Office.update(last_seen_at=now).where(Office.id == row_id).execute()
    except peewee.OperationalError:  # a busy database: the next minute's request notes it
        _last_seen.pop(row_id, None)


def acting_for(who: EnrolledOffice, code: str | None) -> EnrolledOffice | None:
    """The workstation a request speaks for: `who` itself without a code; with one, the
    workstation of that code when `who` is its office's relay (None: not allowed, unknown,
    another office's or revoked)."""
    if code is None or code == who.code:
        return who
    if who.kind != "relay":
        return None
    row = row_of_code(code)
    if row is None or row.revoked_at is not None:
        return None
    found = find_office(row.id)
    return found if found is not None and found.office_id == who.office_id else None


def workstation_rows(office_id: str) -> list[dict[str, Any]]:
    """The rows of an office as its relay needs them to let the workstations in (token
    hashes included: the relay checks the same tokens headquarters does)."""
    return [
        {
            "id": r.id,
            "code": r.code,
            "kind": r.kind,
            "name": r.name,
            "token_hash": r.token_hash,
            "revoked": r.revoked_at is not None,
        }
        for r in workstations(office_id)
    ]
