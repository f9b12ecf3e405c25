"""Property-based fuzzing of headquarters' HTTP API (issue 7): no 5xx, no stack trace.

Two fuzzers, both bounded so the file stays well under a minute:

- Schemathesis generates requests for every operation of /openapi.json as served (valid and
  invalid parameters, bodies and headers, wrong methods) and sends them in process to the ASGI
  app, once as an enrolled office (a valid token and protocol version) and once with whatever
  headers it makes up (no token, garbage tokens, any protocol header).
- Hypothesis strategies reach where the document cannot: pushed commands with the names
  headquarters knows and payloads mixing real ID and card numbers with junk and extreme times;
  raw bytes in the token, protocol and actor headers; scanned statement codes for a district
  whose office has registered a signing key.

Whatever comes in, headquarters must answer within the contract (docs/sync-protocol.md): never
a 5xx, every error in the `{"error", "message", "server_time"}` shape without a stack trace,
and the Counterdesk-Server-Time header on every answer. The fuzz runs on both backends
(PostgreSQL refuses text SQLite stores); the examples are derandomised so CI is reproducible
(set COUNTERDESK_FUZZ_EXAMPLES to search harder).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hq import store
from hq.api import create_app
from hq.offices import enrol_office, find_office, register_key
from models.commands import CommandName
from models.document_kinds import KINDS
from models.replica import ACTOR_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION, SERVER_TIME_HEADER
from models.visits import CHANNELS
from tests.hq_fixtures import DemoHq, a_card, command

EXAMPLES = int(os.environ.get("COUNTERDESK_FUZZ_EXAMPLES") or 40)
ERROR_FIELDS = {"error", "message", "server_time"}
TRACEBACK_MARKERS = ("Traceback", 'File "', "most recent call last")
SIGNING_KEY = "5e" * 32

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


@dataclass
class FuzzHq:
    """Headquarters over a private copy of the demo city, office `lixia` (370102) enrolled."""

    app: FastAPI
    client: TestClient
    token: str
    ssns: list[str]
    cards: list[str]

    def office_headers(self) -> dict[str, str]:
        """The headers an enrolled office of the current protocol sends."""
        return {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {self.token}"}


@pytest.fixture
def fuzz_hq(hq_demo_url: str) -> Iterator[FuzzHq]:
    """The demo city (SQLite, then PostgreSQL) served in-process, with some of its ID and card
    numbers. Office `lixia` has registered a signing key, so codes of 370102 are checked.
    """
    url = hq_demo_url
    store.connect(url)
    try:
        token = enrol_office("lixia", ["370102"], "历下区社保服务中心")
        lixia = find_office("lixia")
        assert lixia is not None
        register_key(lixia, SIGNING_KEY, None, None, datetime(2026, 11, 20, tzinfo=UTC))
        people = [  # some of the office's own district, some of another
            row
            for district in ("370102", "370103")
            for row in store.execute(
                "SELECT p.ssn, c.card_no FROM person p JOIN card c ON c.person_id = p.id "
                "WHERE p.district = ? ORDER BY p.id LIMIT 6",
                (district,),
            ).fetchall()
        ]
        app = create_app(url)
        yield FuzzHq(
            app,
            TestClient(app, raise_server_exceptions=False),
            token,
            [row[0] for row in people],
            [row[1] for row in people],
        )
    finally:
        store.close()


def served_document() -> dict[str, Any]:
    """/openapi.json as headquarters serves it (the document needs no database)."""
    app = create_app("sqlite:///:memory:")  # never started, so never connected
    return TestClient(app).get("/openapi.json").json()


# Loaded at import rather than through `schemathesis.pytest.from_fixture`: its lazy loader sets
# `request.node._nodeid`, which pytest 9 no longer has. Each case is sent to the test's own app.
schema = schemathesis.openapi.from_dict(served_document(), config=schemathesis.Config())


def assert_within_contract(response: Any) -> None:
    """No 5xx, the server-time header, and errors in the contract's shape without a traceback."""
    request = f"{response.request.method} {response.request.url}"
    assert response.status_code < 500, f"{request} -> {response.status_code}: {response.text}"
    assert SERVER_TIME_HEADER.lower() in {k.lower() for k in response.headers}, request
    text = response.text
    for marker in TRACEBACK_MARKERS:
        assert marker not in text, f"{request} leaked a stack trace: {text[:500]}"
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body, dict), f"{request}: error body {text[:300]}"
        assert set(body) >= ERROR_FIELDS, f"{request}: error body {text[:300]}"
        assert all(isinstance(body[k], str) for k in ERROR_FIELDS), text[:300]


# -- every operation of the OpenAPI document (schemathesis) ------------------------------------


@schema.parametrize()
@FUZZ_SETTINGS
@pytest.mark.slow
def test_any_request_as_an_enrolled_office_is_answered_within_the_contract(
    case: schemathesis.Case, fuzz_hq: FuzzHq
) -> None:
    """Generated requests carrying a valid office token and protocol version."""
    response = case.call(headers=fuzz_hq.office_headers(), app=fuzz_hq.app)
    assert_within_contract(response)


@schema.parametrize()
@FUZZ_SETTINGS
def test_any_request_with_generated_headers_is_answered_within_the_contract(
    case: schemathesis.Case, fuzz_hq: FuzzHq
) -> None:
    """Generated requests with whatever token and protocol header schemathesis makes up."""
    response = case.call(app=fuzz_hq.app)
    assert_within_contract(response)


# -- deeper than the document (hypothesis) ----------------------------------------------------

JUNK = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)
OFFSETS = st.timedeltas(min_value=-timedelta(hours=23, minutes=59), max_value=timedelta(hours=23))
TIMES = st.datetimes(timezones=st.none() | OFFSETS.map(timezone)).map(datetime.isoformat)
TEXT = st.text(max_size=60) | st.sampled_from(["", " ", "\x00", "a\x00b", "'; DROP TABLE x;--"])
STATEMENT_NUMBERS = st.builds(
    "{}-{}-{:05d}".format,
    st.sampled_from(["370102", "370103", "999999"]),
    st.sampled_from(["20261120", "00000000", "99999999"]),
    st.integers(0, 99_999),
)
HEX64 = st.text(alphabet="0123456789abcdefABCDEF", min_size=64, max_size=64)
NUMBERS = st.integers(-(2**70), 2**70) | st.integers(-2, 1001)


def payloads(fuzz_hq: FuzzHq) -> st.SearchStrategy[dict[str, Any]]:
    """Any subset of the fields of every command payload, each plausible, wrong or junk."""
    ssns = st.sampled_from(fuzz_hq.ssns) | st.sampled_from(fuzz_hq.ssns).map(str.lower)
    fields: dict[str, st.SearchStrategy[Any]] = {
        "ssn": ssns | TEXT,
        "card_no": st.sampled_from(fuzz_hq.cards) | TEXT,
        "at": TIMES,
        "printed_at": TIMES,
        "channel": st.sampled_from(CHANNELS) | TEXT,
        "purpose": TEXT,
        "staff": TEXT,
        "note": TEXT,
        "printer": TEXT,
        "number": STATEMENT_NUMBERS | TEXT,
        "kind": st.sampled_from(KINDS) | TEXT,
        "sha256": HEX64 | TEXT,
        "pages": NUMBERS,
        "failed_attempts": NUMBERS,
        "password_hash": TEXT,
        "to_initial": st.booleans(),
        "locked": st.booleans(),
        "offline": st.booleans(),
    }
    return st.fixed_dictionaries({}, optional={k: v | JUNK for k, v in fields.items()})


def push_items(fuzz_hq: FuzzHq) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Up to five commands as an office's outbox sends them, uuids sometimes repeated."""
    item = st.fixed_dictionaries(
        {
            "uuid": st.sampled_from(["u-1", "u-2", "u-3"]) | st.uuids().map(str),
            "command": st.sampled_from([c.value for c in CommandName]) | TEXT,
            "payload": payloads(fuzz_hq),
            "created_at": st.just("2026-11-20T02:00:00+00:00") | TIMES,
            "actor": st.text(max_size=60),
        }
    )
    return st.lists(item, min_size=1, max_size=5)


@FUZZ_SETTINGS
@given(data=st.data())
def test_pushed_commands_with_random_payloads_are_each_accepted_or_rejected(
    fuzz_hq: FuzzHq, data: st.DataObject
) -> None:
    """Known command names with any payload: one accepted/rejected result per item, or a 400."""
    items = data.draw(push_items(fuzz_hq))
    response = fuzz_hq.client.post(
        "/v1/push", json={"items": items}, headers=fuzz_hq.office_headers()
    )
    assert_within_contract(response)
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        results = response.json()["results"]
        assert [r["uuid"] for r in results] == [i["uuid"] for i in items]
        assert {r["status"] for r in results} <= {"accepted", "rejected"}


RAW_HEADER = st.binary(max_size=60).filter(lambda b: b"\r" not in b and b"\n" not in b)


@FUZZ_SETTINGS
@given(
    path=st.sampled_from(["/v1/hello", "/v1/changes", "/v1/scope/digest", "/v1/persons"]),
    token=st.sampled_from(["valid", "valid+junk", "other office", "raw"]),
    raw_token=RAW_HEADER,
    protocol=st.none() | RAW_HEADER | st.integers(-(2**70), 2**70).map(str),
    actor=st.none() | RAW_HEADER,
)
def test_any_token_protocol_and_actor_header_is_answered_within_the_contract(
    fuzz_hq: FuzzHq,
    path: str,
    token: str,
    raw_token: bytes,
    protocol: str | bytes | None,
    actor: bytes | None,
) -> None:
    """Raw bytes in the Authorization, protocol and actor headers never crash headquarters."""
    authorization = {
        "valid": f"Bearer {fuzz_hq.token}".encode(),
        "valid+junk": f"Bearer {fuzz_hq.token}".encode() + raw_token,
        "other office": b"Bearer shizhong." + raw_token,
        "raw": raw_token,
    }[token]
    headers: dict[str, bytes | str] = {"Authorization": authorization}
    if protocol is not None:
        headers[PROTOCOL_HEADER] = protocol
    if actor is not None:
        headers[ACTOR_HEADER] = actor
    params = {"ssn": fuzz_hq.ssns[0]} if path == "/v1/persons" else {}
    response = fuzz_hq.client.get(path, params=params, headers=httpx.Headers(headers))
    assert_within_contract(response)


@FUZZ_SETTINGS
@given(
    number=st.just("370102-20261120-00001") | STATEMENT_NUMBERS | TEXT,
    kind=st.sampled_from(KINDS) | TEXT,
    stamp=st.sampled_from(["20261120T020000Z", "99999999T999999Z"]) | TEXT,
    digest=TEXT,
    signature=st.text(alphabet="0123456789abcdef", min_size=32, max_size=32) | TEXT,
)
@example(  # found by this fuzzer: hmac.compare_digest raised TypeError on a non-ASCII signature
    number="370102-20261120-00001", kind="daily", stamp="20261120T020000Z", digest="", signature="é"
)
def test_any_scanned_statement_code_is_answered_genuine_or_not(
    fuzz_hq: FuzzHq, number: str, kind: str, stamp: str, digest: str, signature: str
) -> None:
    """A code shaped like a statement's, for a district with a signing key, is judged, not 500."""
    payload = "|".join(("CD1", number, kind, stamp, digest, signature))[:500] or "CD1"
    response = fuzz_hq.client.post(
        "/v1/statements/verify", json={"payload": payload}, headers=fuzz_hq.office_headers()
    )
    assert_within_contract(response)
    if response.status_code == 200:
        assert isinstance(response.json()["genuine"], bool)


# -- what the fuzzers found (kept as plain regression tests) ----------------------------------


def audit_event(event_id: int, person_id: int | None = None) -> dict[str, Any]:
    """An audit event of the right shape (its hash need not be right)."""
    return {
        "id": event_id,
        "at": "2026-11-20T02:00:00.000000+00:00",
        "actor": "clerk01",
        "action": "person.view",
        "person_id": person_id,
        "detail": None,
        "prev_hash": "0" * 64,
        "hash": "1" * 64,
    }


@pytest.mark.parametrize("event", [audit_event(2**63), audit_event(1, person_id=-(2**64))])
def test_an_audit_event_number_wider_than_64_bits_is_a_bad_request(
    demo_hq: DemoHq, event: dict[str, Any]
) -> None:
    """SQLite raised OverflowError (a 500) on ids it cannot store."""
    answer = demo_hq.lixia.post("/v1/audit", {"events": [event]})
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"


@pytest.mark.parametrize("path", ["/v1/changes", "/v1/bootstrap?phase=person"])
def test_a_cursor_wider_than_64_bits_is_a_bad_request(demo_hq: DemoHq, path: str) -> None:
    """`after` beyond what the databases store is refused, not a 500."""
    separator = "&" if "?" in path else "?"
    answer = demo_hq.client.get(f"{path}{separator}after={2**63}", headers=demo_hq.lixia.headers())
    assert answer.status_code == 400


@pytest.mark.parametrize("created_at", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_command_time_outside_what_utc_can_hold_is_a_bad_request(
    demo_hq: DemoHq, created_at: str
) -> None:
    """Converting such a time to UTC raised OverflowError (a 500)."""
    item = command("visit.record", {"channel": "counter", "purpose": "咨询", "at": created_at})
    item["created_at"] = created_at
    answer = demo_hq.lixia.post("/v1/push", {"items": [item]})
    assert answer.status_code == 400
    assert "created_at" in answer.json()["message"]


def test_a_payload_time_outside_what_utc_can_hold_rejects_only_that_command(
    demo_hq: DemoHq,
) -> None:
    """A visit at year 9999 minus one hour is an invalid payload, answered per item."""
    item = command(
        "visit.record", {"channel": "counter", "purpose": "咨询", "at": "9999-12-31T23:59:59-01:00"}
    )
    [result] = demo_hq.lixia.push(item)
    assert (result["status"], result["code"]) == ("rejected", "invalid_payload")


def test_a_statement_code_with_non_ascii_characters_is_not_genuine(demo_hq: DemoHq) -> None:
    """hmac.compare_digest raised TypeError (a 500) on a non-ASCII signature."""
    with store.session():
        lixia = find_office("lixia")
        assert lixia is not None
        register_key(lixia, SIGNING_KEY, None, None, datetime(2026, 11, 20, tzinfo=UTC))
    payload = "CD1|370102-20261120-00001|daily|20261120T020000Z|0123456789abcdef|签名"
    answer = demo_hq.client.post("/v1/statements/verify", json={"payload": payload})
    assert answer.status_code == 200
    assert answer.json()["genuine"] is False


@pytest.mark.parametrize(
    "body",
    [
        '{"items": [ITEM]}'.replace(
            "ITEM",
            '{"uuid": "u-1", "command": "visit.record", "created_at": "2026-11-20T02:00:00Z", '
            '"payload": {"channel": "counter", "purpose": "x", "at": "2026-11-20T02:00:00Z", '
            f'"note": "{text}"}}}}',
        )
        for text in ("a\\u0000b", "\\ud800")
    ],
    ids=["nul", "unpaired-surrogate"],
)
def test_text_the_databases_cannot_store_is_a_bad_request(demo_hq: DemoHq, body: str) -> None:
    """PostgreSQL refused a NUL character (a 500); no database stores an unpaired surrogate."""
    answer = demo_hq.client.post(
        "/v1/push",
        content=body.encode(),
        headers=demo_hq.lixia.headers(**{"Content-Type": "application/json"}),
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "invalid_request"


def test_a_nul_character_in_a_looked_up_number_is_a_bad_request(demo_hq: DemoHq) -> None:
    """PostgreSQL refused the NUL in the lookup's parameter (a 500)."""
    answer = demo_hq.lixia.get("/v1/persons", ssn="370102\x00")
    assert answer.status_code == 400


def test_a_nul_character_in_the_actor_header_is_dropped_from_the_access_log(
    demo_hq: DemoHq,
) -> None:
    """The actor's name is percent-decoded, so %00 became a NUL PostgreSQL refused (a 500)."""
    with store.session():
        _, ssn, _ = a_card("370102")
    answer = demo_hq.client.get(
        "/v1/persons",
        params={"ssn": ssn},
        headers=demo_hq.lixia.headers(**{ACTOR_HEADER: "clerk%0001"}),
    )
    assert answer.status_code == 200
    with store.session():
        logged = store.execute("SELECT actor FROM access_log ORDER BY id DESC LIMIT 1").fetchone()
    assert logged[0] == "clerk01"
