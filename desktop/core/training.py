"""Training mode on a demo district: virtual cards of demo people, in an in-process reader.

Making a card reads the holder's data, so it is logged like any read (`person.read`, key
"training-card"). Besides the demo people's own cards there are the awkward ones a counter
meets: a card from another city, a damaged card and a card that is not a social security card.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from cards.virtual import CardProfile
from cards.virtual.profile import DEFAULT_PIN
from desktop.core.i18n import N_, _
from models import audit
from models.actor import Actor
from models.errors import CardNotFound
from models.home import setting
from models.schema import Card, Person, write_transaction

# The demo samples' labels (the demo district's `demo_samples`), in words for the Training menu
# and the kiosk's training bar.
SAMPLE_LABELS = {
    "contributor": N_("contributor"),
    "arrears": N_("in arrears"),
    "retiree": N_("retiree"),
    "lost card": N_("card reported lost"),
}

# A holder insured in Beijing (Xicheng): their card is valid here, their record is not here.
OTHER_CITY_SSN = "110102198001010017"
OTHER_CITY_NAME = "李明"
OTHER_CITY_CARD = "X00000019"


# Every training card's PIN (the virtual cards' own): the trainee is told it on every screen.
TRAINING_PIN = DEFAULT_PIN


def banner_text() -> str:
    """The training banner: what this mode is, and the training cards' PIN."""
    return _(
        "TRAINING MODE · the data is a demo district's, not real people's; nothing done here "
        "reaches the real headquarters · PIN of every training card: {pin}"
    ).format(pin=TRAINING_PIN)


class CardKind(StrEnum):
    """Which kind of card to insert."""

    NORMAL = "normal"
    DAMAGED = "damaged"  # a record holds garbage
    FOREIGN = "foreign"  # not a social security card at all


@dataclass(frozen=True)
class DemoHolder:
    """A demo person with a card, offered in the Training menu."""

    label: str  # the demo sample's label (contributor, arrears, ...) or ""
    name: str
    card_no: str
    card_status: str


def is_demo_district() -> bool:
    """True when the register holds a complete demo district."""
    return setting("demo_state") == "complete"


def demo_holders(limit: int = 12) -> list[DemoHolder]:
    """The demo samples first, then more demo people with an active card (worker thread)."""
    samples = json.loads(setting("demo_samples", "[]") or "[]")
    holders = [DemoHolder(s["label"], s["name"], s["card_no"], "") for s in samples]
    seen = {h.card_no for h in holders}
    query = (
        Card.select(Card.card_no, Card.status, Person.name)
        .join(Person)
        .where(Card.status == "active")
        .order_by(Card.id)
        .limit(limit)
        .tuples()
    )
    for card_no, status, name in query:
        if card_no not in seen and len(holders) < limit:
            holders.append(DemoHolder("", name, card_no, status))
    statuses = dict(
        Card.select(Card.card_no, Card.status)
        .where(Card.card_no.in_([h.card_no for h in holders]))
        .tuples()
    )
    return [DemoHolder(h.label, h.name, h.card_no, statuses.get(h.card_no, "")) for h in holders]


def holder_profile(card_no: str, actor: Actor, kind: CardKind = CardKind.NORMAL) -> CardProfile:
    """A virtual card of the register's card `card_no` (worker thread; the read is logged)."""
    with write_transaction():
        card = Card.select(Card, Person).join(Person).where(Card.card_no == card_no).first()
        if card is None:
            raise CardNotFound(card_no)
        person = card.person
        audit.record(actor, "person.read", person.id, key="training-card")
    faults = {CardKind.NORMAL: (), CardKind.DAMAGED: ("garbage",), CardKind.FOREIGN: ("foreign",)}
    return CardProfile.from_holder(
        person.ssn,
        person.name,
        gender=person.gender,
        birth_date=person.birth_date,
        card_no=card.card_no,
        generation=card.generation,
        card_identifier=card.identifier,
        issue_date=card.issue_date,
        birthplace=person.region_code,
        ethnicity=int(person.ethnicity, 16),
        faults=faults[kind],
    )


def other_city_profile() -> CardProfile:
    """A second-generation card issued in Beijing to someone this office does not hold."""
    return CardProfile.from_holder(
        OTHER_CITY_SSN, OTHER_CITY_NAME, card_no=OTHER_CITY_CARD, generation=2
    )
