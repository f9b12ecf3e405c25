"""The payloads of the commands offices push (docs/sync-protocol.md), validated by pydantic.

Unknown fields are ignored; a payload that does not fit is rejected as `invalid_payload`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from models.staff import ARGON2ID_HASH

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def as_utc(value: datetime) -> datetime:
    """The moment in UTC (a time without offset is taken as UTC), between 1900 and 9000.

    The bounds keep arithmetic on the time (a lock lasting hours, a conversion to UTC) clear of
    the limits of `datetime`, which would otherwise fail as an internal error.
    """
    try:
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or not EARLIEST <= moment < LATEST:
        raise ValueError("a time must lie between the years 1900 and 9000")
    return moment


UtcTime = Annotated[datetime, AfterValidator(as_utc)]


def storable(text: str) -> bool:
    """True if both databases can store `text`: no NUL character (PostgreSQL refuses it) and
    no unpaired surrogate (it has no UTF-8 form)."""
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def refuse_unstorable_text(data: Any) -> Any:
    """`data` unchanged, or ValueError if any text in it (keys included) is not `storable`."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if not storable(value):
                raise ValueError("text may hold no NUL character and no unpaired surrogate")
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list | tuple):
            pending.extend(value)
    return data


class Payload(BaseModel):
    """Base of every command payload."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        return refuse_unstorable_text(data)


class CardPayload(Payload):
    """card.report_lost, card.cancel_loss"""

    card_no: str = Field(min_length=1, max_length=9)
    ssn: str = Field(min_length=1, max_length=18)
    at: UtcTime


class ResetPayload(Payload):
    """query_password.reset"""

    ssn: str = Field(min_length=1, max_length=18)
    password_hash: str | None = Field(default=None, max_length=200)
    to_initial: bool = False


class FailedPayload(Payload):
    """query_password.failed_attempt"""

    ssn: str = Field(min_length=1, max_length=18)
    failed_attempts: int = Field(ge=0, le=1000)
    locked: bool


class UnlockedPayload(Payload):
    """query_password.unlocked"""

    ssn: str = Field(min_length=1, max_length=18)


class VisitPayload(Payload):
    """visit.record"""

    ssn: str | None = Field(default=None, max_length=18)
    card_no: str | None = Field(default=None, max_length=9)
    channel: str
    purpose: str = Field(min_length=1, max_length=40)
    staff: str | None = Field(default=None, max_length=60)
    at: UtcTime
    note: str | None = Field(default=None, max_length=2000)


class PensionCheckPayload(Payload):
    """pension.check_recorded"""

    ssn: str = Field(min_length=1, max_length=18)
    checked_date: date
    channel: str = Field(min_length=1, max_length=10)
    at: UtcTime


class IssuedPayload(Payload):
    """statement.issued"""

    number: str = Field(pattern=r"^\d{6}-\d{8}-(?:[A-Z][0-9]{2,5}-)?\d{5}$")
    ssn: str | None = Field(default=None, max_length=18)
    kind: str
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{64}$")
    pages: int | None = Field(default=None, ge=0, le=100_000)
    printed_at: UtcTime
    offline: bool = False


class PrintedPayload(Payload):
    """statement.printed"""

    number: str = Field(min_length=1, max_length=32)
    printer: str = Field(min_length=1, max_length=100)


# An argon2id hash (models.staff.ARGON2ID_HASH): the only form a staff password travels in.
PASSWORD_HASH = ARGON2ID_HASH.pattern


class StaffAddPayload(Payload):
    """staff.add"""

    username: str = Field(min_length=1, max_length=40)
    display_name: str = Field(min_length=1, max_length=40)
    role: str = Field(min_length=1, max_length=12)
    password_hash: str = Field(max_length=200, pattern=PASSWORD_HASH)
    district: str = Field(pattern=r"^\d{6}$")


class StaffDisablePayload(Payload):
    """staff.disable"""

    username: str = Field(min_length=1, max_length=40)


class StaffPasswordPayload(Payload):
    """staff.password_set"""

    username: str = Field(min_length=1, max_length=40)
    password_hash: str = Field(max_length=200, pattern=PASSWORD_HASH)


class SignInStatePayload(Payload):
    """staff.sign_in_state"""

    username: str = Field(min_length=1, max_length=40)
    failed_attempts: int = Field(ge=0, le=1_000_000)
    locked_until: UtcTime | None = None
    at: UtcTime
