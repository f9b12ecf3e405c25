"""Offices' audit chains at headquarters: kept once per event, every link checked."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hq import store
from hq.api import create_app
from hq.offices import enrol_office
from models import audit
from models.actor import Actor
from models.enums import Role
from models.home import OfficeHome
from models.schema import db as office_db
from models.schema import write_transaction
from tests.hq_fixtures import OfficeClient

CLERK = Actor("clerk01", Role.CLERK)
COLUMNS = ("id", "at", "actor", "action", "person_id", "detail", "prev_hash", "hash")


@pytest.fixture
def office_events(home: OfficeHome) -> list[dict[str, Any]]:
    """Eight chained audit events written by a real office register."""
    for i in range(8):
        with write_transaction():
            audit.record(CLERK, "person.read", None, key="ssn", n=i, name="张三")
    rows = office_db.execute_sql(f"SELECT {', '.join(COLUMNS)} FROM audit_event ORDER BY id")
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows]


@pytest.fixture
def lixia(hq_url: str) -> OfficeClient:
    store.connect(hq_url)
    token = enrol_office("lixia", ["370102"])
    with TestClient(create_app(hq_url)) as client:
        yield OfficeClient(client, token)


def push(office: OfficeClient, events: list[dict[str, Any]]) -> dict[str, Any]:
    answer = office.post("/v1/audit", {"events": events})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_an_intact_chain_is_kept_once_in_batches(
    lixia: OfficeClient, office_events: list[dict[str, Any]]
) -> None:
    first = push(lixia, office_events[:5])
    assert (first["accepted"], first["last_id"], first["broken_at"]) == (5, 5, None)
    second = push(lixia, office_events[3:])
    assert (second["accepted"], second["last_id"], second["broken_at"]) == (3, 8, None)
    again = push(lixia, office_events)
    assert (again["accepted"], again["last_id"], again["broken_at"]) == (0, 8, None)
    stored = store.execute(
        "SELECT event_id, link_ok FROM office_audit_event WHERE office_id = 'lixia' "
        "ORDER BY event_id"
    ).fetchall()
    assert [(r[0], bool(r[1])) for r in stored] == [(i, True) for i in range(1, 9)]


def test_a_changed_event_breaks_the_chain_and_is_kept_flagged(
    lixia: OfficeClient, office_events: list[dict[str, Any]]
) -> None:
    office_events[2]["detail"] = office_events[2]["detail"].replace("张三", "李四")
    answer = push(lixia, office_events)
    assert (answer["accepted"], answer["broken_at"], answer["last_id"]) == (8, 3, 8)
    flagged = store.execute(
        "SELECT event_id FROM office_audit_event WHERE NOT link_ok ORDER BY event_id"
    ).fetchall()
    assert [r[0] for r in flagged] == [3]


def test_a_removed_event_breaks_the_link_of_the_next_one(
    lixia: OfficeClient, office_events: list[dict[str, Any]]
) -> None:
    del office_events[3]  # id 4
    assert push(lixia, office_events)["broken_at"] == 5


def test_an_event_changed_after_headquarters_received_it_is_reported(
    lixia: OfficeClient, office_events: list[dict[str, Any]]
) -> None:
    push(lixia, office_events)
    office_events[1]["hash"] = "f" * 64
    answer = push(lixia, office_events)
    assert (answer["accepted"], answer["broken_at"]) == (0, 2)


def test_the_first_event_received_anchors_a_chain_that_started_earlier(
    lixia: OfficeClient, office_events: list[dict[str, Any]]
) -> None:
    assert push(lixia, office_events[4:])["broken_at"] is None
    wrong_genesis = dict(office_events[0], prev_hash="1" * 64)
    assert push(lixia, [wrong_genesis])["broken_at"] == 1


def test_an_object_detail_is_checked_as_the_office_encodes_it(
    lixia: OfficeClient, office_events: list[dict[str, Any]]
) -> None:
    as_objects = [dict(e, detail=json.loads(e["detail"])) for e in office_events]
    assert push(lixia, as_objects)["broken_at"] is None


def test_newest_events_removed_at_the_office_are_reported_by_its_head(
    lixia: OfficeClient, office_events: list[dict[str, Any]]
) -> None:
    push(lixia, office_events)
    cut = office_events[:5]  # the office deleted events 6-8 after sending them
    head = {"count": 5, "last_id": 5, "hash": cut[-1]["hash"]}
    answer = lixia.post("/v1/audit", {"events": [], "head": head}).json()
    assert answer["broken_at"] == 6 and "newest were removed" in answer["head_problem"]


def test_an_emptied_office_log_is_reported_by_its_head(
    lixia: OfficeClient, office_events: list[dict[str, Any]]
) -> None:
    push(lixia, office_events)
    empty = {"count": 0, "last_id": 0, "hash": ""}
    answer = lixia.post("/v1/audit", {"events": [], "head": empty}).json()
    assert answer["broken_at"] == 1 and answer["head_problem"]


def test_a_rewritten_newest_event_is_reported_by_its_head(
    lixia: OfficeClient, office_events: list[dict[str, Any]]
) -> None:
    push(lixia, office_events)
    head = {"count": 8, "last_id": 8, "hash": "e" * 64}
    answer = lixia.post("/v1/audit", {"events": [], "head": head}).json()
    assert answer["broken_at"] == 8 and "rewritten" in answer["head_problem"]


def test_a_head_that_agrees_is_not_a_problem(
    lixia: OfficeClient, office_events: list[dict[str, Any]]
) -> None:
    head = {"count": 8, "last_id": 8, "hash": office_events[-1]["hash"]}
    answer = lixia.post("/v1/audit", {"events": office_events, "head": head}).json()
    assert answer["broken_at"] is None and answer["head_problem"] is None
