"""The holder's query password (查询密码) for the online and kiosk channels.

The initial password is the birth date YYYYMMDD, as the bureau does; until the holder changes
it there is no hash to store, so a district of a million people costs no hashing at load time.
Wrong passwords are counted: after MAX_ATTEMPTS the credential locks for LOCK_HOURS, or until
the counter resets it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from models import audit, outbox
from models.actor import Actor
from models.clock import utc_now
from models.commands import CommandName
from models.errors import CredentialLocked, NotFound
from models.permissions import Permission, require
from models.schema import Person, QueryCredential, write_transaction

MAX_ATTEMPTS = 5
LOCK_HOURS = 24
PASSWORD = re.compile(r"^\d{6,8}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class WeakPassword(ValueError):
    """A new query password that does not meet the rules."""


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of one password check."""

    ok: bool
    remaining_attempts: int
    locked_until: datetime | None = None


def hash_password(password: str) -> str:
    """A salted scrypt hash in a self-describing text form."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    fields = (
        "scrypt",
        str(_SCRYPT["n"]),
        str(_SCRYPT["r"]),
        str(_SCRYPT["p"]),
        base64.b64encode(salt).decode(),
        base64.b64encode(digest).decode(),
    )
    return "$".join(fields)


def check_hash(password: str, stored: str) -> bool:
    """True if `password` matches a hash made by hash_password."""
    scheme, n, r, p, salt, digest = stored.split("$")
    if scheme != "scrypt":
        raise ValueError(f"unknown password scheme {scheme!r}")
    actual = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(actual, base64.b64decode(digest))


def _person(person_id: int) -> Person:
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        raise NotFound(f"no person with id {person_id}")
    return person


def verify_query_password(
    person_id: int, password: str, actor: Actor, now: datetime | None = None
) -> VerifyResult:
    """Check a query password, counting failures; raise CredentialLocked while locked."""
    require(actor, Permission.QUERY_PASSWORD)
    now = now or utc_now()
    with write_transaction():
        person = _person(person_id)
        cred = QueryCredential.get_or_none(QueryCredential.person == person_id)
        if cred and cred.locked_until and cred.locked_until > now:
            audit.record(actor, "query_password.locked_attempt", person_id)
            raise CredentialLocked(
                f"the query password is locked until "
                f"{cred.locked_until.astimezone():%Y-%m-%d %H:%M} after {MAX_ATTEMPTS} wrong "
                "attempts: the holder can have it reset at the counter with their ID card"
            )
        if cred is None or cred.password_hash is None:
            ok = hmac.compare_digest(
                password.encode(), person.birth_date.strftime("%Y%m%d").encode()
            )
        else:
            ok = check_hash(password, cred.password_hash)
        failed_before = cred.failed_attempts if cred else 0
        if cred and cred.locked_until and cred.locked_until <= now:
            failed_before = 0  # an expired lock starts a fresh count
        if ok:
            if cred and (cred.failed_attempts or cred.locked_until):
                QueryCredential.update(failed_attempts=0, locked_until=None).where(
                    QueryCredential.person == person_id
                ).execute()
                outbox.enqueue(CommandName.PASSWORD_UNLOCKED, {"ssn": person.ssn}, actor)
            audit.record(actor, "query_password.verified", person_id)
            return VerifyResult(True, MAX_ATTEMPTS)
        failed = failed_before + 1
        locked_until = now + timedelta(hours=LOCK_HOURS) if failed >= MAX_ATTEMPTS else None
        if cred is None:
            QueryCredential.insert(
                person=person_id,
                password_hash=None,
                failed_attempts=failed,
                locked_until=locked_until,
                changed_at=now,
            ).execute()
        else:
            QueryCredential.update(failed_attempts=failed, locked_until=locked_until).where(
                QueryCredential.person == person_id
            ).execute()
        outbox.enqueue(
            CommandName.PASSWORD_FAILED,
            {"ssn": person.ssn, "failed_attempts": failed, "locked": locked_until is not None},
            actor,
        )
        audit.record(actor, "query_password.failed", person_id, failed_attempts=failed)
        return VerifyResult(False, max(0, MAX_ATTEMPTS - failed), locked_until)


def reset_query_password(
    person_id: int, actor: Actor, new_password: str | None = None, now: datetime | None = None
) -> None:
    """Reset at the counter: back to the initial password (birth date), or to a new one.

    Also lifts a lock. The holder proves who they are at the counter before a clerk does this.
    """
    require(actor, Permission.QUERY_PASSWORD)
    now = now or utc_now()
    if new_password is not None and not PASSWORD.match(new_password):
        raise WeakPassword("a query password has 6 to 8 digits")
    with write_transaction():
        person = _person(person_id)
        hashed = hash_password(new_password) if new_password is not None else None
        if new_password is not None and new_password == person.birth_date.strftime("%Y%m%d"):
            hashed = None
        QueryCredential.replace(
            person=person_id,
            password_hash=hashed,
            failed_attempts=0,
            locked_until=None,
            changed_at=now,
        ).execute()
        outbox.enqueue(
            CommandName.PASSWORD_RESET,
            {"ssn": person.ssn, "password_hash": hashed, "to_initial": hashed is None},
            actor,
        )
        audit.record(actor, CommandName.PASSWORD_RESET, person_id, to_initial=hashed is None)


@dataclass(frozen=True)
class UnheldTry:
    """One wrong try on a number nobody holds: the tries counted, the lock's end (None while
    not locked), and whether it was already locked (then nothing was counted)."""

    failed: int
    locked_until: datetime | None
    was_locked: bool


class UnheldTries:
    """Wrong tries on ID or card numbers that no credential row holds, counted as a real row's
    would be (MAX_ATTEMPTS, then locked for LOCK_HOURS; an expired lock starts a fresh count),
    so that a channel answers them exactly as it answers a held number: the kiosk and the
    online self-query. Held in memory, keyed by a keyed hash of the number (no number kept),
    at most `limit` numbers (then forgotten together)."""

    def __init__(self, limit: int = 100_000) -> None:
        self._key = secrets.token_bytes(16)
        self._counts: dict[bytes, tuple[int, datetime | None]] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def fail(self, number: str, now: datetime) -> UnheldTry:
        """Count a wrong try on `number` at `now` (nothing while it is locked)."""
        digest = hmac.new(self._key, number.encode(), hashlib.sha256).digest()
        with self._lock:
            if len(self._counts) > self._limit:
                self._counts.clear()
            failed, until = self._counts.get(digest, (0, None))
            if until is not None and until > now:
                return UnheldTry(failed, until, was_locked=True)
            if until is not None:
                failed = 0
            failed += 1
            until = now + timedelta(hours=LOCK_HOURS) if failed >= MAX_ATTEMPTS else None
            self._counts[digest] = (failed, until)
        return UnheldTry(failed, until, was_locked=False)


@cache
def decoy_hash() -> str:
    """A hash no typed password matches: checked for a number nobody holds (or a row without a
    hash) so that every answer costs the same scrypt work."""
    return hash_password(secrets.token_hex(8))
