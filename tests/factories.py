"""Small builders for hand-made register rows in unit tests."""

from __future__ import annotations

from datetime import date

from models.enums import CardStatus
from models.idnumber import make_id_number
from models.schema import Card, Person


def add_person(
    name: str = "王芳",
    birth: date = date(1985, 3, 14),
    sequence: int = 22,
    region: str = "370102",
    status: str = "insured",
) -> Person:
    """Insert a person with a valid ID number."""
    ssn = make_id_number(region, birth, sequence)
    return Person.create(
        ssn=ssn,
        name=name,
        gender="M" if sequence % 2 else "F",
        birth_date=birth,
        region_code=region,
        status=status,
        phone="13812345678",
        address="济南市历下区泉城路1号",
    )


def add_card(
    person: Person, number: str = "A12345678", status: CardStatus = CardStatus.ACTIVE
) -> Card:
    """Insert a third-generation card for `person`."""
    return Card.create(
        card_no=number,
        identifier=f"370102D156000005{person.id:016X}",
        person=person,
        generation=3,
        region_code="370102",
        issue_date=date(2020, 5, 1),
        expiry_date=date(2030, 5, 1),
        status=status.value,
    )
