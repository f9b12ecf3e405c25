"""The counter's lookup: find a person by ID number, card number or name, and log the read."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from models import audit
from models.actor import Actor
from models.errors import CardNotFound, PersonNotFound
from models.overview import Overview, person_overview
from models.people import PersonSummary, find_by_card, find_by_ssn, search_by_name
from models.permissions import Permission, require
from models.schema import write_transaction


class KeyKind(StrEnum):
    """How the person was asked for."""

    ID_NUMBER = "id"
    CARD = "card"
    NAME = "name"


def find_one(kind: KeyKind, value: str) -> PersonSummary:
    """The one person for an ID or card number; raises NotFound, InvalidIdNumber, ..."""
    if kind == KeyKind.ID_NUMBER:
        person = find_by_ssn(value)
        if person is None:
            raise PersonNotFound(
                "no person with this ID number in this office's register (if the holder was "
                "insured elsewhere, their record arrives with the next sync)"
            )
        return person
    if kind == KeyKind.CARD:
        holder = find_by_card(value)
        if holder is None:
            raise CardNotFound(
                value.strip().upper(),
                f"no card {value.strip().upper()} in this office's register: check the number "
                "on the card's front, or look the holder up by ID number",
            )
        return holder.person
    raise ValueError("a name can match several people: use search_people")


def card_known(card_no: str) -> bool:
    """True if this register holds the card (any state)."""
    return find_by_card(card_no) is not None


def open_overview(
    kind: KeyKind, value: str, actor: Actor, today: date | None = None, reveal: bool = False
) -> Overview:
    """Find one person and read their overview; the read is logged in the same transaction.

    `reveal` means the caller will show the full ID number: that is logged as its own action.
    """
    require(actor, Permission.LOOKUP)
    with write_transaction():
        person = find_one(kind, value)
        overview = person_overview(person, today)
        audit.record(actor, "person.read", person.id, key=kind.value)
        if reveal:
            audit.record(actor, "person.reveal_id", person.id)
    return overview


def search_people(text: str, actor: Actor, limit: int = 50) -> list[PersonSummary]:
    """Name search; the search (not each candidate) is logged."""
    require(actor, Permission.LOOKUP)
    with write_transaction():
        found = search_by_name(text, limit)
        audit.record(actor, "person.search", None, name=text.strip(), results=len(found))
    return found
