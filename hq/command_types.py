"""What every command handler shares: the pushed item, the context, rejections and answers.

Kept apart from `hq.commands` (which applies items) so that handler modules such as
`hq.staff_commands` need not import the module that imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import ValidationError

from hq.offices import EnrolledOffice
from hq.payloads import Payload


class Outcome(StrEnum):
    """Headquarters' answer to one command."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"


class RejectCode(StrEnum):
    """Why a command was rejected."""

    OUT_OF_SCOPE = "out_of_scope"
    UNKNOWN_PERSON = "unknown_person"
    UNKNOWN_CARD = "unknown_card"
    CARD_STATE = "card_state"
    INVALID_PAYLOAD = "invalid_payload"
    UNKNOWN_COMMAND = "unknown_command"
    DUPLICATE_NUMBER = "duplicate_number"
    UNKNOWN_STAFF = "unknown_staff"
    USERNAME_TAKEN = "username_taken"
    NOT_ALLOWED = "not_allowed"
    PERSON_STATE = "person_state"


@dataclass(frozen=True)
class PushItem:
    """One command as the office queued it."""

    uuid: str
    command: str
    payload: dict[str, Any]
    created_at: datetime
    actor: str


@dataclass(frozen=True)
class ItemResult:
    """The answer to one command."""

    uuid: str
    outcome: Outcome
    code: RejectCode | None = None
    reason: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The contract's shape of a result."""
        return {
            "uuid": self.uuid,
            "status": self.outcome.value,
            "code": self.code.value if self.code else None,
            "reason": self.reason,
        }


class Rejected(Exception):
    """Raised by a handler: the command is refused (nothing it wrote is kept)."""

    def __init__(
        self,
        code: RejectCode,
        reason: str,
        *,
        person_id: int | None = None,
        republish: tuple[str, list[Any]] | None = None,
    ) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.person_id = person_id
        self.republish = republish


@dataclass(frozen=True)
class Context:
    """What a handler knows: who sent the command, the command, headquarters' time."""

    office: EnrolledOffice
    item: PushItem
    now: datetime

    @property
    def created_at(self) -> datetime:
        """When the office applied the command (UTC)."""
        return utc(self.item.created_at)


P = TypeVar("P", bound=Payload)


def parse_payload(model: type[P], ctx: Context) -> P:
    try:
        return model.model_validate(ctx.item.payload)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'payload'}: {e['msg']}"
            for e in exc.errors()[:3]
        )
        raise Rejected(
            RejectCode.INVALID_PAYLOAD,
            f"the {ctx.item.command} command's data is invalid ({problems}); the office's "
            "counterdesk sent something headquarters cannot use: report it to support",
        ) from None


def utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Handler = Callable[[Context], int | None]
