"""Staff accounts at headquarters: each write in one transaction with its change-feed entries.

An account (username unique city-wide, display name, role, argon2id hash, active) serves one or
more districts (`staff_district`); the offices of those districts receive it. A write publishes
the account's row once per district it serves, so every office of each district sees it; an
office serving two of them applies the same row twice, which is harmless. Passwords arrive and
leave only as argon2id hashes.

The `hotline` role (HOTLINE_ROLE) is headquarters' own: a 12333 hotline agent serves the whole
city from headquarters' console (`hq.web.hotline`), so the account serves no district and no
office ever receives it (nothing is published); offices cannot add or change one either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hq import feed, staff_console, store
from hq.errors import InvalidInput, NotFound
from hq.feed import Change, Op
from hq.offices import check_district
from hq.schema import StaffAccount, StaffDistrict
from hq.wire import placeholders, wire_row
from models.clock import utc_now
from models.enums import Role
from models.errors import InvalidRequest
from models.replica import STAFF_USER
from models.staff import ARGON2ID_HASH, STAFF_ROLES, check_new_account

_COLUMNS = ", ".join(STAFF_USER.columns)
HOTLINE_ROLE = "hotline"  # a 12333 hotline agent: headquarters only, no district
HQ_ROLES = (*(r.value for r in STAFF_ROLES), HOTLINE_ROLE)  # the roles `hq staff add` takes

__all__ = [
    "HOTLINE_ROLE",
    "HQ_ROLES",
    "Account",
    "add_account",
    "find",
    "list_accounts",
    "publish",
    "republish",
    "scope_condition",
    "scope_rows",
    "set_active",
    "set_password_hash",
]


@dataclass(frozen=True)
class Account:
    """An account as headquarters holds it (the hash is never shown)."""

    id: int
    username: str
    display_name: str
    role: str
    has_password: bool
    active: bool
    created_at: str
    updated_at: str
    districts: tuple[str, ...]

    def serves_any(self, districts: Sequence[str]) -> bool:
        """True if the account serves one of `districts`."""
        return any(d in districts for d in self.districts)

    def as_json(self) -> dict[str, Any]:
        """The account for `hq staff list --json` (no hash)."""
        return {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "active": self.active,
            "has_password": self.has_password,
            "districts": list(self.districts),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


def scope_condition(districts: Sequence[str]) -> tuple[str, list[str]]:
    """SQL condition on staff_user.id selecting the accounts of a scope, and its parameters."""
    if not districts:
        return "1 = 0", []
    return (
        "id IN (SELECT staff_id FROM staff_district WHERE district IN "
        f"({placeholders(len(districts))}))",
        list(districts),
    )


def scope_rows(districts: Sequence[str]) -> list[list[Any]]:
    """The accounts serving one of `districts`, wire order, by username."""
    condition, params = scope_condition(districts)
    query = f"SELECT {_COLUMNS} FROM staff_user WHERE {condition} ORDER BY username"
    return [wire_row(r) for r in store.execute(query, params).fetchall()]


def _districts(account_id: int) -> tuple[str, ...]:
    rows = store.execute(
        "SELECT district FROM staff_district WHERE staff_id = ? ORDER BY district", (account_id,)
    ).fetchall()
    return tuple(r[0] for r in rows)


def find(username: str) -> Account | None:
    """The account with this username (any district), or None."""
    row = store.execute(
        "SELECT id, username, display_name, role, password_hash, active, created_at, updated_at "
        "FROM staff_user WHERE username = ?",
        (username.strip(),),
    ).fetchone()
    if row is None:
        return None
    values = wire_row(row)
    return Account(
        values[0],
        values[1],
        values[2],
        values[3],
        values[4] is not None,
        bool(values[5]),
        values[6],
        values[7],
        _districts(values[0]),
    )


def _existing(username: str) -> Account:
    found = find(username)
    if found is None:
        raise NotFound(f"headquarters has no staff account {username.strip()!r}")
    return found


def list_accounts(district: str | None = None) -> list[Account]:
    """Every account, or those serving `district`, by username."""
    if district is not None:
        condition, params = scope_condition([check_district(district)])
    else:
        condition, params = "1 = 1", []
    names = store.execute(
        f"SELECT username FROM staff_user WHERE {condition} ORDER BY username", params
    ).fetchall()
    return [_existing(r[0]) for r in names]


def publish(account_id: int, now: datetime) -> int:
    """Publish the account's current row to every district it serves (inside the caller's
    write transaction, or its own); the last seq."""
    with store.write_transaction():
        row = store.execute(
            f"SELECT {_COLUMNS} FROM staff_user WHERE id = ?", (account_id,)
        ).fetchone()
        if row is None:
            return feed.head_seq()
        values = wire_row(row)
        changes = [Change(STAFF_USER.name, Op.UPSERT, d, values) for d in _districts(account_id)]
        return feed.append(changes, now) if changes else feed.head_seq()


def republish(username: str, now: datetime) -> int:
    """Publish an account again (after a rejected command); nothing for an unknown one."""
    found = find(username)
    if found is None:
        return feed.head_seq()
    return publish(found.id, now)


def _check_hash(password_hash: str | None) -> None:
    if password_hash is not None and not ARGON2ID_HASH.match(password_hash):
        raise InvalidInput("a staff password travels only as an argon2id hash ($argon2id$...)")


def add_account(
    username: str,
    display_name: str,
    role: str,
    password_hash: str | None,
    districts: Sequence[str],
    *,
    now: datetime | None = None,
) -> Account:
    """Create an account for `districts` and publish it (a hotline agent's: no district, not
    published). InvalidInput for a taken username, a bad role, name or district, or a password
    that is not an argon2id hash."""
    hotline = role.strip() == HOTLINE_ROLE
    try:
        name, shown, kind = check_new_account(
            username, display_name, Role.CLERK.value if hotline else role
        )
    except InvalidRequest as exc:
        raise InvalidInput(str(exc)) from None
    _check_hash(password_hash)
    codes = sorted({check_district(d) for d in districts})
    if hotline and codes:
        raise InvalidInput(
            "a hotline agent serves the whole city from headquarters: give no --district"
        )
    if not codes and not hotline:
        raise InvalidInput("a staff account serves at least one district (--district CODE)")
    now = now or utc_now()
    with store.write_transaction():
        taken = find(name)
        if taken is not None:
            raise InvalidInput(
                f"the username {name} is taken (an account of district "
                f"{', '.join(taken.districts) or '-'}): usernames are unique in the city"
            )
        account_id = StaffAccount.insert(
            username=name,
            display_name=shown,
            role=HOTLINE_ROLE if hotline else kind.value,
            password_hash=password_hash,
            active=1,
            created_at=now,
            updated_at=now,
        ).execute()
        if codes:
            StaffDistrict.insert_many(
                [{"staff": account_id, "district": d} for d in codes]
            ).execute()
        publish(account_id, now)
    return _existing(name)


def _update(username: str, changes: dict[Any, Any], now: datetime) -> Account:
    with store.write_transaction():
        found = _existing(username)
        changes[StaffAccount.updated_at] = now
        StaffAccount.update(changes).where(StaffAccount.id == found.id).execute()
        publish(found.id, now)
    return _existing(username)


def set_active(username: str, active: bool, *, now: datetime | None = None) -> Account:
    """Enable or disable an account and publish it (every office of its districts follows at
    its next sync: a disabled account cannot sign in there after that)."""
    return _update(username, {StaffAccount.active: int(active)}, now or utc_now())


def set_password_hash(username: str, password_hash: str, *, now: datetime | None = None) -> Account:
    """Store a new argon2id hash for an account and publish it; it lifts a lock of
    headquarters' consoles (`hq.staff_console`)."""
    _check_hash(password_hash)
    with store.write_transaction():
        account = _update(username, {StaffAccount.password_hash: password_hash}, now or utc_now())
        staff_console.clear_failures(account.id)
    return account
