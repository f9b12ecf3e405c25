"""Customers of other districts: ask headquarters for a person the office's register lacks.

The answer is shown, not stored: the register holds the office's scope only (anything else
would make the data check find a difference). Each question is an audit event of its own,
`person.read_remote`, with the masked ID number; headquarters logs its side with the office and
the staff member.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models import audit
from models.actor import Actor
from models.errors import InvalidRequest
from models.idnumber import mask_id_number, parse_id_number
from models.lookup import KeyKind
from models.people import find_by_card, find_by_ssn, normalise_card_number
from models.permissions import Permission, require
from models.replica import PERSON_TABLES
from models.schema import write_transaction
from sync.client import HqClient
from sync.errors import NotFoundAtHeadquarters, Offline, RemoteLookupOffline

ACTION = "person.read_remote"


@dataclass(frozen=True)
class RemoteRecord:
    """A person of another district as headquarters holds them (rows as column -> value)."""

    district: str
    person: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
    server_time: datetime

    @property
    def masked_ssn(self) -> str:
        """The ID number as shown on screen."""
        return mask_id_number(self.person["ssn"])


def _offline_message(reason: str) -> str:
    return (
        "this person is not in the office's register (the office holds its own districts "
        f"only), and headquarters cannot be asked now ({reason}): a sync connection to "
        "headquarters (network) is needed; try again when the office is online"
    )


def ask_headquarters(
    client: HqClient | None, kind: KeyKind, value: str, actor: Actor
) -> RemoteRecord:
    """Look a person up at headquarters after the local lookup found nobody.

    Raises models.errors.InvalidRequest if the register does hold the person (look them up
    locally), RemoteLookupOffline without a connection (or enrolment), NotFoundAtHeadquarters
    when headquarters has nobody either, and the other errors of `sync.errors`.
    """
    require(actor, Permission.LOOKUP)
    if kind == KeyKind.ID_NUMBER:
        key = parse_id_number(value).value
        local = find_by_ssn(key) is not None
        shown = mask_id_number(key)
    elif kind == KeyKind.CARD:
        key = normalise_card_number(value)
        local = find_by_card(key) is not None
        shown = key
    else:
        raise ValueError("headquarters is asked by ID number or card number, not by name")
    if local:
        raise InvalidRequest(
            f"{shown} is in this office's register: look the person up locally (counterdesk lookup)"
        )
    if client is None:
        raise RemoteLookupOffline(_offline_message("the office is not enrolled"))
    try:
        answer = client.person(ssn=key) if kind == KeyKind.ID_NUMBER else client.person(card=key)
    except Offline as exc:
        raise RemoteLookupOffline(_offline_message(exc.message)) from exc
    except NotFoundAtHeadquarters as exc:
        with write_transaction():
            audit.record(actor, ACTION, None, key=kind.value, asked=shown, found=False)
        raise NotFoundAtHeadquarters(
            f"headquarters has nobody with {'ID number' if kind == KeyKind.ID_NUMBER else 'card'}"
            f" {shown} either: check the number",
            exc.code,
            exc.http_status,
        ) from exc
    tables = {
        table.name: [
            dict(zip(table.columns, row, strict=True)) for row in answer.tables[table.name]
        ]
        for table in PERSON_TABLES
    }
    record = RemoteRecord(answer.district, tables["person"][0], tables, answer.server_time)
    with write_transaction():
        audit.record(
            actor,
            ACTION,
            None,
            key=kind.value,
            ssn=record.masked_ssn,
            district=answer.district,
            found=True,
        )
    return record
