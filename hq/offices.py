"""Enrolled offices: tokens (stored hashed), their districts (the scope) and signing keys.

A token reads `<office id>.<secret>`; the secret is 32 random bytes in urlsafe base64 and only
its SHA-256 is stored, compared in constant time.
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

from hq import store
from hq.errors import InvalidInput, NotFound
from hq.schema import Office, OfficeDistrict, OfficeKey
from models.clock import utc_now

OFFICE_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
DISTRICT = re.compile(r"^\d{6}$")
SIGNING_KEY = re.compile(r"^[0-9a-fA-F]{64}$")
_NO_HASH = "0" * 64  # compared against when the office is unknown, to take the same time


@dataclass(frozen=True)
class EnrolledOffice:
    """An office as the API sees it: who it is and the districts it serves."""

    id: str
    name: str | None
    districts: tuple[str, ...]

    def serves(self, district: str | None) -> bool:
        """True if `district` is one of the office's districts."""
        return district in self.districts

    def as_json(self) -> dict[str, Any]:
        """`{"id", "districts"}` as the contract shows an office."""
        return {"id": self.id, "districts": list(self.districts)}


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_district(code: str) -> str:
    """A district code of 6 digits, else InvalidInput."""
    if not DISTRICT.match(code):
        raise InvalidInput(f"{code!r} is not a district code (6 digits, e.g. 370102)")
    return code


def enrol_office(
    office_id: str,
    districts: Sequence[str],
    name: str | None = None,
    *,
    new_token: bool = False,
    now: datetime | None = None,
) -> str:
    """Enrol an office for `districts` and return its token (shown once, stored hashed).

    An office already enrolled is refused unless `new_token`: then its token is replaced (the
    old one stops working at once) and its districts (and name, if given) are set anew.
    """
    if not OFFICE_ID.match(office_id):
        raise InvalidInput(
            f"{office_id!r} is not an office id: 1-40 letters, digits, '-' or '_' (no dots)"
        )
    codes = sorted({check_district(d) for d in districts})
    if not codes:
        raise InvalidInput("an office serves at least one district (--district CODE)")
    secret = secrets.token_urlsafe(32)
    now = now or utc_now()
    with store.write_transaction():
        existing = Office.get_or_none(Office.id == office_id)
        if existing is not None and not new_token:
            raise InvalidInput(
                f"office {office_id} is already enrolled: use --new-token to give it a new "
                "token (the old one stops working)"
            )
        if existing is None:
            Office.insert(
                id=office_id, name=name, token_hash=_secret_hash(secret), created_at=now
            ).execute()
        else:
            changes: dict[Any, Any] = {Office.token_hash: _secret_hash(secret)}
            changes[Office.revoked_at] = None
            if name is not None:
                changes[Office.name] = name
            Office.update(changes).where(Office.id == office_id).execute()
            OfficeDistrict.delete().where(OfficeDistrict.office == office_id).execute()
        OfficeDistrict.insert_many([{"office": office_id, "district": d} for d in codes]).execute()
    return f"{office_id}.{secret}"


def revoke_office(office_id: str, now: datetime | None = None) -> None:
    """Revoke an office's token: its requests are refused from now on."""
    with store.write_transaction():
        done = Office.update(revoked_at=now or utc_now()).where(Office.id == office_id).execute()
    if not done:
        raise NotFound(f"there is no office {office_id}")


def find_office(office_id: str) -> EnrolledOffice | None:
    """The office with this id (revoked or not), or None."""
    row = Office.get_or_none(Office.id == office_id)
    if row is None:
        return None
    districts = (
        OfficeDistrict.select(OfficeDistrict.district)
        .where(OfficeDistrict.office == office_id)
        .order_by(OfficeDistrict.district)
    )
    return EnrolledOffice(row.id, row.name, tuple(d.district for d in districts))


def authenticate(token: str) -> EnrolledOffice | None:
    """The office a bearer token belongs to; None for a malformed, unknown or revoked token."""
    office_id, dot, secret = token.partition(".")
    if not dot or not OFFICE_ID.match(office_id) or not secret:
        return None
    row = Office.select(Office.token_hash, Office.revoked_at).where(Office.id == office_id).first()
    stored = row.token_hash if row is not None else _NO_HASH
    matches = hmac.compare_digest(stored, _secret_hash(secret))
    if row is None or not matches or row.revoked_at is not None:
        return None
    return find_office(office_id)


def register_key(
    office: EnrolledOffice,
    signing_key: str,
    office_name: str | None,
    client_version: str | None,
    now: datetime,
) -> None:
    """Keep the office's statement signing key (with every earlier one) and its details."""
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
        if office_name and office.name is None:
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
    """The ids of the offices that serve `district`."""
    rows = (
        OfficeDistrict.select(OfficeDistrict.office)
        .where(OfficeDistrict.district == district)
        .order_by(OfficeDistrict.office)
    )
    return [r.office_id for r in rows]
