"""Staff sign-in: argon2id password hashes, strength rules, and a lockout with a growing delay.

Sign-in works offline, against the office's own staff list. After MAX_FAILURES wrong passwords
in a row the account is locked for LOCK_BASE_SECONDS, and every further failure after a lock
doubles the wait (up to LOCK_MAX_SECONDS); a correct password resets the count.

The failure count lives in the office settings (key ``staff.failures.<username>``) until the
schema gives `staff_user` columns for it. Sign-ins, failures and password changes are written
to the audit log; staff passwords are the office's own and are not sent to headquarters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from models import audit
from models.actor import Actor
from models.enums import Role
from models.errors import NotFound, RegisterError
from models.fields import utc_now
from models.permissions import Permission, PermissionDenied, allowed
from models.schema import OfficeSetting, StaffUser, write_transaction

MIN_LENGTH = 8
MAX_FAILURES = 5
LOCK_BASE_SECONDS = 30
LOCK_MAX_SECONDS = 3600
SETTING_PREFIX = "staff.failures."

# argon2id with the library's defaults (RFC 9106 low-memory profile: 64 MiB, 3 passes).
_HASHER = PasswordHasher()


class PasswordProblem(StrEnum):
    """Why a new staff password is refused."""

    TOO_SHORT = "too_short"
    ALL_DIGITS = "all_digits"
    SAME_AS_USERNAME = "same_as_username"


_WEAK_MESSAGES = {
    PasswordProblem.TOO_SHORT: f"a staff password needs at least {MIN_LENGTH} characters",
    PasswordProblem.ALL_DIGITS: "a staff password must not be digits only",
    PasswordProblem.SAME_AS_USERNAME: "a staff password must not be the username",
}


class StaffAuthError(RegisterError):
    """Base of the sign-in and password errors."""


class BadCredentials(StaffAuthError):
    """Wrong username or password. `remaining` is the tries left before a lock (None: unknown
    username, nothing counted)."""

    def __init__(self, remaining: int | None) -> None:
        self.remaining = remaining
        text = "wrong username or password"
        if remaining is not None:
            text += f"; {remaining} tr{'y' if remaining == 1 else 'ies'} left before a lock"
        super().__init__(text)


class AccountLocked(StaffAuthError):
    """Too many wrong passwords: no sign-in until `locked_until` (UTC)."""

    def __init__(self, locked_until: datetime) -> None:
        self.locked_until = locked_until
        super().__init__(
            f"too many wrong passwords: this account is locked until "
            f"{locked_until.astimezone():%H:%M:%S}"
        )

    def seconds_left(self, now: datetime | None = None) -> int:
        """Whole seconds until the lock ends (at least 1 while locked)."""
        left = (self.locked_until - (now or utc_now())).total_seconds()
        return max(1, int(left + 0.999))


class AccountDisabled(StaffAuthError):
    """The account exists but is switched off."""

    def __init__(self, username: str) -> None:
        super().__init__(f"the account {username} is disabled: ask an administrator")


class PasswordNotSet(StaffAuthError):
    """The account has no password yet."""

    def __init__(self, username: str) -> None:
        self.username = username
        super().__init__(
            f"{username} has no password yet: an administrator sets one with "
            f"`counterdesk staff passwd {username}`"
        )


class WeakStaffPassword(StaffAuthError, ValueError):
    """A new password that breaks the rules; `problem` says which."""

    def __init__(self, problem: PasswordProblem) -> None:
        self.problem = problem
        super().__init__(_WEAK_MESSAGES[problem])


@dataclass(frozen=True)
class StaffMember:
    """A member of staff as the application shows them."""

    username: str
    display_name: str
    role: Role

    @property
    def actor(self) -> Actor:
        """The actor the services are told about."""
        return Actor(self.username, self.role)


@dataclass(frozen=True)
class _Failures:
    count: int = 0
    locked_until: datetime | None = None


def password_problem(username: str, password: str) -> PasswordProblem | None:
    """The first rule `password` breaks for `username`, or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return PasswordProblem.TOO_SHORT
    if password.isdigit():
        return PasswordProblem.ALL_DIGITS
    if password.strip().casefold() == username.strip().casefold():
        return PasswordProblem.SAME_AS_USERNAME
    return None


def hash_password(password: str) -> str:
    """An argon2id hash (salt and parameters included) of `password`."""
    return _HASHER.hash(password)


def lock_delay(failures: int) -> timedelta | None:
    """How long an account is locked after `failures` wrong passwords in a row (None: not)."""
    if failures < MAX_FAILURES:
        return None
    seconds = LOCK_BASE_SECONDS * 2 ** min(failures - MAX_FAILURES, 16)
    return timedelta(seconds=min(seconds, LOCK_MAX_SECONDS))


def _read_failures(username: str) -> _Failures:
    row = OfficeSetting.get_or_none(OfficeSetting.key == SETTING_PREFIX + username)
    if row is None:
        return _Failures()
    data = json.loads(row.value)
    until = data.get("locked_until")
    return _Failures(int(data.get("count", 0)), datetime.fromisoformat(until) if until else None)


def _write_failures(username: str, failures: _Failures) -> None:
    key = SETTING_PREFIX + username
    if failures.count == 0:
        OfficeSetting.delete().where(OfficeSetting.key == key).execute()
        return
    until = failures.locked_until.isoformat() if failures.locked_until else None
    value = json.dumps({"count": failures.count, "locked_until": until})
    OfficeSetting.replace(key=key, value=value).execute()


def staff_member(username: str) -> StaffMember:
    """The active member of staff with this username; NotFound otherwise."""
    row = StaffUser.get_or_none(StaffUser.username == username.strip())
    if row is None:
        raise NotFound(f"no member of staff named {username.strip()!r}")
    return StaffMember(row.username, row.display_name, Role(row.role))


def authenticate(username: str, password: str, now: datetime | None = None) -> Actor:
    """Check a staff password and return the member of staff as an Actor.

    Raises BadCredentials (with the tries left), AccountLocked, AccountDisabled or
    PasswordNotSet. A success and every failure are written to the audit log.
    """
    now = now or utc_now()
    name = username.strip()[:40]
    row = StaffUser.get_or_none(StaffUser.username == name)
    if row is None:
        _verify(_dummy_hash(), password)  # an unknown name costs the same time
        raise BadCredentials(None)
    actor = Actor(row.username, Role(row.role))
    if not row.active:
        raise AccountDisabled(row.username)
    if row.password_hash is None:
        raise PasswordNotSet(row.username)
    before = _read_failures(row.username)
    if before.locked_until is not None and before.locked_until > now:
        raise AccountLocked(before.locked_until)
    ok = _verify(row.password_hash, password)
    with write_transaction():
        failures = _read_failures(row.username)  # again: another counter may have failed too
        if ok:
            if failures.count:
                _write_failures(row.username, _Failures())
            if _HASHER.check_needs_rehash(row.password_hash):
                StaffUser.update(password_hash=hash_password(password)).where(
                    StaffUser.id == row.id
                ).execute()
            audit.record(actor, "staff.sign_in", None)
            return actor
        count = failures.count + 1
        delay = lock_delay(count)
        locked_until = now + delay if delay else None
        _write_failures(row.username, _Failures(count, locked_until))
        audit.record(actor, "staff.sign_in_failed", None, failures=count)
    if locked_until is not None:
        raise AccountLocked(locked_until)
    raise BadCredentials(MAX_FAILURES - count)


@cache
def _dummy_hash() -> str:
    return _HASHER.hash("not the password of anyone")


def _verify(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def set_password(username: str, new_password: str, actor: Actor) -> None:
    """Set the password of `username` (their own, or anyone's for a role with the SETTINGS
    permission); lifts a lock. Raises WeakStaffPassword, NotFound or PermissionDenied."""
    member = staff_member(username)
    if actor.name != member.username and not allowed(actor, Permission.SETTINGS):
        raise PermissionDenied(
            f"{actor.name} ({actor.role.value}) may not set the password of {member.username}: "
            "ask an administrator"
        )
    problem = password_problem(member.username, new_password)
    if problem is not None:
        raise WeakStaffPassword(problem)
    hashed = hash_password(new_password)
    with write_transaction():
        StaffUser.update(password_hash=hashed).where(
            StaffUser.username == member.username
        ).execute()
        _write_failures(member.username, _Failures())
        audit.record(actor, "staff.password_set", None, username=member.username)
