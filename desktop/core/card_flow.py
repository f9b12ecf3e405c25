"""What a card read means at the counter: open its holder, or say what the card is.

A card this register knows opens its holder by card number. A card it does not know (newly
issued, or issued in another city: one card is valid across the country) opens the holder by
the ID number on the card when this office holds that person; otherwise the card is identified
and the clerk is told what can be done.
"""

from __future__ import annotations

from dataclasses import dataclass

from cards.record import CardRecord
from models.home import setting
from models.lookup import KeyKind, card_known
from models.people import find_by_ssn


@dataclass(frozen=True)
class CardOutcome:
    """A card read and how to go on with it."""

    record: CardRecord
    kind: KeyKind | None  # None: the holder is not in this register
    value: str | None
    card_in_register: bool
    issuing_region: str | None  # 6-digit region code from the card identifier
    other_city: bool  # issued outside this office's city

    @property
    def opens_customer(self) -> bool:
        """True when the holder's record can be opened."""
        return self.kind is not None


def resolve_card(record: CardRecord) -> CardOutcome:
    """Decide how to go on with a card read (worker thread: reads the register)."""
    district = setting("district", "") or ""
    region = (record.card_identifier or "")[:6] or None
    other_city = bool(region and district and region[:4] != district[:4])
    known = bool(record.card_no) and card_known(record.card_no or "")
    if known:
        return CardOutcome(record, KeyKind.CARD, record.card_no, True, region, other_city)
    if record.ssn and find_by_ssn(record.ssn) is not None:
        return CardOutcome(record, KeyKind.ID_NUMBER, record.ssn, False, region, other_city)
    return CardOutcome(record, None, None, False, region, other_city)
