"""The fault-injecting proxy used by the sync fault tests does what each fault promises."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import httpx
import pytest

from tests.fault_proxy import Fault, FaultProxy


class _Counting(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", 0))
        self.rfile.read(length)
        self.hits.append(self.path)
        body = json.dumps({"ok": True, "pad": "x" * 200}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[FaultProxy]:
    _Counting.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fault_proxy = FaultProxy(server.server_address[1])
    yield fault_proxy
    fault_proxy.close()
    server.shutdown()


def test_without_a_fault_the_answer_passes_unchanged(proxy: FaultProxy) -> None:
    answer = httpx.post(proxy.url + "/v1/push", json={"a": 1})
    assert answer.status_code == 200 and answer.json()["ok"] is True


def test_a_cut_answer_reaches_the_server_but_not_the_client_whole(proxy: FaultProxy) -> None:
    proxy.arm(Fault.CUT, "/v1/push")
    with pytest.raises(httpx.TransportError):
        httpx.post(proxy.url + "/v1/push", json={})
    assert _Counting.hits == ["/v1/push"]


def test_a_swallowed_answer_times_out_after_the_server_handled_it(proxy: FaultProxy) -> None:
    proxy.arm(Fault.SWALLOW, "/v1/push")
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(proxy.url + "/v1/push", json={}, timeout=0.5)
    assert _Counting.hits == ["/v1/push"]


def test_an_injected_500_never_reaches_the_server(proxy: FaultProxy) -> None:
    proxy.arm(Fault.ERROR_500)
    assert httpx.post(proxy.url + "/v1/push", json={}).status_code == 500
    assert _Counting.hits == []


def test_a_corrupt_answer_is_not_json(proxy: FaultProxy) -> None:
    proxy.arm(Fault.CORRUPT)
    answer = httpx.post(proxy.url + "/v1/push", json={})
    with pytest.raises(json.JSONDecodeError):
        answer.json()


def test_faults_apply_only_to_their_path_and_count(proxy: FaultProxy) -> None:
    proxy.arm(Fault.REFUSE, "/v1/changes", times=1)
    assert httpx.post(proxy.url + "/v1/push", json={}).status_code == 200
    with pytest.raises(httpx.TransportError):
        httpx.post(proxy.url + "/v1/changes", json={})
    assert httpx.post(proxy.url + "/v1/changes", json={}).status_code == 200
