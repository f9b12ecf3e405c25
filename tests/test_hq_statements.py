"""Verifying printed statements' QR codes against the keys offices registered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from hq import store
from hq.offices import enrol_office
from hq.statements import verify_statement
from models import signing
from tests.hq_fixtures import DemoHq, OfficeClient, a_person, command

KEY_1 = bytes.fromhex("11" * 32)
KEY_2 = bytes.fromhex("22" * 32)
PRINTED = datetime(2026, 11, 20, 1, 2, 3, tzinfo=UTC)
NUMBER = "370102-20261120-00007"


def enrol_key(office: OfficeClient, key: bytes) -> None:
    body = {"office_name": "历下区", "signing_key": key.hex(), "client_version": "0.1.0"}
    assert office.post("/v1/enrol", body).status_code == 200


def code(key: bytes, number: str = NUMBER, kind: str = "rights") -> str:
    return signing.sign(key, number, kind, PRINTED, "0123456789abcdef")


def verify(demo_hq: DemoHq, payload: str) -> dict:
    answer = demo_hq.client.post("/v1/statements/verify", json={"payload": payload})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_recorded_statement_is_genuine_and_shows_what_it_covered(demo_hq: DemoHq) -> None:
    enrol_key(demo_hq.lixia, KEY_1)
    _, ssn = a_person("370102")
    issued = {
        "number": NUMBER,
        "ssn": ssn,
        "kind": "rights",
        "sha256": "ab" * 32,
        "pages": 3,
        "printed_at": "2026-11-20T01:02:03.456789+00:00",
        "offline": False,
    }
    assert demo_hq.lixia.push(command("statement.issued", issued))[0]["status"] == "accepted"
    answer = verify(demo_hq, code(KEY_1))
    assert answer["genuine"] is True and answer["reason"] is None
    assert answer["statement"] == {
        "number": NUMBER,
        "office": "lixia",
        "workstation": "C01",
        "kind": "rights",
        "printed_at": "2026-11-20T01:02:03.456789+00:00",
        "person": ssn[:6] + "********" + ssn[-4:],
        "pages": 3,
        "sha256": "ab" * 32,
        "recorded": True,
    }


def test_a_statement_not_yet_received_is_verified_by_the_district_s_keys(
    demo_hq: DemoHq,
) -> None:
    enrol_key(demo_hq.lixia, KEY_1)
    other = enrol_office("lixia-east", ["370102"])
    enrol_key(OfficeClient(demo_hq.client, other), KEY_2)
    answer = verify(demo_hq, code(KEY_2))
    assert answer["genuine"] is True
    statement = answer["statement"]
    assert (statement["office"], statement["recorded"], statement["pages"]) == (
        "lixia-east",
        False,
        None,
    )
    assert statement["printed_at"] == "2026-11-20T01:02:03.000000+00:00"


def test_statements_signed_before_a_key_change_stay_verifiable(demo_hq: DemoHq) -> None:
    enrol_key(demo_hq.lixia, KEY_1)
    enrol_key(demo_hq.lixia, KEY_2)
    assert verify(demo_hq, code(KEY_1))["genuine"] is True
    assert verify(demo_hq, code(KEY_2))["genuine"] is True


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (lambda c: c.replace("|rights|", "|medical|"), "altered or is not genuine"),
        (lambda c: c.replace("00007", "00008"), "altered or is not genuine"),
        (lambda c: code(bytes(32)), "altered or is not genuine"),
        (lambda c: code(KEY_1, "370199-20261120-00001"), "no signing key"),
        (lambda c: "https://example.com/qr", "not a counterdesk statement code"),
        (lambda c: c.replace(NUMBER, "X-1"), "not a statement number"),
    ],
    ids=["kind", "number", "unknown-key", "district-without-offices", "not-ours", "number-form"],
)
def test_tampered_or_foreign_codes_are_not_genuine(
    demo_hq: DemoHq, tamper: Callable[[str], str], reason: str
) -> None:
    enrol_key(demo_hq.lixia, KEY_1)
    answer = verify(demo_hq, tamper(code(KEY_1)))
    assert answer["genuine"] is False and answer["statement"] is None
    assert reason in answer["reason"]


def test_a_signature_that_contradicts_headquarters_record_is_not_genuine(
    demo_hq: DemoHq,
) -> None:
    enrol_key(demo_hq.lixia, KEY_1)
    issued = {"number": NUMBER, "kind": "medical", "printed_at": PRINTED.isoformat()}
    assert demo_hq.lixia.push(command("statement.issued", issued))[0]["status"] == "accepted"
    answer = verify_statement(code(KEY_1, kind="rights"))
    assert not answer.genuine and "another kind or time" in (answer.reason or "")
    assert store.execute("SELECT count(*) FROM statement").fetchone()[0] == 1


def test_verification_needs_no_token_but_checks_a_protocol_it_is_given(demo_hq: DemoHq) -> None:
    answer = demo_hq.client.post(
        "/v1/statements/verify",
        json={"payload": "CD1|x"},
        headers={"Counterdesk-Protocol": "9"},
    )
    assert answer.status_code == 400 and answer.json()["error"] == "protocol_too_new"
