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
from desktop.core import services
from desktop.core.card_flow import resolve_card
from desktop.core.cardreader import CardService
from models import lookup, visits
from models.actor import Actor
from models.credentials import VerifyResult
from models.enums import Role
from models.errors import NotFound
from models.overview import Overview
from models.people import PersonSummary

CHANNEL = "kiosk"


def kiosk_actor(office_key: str) -> Actor:
    """The kiosk as named in the audit log, with the kiosk role: it may look up the citizen
    standing at it, verify their query password, record the visit and print their own
    statement; no card operations, reports or audit log (models.permissions)."""
    return Actor(f"kiosk:{office_key or 'office'}", Role.KIOSK)


class UnknownHolder(NotFound):
    """The card's holder has no record in this office's register."""


def identify_typed(kind: lookup.KeyKind, value: str) -> Customer:
    """The person of a typed ID or card number (only their id: nothing is shown yet)."""
    person = lookup.find_one(kind, value)
    return Customer(kind, value, person.id)


def identify_card(cards: CardService, reader: str) -> Customer:
    """Read the card in `reader` and find its holder (only their id)."""
    outcome = resolve_card(cards.read(reader))
    if outcome.kind is None or outcome.value is None:
        raise UnknownHolder("the card's holder has no record in this office's register")
    person = lookup.find_one(outcome.kind, outcome.value)
    return Customer(outcome.kind, outcome.value, person.id, outcome.record.card_no, reader)


def check_password(person_id: int, password: str, actor: Actor) -> VerifyResult:
    """Check the query password (wrong ones are counted; CredentialLocked while locked)."""
    return services.check_password(person_id, password, actor).result


def open_record(customer: Customer, actor: Actor, how: str) -> Overview:
    """Read the verified citizen's record (logged) and record the kiosk visit."""
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
