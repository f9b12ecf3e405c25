"""Numbers typed at the kiosk that this register does not hold, answered like any other.

Before a citizen has proved who they are, the kiosk must not tell the hall whether a number is
in the register: a typed number nobody holds goes to the same query-password screen, and its
tries are counted and locked exactly as a real credential's (models.credentials: MAX_ATTEMPTS,
then LOCK_HOURS), with the same scrypt work so that the answer takes as long. The count is held
by the kiosk process (there is no row to hold it); every try is in the audit log, with the
number masked, so that an office sees someone walking through numbers.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from models import audit
from models.actor import Actor
from models.clock import utc_now
from models.credentials import LOCK_HOURS, MAX_ATTEMPTS, VerifyResult, check_hash, hash_password
from models.errors import CredentialLocked
from models.idnumber import mask_id_number
from models.schema import write_transaction

UNKNOWN_TRIED = "kiosk.unknown_number"  # the audit event of a try on a number nobody holds


@cache
def _decoy_hash() -> str:
    """A hash no typed password matches, checked to spend a real check's time."""
    return hash_password("decoy: no citizen's password")


def mask_number(value: str) -> str:
    """An ID number masked as everywhere; a card number with its middle hidden."""
    if len(value) == 18:
        return mask_id_number(value)
    return value[:2] + "*" * max(0, len(value) - 4) + value[-2:]


@dataclass
class _Tries:
    failed: int = 0
    locked_until: datetime | None = None


class UnknownNumbers:
    """The tries on typed numbers the register does not hold, per number, for this kiosk."""

    def __init__(self) -> None:
        self._tries: dict[str, _Tries] = {}
        self._lock = threading.Lock()

    def check(self, number: str, password: str, actor: Actor) -> VerifyResult:
        """Count a try on `number` (never right) and answer as a real credential would: the
        tries left, or CredentialLocked once locked."""
        check_hash(password, _decoy_hash())
        now = utc_now()
        with self._lock:
            tries = self._tries.setdefault(number, _Tries())
            locked = tries.locked_until is not None and tries.locked_until > now
            if not locked:
                if tries.locked_until is not None:  # an expired lock starts a fresh count
                    tries.failed, tries.locked_until = 0, None
                tries.failed += 1
                if tries.failed >= MAX_ATTEMPTS:
                    tries.locked_until = now + timedelta(hours=LOCK_HOURS)
            failed, locked_until = tries.failed, tries.locked_until
        with write_transaction():
            audit.record(
                actor, UNKNOWN_TRIED, None, number=mask_number(number), failed_attempts=failed
            )
        if locked:
            raise CredentialLocked("the query password is locked after too many wrong attempts")
        return VerifyResult(False, max(0, MAX_ATTEMPTS - failed), locked_until)
