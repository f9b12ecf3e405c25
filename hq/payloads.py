"""The payloads of the commands offices push (docs/sync-protocol.md), validated by pydantic.

Unknown fields are ignored; a payload that does not fit is rejected as `invalid_payload`.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class Payload(BaseModel):
    """Base of every command payload."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class CardPayload(Payload):
    """card.report_lost, card.cancel_loss"""

    card_no: str = Field(min_length=1, max_length=9)
    ssn: str = Field(min_length=1, max_length=18)
    at: datetime


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
    at: datetime
    note: str | None = Field(default=None, max_length=2000)


class IssuedPayload(Payload):
    """statement.issued"""

    number: str = Field(pattern=r"^\d{6}-\d{8}-\d{5}$")
    ssn: str | None = Field(default=None, max_length=18)
    kind: str
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{64}$")
    pages: int | None = Field(default=None, ge=0, le=100_000)
    printed_at: datetime
    offline: bool = False


class PrintedPayload(Payload):
    """statement.printed"""

    number: str = Field(min_length=1, max_length=32)
    printer: str = Field(min_length=1, max_length=100)
