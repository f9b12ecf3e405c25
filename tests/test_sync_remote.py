"""Customers of other districts: asked at headquarters after a local miss, shown, not stored,
and logged as their own audit action with the masked number."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from models.actor import Actor
from models.enums import Role
from models.errors import InvalidRequest
from models.idnumber import make_id_number
from models.lookup import KeyKind
from models.replica import PERSON_TABLES
from models.schema import AuditEvent, Person
from sync.client import HqClient
from sync.errors import NotFoundAtHeadquarters, RemoteLookupOffline
from sync.remote import ACTION, ask_headquarters
from tests.factories import add_person
from tests.sync_helpers import Reply, ScriptedServer, free_port, scripted_server, stamp

CLERK = Actor("clerk01", Role.CLERK)
VISITOR = make_id_number("370103", date(1980, 5, 6), 31)
PERSON_ROW = [
    900_001,
    VISITOR,
    "赵敏",
    "M",
    "1980-05-06",
    "01",
    "370103",
    None,
    None,
    "insured",
    "2026-11-01T00:00:00.000000+00:00",
]
CARD_ROW = [
    77,
    "B98765432",
    "370103D156000005X",
    900_001,
    3,
    "370103",
    "2020-01-01",
    "2030-01-01",
    "active",
    None,
    None,
]


def person_answer(_seen: object) -> Reply:
    tables = {t.name: {"columns": list(t.columns), "rows": []} for t in PERSON_TABLES}
    tables["person"]["rows"] = [PERSON_ROW]
    tables["card"]["rows"] = [CARD_ROW]
    return Reply(body={"tables": tables, "district": "370103", "server_time": stamp()})


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as running:
        yield running


def client_of(url: str) -> HqClient:
    return HqClient(httpx.Client(base_url=url, timeout=2), "o.s", actor=CLERK.name)


def test_a_person_of_another_district_is_read_at_headquarters_and_logged(home, server) -> None:
    server.answer("/v1/persons", person_answer)
    record = ask_headquarters(client_of(server.url), KeyKind.ID_NUMBER, VISITOR, CLERK)
    assert record.district == "370103" and record.person["name"] == "赵敏"
    assert record.tables["card"][0]["card_no"] == "B98765432"
    assert server.seen[0].path == f"/v1/persons?ssn={VISITOR}"
    assert Person.select().count() == 0  # shown, not stored
    event = AuditEvent.get(AuditEvent.action == ACTION)
    assert event.person_id is None and event.actor == "clerk01"
    assert json.loads(event.detail)["ssn"] == record.masked_ssn == "370103********" + VISITOR[-4:]
    assert VISITOR not in event.detail


def test_a_person_in_the_register_is_not_asked_for(home, server) -> None:
    local = add_person()
    with pytest.raises(InvalidRequest, match="in this office's register"):
        ask_headquarters(client_of(server.url), KeyKind.ID_NUMBER, local.ssn, CLERK)
    assert server.seen == []


def test_offline_the_clerk_learns_the_person_is_not_here_and_a_sync_is_needed(home) -> None:
    client = client_of(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(RemoteLookupOffline) as caught:
        ask_headquarters(client, KeyKind.CARD, "B98765432", CLERK)
    assert "not in the office's register" in caught.value.message
    assert "network" in caught.value.message
    assert not AuditEvent.select().where(AuditEvent.action == ACTION).exists()


def test_nobody_at_headquarters_either_is_said_and_logged(home, server) -> None:
    server.answer(
        "/v1/persons",
        Reply(404, {"error": "not_found", "message": "nobody", "server_time": stamp()}),
    )
    with pytest.raises(NotFoundAtHeadquarters, match="headquarters has nobody with card"):
        ask_headquarters(client_of(server.url), KeyKind.CARD, "b98765432", CLERK)
    event = AuditEvent.get(AuditEvent.action == ACTION)
    assert json.loads(event.detail)["found"] is False
