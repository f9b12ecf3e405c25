"""Headquarters refuses oversized bodies before reading them, and caps the requests in flight."""

from __future__ import annotations

import asyncio
import json
import resource
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hq.api import create_app
from hq.limits import BODY_LIMITS, RequestLimits
from tests.hq_fixtures import sqlite_url
from tests.sync_helpers import ServedHq

VERIFY = "/v1/statements/verify"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedHq]:
    hq = ServedHq(create_app(sqlite_url(tmp_path / "hq.db")))
    yield hq
    hq.close()


def _contract_error(response: httpx.Response, code: str) -> None:
    body = response.json()
    assert body["error"] == code and body["message"] and body["server_time"]
    assert response.headers["counterdesk-server-time"] == body["server_time"]


def test_a_huge_verify_body_is_refused_with_413_before_it_is_read(served: ServedHq) -> None:
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = 400 * 1024 * 1024  # announced; only the first 64 KiB are ever sent
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as conn:
        conn.sendall(
            f"POST {VERIFY} HTTP/1.1\r\nHost: hq\r\nContent-Type: application/json\r\n"
            f"Content-Length: {size}\r\n\r\n".encode()
            + b'{"payload": "'
            + b"x" * 65536
        )
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 ")
    error = json.loads(body)
    assert error["error"] == "payload_too_large" and error["server_time"]
    assert "nothing was read" in error["message"]
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert grown_kib < 50 * 1024  # the body was never held (the process peak barely moved)


def test_a_chunked_body_is_cut_off_at_the_route_limit(served: ServedHq) -> None:
    limit = BODY_LIMITS[VERIFY]

    def chunks() -> Iterator[bytes]:  # no content-length: transfer-encoding chunked
        yield b'{"payload": "'
        for _ in range(64):
            yield b"y" * 1024
        yield b'"}'

    with httpx.Client(timeout=10) as client:
        response = client.post(
            served.url + VERIFY, content=chunks(), headers={"content-type": "application/json"}
        )
    assert response.status_code == 413, response.text
    _contract_error(response, "payload_too_large")
    assert f"{limit:,}" in response.json()["message"]


def test_a_body_within_the_limit_is_answered_as_before(served: ServedHq) -> None:
    with httpx.Client(timeout=10) as client:
        response = client.post(served.url + VERIFY, json={"payload": "CD1|nonsense"})
    assert response.status_code == 200, response.text


def test_requests_beyond_the_cap_in_flight_get_503_with_retry_after() -> None:
    gate = asyncio.Event()

    async def slow_app(scope, receive, send) -> None:
        await gate.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    limits = RequestLimits(slow_app, server_time=lambda: "2026-11-16T02:00:00Z", max_in_flight=2)
    answers: list[dict] = []

    async def call() -> None:
        scope = {"type": "http", "path": "/v1/hello", "method": "GET", "headers": []}

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            answers.append(message)

        await limits(scope, receive, send)

    async def main() -> None:
        first = [asyncio.create_task(call()) for _ in range(2)]
        await asyncio.sleep(0.01)
        await call()  # the third, while two are in flight
        gate.set()
        await asyncio.gather(*first)

    asyncio.run(main())
    starts = [m for m in answers if m["type"] == "http.response.start"]
    statuses = sorted(m["status"] for m in starts)
    assert statuses == [200, 200, 503]
    busy = next(m for m in starts if m["status"] == 503)
    assert (b"retry-after", b"2") in busy["headers"]
    assert limits.in_flight == 0
