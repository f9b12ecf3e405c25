"""Numbers typed at the kiosk that this register does not hold, answered like any other.

Before a citizen has proved who they are, the kiosk must not tell the hall whether a number is
in the register: a typed number nobody holds goes to the same query-password screen, and its
tries are counted and locked exactly as a real credential's (models.credentials: MAX_ATTEMPTS,
then LOCK_HOURS), with the same scrypt work so that the answer takes as long. The count is held
by the kiosk process (there is no row to hold it); every try is in the audit log, with the
number masked, so that an office sees someone walking through numbers.
"""

from __future__ import annotations

from models import audit
from models.actor import Actor
from models.clock import utc_now
from models.credentials import MAX_ATTEMPTS, UnheldTries, VerifyResult, check_hash, decoy_hash
from models.errors import CredentialLocked
from models.idnumber import mask_id_number
from models.schema import write_transaction

UNKNOWN_TRIED = "kiosk.unknown_number"  # the audit event of a try on a number nobody holds


def mask_number(value: str) -> str:
    """An ID number masked as everywhere; a card number with its middle hidden."""
    if len(value) == 18:
        return mask_id_number(value)
    return value[:2] + "*" * max(0, len(value) - 4) + value[-2:]


class UnknownNumbers:
    """The tries on typed numbers the register does not hold, per number, for this kiosk."""

    def __init__(self) -> None:
        self._tries = UnheldTries()

    def check(self, number: str, password: str, actor: Actor) -> VerifyResult:
        """Count a try on `number` (never right) and answer as a real credential would: the
        tries left, or CredentialLocked once locked."""
        check_hash(password, decoy_hash())
        tried = self._tries.fail(number, utc_now())
        with write_transaction():
            audit.record(
                actor,
                UNKNOWN_TRIED,
                None,
                number=mask_number(number),
                failed_attempts=tried.failed,
            )
        if tried.was_locked:
            raise CredentialLocked("the query password is locked after too many wrong attempts")
        return VerifyResult(False, max(0, MAX_ATTEMPTS - tried.failed), tried.locked_until)
