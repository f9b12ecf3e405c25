"""Commands from offices: applied once, answered per item, rejected with reasons to act on."""

from __future__ import annotations

import hashlib

from hq import feed, register, store
from tests.hq_fixtures import DemoHq, a_card, a_person, command

AT = "2026-11-20T01:02:03.000004+00:00"


def card_row(card_no: str) -> list:
    return list(
        store.execute(
            "SELECT id, status, status_changed_at FROM card WHERE card_no = ?", (card_no,)
        ).fetchone()
    )


def test_headquarters_applies_every_command_an_office_can_queue() -> None:
    from hq.commands import HANDLERS
    from models.commands import CommandName

    assert set(HANDLERS) == set(CommandName)


def test_reporting_a_card_lost_is_accepted_applied_and_published(demo_hq: DemoHq) -> None:
    card, ssn, _ = a_card("370102")
    results = demo_hq.lixia.push(
        command("card.report_lost", {"card_no": card, "ssn": ssn, "at": AT}, "u-1")
    )
    assert results == [{"uuid": "u-1", "status": "accepted", "code": None, "reason": None}]
    _, status, changed_at = card_row(card)
    assert (status, str(changed_at)) == ("lost", AT)
    changes = demo_hq.lixia.get("/v1/changes").json()["changes"]
    assert [(c["table"], c["row"][1], c["row"][8]) for c in changes] == [("card", card, "lost")]
    back = demo_hq.lixia.push(command("card.cancel_loss", {"card_no": card, "ssn": ssn, "at": AT}))
    assert back[0]["status"] == "accepted"
    assert card_row(card)[1] == "active"


def test_the_same_command_pushed_twice_is_applied_once_with_the_same_answer(
    demo_hq: DemoHq,
) -> None:
    card, ssn, _ = a_card("370102")
    item = command("card.report_lost", {"card_no": card, "ssn": ssn, "at": AT}, "same-uuid")
    first = demo_hq.lixia.push(item)
    head = feed.head_seq()
    second = demo_hq.lixia.push(item, item)
    assert second == first * 2
    assert feed.head_seq() == head
    rejected = command("card.report_lost", {"card_no": "Z99999999", "ssn": ssn, "at": AT}, "r")
    assert demo_hq.lixia.push(rejected) == demo_hq.lixia.push(rejected)
    assert store.execute("SELECT count(*) FROM command").fetchone()[0] == 2


def test_a_uuid_is_private_to_its_office(demo_hq: DemoHq) -> None:
    visit = {"ssn": None, "card_no": None, "channel": "counter", "purpose": "lookup", "at": AT}
    demo_hq.lixia.push(command("visit.record", visit, "shared"))
    demo_hq.shizhong.push(command("visit.record", visit, "shared"))
    assert store.execute("SELECT count(*) FROM visit").fetchone()[0] == 2


def test_a_card_in_the_wrong_state_is_rejected_and_republished(demo_hq: DemoHq) -> None:
    card, ssn, _ = a_card("370102")
    register.set_card_status(card, "cancelled")
    head = feed.head_seq()
    [result] = demo_hq.lixia.push(
        command("card.report_lost", {"card_no": card, "ssn": ssn, "at": AT})
    )
    assert (result["status"], result["code"]) == ("rejected", "card_state")
    assert f"card {card} is cancelled" in result["reason"]
    republished = demo_hq.lixia.get("/v1/changes", after=head).json()["changes"]
    assert [(c["table"], c["row"][1], c["row"][8]) for c in republished] == [
        ("card", card, "cancelled")
    ]
    lost, lost_ssn, _ = a_card("370102", "lost")
    [again] = demo_hq.lixia.push(
        command("card.report_lost", {"card_no": lost, "ssn": lost_ssn, "at": AT})
    )
    assert again["code"] == "card_state" and "is lost" in again["reason"]
    [cancel] = demo_hq.lixia.push(
        command("card.cancel_loss", {"card_no": card, "ssn": ssn, "at": AT})
    )
    assert cancel["code"] == "card_state" and "only a card that is lost" in cancel["reason"]


def test_rejections_name_what_is_wrong(demo_hq: DemoHq) -> None:
    card, ssn, _ = a_card("370102")
    other_card, other_ssn, _ = a_card("370103")
    _, second_ssn = store.execute(
        "SELECT id, ssn FROM person WHERE district = '370102' AND ssn != ? LIMIT 1", (ssn,)
    ).fetchone()
    results = demo_hq.lixia.push(
        command("card.report_lost", {"card_no": "Z99999999", "ssn": ssn, "at": AT}),
        command("card.report_lost", {"card_no": other_card, "ssn": other_ssn, "at": AT}),
        command("card.report_lost", {"card_no": card, "ssn": second_ssn, "at": AT}),
        command("card.report_lost", {"card_no": card}),
        command("card.melt", {"card_no": card}),
        command("query_password.unlocked", {"ssn": "370102190001010000"}),
        command("query_password.reset", {"ssn": other_ssn, "password_hash": None}),
    )
    codes = [(r["status"], r["code"]) for r in results]
    assert codes == [
        ("rejected", "unknown_card"),
        ("rejected", "out_of_scope"),
        ("rejected", "invalid_payload"),
        ("rejected", "invalid_payload"),
        ("rejected", "unknown_command"),
        ("rejected", "unknown_person"),
        ("rejected", "out_of_scope"),
    ]
    reasons = [r["reason"] for r in results]
    assert "Z99999999" in reasons[0]
    assert "district 370103" in reasons[1] and "does not serve" in reasons[1]
    assert "does not belong" in reasons[2]
    assert "ssn" in reasons[3] and "at" in reasons[3]
    assert "card.melt" in reasons[4]
    assert "370102********0000" in reasons[5]
    assert all(r["reason"] for r in results)
    assert card_row(card)[1] == "active"
    assert card_row(other_card)[1] == "active"


def test_query_password_commands_update_the_credential_and_publish_it(demo_hq: DemoHq) -> None:
    person_id, ssn = a_person("370102")
    failed = demo_hq.lixia.push(
        command(
            "query_password.failed_attempt",
            {"ssn": ssn, "failed_attempts": 5, "locked": True},
        )
    )
    assert failed[0]["status"] == "accepted"
    row = store.execute(
        "SELECT failed_attempts, locked_until FROM query_credential WHERE person_id = ?",
        (person_id,),
    ).fetchone()
    assert row[0] == 5 and str(row[1]).startswith("2026-11-21T02:00:00")
    demo_hq.lixia.push(command("query_password.unlocked", {"ssn": ssn}))
    digest = "scrypt$16384$8$1$c2FsdA==$ZGlnZXN0"
    reset = demo_hq.lixia.push(
        command("query_password.reset", {"ssn": ssn, "password_hash": digest, "to_initial": False})
    )
    assert reset[0]["status"] == "accepted"
    changes = demo_hq.lixia.get("/v1/changes").json()["changes"]
    assert [(c["table"], c["row"][0], c["row"][2]) for c in changes] == [
        ("query_credential", person_id, 5),
        ("query_credential", person_id, 0),
        ("query_credential", person_id, 0),
    ]
    assert changes[-1]["row"][1] == digest and changes[-1]["row"][3] is None
    assert demo_hq.shizhong.get("/v1/changes").json()["changes"] == []


def test_a_rejected_credential_command_republishes_the_credential(demo_hq: DemoHq) -> None:
    person_id, ssn = a_person("370102")
    [result] = demo_hq.lixia.push(
        command("query_password.reset", {"ssn": ssn, "password_hash": "x", "to_initial": True})
    )
    assert result["code"] == "invalid_payload"
    [change] = demo_hq.lixia.get("/v1/changes").json()["changes"]
    # headquarters holds no credential: the office's optimistic one is removed
    assert change == {"seq": 1, "table": "query_credential", "op": "delete", "key": [person_id]}


def test_visits_are_recorded_for_persons_of_any_district(demo_hq: DemoHq) -> None:
    other_id, other_ssn = a_person("370103")
    visit = {
        "ssn": other_ssn,
        "card_no": None,
        "channel": "counter",
        "purpose": "statement",
        "staff": "clerk01",
        "at": AT,
        "note": "visitor from 市中区",
    }
    [ok] = demo_hq.lixia.push(command("visit.record", visit))
    assert ok["status"] == "accepted"
    stored = store.execute("SELECT office_id, person_id, purpose FROM visit").fetchall()
    assert [tuple(r) for r in stored] == [("lixia", other_id, "statement")]
    [bad] = demo_hq.lixia.push(command("visit.record", {**visit, "channel": "phone"}))
    assert bad["code"] == "invalid_payload" and "counter" in bad["reason"]


def statement(number: str, ssn: str | None, sha: str = "a" * 64) -> dict:
    return {
        "number": number,
        "ssn": ssn,
        "kind": "rights",
        "sha256": sha,
        "pages": 2,
        "printed_at": AT,
        "offline": False,
    }


def test_statements_are_recorded_once_per_number_and_only_for_the_office_s_district(
    demo_hq: DemoHq,
) -> None:
    _, ssn = a_person("370102")
    number = "370102-20261120-00001"
    results = demo_hq.lixia.push(
        command("statement.issued", statement(number, ssn)),
        command("statement.issued", statement(number, ssn)),  # sent again: the same document
        command("statement.issued", statement(number, ssn, hashlib.sha256(b"x").hexdigest())),
        command("statement.issued", statement("370103-20261120-00001", None)),
        command("statement.issued", statement("20261120-1", None)),
        command("statement.printed", {"number": number, "printer": "HP-1"}),
        command("statement.printed", {"number": "370102-20261120-00009", "printer": "HP-1"}),
    )
    assert [(r["status"], r["code"]) for r in results] == [
        ("accepted", None),
        ("accepted", None),
        ("rejected", "duplicate_number"),
        ("rejected", "out_of_scope"),
        ("rejected", "invalid_payload"),
        ("accepted", None),
        ("rejected", "invalid_payload"),
    ]
    assert store.execute("SELECT print_count, last_printer FROM statement").fetchall() == [
        (1, "HP-1")
    ]
    [printed_elsewhere] = demo_hq.shizhong.push(
        command("statement.printed", {"number": number, "printer": "x"})
    )
    assert printed_elsewhere["code"] == "out_of_scope"
