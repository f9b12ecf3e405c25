"""Card operations at the counter: report a card lost (挂失) and cancel the report (解挂)."""

from __future__ import annotations

from datetime import datetime

from models import audit, outbox
from models.actor import Actor
from models.clock import utc_now
from models.commands import CommandName
from models.enums import CardStatus
from models.errors import CardNotFound, CardStatusRefused
from models.people import normalise_card_number
from models.permissions import Permission, require
from models.schema import Card, Person, write_transaction


def _card(card_no: str) -> Card:
    number = normalise_card_number(card_no)
    card = Card.select(Card, Person).join(Person).where(Card.card_no == number).first()
    if card is None:
        raise CardNotFound(number)
    return card


def _change_status(
    card_no: str,
    actor: Actor,
    expected: CardStatus,
    new: CardStatus,
    command: str,
    now: datetime | None,
    refusal: str,
) -> Card:
    require(actor, Permission.CARD_OPERATIONS)
    now = now or utc_now()
    with write_transaction():
        card = _card(card_no)
        if card.status != expected.value:
            raise CardStatusRefused(
                card.card_no, card.status, refusal.format(card=card.card_no, status=card.status)
            )
        Card.update(status=new.value, status_changed_at=now).where(Card.id == card.id).execute()
        outbox.enqueue(
            command,
            {"card_no": card.card_no, "ssn": card.person.ssn, "at": now.isoformat()},
            actor,
        )
        audit.record(actor, command, card.person_id, card_no=card.card_no)
        card.status = new.value
        card.status_changed_at = now
        return card


def report_card_lost(card_no: str, actor: Actor, now: datetime | None = None) -> Card:
    """Report an active card lost: it stops working at once, here and, after sync, everywhere."""
    return _change_status(
        card_no,
        actor,
        CardStatus.ACTIVE,
        CardStatus.LOST,
        CommandName.CARD_REPORT_LOST,
        now,
        "card {card} is {status}; only an active card can be reported lost",
    )


def cancel_card_loss(card_no: str, actor: Actor, now: datetime | None = None) -> Card:
    """Cancel a loss report (the card was found): the card is active again."""
    return _change_status(
        card_no,
        actor,
        CardStatus.LOST,
        CardStatus.ACTIVE,
        CommandName.CARD_CANCEL_LOSS,
        now,
        "card {card} is {status}, not reported lost: there is no loss report to cancel",
    )
