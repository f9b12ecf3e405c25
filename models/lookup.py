"""The counter's lookup: find a person by ID number, card number or name, and log the read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from models import audit
from models.actor import Actor
from models.errors import CardNotFound, PersonNotFound
from models.overview import Overview, person_overview
from models.people import (
    PersonSummary,
    count_by_name,
    find_by_card,
    find_by_ssn,
    search_by_name,
)
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


SEARCH_LIMIT = 50  # the matches listed
COUNT_CAP = 1000  # matches counted beyond the list: above this, "more than 1,000"


@dataclass(frozen=True)
class NameMatches:
    """A name search: the people listed (up to the limit) and how many match in all."""

    people: list[PersonSummary]
    total: int  # every match, counted up to COUNT_CAP (see total_capped)
    total_capped: bool  # more than `total` match

    @property
    def truncated(self) -> bool:
        """True when more people match than are listed."""
        return self.total > len(self.people)


def search_people(
    text: str,
    actor: Actor,
    limit: int = SEARCH_LIMIT,
    birth_year: int | None = None,
    cap: int = COUNT_CAP,
    region_codes: Sequence[str] = (),
) -> NameMatches:
    """Name search (optionally of one birth year, of some region codes: a district); the
    search (not each candidate) is logged.

    One row more than `limit` is read to learn whether the list is complete; only when it is not
    are the matches counted (a count bounded by `cap`).
    """
    require(actor, Permission.LOOKUP)
    with write_transaction():
        found = search_by_name(text, limit + 1, birth_year, region_codes)
        total, capped = len(found), False
        if len(found) > limit:
            found = found[:limit]
            counted = count_by_name(text, cap, birth_year, region_codes)
            total, capped = (cap, True) if counted > cap else (max(counted, limit + 1), False)
        details: dict[str, object] = {"name": text.strip(), "results": len(found)}
        if total > len(found):
            details["total"] = total
        if birth_year is not None:
            details["birth_year"] = birth_year
        if region_codes:
            details["region_codes"] = list(region_codes)
        audit.record(actor, "person.search", None, **details)
    return NameMatches(found, total, capped)
