"""Persons of other districts: served anywhere, every read logged at headquarters."""

from __future__ import annotations

from urllib.parse import quote

from hq import store
from models.replica import ACTOR_HEADER, PERSON_TABLES
from tests.hq_fixtures import DemoHq, a_card


def test_an_office_reads_a_visitor_of_another_district_and_the_read_is_logged(
    demo_hq: DemoHq,
) -> None:
    card, ssn, person_id = a_card("370103")
    headers = demo_hq.lixia.headers(**{ACTOR_HEADER: quote("王小明")})
    answer = demo_hq.client.get("/v1/persons", params={"ssn": ssn}, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["district"] == "370103"
    assert set(body["tables"]) == {t.name for t in PERSON_TABLES}
    assert body["tables"]["person"]["rows"][0][:2] == [person_id, ssn]
    assert card in [row[1] for row in body["tables"]["card"]["rows"]]
    assert (
        len(body["tables"]["contribution"]["rows"])
        == store.execute(
            "SELECT count(*) FROM contribution WHERE person_id = ?", (person_id,)
        ).fetchone()[0]
    )
    by_card = demo_hq.lixia.get("/v1/persons", card=card.lower())
    assert by_card.json()["tables"] == body["tables"]
    log = store.execute(
        "SELECT office_id, actor, person_id, key_kind FROM access_log ORDER BY id"
    ).fetchall()
    assert [tuple(r) for r in log] == [
        ("lixia", "王小明", person_id, "ssn"),
        ("lixia", "(not named)", person_id, "card"),
    ]


def test_nobody_found_is_404_and_a_query_needs_exactly_one_key(demo_hq: DemoHq) -> None:
    missing = demo_hq.lixia.get("/v1/persons", ssn="370102190001010000")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert "370102********0000" in missing.json()["message"]
    assert demo_hq.lixia.get("/v1/persons").status_code == 400
    both = demo_hq.lixia.get("/v1/persons", ssn="1", card="2")
    assert both.status_code == 400 and both.json()["error"] == "invalid_request"
    assert store.execute("SELECT count(*) FROM access_log").fetchone()[0] == 0
