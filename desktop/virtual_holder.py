"""A virtual card for a person of the office home (`card emulate --person-from-home`)."""

from __future__ import annotations

import json

from cards.virtual import CardProfile
from models import audit
from models.actor import Actor
from models.errors import InvalidRequest, NotFound
from models.home import OfficeHome, setting
from models.schema import Card, Person, write_transaction


def profile_from_home(
    home: str | None, card_no: str | None, generation: int | None, pin: str, faults: list[str]
) -> CardProfile:
    """The card `card_no` of the register (default: the first demo sample) as a virtual card.

    Reading the holder's data is logged like any other read.
    """
    OfficeHome.resolve(home).open()
    if card_no is None:
        samples = json.loads(setting("demo_samples", "[]") or "[]")
        if not samples:
            raise InvalidRequest("this office home has no demo samples: name a card with --card")
        card_no = samples[0]["card_no"]
    with write_transaction():
        card = (
            Card.select(Card, Person)
            .join(Person)
            .where(Card.card_no == card_no.strip().upper())
            .first()
        )
        if card is None:
            raise NotFound(f"no card {card_no} in this office's register")
        person = card.person
        audit.record(Actor.tool("card-emulator"), "person.read", person.id, key="card-emulate")
    try:
        return CardProfile.from_holder(
            person.ssn,
            person.name,
            gender=person.gender,
            birth_date=person.birth_date,
            card_no=card.card_no,
            generation=generation or card.generation,
            card_identifier=card.identifier,
            issue_date=card.issue_date,
            birthplace=person.region_code,
            ethnicity=int(person.ethnicity, 16),
            pin=pin,
            faults=faults,
        )
    except ValueError as exc:
        raise InvalidRequest(f"cannot make a card of {card.card_no}: {exc}") from exc
