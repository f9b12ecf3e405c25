"""Staff sign-in at headquarters' own web consoles (the 12333 hotline desk).

The password is checked (argon2id) against the account's hash at headquarters (`staff_user`),
then the account must be active and of the console's role. Wrong passwords in a row are
counted in `staff_signin`, headquarters' own table (never published to an office), and lock the
account as an office does (`models.staff.lock_delay`: after 5 in a row, 30 seconds, doubling
with each further failure up to an hour); a correct password clears the count, and so does a
new password (`hq staff passwd`). An unknown username costs one argon2 hash too and gets the
same answer as a wrong password.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hq import store
from hq.schema import StaffSignIn
from models.fields import UtcDateTimeField
from models.staff import MAX_FAILURES, lock_delay

_HASHER = PasswordHasher()
_TIME = UtcDateTimeField()
MAX_USERNAME = 40


class ConsoleOutcome(StrEnum):
    """How a console sign-in ended."""

    OK = "ok"
    WRONG = "wrong"  # wrong password or unknown username: the same answer
    LOCKED = "locked"
    DISABLED = "disabled"
    NOT_ALLOWED = "not_allowed"  # the password is right but the role may not use the console


@dataclass(frozen=True)
class ConsoleSignIn:
    """The answer to one attempt: the account's username (None for an unknown one: for the
    audit log, never to be shown), the tries left before a lock and the end of a lock."""

    outcome: ConsoleOutcome
    username: str | None = None
    tries_left: int | None = None
    locked_until: datetime | None = None
    role: str | None = None  # the account's role, when it may not use the console


@cache
def _decoy() -> str:
    return _HASHER.hash("nobody's password")


def _verify(stored: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored or _decoy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _failures(staff_id: int) -> tuple[int, datetime | None]:
    row = store.execute(
        "SELECT failed_attempts, locked_until FROM staff_signin WHERE staff_id = ?", (staff_id,)
    ).fetchone()
    if row is None:
        return 0, None
    return int(row[0] or 0), (_TIME.python_value(row[1]) if row[1] is not None else None)


def _write(staff_id: int, failed: int, locked_until: datetime | None) -> None:
    StaffSignIn.insert(
        staff=staff_id, failed_attempts=failed, locked_until=locked_until
    ).on_conflict(
        conflict_target=[StaffSignIn.staff],
        update={StaffSignIn.failed_attempts: failed, StaffSignIn.locked_until: locked_until},
    ).execute()


def sign_in(
    username: str, password: str, roles: str | Collection[str], now: datetime
) -> ConsoleSignIn:
    """Check a staff account's password for a console (or a command) that accounts of `roles`
    may use, counting failures: the hotline console and `hq lookup` share the count and the
    lock."""
    allowed = {roles} if isinstance(roles, str) else set(roles)
    name = username.strip()[:MAX_USERNAME]
    row = store.execute(
        "SELECT id, username, password_hash, active, role FROM staff_user WHERE username = ?",
        (name,),
    ).fetchone()
    if row is None:
        _verify(None, password)
        return ConsoleSignIn(ConsoleOutcome.WRONG)
    staff_id, found, stored, active, account_role = row
    failed, locked_until = _failures(staff_id)
    if locked_until is not None and locked_until > now:
        return ConsoleSignIn(ConsoleOutcome.LOCKED, found, 0, locked_until)
    ok = _verify(stored, password)
    until: datetime | None = None
    with store.write_transaction():
        failed, _ = _failures(staff_id)  # again, inside the transaction
        if ok:
            if failed:
                _write(staff_id, 0, None)
        else:
            failed += 1
            delay = lock_delay(failed)
            until = now + delay if delay else None
            _write(staff_id, failed, until)
    if not ok:
        if until is not None:
            return ConsoleSignIn(ConsoleOutcome.LOCKED, found, 0, until)
        return ConsoleSignIn(ConsoleOutcome.WRONG, found, max(0, MAX_FAILURES - failed))
    if not active:
        return ConsoleSignIn(ConsoleOutcome.DISABLED, found)
    if account_role not in allowed:
        return ConsoleSignIn(ConsoleOutcome.NOT_ALLOWED, found, role=account_role)
    return ConsoleSignIn(ConsoleOutcome.OK, found)


def still_allowed(username: str, role: str) -> bool:
    """True while the account exists, is active and has `role` (checked on every request, so
    a disabled agent's open session ends at once)."""
    row = store.execute(
        "SELECT active, role FROM staff_user WHERE username = ?", (username,)
    ).fetchone()
    return row is not None and bool(row[0]) and row[1] == role


def clear_failures(staff_id: int) -> None:
    """Forget an account's wrong tries and lock (a new password was set)."""
    with store.write_transaction():
        StaffSignIn.delete().where(StaffSignIn.staff == staff_id).execute()
