"""Staff accounts: sign-in (argon2id, strength rules, a lockout with a growing delay) and the
changes an office makes to the accounts headquarters manages.

Sign-in works offline, against the office's copy of the district's staff. After MAX_FAILURES
wrong passwords in a row the account is locked for LOCK_BASE_SECONDS, and every further failure
after a lock doubles the wait (up to LOCK_MAX_SECONDS); a correct password resets the count.
The count and the lock are kept in `staff_user.failed_attempts` and `locked_until`, and shared
with the office's other workstations (`staff.sign_in_state`, the office's journal).

Headquarters owns the accounts of the district (`origin` 'hq'): a member of staff changing their
own password, and a supervisor adding a clerk, disabling an account or resetting a password,
change the local row at once and queue the command for headquarters in the same transaction
(`staff.password_set`, `staff.add`, `staff.disable`); only argon2id hashes travel. Accounts of
this office only (`origin` 'local': the first admin of `counterdesk init`, the offline demo
roster) change locally and queue nothing. Sign-ins, failures and changes are audit events.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from models import audit, outbox
from models.actor import Actor
from models.clock import utc_now
from models.commands import CommandName
from models.enums import OutboxStatus, Role
from models.errors import InvalidRequest, RegisterError, StaffNotFound, UsernameTaken
from models.permissions import Permission, PermissionDenied, require
from models.schema import OfficeSetting, Outbox, StaffUser, write_transaction

MIN_LENGTH = 8
MAX_FAILURES = 5
LOCK_BASE_SECONDS = 30
LOCK_MAX_SECONDS = 3600
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
MAX_DISPLAY_NAME = 40
# An argon2id hash in PHC form, as argon2-cffi writes it: the only form a password travels in.
ARGON2ID_HASH = re.compile(
    r"^\$argon2id\$v=19\$m=\d{1,7},t=\d{1,3},p=\d{1,3}\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{16,}$"
)

# Where a staff_user row comes from (see models.schema.StaffUser).
ORIGIN_HQ = "hq"
ORIGIN_LOCAL = "local"
ORIGIN_PENDING = "pending"
MANAGED = (ORIGIN_HQ, ORIGIN_PENDING)

# The outbox commands of staff accounts (docs/sync-protocol.md).
ADD_COMMAND = CommandName.STAFF_ADD
DISABLE_COMMAND = CommandName.STAFF_DISABLE
PASSWORD_COMMAND = CommandName.STAFF_PASSWORD
STAFF_ROLES = (Role.CLERK, Role.SUPERVISOR, Role.ADMIN)
# Whose accounts a role may manage: a supervisor never creates or changes an admin account.
MANAGEABLE: dict[Role, frozenset[Role]] = {
    Role.SUPERVISOR: frozenset({Role.CLERK, Role.SUPERVISOR}),
    Role.ADMIN: frozenset(STAFF_ROLES),
}
# Said wherever a register without any admin account shows (after "No admin account: ").
NO_ADMIN_HINT = (
    "create the first one with `counterdesk init` on this office home (it asks for the "
    "username and password)"
)

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
    row = (
        StaffUser.select(StaffUser.failed_attempts, StaffUser.locked_until)
        .where(StaffUser.username == username)
        .first()
    )
    if row is None:
        return _Failures()
    return _Failures(row.failed_attempts or 0, row.locked_until)


def _write_failures(username: str, failures: _Failures) -> None:
    StaffUser.update(failed_attempts=failures.count, locked_until=failures.locked_until).where(
        StaffUser.username == username
    ).execute()


def _share_failures(actor: Actor, failures: _Failures, now: datetime) -> None:
    """Queue the account's failure count for the office's other workstations (through
    headquarters or the relay): a guesser cannot walk to the next window. 0 clears it."""
    until = failures.locked_until.isoformat() if failures.locked_until else None
    outbox.enqueue(
        CommandName.STAFF_SIGN_IN_STATE,
        {
            "username": actor.name,
            "failed_attempts": failures.count,
            "locked_until": until,
            "at": now.isoformat(),
        },
        actor,
    )


def staff_member(username: str) -> StaffMember:
    """The active member of staff with this username; NotFound otherwise."""
    row = StaffUser.get_or_none(StaffUser.username == username.strip())
    if row is None:
        raise StaffNotFound(username.strip())
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
                _share_failures(actor, _Failures(), now)
            # headquarters' hashes are its own: only an account of this office is rehashed
            if row.origin == ORIGIN_LOCAL and _HASHER.check_needs_rehash(row.password_hash):
                StaffUser.update(password_hash=hash_password(password)).where(
                    StaffUser.id == row.id
                ).execute()
            audit.record(actor, "staff.sign_in", None)
            return actor
        count = failures.count + 1
        delay = lock_delay(count)
        locked_until = now + delay if delay else None
        _write_failures(row.username, _Failures(count, locked_until))
        _share_failures(actor, _Failures(count, locked_until), now)
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


def may_manage(role: Role, target: Role) -> bool:
    """True if a member of staff with `role` may add, disable or reset an account of `target`."""
    return target in MANAGEABLE.get(role, frozenset())


def _require_manage(actor: Actor, target: Role, what: str) -> None:
    require(actor, Permission.STAFF)
    if not may_manage(actor.role, target):
        raise PermissionDenied(
            f"{actor.name} ({actor.role.value}) may not {what} an account of role "
            f"{target.value}: an administrator does that at headquarters"
        )


def _is_command_line(actor: Actor) -> bool:
    return actor.name.startswith("cli:")


def _row(username: str) -> StaffUser:
    row = StaffUser.get_or_none(StaffUser.username == username.strip())
    if row is None:
        raise StaffNotFound(username.strip())
    return row


def set_password(username: str, new_password: str, actor: Actor) -> None:
    """Set the password of `username`: their own, or anyone's whose role the actor may manage
    (Permission.STAFF); lifts a lock. An account headquarters manages queues
    `staff.password_set` with the new hash in the same transaction.

    Raises WeakStaffPassword, NotFound or PermissionDenied.
    """
    row = _row(username)
    target = Role(row.role)
    if actor.name != row.username:
        _require_manage(actor, target, "set the password of")
    if row.origin in MANAGED and _is_command_line(actor):
        raise PermissionDenied(
            f"the account {row.username} is managed by headquarters: change its password at "
            f"headquarters (`counterdesk hq staff passwd {row.username}`), or sign in to the "
            "application as its owner or as a supervisor"
        )
    problem = password_problem(row.username, new_password)
    if problem is not None:
        raise WeakStaffPassword(problem)
    hashed = hash_password(new_password)
    with write_transaction():
        StaffUser.update(
            password_hash=hashed, failed_attempts=0, locked_until=None, updated_at=utc_now()
        ).where(StaffUser.id == row.id).execute()
        if row.origin in MANAGED:
            outbox.enqueue(
                PASSWORD_COMMAND, {"username": row.username, "password_hash": hashed}, actor
            )
        audit.record(actor, PASSWORD_COMMAND, None, username=row.username)


def _office_district() -> str:
    row = OfficeSetting.get_or_none(OfficeSetting.key == "district")
    if row is None:
        raise InvalidRequest("this register has no district setting: it was not made by init")
    return row.value


def check_new_account(username: str, display_name: str, role: str) -> tuple[str, str, Role]:
    """The username, display name and role of a new account, checked (InvalidRequest)."""
    name = username.strip()
    if not USERNAME.match(name):
        raise InvalidRequest(
            f"{name!r} is not a username: 1-40 letters, digits, '.', '_' or '-', starting with "
            "a letter or digit"
        )
    shown = " ".join(display_name.split())
    if not shown or len(shown) > MAX_DISPLAY_NAME:
        raise InvalidRequest(f"a display name has 1 to {MAX_DISPLAY_NAME} characters")
    try:
        kind = Role(role)
    except ValueError:
        kind = None
    if kind not in STAFF_ROLES:
        raise InvalidRequest(
            f"{role!r} is not a staff role: one of {', '.join(r.value for r in STAFF_ROLES)}"
        )
    return name, shown, kind


def add_staff(
    username: str, display_name: str, role: str, password: str, actor: Actor
) -> StaffMember:
    """Add an account of this office's district (pending until headquarters confirms it).

    The member of staff can sign in here at once; `staff.add` (with the password's hash and the
    district) is queued in the same transaction. Raises PermissionDenied (the actor's role; a
    supervisor adding an admin), InvalidRequest (bad or taken username) or WeakStaffPassword.
    """
    name, shown, kind = check_new_account(username, display_name, role)
    _require_manage(actor, kind, "create")
    problem = password_problem(name, password)
    if problem is not None:
        raise WeakStaffPassword(problem)
    hashed = hash_password(password)
    with write_transaction():
        if StaffUser.select().where(StaffUser.username == name).exists():
            raise UsernameTaken(name)
        district = _office_district()
        now = utc_now()
        StaffUser.insert(
            username=name,
            display_name=shown,
            role=kind.value,
            password_hash=hashed,
            active=True,
            created_at=now,
            updated_at=now,
            origin=ORIGIN_PENDING,
        ).execute()
        payload = {
            "username": name,
            "display_name": shown,
            "role": kind.value,
            "password_hash": hashed,
            "district": district,
        }
        outbox.enqueue(ADD_COMMAND, payload, actor)
        audit.record(actor, ADD_COMMAND, None, username=name, role=kind.value)
    return StaffMember(name, shown, kind)


def disable_staff(username: str, actor: Actor) -> None:
    """Switch an account off: it cannot sign in here from now on, nor at the other offices once
    headquarters has applied the queued `staff.disable`. Disabling a disabled account does
    nothing. Raises NotFound, PermissionDenied (own account, a role the actor may not manage)."""
    row = _row(username)
    if row.username == actor.name:
        raise PermissionDenied("nobody disables their own account: ask another supervisor")
    _require_manage(actor, Role(row.role), "disable")
    if not row.active:
        return
    with write_transaction():
        StaffUser.update(active=False, updated_at=utc_now()).where(StaffUser.id == row.id).execute()
        if row.origin in MANAGED:
            outbox.enqueue(DISABLE_COMMAND, {"username": row.username}, actor)
        audit.record(actor, DISABLE_COMMAND, None, username=row.username)


@dataclass(frozen=True)
class StaffAccount:
    """An account as the staff screen shows it, with the commands headquarters has not
    answered yet (`pending`) and the rejected ones nobody acknowledged (`rejected`: reasons)."""

    username: str
    display_name: str
    role: Role
    active: bool
    origin: str
    locked: bool
    pending: tuple[str, ...]
    rejected: tuple[str, ...]

    @property
    def confirmed(self) -> bool:
        """True when headquarters holds the account as shown (nothing pending)."""
        return self.origin == ORIGIN_HQ and not self.pending


def _open_commands() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    pending: dict[str, list[str]] = {}
    rejected: dict[str, list[str]] = {}
    rows = (
        Outbox.select(Outbox.command, Outbox.payload, Outbox.status, Outbox.reason)
        .where(
            Outbox.command.startswith("staff.")
            & (
                (Outbox.status == OutboxStatus.PENDING.value)
                | (
                    (Outbox.status == OutboxStatus.REJECTED.value)
                    & Outbox.acknowledged_at.is_null()
                )
            )
        )
        .order_by(Outbox.seq)
    )
    for row in rows:
        name = json.loads(row.payload).get("username", "")
        if row.status == OutboxStatus.PENDING.value:
            pending.setdefault(name, []).append(row.command)
        else:
            rejected.setdefault(name, []).append(row.reason or row.command)
    return pending, rejected


def list_staff(actor: Actor, now: datetime | None = None) -> list[StaffAccount]:
    """Every account this office knows, by username, with its open commands (Permission.STAFF)."""
    require(actor, Permission.STAFF)
    now = now or utc_now()
    pending, rejected = _open_commands()
    return [
        StaffAccount(
            row.username,
            row.display_name,
            Role(row.role),
            bool(row.active),
            row.origin,
            row.locked_until is not None and row.locked_until > now,
            tuple(pending.get(row.username, ())),
            tuple(rejected.get(row.username, ())),
        )
        for row in StaffUser.select().order_by(StaffUser.username)
    ]


def has_admin() -> bool:
    """True if an active admin account with a password exists in the register."""
    return (
        StaffUser.select()
        .where(
            (StaffUser.role == Role.ADMIN.value)
            & StaffUser.active
            & StaffUser.password_hash.is_null(False)
        )
        .exists()
    )


def create_first_admin(username: str, password: str, actor: Actor) -> StaffMember:
    """The office's first admin account (this office only, origin 'local'), for `init`.

    Refused (InvalidRequest) when the register has an admin already; WeakStaffPassword for a
    password that breaks the rules.
    """
    name, shown, _role = check_new_account(username, username, Role.ADMIN.value)
    problem = password_problem(name, password)
    if problem is not None:
        raise WeakStaffPassword(problem)
    hashed = hash_password(password)
    with write_transaction():
        if has_admin():
            raise InvalidRequest(
                "this register has an admin account already: that admin manages the others"
            )
        if StaffUser.select().where(StaffUser.username == name).exists():
            raise UsernameTaken(name)
        now = utc_now()
        StaffUser.insert(
            username=name,
            display_name=shown,
            role=Role.ADMIN.value,
            password_hash=hashed,
            active=True,
            created_at=now,
            updated_at=now,
            origin=ORIGIN_LOCAL,
        ).execute()
        audit.record(actor, "staff.first_admin", None, username=name)
    return StaffMember(name, shown, Role.ADMIN)
