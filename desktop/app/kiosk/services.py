"""The kiosk's work on the register and the card, as functions for worker threads.

The kiosk acts as its own actor (`kiosk_actor`): every read of a record is logged with it by
`models.lookup.open_overview`, and each citizen served is recorded as a visit on the "kiosk"
channel. Nothing of a record is read before the citizen has proved who they are: identifying
the key only finds the person's register id.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.app.kiosk.customer import Customer
from desktop.app.kiosk.unknown import UnknownNumbers
from desktop.core import services
from desktop.core.card_flow import resolve_card
from desktop.core.cardreader import CardService
from models import audit, lookup, visits
from models.actor import Actor
from models.credentials import VerifyResult
from models.enums import CardStatus, Role
from models.errors import InvalidRequest, NotFound
from models.overview import Overview
from models.people import CARD_DIGITS, PersonSummary, card_numbers_with_digits
from models.register_loading import register_loading
from models.schema import Card, write_transaction

CHANNEL = "kiosk"


def kiosk_actor(office_key: str) -> Actor:
    """The kiosk as named in the audit log, with the kiosk role: it may look up the citizen
    standing at it, verify their query password, record the visit and print their own
    statement; no card operations, reports or audit log (models.permissions)."""
    return Actor(f"kiosk:{office_key or 'office'}", Role.KIOSK)


class UnknownHolder(NotFound):
    """The card's holder has no record in this office's register."""


class CardNotUsable(InvalidRequest):
    """The card is reported lost, frozen, cancelled or replaced: the kiosk refuses it."""

    def __init__(self, card_no: str, status: str) -> None:
        self.card_no, self.status = card_no, status
        super().__init__(f"card {card_no} is {status}: it cannot be used at the kiosk")


REFUSED = "kiosk.card_refused"  # the audit event of a refused card


def refuse_unusable_card(card_no: str | None, person_id: int, actor: Actor, how: str) -> None:
    """Raise CardNotUsable, and log the attempt, if the register holds `card_no` in another
    state than active (a card this office does not hold passes: its holder proves who they
    are like anyone else)."""
    if not card_no:
        return
    row = Card.get_or_none(Card.card_no == card_no)
    if row is None or row.status == CardStatus.ACTIVE:
        return
    with write_transaction():
        audit.record(actor, REFUSED, person_id, card_no=card_no, status=row.status, how=how)
    raise CardNotUsable(card_no, row.status)


class NotReceivedYet(NotFound):
    """The register is still loading: a card's holder not received yet, or (`tries_left` set)
    a query password not accepted, for a number held here or not: the kiosk answers both
    alike, so that the hall learns nothing of which numbers have arrived."""

    def __init__(self, tries_left: int | None = None) -> None:
        self.tries_left = tries_left
        super().__init__("the register is still loading: the record may not be here yet")


class CardLetterNeeded(InvalidRequest):
    """The 8 digits typed are those of more than one card: the letter must be typed too."""


def identify_typed(kind: lookup.KeyKind, value: str) -> Customer:
    """The person of a typed ID or card number (only their id: nothing is shown yet). A card
    number may be typed without its letter (8 digits): the register finds the letter. A number
    nobody here holds gives a customer without a person (`person_id` None), who is asked for
    the query password like anyone else (desktop.app.kiosk.unknown)."""
    if kind is lookup.KeyKind.CARD and CARD_DIGITS.match(value):
        numbers = card_numbers_with_digits(value)
        if len(numbers) > 1:
            raise CardLetterNeeded(f"{len(numbers)} cards end in {value}")
        if not numbers:
            return Customer(kind, value, None)
        value = numbers[0]
    try:
        person = lookup.find_one(kind, value)
    except NotFound:
        return Customer(kind, value, None)
    return Customer(kind, value, person.id)


def identify_card(cards: CardService, reader: str, actor: Actor) -> Customer:
    """Read the card in `reader` and find its holder (only their id); a card the register
    holds as lost, frozen, cancelled or replaced is refused before anything else
    (CardNotUsable, logged)."""
    outcome = resolve_card(cards.read(reader))
    if outcome.kind is None or outcome.value is None:
        raise UnknownHolder("the card's holder has no record in this office's register")
    try:
        person = lookup.find_one(outcome.kind, outcome.value)
    except NotFound as exc:
        if register_loading() is not None:
            raise NotReceivedYet() from exc
        raise
    refuse_unusable_card(outcome.record.card_no, person.id, actor, "card")
    return Customer(outcome.kind, outcome.value, person.id, outcome.record.card_no, reader)


def check_password(
    customer: Customer, password: str, actor: Actor, unknown: UnknownNumbers
) -> VerifyResult:
    """Check the query password (wrong ones are counted; CredentialLocked while locked); for a
    number nobody here holds, count the try the same way and never accept it. While the
    register is still loading, a try not accepted (held number or not) raises NotReceivedYet
    with the tries left."""
    if customer.person_id is None:
        result = unknown.check(customer.value, password, actor)
    else:
        result = services.check_password(customer.person_id, password, actor).result
    if not result.ok and result.locked_until is None and register_loading() is not None:
        raise NotReceivedYet(result.remaining_attempts)  # counted like any try
    return result


def open_record(customer: Customer, actor: Actor, how: str) -> Overview:
    """Read the verified citizen's record (logged) and record the kiosk visit. A typed card
    number of a card that is no longer usable is refused here, once its holder has proved who
    they are (before, the answer would tell the hall which numbers are lost cards)."""
    if customer.person_id is None:  # never verified: no record to open
        raise NotFound("no record for this number in this office's register")
    if customer.kind is lookup.KeyKind.CARD:
        refuse_unusable_card(customer.value, customer.person_id, actor, "typed")
    overview = lookup.open_overview(customer.kind, customer.value, actor)
    visits.record_service_visit(
        actor,
        CHANNEL,
        "lookup",
        person_id=customer.person_id,
        card_no=customer.card_no,
        note=f"verified: {how}",
    )
    return overview


@dataclass(frozen=True)
class KioskPrint:
    """A statement made at the kiosk."""

    number: str
    path: Path
    job: str | None


def print_statement(
    home_path: Path, actor: Actor, person: PersonSummary, year: int, lang: str, printer: str
) -> KioskPrint:
    """The citizen's rights record of `year`, saved in the statements folder and sent to lp."""
    printed: services.Printed = services.print_statement(
        home_path, actor, person, year, lang, printer
    ).result
    return KioskPrint(printed.number, printed.path, printed.job)
