"""The customer being served: what was opened, verified and done, until the visit ends.

Kept outside the screens so that a screen rebuilt (another language) or hidden (the session
locked) shows the same visit again without reading the register again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from cards.record import CardRecord
from models.lookup import KeyKind
from models.overview import Overview


class Purpose(StrEnum):
    """Why the citizen came (recorded with the visit)."""

    LOOKUP = "lookup"
    STATEMENT = "statement"
    CARD_REPORT_LOST = "card_report_lost"
    CARD_CANCEL_LOSS = "card_cancel_loss"
    PASSWORD_RESET = "password_reset"
    ENQUIRY = "enquiry"


@dataclass
class ActionEntry:
    """One thing done for the customer, and whether headquarters has confirmed it."""

    what: str  # translated when it was done
    outbox_seqs: tuple[int, ...]
    status: str = "pending"  # pending / accepted / rejected / local (nothing to send)
    reason: str | None = None


@dataclass
class Verification:
    """How the customer proved who they are."""

    pin_verified: bool = False
    pin_tries_left: int | None = None
    password_verified: bool = False
    password_tries_left: int | None = None
    password_locked: bool = False
    id_card_checked: bool = False

    def note(self) -> str:
        """The visit note: which checks were made (stored with the visit)."""
        checks = [
            name
            for name, done in (
                ("card_pin", self.pin_verified),
                ("query_password", self.password_verified),
                ("id_card", self.id_card_checked),
            )
            if done
        ]
        return "verified: " + (", ".join(checks) if checks else "none")


@dataclass
class Visit:
    """The customer at the counter."""

    kind: KeyKind
    value: str
    overview: Overview
    card: CardRecord | None = None  # the card read at the counter, if any
    reader: str | None = None
    card_notice: str | None = None  # e.g. the card is not in this register
    revealed_ssn: str | None = None
    verification: Verification = field(default_factory=Verification)
    actions: list[ActionEntry] = field(default_factory=list)
    purpose: Purpose = Purpose.LOOKUP

    @property
    def person_id(self) -> int:
        """The person's register id."""
        return self.overview.person.id

    @property
    def current_card_no(self) -> str | None:
        """The card the actions apply to: the card read, else the newest active or lost one."""
        if self.card is not None and self.card.card_no:
            numbers = {c.card_no for c in self.overview.cards}
            if self.card.card_no in numbers:
                return self.card.card_no
        for card in self.overview.cards:
            if card.status in ("active", "lost"):
                return card.card_no
        return None

    def card_status(self, card_no: str | None) -> str | None:
        """The register state of one of the person's cards."""
        for card in self.overview.cards:
            if card.card_no == card_no:
                return card.status
        return None
