"""The HTTP client of headquarters over real loopback HTTP: answers typed and checked, each
failure turned into its own error (offline, failing, protocol, token, refused request)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from models.replica import ACTOR_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION
from sync.client import HqClient
from sync.errors import (
    BadAnswer,
    Failing,
    InvalidRequest,
    LinkStatus,
    NotFoundAtHeadquarters,
    Offline,
    OutOfScope,
    ProtocolTooNew,
    ProtocolTooOld,
    RateLimited,
    ServerError,
    Unauthorized,
)
from tests.fault_proxy import Fault, FaultProxy
from tests.sync_helpers import (
    SERVER_NOW,
    Reply,
    ScriptedServer,
    free_port,
    scripted_server,
    stamp,
)

HELLO = {
    "service": "counterdesk-hq",
    "min_protocol": 1,
    "max_protocol": 1,
    "schema_version": 1,
    "server_time": stamp(),
}
PUSH_ITEM = {
    "uuid": "u-1",
    "command": "visit.record",
    "payload": {},
    "created_at": stamp(),
    "actor": "clerk01",
}


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as running:
        yield running


def client_of(url: str, token: str | None = "office.secret", **kwargs: object) -> HqClient:
    return HqClient(httpx.Client(base_url=url, timeout=2.0), token, **kwargs)  # type: ignore[arg-type]


def test_hello_is_typed_and_requests_carry_protocol_token_and_actor(server) -> None:
    server.answer(
        "/v1/hello", Reply(body={**HELLO, "office": {"id": "o1", "districts": ["370102"]}})
    )
    hello = client_of(server.url, actor="clerk01").hello()
    assert (hello.min_protocol, hello.max_protocol) == (1, 1)
    assert hello.office is not None and hello.office.districts == ("370102",)
    headers = server.seen[0].headers
    assert headers[PROTOCOL_HEADER.lower()] == str(PROTOCOL_VERSION)
    assert headers["authorization"] == "Bearer office.secret"
    assert headers[ACTOR_HEADER.lower()] == "clerk01"


def test_the_clock_skew_is_local_time_minus_headquarters_time(server) -> None:
    behind = SERVER_NOW - timedelta(minutes=10)
    server.answer("/v1/hello", Reply(body={**HELLO, "server_time": stamp(behind)}))
    client = client_of(server.url, clock=lambda: SERVER_NOW)
    client.hello()
    assert client.last_skew_s is not None and 599 < client.last_skew_s < 610
    assert client.last_server_time == behind


def test_a_refused_connection_is_offline() -> None:
    with pytest.raises(Offline) as caught:
        client_of(f"http://127.0.0.1:{free_port()}").hello()
    assert caught.value.status is LinkStatus.OFFLINE
    assert "cannot reach headquarters" in caught.value.message


def test_an_unknown_host_is_offline() -> None:
    with pytest.raises(Offline, match="cannot reach headquarters"):
        client_of("http://no-such-host.invalid").hello()


def test_an_answer_cut_in_the_middle_is_offline(server) -> None:
    server.answer("/v1/push", Reply(body={"results": [], "head_seq": 1, "server_time": stamp()}))
    proxy = FaultProxy(server.port)
    try:
        proxy.arm(Fault.CUT, "/v1/push")
        with pytest.raises(Offline, match="broke"):
            client_of(proxy.url).push([PUSH_ITEM])
    finally:
        proxy.close()


def test_an_incomplete_body_is_offline(server) -> None:
    server.answer("/v1/hello", Reply(body=HELLO, length=5000))
    with pytest.raises(Offline):
        client_of(server.url).hello()


def test_an_answer_that_never_comes_is_offline(server) -> None:
    server.answer("/v1/hello", Reply(body=HELLO))
    proxy = FaultProxy(server.port)
    try:
        proxy.arm(Fault.SWALLOW, "/v1/hello")
        client = HqClient(httpx.Client(base_url=proxy.url, timeout=0.3), None)
        with pytest.raises(Offline, match="did not answer in time"):
            client.hello()
    finally:
        proxy.close()


def test_a_server_error_is_failing_and_says_what_headquarters_said(server) -> None:
    server.answer(
        "/v1/changes",
        Reply(500, {"error": "server_error", "message": "disk full", "server_time": stamp()}),
    )
    with pytest.raises(ServerError) as caught:
        client_of(server.url).changes(0)
    assert caught.value.status is LinkStatus.FAILING
    assert caught.value.http_status == 500 and "disk full" in caught.value.message


def test_a_body_that_is_not_json_is_failing(server) -> None:
    server.answer("/v1/hello", Reply(body=HELLO))
    proxy = FaultProxy(server.port)
    try:
        proxy.arm(Fault.CORRUPT, "/v1/hello")
        with pytest.raises(BadAnswer, match="not a JSON object"):
            client_of(proxy.url).hello()
    finally:
        proxy.close()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"changes": [], "next": "5", "head_seq": 5, "more": False}, "'next' should be"),
        ({"changes": [], "next": 5, "head_seq": 5, "more": 0}, "'more' should be"),
        ({"changes": [], "next": 5, "head_seq": 5}, "lacks the field 'more'"),
        (
            {
                "changes": [{"seq": 1, "table": "person", "op": "upsert", "row": [1, "x"]}],
                "next": 1,
                "head_seq": 1,
                "more": False,
            },
            "must have 11 values",
        ),
        (
            {
                "changes": [{"seq": 1, "table": "outbox", "op": "delete", "key": [1]}],
                "next": 1,
                "head_seq": 1,
                "more": False,
            },
            "not a replicated table",
        ),
        (
            {
                "changes": [{"seq": 1, "table": "card", "op": "delete", "key": ["7"]}],
                "next": 1,
                "head_seq": 1,
                "more": False,
            },
            "wrong type",
        ),
        (
            {
                "changes": [{"seq": 1, "table": "card", "op": "truncate", "key": [7]}],
                "next": 1,
                "head_seq": 1,
                "more": False,
            },
            "unknown op",
        ),
        ({"changes": [], "next": 2, "head_seq": 5, "more": False}, "goes backwards"),
    ],
)
def test_answers_of_the_wrong_shape_or_types_are_refused_whole(server, body, words) -> None:
    server.answer("/v1/changes", Reply(body={**body, "server_time": stamp()}))
    with pytest.raises(BadAnswer, match=words):
        client_of(server.url).changes(3)


def test_a_push_answer_must_answer_every_item_in_order(server) -> None:
    server.answer(
        "/v1/push",
        Reply(
            body={
                "results": [{"uuid": "other", "status": "accepted", "code": None, "reason": None}],
                "head_seq": 3,
                "server_time": stamp(),
            }
        ),
    )
    with pytest.raises(BadAnswer, match="not in the order"):
        client_of(server.url).push([PUSH_ITEM])


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Reply:
    body = {"error": code, "message": message, "server_time": stamp()}
    return Reply(status, body, headers=headers or {})


@pytest.mark.parametrize(
    ("reply", "kind", "words"),
    [
        (_error(426, "protocol_too_old", "upgrade"), ProtocolTooOld, "upgrade counterdesk"),
        (_error(400, "protocol_too_new", "unknown"), ProtocolTooNew, "headquarters must be"),
        (_error(401, "unauthorized", "revoked"), Unauthorized, "sync enrol"),
        (_error(400, "invalid_request", "after must be >= 0"), InvalidRequest, "after must be"),
        (_error(403, "out_of_scope", "not your district"), OutOfScope, "not your district"),
        (_error(404, "not_found", "nobody"), NotFoundAtHeadquarters, "nobody"),
        (_error(429, "rate_limited", "slow down", {"Retry-After": "12"}), RateLimited, "slow"),
        (_error(503, "server_busy", "busy", {"Retry-After": "12"}), RateLimited, "is busy"),
    ],
)
def test_each_refusal_has_its_own_error(server, reply, kind, words) -> None:
    server.answer("/v1/changes", reply)
    with pytest.raises(kind, match=words) as caught:
        client_of(server.url).changes(0)
    if kind is RateLimited:
        assert caught.value.retry_after == 12.0


def test_an_address_that_is_not_headquarters_is_failing(server) -> None:
    with pytest.raises(Failing, match="check the headquarters address"):
        client_of(server.url).changes(0)  # the scripted server answers 404 without our error


def test_calls_that_need_a_token_refuse_to_go_without_one(server) -> None:
    with pytest.raises(Unauthorized, match="sync enrol"):
        client_of(server.url, token=None).changes(0)
    assert server.seen == []
