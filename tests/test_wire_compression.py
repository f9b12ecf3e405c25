"""Compressed answers on the wire: negotiated with Accept-Encoding, identity for clients that ask
for nothing, never for tiny bodies, and a damaged compressed body refused whole."""

from __future__ import annotations

import gzip

import httpx
import orjson
import pytest
import zstandard
from fastapi.testclient import TestClient

from hq import compression
from hq.compression import MIN_SIZE, accepted, choose
from models.replica import PROTOCOL_HEADER, PROTOCOL_VERSION
from sync.client import ACCEPT_ENCODING, HqClient
from sync.errors import BadAnswer, CorruptAnswer
from tests.hq_fixtures import DemoHq
from tests.relay_fixtures import Office

# One backend is enough: compression happens above headquarters' database.
SQLITE = pytest.mark.parametrize("hq_demo_url", ["sqlite"], indirect=True)


def _raw_get(client: TestClient, path: str, headers: dict[str, str], **params: object):
    """GET without httpx's own Accept-Encoding (what an office that asks for nothing sends)."""
    request = client.build_request("GET", path, params=params, headers=headers)
    if "accept-encoding" not in {k.lower() for k in headers}:
        del request.headers["accept-encoding"]
    return client.send(request, stream=True)


def _body(response: httpx.Response) -> bytes:
    raw = b"".join(response.iter_raw())
    response.close()
    return raw


def _page(demo_hq: DemoHq, coding: str | None) -> httpx.Response:
    headers = demo_hq.lixia.headers(**({"Accept-Encoding": coding} if coding else {}))
    return _raw_get(demo_hq.client, "/v1/bootstrap", headers, phase="person", after=0, limit=20)


@SQLITE
def test_a_bootstrap_page_travels_as_zstd_when_the_office_accepts_it(demo_hq: DemoHq) -> None:
    plain = _page(demo_hq, None)
    packed = _page(demo_hq, "zstd, gzip")
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "zstd"
    assert packed.headers["vary"] == "Accept-Encoding"
    identity, raw = _body(plain), _body(packed)
    assert int(packed.headers["content-length"]) == len(raw) < len(identity) / 3
    decoded = zstandard.ZstdDecompressor().decompressobj().decompress(raw)
    without_time = {k: v for k, v in orjson.loads(decoded).items() if k != "server_time"}
    assert without_time == {k: v for k, v in orjson.loads(identity).items() if k != "server_time"}


@SQLITE
def test_a_client_that_accepts_only_gzip_gets_gzip(demo_hq: DemoHq) -> None:
    answer = _page(demo_hq, "gzip")
    assert answer.headers["content-encoding"] == "gzip"
    assert orjson.loads(gzip.decompress(_body(answer)))["tables"]["person"]["rows"]


@SQLITE
@pytest.mark.parametrize("header", [None, "identity", "br", "zstd;q=0, gzip;q=0"])
def test_a_client_that_asks_for_no_known_coding_gets_the_body_as_it_is(
    demo_hq: DemoHq, header: str | None
) -> None:
    answer = _page(demo_hq, header)
    assert "content-encoding" not in answer.headers
    assert answer.headers["vary"] == "Accept-Encoding"  # another client may get another coding
    assert orjson.loads(_body(answer))["tables"]["person"]["rows"]


@SQLITE
def test_a_tiny_answer_is_never_compressed(demo_hq: DemoHq) -> None:
    headers = demo_hq.lixia.headers(**{"Accept-Encoding": "zstd, gzip"})
    answer = _raw_get(demo_hq.client, "/v1/hello", headers)
    body = _body(answer)
    assert len(body) < MIN_SIZE and "content-encoding" not in answer.headers
    assert answer.headers["vary"] == "Accept-Encoding"
    assert orjson.loads(body)["service"]


def test_accept_encoding_is_read_with_its_qualities() -> None:
    assert accepted("gzip;q=0.5, zstd") == {"gzip", "zstd"}
    assert accepted("zstd;q=0, gzip") == {"gzip"}
    assert choose("gzip, zstd") == "zstd"  # headquarters' preference, not the list's order
    assert choose("*") == "zstd"
    assert choose("deflate") is None and choose("") is None and choose(None) is None


@SQLITE
def test_the_office_asks_for_zstd_then_gzip_and_counts_the_bytes_saved(demo_hq: DemoHq) -> None:
    assert ACCEPT_ENCODING == "zstd, gzip"
    client = HqClient(demo_hq.client, demo_hq.lixia.token)
    page = client.bootstrap("person", 0, 20)
    assert page.rows > 0
    assert 0 < client.wire_bytes < client.body_bytes / 3


def _serving(body: bytes, coding: str, status: int = 200) -> HqClient:
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept-encoding"] == ACCEPT_ENCODING
        headers = {"content-encoding": coding, "content-type": "application/json"}
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))

    http = httpx.Client(base_url="http://hq.test", transport=httpx.MockTransport(answer))
    return HqClient(http, "token")


@pytest.mark.parametrize(
    "coding, body",
    [
        ("zstd", b"\x28\xb5\x2f\xfd not a frame"),
        ("gzip", b"\x1f\x8b\x08 not deflate"),
        ("zstd", compression.compress(b'{"server_time": "2026-01-01T00:00:00+00:00", ', "zstd")),
        ("gzip", compression.compress(b'{"server_time": "2026-01-01T00:00:00+00', "gzip")[:-12]),
    ],
    ids=["zstd-garbage", "gzip-garbage", "zstd-truncated-json", "gzip-truncated-stream"],
)
def test_a_damaged_compressed_answer_is_a_corrupt_answer_and_nothing_of_it_is_used(
    coding: str, body: bytes
) -> None:
    with _serving(body, coding) as client, pytest.raises(CorruptAnswer) as raised:
        client.bootstrap("person", 0, 20)
    assert isinstance(raised.value, BadAnswer)  # handled as any unusable answer: tried again
    assert raised.value.code == "corrupt_answer"
    assert "arrived damaged" in raised.value.message


def test_the_office_relay_serves_its_workstations_compressed_pages(office: Office) -> None:
    station = office.add_workstation()  # copied its register from the relay, compressed
    headers = {
        "Authorization": f"Bearer {station.token}",
        PROTOCOL_HEADER: str(PROTOCOL_VERSION),
    }
    params = {"phase": "person", "after": 0, "limit": 20}
    url = f"{office.relay_url}/v1/bootstrap"
    packed = httpx.get(url, params=params, headers={**headers, "Accept-Encoding": "zstd"})
    plain = httpx.get(url, params=params, headers={**headers, "Accept-Encoding": "identity"})
    assert packed.status_code == plain.status_code == 200
    assert packed.headers["content-encoding"] == "zstd" and packed.num_bytes_downloaded < len(
        plain.content
    )
    assert "content-encoding" not in plain.headers
    assert packed.json()["tables"]["person"]["rows"] == plain.json()["tables"]["person"]["rows"]
