"""The HTTP contract's envelope: protocol negotiation, tokens, headquarters' time, error bodies."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from hq import store
from hq.api import create_app
from hq.offices import enrol_office
from hq.schema import SCHEMA_VERSION
from models.replica import PROTOCOL_HEADER, SERVER_TIME_HEADER
from tests.hq_fixtures import OfficeClient

FIXED = datetime(2031, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
FIXED_TEXT = "2031-05-06T07:08:09.123456+00:00"
KEY = "ab" * 32


@pytest.fixture
def office(hq_url: str) -> OfficeClient:
    """An office enrolled for 370102 at an empty headquarters whose clock says FIXED."""
    store.connect(hq_url)
    token = enrol_office("lixia", ["370102"])
    with TestClient(create_app(hq_url, clock=lambda: FIXED), raise_server_exceptions=False) as c:
        yield OfficeClient(c, token)


def assert_error(answer, status: int, code: str) -> None:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["error"] == code
    assert body["message"] and "Traceback" not in body["message"]
    assert body["server_time"] == FIXED_TEXT
    assert answer.headers[SERVER_TIME_HEADER] == FIXED_TEXT


def test_hello_names_the_protocol_range_and_the_office_of_a_valid_token(
    office: OfficeClient,
) -> None:
    anonymous = office.client.get("/v1/hello")
    assert anonymous.status_code == 200
    assert anonymous.json() == {
        "service": "counterdesk-hq",
        "min_protocol": 1,
        "max_protocol": 3,
        "schema_version": SCHEMA_VERSION,
        "server_time": FIXED_TEXT,
    }
    known = office.get("/v1/hello").json()
    assert known["office"] == {
        "id": "lixia",
        "districts": ["370102"],
        "workstation": {"id": "lixia", "code": "C01", "kind": "counter"},
    }


def test_an_invalid_token_at_hello_is_answered_without_an_office(office: OfficeClient) -> None:
    answer = office.client.get("/v1/hello", headers={"Authorization": "Bearer lixia.wrong"})
    assert answer.status_code == 200
    assert "office" not in answer.json()


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer lixia.not-the-secret", "Bearer nobody.secret", "Basic abc", "Bearer "],
)
def test_a_missing_or_wrong_token_is_unauthorized(
    office: OfficeClient, authorization: str | None
) -> None:
    headers = {PROTOCOL_HEADER: "1"}
    if authorization is not None:
        headers["Authorization"] = authorization
    answer = office.client.get("/v1/changes", headers=headers)
    assert_error(answer, 401, "unauthorized")


def test_a_too_old_protocol_is_426_and_a_too_new_one_400(office: OfficeClient) -> None:
    old = office.client.get("/v1/changes", headers=office.headers(**{PROTOCOL_HEADER: "0"}))
    assert_error(old, 426, "protocol_too_old")
    assert "upgrade counterdesk at the office" in old.json()["message"]
    new = office.client.get("/v1/changes", headers=office.headers(**{PROTOCOL_HEADER: "4"}))
    assert_error(new, 400, "protocol_too_new")
    assert "headquarters must be upgraded" in new.json()["message"]


def test_the_protocol_is_checked_before_the_token(office: OfficeClient) -> None:
    answer = office.client.get("/v1/changes", headers={PROTOCOL_HEADER: "0"})
    assert_error(answer, 426, "protocol_too_old")


def test_a_missing_or_malformed_protocol_header_is_an_invalid_request(
    office: OfficeClient,
) -> None:
    headers = office.headers()
    del headers[PROTOCOL_HEADER]
    assert_error(office.client.get("/v1/changes", headers=headers), 400, "invalid_request")
    malformed = office.headers(**{PROTOCOL_HEADER: "one"})
    assert_error(office.client.get("/v1/changes", headers=malformed), 400, "invalid_request")


def test_validation_errors_are_400_invalid_request_with_the_contract_body(
    office: OfficeClient,
) -> None:
    too_big = office.get("/v1/changes", limit=5001)
    assert_error(too_big, 400, "invalid_request")
    assert "limit" in too_big.json()["message"]
    assert_error(office.get("/v1/changes", after="soon"), 400, "invalid_request")
    assert_error(office.get("/v1/bootstrap", phase="cards"), 400, "invalid_request")
    assert_error(office.post("/v1/push", {"items": "none"}), 400, "invalid_request")
    headers = {**office.headers(), "Content-Type": "application/json"}
    broken_json = office.client.post("/v1/push", content=b"{not json", headers=headers)
    assert_error(broken_json, 400, "invalid_request")
    too_many = {"items": [{"uuid": str(i)} for i in range(501)]}
    assert_error(office.post("/v1/push", too_many), 400, "invalid_request")


def test_unknown_endpoints_and_methods_answer_with_the_error_body(office: OfficeClient) -> None:
    assert_error(office.get("/v1/nothing-here"), 404, "not_found")
    answer = office.client.delete("/v1/changes", headers=office.headers())
    assert answer.status_code == 405
    assert answer.json()["server_time"] == FIXED_TEXT


def test_an_unexpected_failure_is_a_500_without_a_stack_trace(
    office: OfficeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hq import feed

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals: /srv/hq/feed.py line 42")

    monkeypatch.setattr(feed, "pull", broken)
    answer = office.get("/v1/changes")
    assert_error(answer, 500, "server_error")
    assert "secret internals" not in answer.text


def test_every_answer_carries_headquarters_time(office: OfficeClient) -> None:
    for answer in (
        office.client.get("/v1/hello"),
        office.client.get("/openapi.json"),
        office.get("/v1/changes"),
        office.client.get("/v1/changes"),
        office.get("/v1/persons", ssn="370102199001011234"),
    ):
        assert answer.headers[SERVER_TIME_HEADER] == FIXED_TEXT
        if answer.request.url.path != "/openapi.json":
            assert answer.json()["server_time"] == FIXED_TEXT


def test_the_openapi_document_lists_every_endpoint_and_no_422(office: OfficeClient) -> None:
    paths = office.client.get("/openapi.json").json()["paths"]
    statuses = {s for path in paths.values() for op in path.values() for s in op["responses"]}
    assert "422" not in statuses and {"400", "401", "426", "500"} <= statuses
    assert set(paths) == {
        "/v1/hello",
        "/v1/enrol",
        "/v1/push",
        "/v1/audit",
        "/v1/changes",
        "/v1/bootstrap",
        "/v1/scope/digest",
        "/v1/persons",
        "/v1/statements/verify",
        "/v1/office",
        "/v1/office/workstations",
    }


def test_enrol_keeps_every_signing_key_and_is_idempotent(office: OfficeClient) -> None:
    body = {"office_name": "历下区", "signing_key": KEY, "client_version": "0.1.0"}
    first = office.post("/v1/enrol", body)
    assert first.status_code == 200, first.text
    assert first.json()["office"] == {
        "id": "lixia",
        "districts": ["370102"],
        "workstation": {"id": "lixia", "code": "C01", "kind": "counter"},
    }
    assert first.json()["head_seq"] == 0
    assert office.post("/v1/enrol", body).status_code == 200
    assert office.post("/v1/enrol", {**body, "signing_key": "cd" * 32}).status_code == 200
    from hq.offices import signing_keys

    assert signing_keys("lixia") == [bytes.fromhex("cd" * 32), bytes.fromhex(KEY)]
    bad = office.post("/v1/enrol", {**body, "signing_key": "xyz"})
    assert_error(bad, 400, "invalid_request")


def test_an_office_that_asks_too_often_is_told_when_to_retry(hq_url: str) -> None:
    store.connect(hq_url)
    token = enrol_office("lixia", ["370102"])
    app = create_app(hq_url, clock=lambda: FIXED, rate_limit=0.05)  # 10 at once, then one per 20 s
    with TestClient(app) as client:
        office = OfficeClient(client, token)
        answers = [office.get("/v1/changes") for _ in range(12)]
    limited = [a for a in answers if a.status_code == 429]
    assert limited, "the burst allowance was never exhausted"
    assert_error(limited[0], 429, "rate_limited")
    assert int(limited[0].headers["Retry-After"]) >= 1
