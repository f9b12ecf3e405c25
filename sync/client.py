"""The office's client of headquarters' API (docs/sync-protocol.md), over any `httpx.Client`.

Real use passes `httpx.Client(base_url=url, timeout=...)`; tests pass starlette's
`TestClient(create_app(...))`, which runs headquarters in process: the engine cannot tell them
apart. Each method returns a typed, fully checked answer or raises an error of `sync.errors`.
Every answer's `server_time` is compared with this computer's clock (`last_skew_s`).

Answers travel compressed when headquarters agrees: every request says `Accept-Encoding: zstd,
gzip` (gzip alone without the `zstandard` package), httpx decompresses, and an answer that does
not decompress is a `CorruptAnswer` of which nothing is used. `wire_bytes` and `body_bytes`
count what arrived on the wire and what it decoded to.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx
import orjson

from models.clock import utc_now
from models.replica import ACTOR_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION, SERVER_TIME_HEADER
from sync import answers
from sync.errors import (
    BadAnswer,
    CorruptAnswer,
    Failing,
    FeedPruned,
    InvalidRequest,
    NotFoundAtHeadquarters,
    Offline,
    OutOfScope,
    ProtocolTooNew,
    ProtocolTooOld,
    RateLimited,
    ServerError,
    SyncError,
    Unauthorized,
)
from sync.wire import timestamp

MAX_MESSAGE = 300  # characters of headquarters' message kept in an error


def _accept_encoding() -> str:
    """The codings this office decodes, best first: zstd only with the `zstandard` package."""
    try:
        import zstandard  # noqa: F401  (httpx decodes zstd with it)
    except ImportError:
        return "gzip"
    return "zstd, gzip"


ACCEPT_ENCODING = _accept_encoding()


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection for a moment.

    Decoding a page of 130,000 rows makes as many lists; the collector would run many times
    over them, for nothing (rows hold no cycles): it costs a third of the decoding time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def decode_json(content: bytes) -> Any:
    """Parse an answer's body (orjson, without the collector); ValueError if it is not JSON."""
    with gc_paused():
        return orjson.loads(content)


@dataclass(frozen=True)
class Sent:
    """An answer received but not yet decoded: the network half of a request."""

    path: str
    response: httpx.Response
    sent_at: datetime
    round_trip: float


class HqClient:
    """Typed calls to headquarters; `http` carries the base URL and the timeouts."""

    def __init__(
        self,
        http: httpx.Client,
        token: str | None,
        *,
        protocol: int = PROTOCOL_VERSION,
        actor: str | None = None,
        clock: Callable[[], datetime] = utc_now,
        relay: bool = False,
    ) -> None:
        self.http = http
        self.token = token
        # An office relay answers for headquarters: its link failing means the office's LAN
        # (this workstation works alone), not the WAN; messages say so.
        self.peer = "the office relay" if relay else "headquarters"
        self.protocol = protocol
        self.actor = actor
        self.clock = clock
        self.last_skew_s: float | None = None  # local clock minus headquarters' clock
        self.last_server_time: datetime | None = None
        self.accept_encoding = ACCEPT_ENCODING
        self.wire_bytes = 0  # answer bodies as received (compressed or not)
        self.body_bytes = 0  # the same bodies decoded

    @property
    def address(self) -> str:
        """Headquarters' address, for messages."""
        return str(self.http.base_url).rstrip("/") or "headquarters"

    def close(self) -> None:
        """Close the underlying HTTP client."""
        self.http.close()

    def __enter__(self) -> HqClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the endpoints ---------------------------------------------------------------------

    def hello(self) -> answers.Hello:
        """GET /v1/hello: headquarters' protocol range (and, with a token, this office)."""
        return answers.parse_hello(self._call("GET", "/v1/hello", auth=self.token is not None))

    def enrol(
        self, office_name: str, signing_key_hex: str, client_version: str
    ) -> answers.Enrolled:
        """POST /v1/enrol: register the office's statement signing key (idempotent)."""
        body = {
            "office_name": office_name,
            "signing_key": signing_key_hex,
            "client_version": client_version,
        }
        return answers.parse_enrolled(self._call("POST", "/v1/enrol", body=body))

    def push(self, items: list[dict[str, Any]]) -> answers.PushAnswer:
        """POST /v1/push: outbox items (at most 500); one checked result per item."""
        data = self._call("POST", "/v1/push", body={"items": items})
        return answers.parse_push(data, [item["uuid"] for item in items])

    def push_audit(
        self, events: list[dict[str, Any]], head: dict[str, Any] | None = None
    ) -> answers.AuditAnswer:
        """POST /v1/audit: chained audit events in id order (at most 1000), with the office's
        head of the chain when it has one."""
        body: dict[str, Any] = {"events": events}
        if head is not None:
            body["head"] = head
        return answers.parse_audit(self._call("POST", "/v1/audit", body=body))

    def changes(self, after: int, limit: int = 1000) -> answers.ChangesPage:
        """GET /v1/changes: the next page of the change feed after the cursor `after`."""
        data = self._call("GET", "/v1/changes", params={"after": after, "limit": limit})
        return answers.parse_changes(data, after)

    def bootstrap(self, phase: str, after: int, limit: int = 500) -> answers.BootstrapPage:
        """GET /v1/bootstrap: one page of the scope's employers or persons with ids > after."""
        return self.bootstrap_answer(self.request_bootstrap(phase, after, limit), phase, after)

    def request_bootstrap(self, phase: str, after: int, limit: int = 500) -> Sent:
        """Only the network half of `bootstrap` (safe on another thread: it mostly waits)."""
        params = {"phase": phase, "after": after, "limit": limit}
        return self._send("GET", "/v1/bootstrap", params=params)

    def bootstrap_answer(self, sent: Sent, phase: str, after: int) -> answers.BootstrapPage:
        """The decoding half of `bootstrap`: the checked page of an answer received."""
        data = self._receive(sent)
        with gc_paused():
            return answers.parse_bootstrap(data, phase, after)

    def digest(self, level: str = "quick") -> answers.Digest:
        """GET /v1/scope/digest: counts and checksums of the office's scope."""
        return answers.parse_digest(self._call("GET", "/v1/scope/digest", params={"level": level}))

    def person(self, *, ssn: str | None = None, card: str | None = None) -> answers.RemotePerson:
        """GET /v1/persons: a person of another district by ID number or card number."""
        params = {"ssn": ssn} if ssn is not None else {"card": card}
        return answers.parse_person(self._call("GET", "/v1/persons", params=params))

    def verify_statement(self, payload: str) -> answers.Verification:
        """POST /v1/statements/verify: is a scanned statement QR code genuine?"""
        data = self._call("POST", "/v1/statements/verify", body={"payload": payload}, auth=False)
        return answers.parse_verification(data)

    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        auth: bool = True,
    ) -> dict[str, Any]:
        """One request of the protocol, its JSON answer unparsed (an office relay passes some
        answers through as they are); errors raise as for every call."""
        return self._call(method, path, params=params, body=body, auth=auth)

    # -- one request -------------------------------------------------------------------------

    def _headers(self, auth: bool) -> dict[str, str]:
        headers = {PROTOCOL_HEADER: str(self.protocol), "Accept-Encoding": self.accept_encoding}
        if auth:
            if not self.token:
                raise Unauthorized(
                    "this office has no headquarters token: enrol it with "
                    "`counterdesk sync enrol --hq URL --token TOKEN`"
                )
            headers["Authorization"] = f"Bearer {self.token}"
        if self.actor:
            headers[ACTOR_HEADER] = self.actor if self.actor.isascii() else quote(self.actor)
        return headers

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        auth: bool = True,
    ) -> dict[str, Any]:
        return self._receive(self._send(method, path, params=params, body=body, auth=auth))

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        auth: bool = True,
    ) -> Sent:
        headers = self._headers(auth)
        sent_at = self.clock()
        started = time.monotonic()
        try:
            response = self.http.request(method, path, params=params, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise self._transport_error(exc, path) from exc
        self.wire_bytes += response.num_bytes_downloaded
        self.body_bytes += len(response.content)
        return Sent(path, response, sent_at, time.monotonic() - started)

    def _receive(self, sent: Sent) -> dict[str, Any]:
        path, response = sent.path, sent.response
        try:
            data = decode_json(response.content)
        except (ValueError, UnicodeDecodeError):
            data = None
            coding = response.headers.get("Content-Encoding", "identity").lower()
            if coding != "identity" and 200 <= response.status_code < 300:
                raise _corrupt(path, coding) from None
        self._measure_clock(data, response, sent.sent_at, sent.round_trip)
        if 200 <= response.status_code < 300:
            if type(data) is not dict:
                raise BadAnswer(
                    f"headquarters' answer to {path} is not a JSON object (damaged on the way, "
                    "or the address is not headquarters'); sync tries again by itself"
                )
            if "server_time" not in data:
                raise BadAnswer(f"headquarters' answer to {path} has no server_time")
            return data
        raise self._http_error(response.status_code, data, response, path)

    def _measure_clock(
        self, data: Any, response: httpx.Response, sent_at: datetime, round_trip: float
    ) -> None:
        """Skew = local time at the middle of the round trip minus headquarters' time."""
        raw = data.get("server_time") if type(data) is dict else None
        raw = raw or response.headers.get(SERVER_TIME_HEADER)
        if raw is None:
            return
        try:
            server = timestamp(raw, "server_time")
        except BadAnswer:
            return
        self.last_server_time = server
        self.last_skew_s = (sent_at - server).total_seconds() + round_trip / 2

    def _transport_error(self, exc: httpx.HTTPError, path: str) -> SyncError:
        where, peer = self.address, self.peer
        alone = (
            "this workstation works alone meanwhile (the office link is down)"
            if peer != "headquarters"
            else "work continues offline"
        )
        if isinstance(exc, httpx.TimeoutException):
            return Offline(
                f"{peer} ({where}) did not answer in time ({path}): the network or {peer} is "
                "slow or down; sync tries again by itself"
            )
        if isinstance(exc, httpx.ConnectError):
            return Offline(
                f"cannot reach {peer} at {where} ({_short(exc)}): check the network cable or "
                f"Wi-Fi; {alone} and sync tries again by itself"
            )
        if isinstance(exc, httpx.UnsupportedProtocol):
            return Failing(
                f"the headquarters address {where!r} is not an http:// or https:// address: "
                "enrol again with the right --hq"
            )
        if isinstance(exc, httpx.DecodingError):
            return _corrupt(path, "its")
        if isinstance(exc, httpx.LocalProtocolError):
            return Failing(f"the request {path} could not be sent ({_short(exc)})")
        return Offline(
            f"the connection to {peer} ({where}) broke during {path} ({_short(exc)}): "
            "sync tries again by itself; nothing is lost"
        )

    def _http_error(self, status: int, data: Any, response: httpx.Response, path: str) -> SyncError:
        code = message = None
        if type(data) is dict:
            code = data.get("error") if type(data.get("error")) is str else None
            text = data.get("message")
            message = text[:MAX_MESSAGE] if type(text) is str else None
        said = f" Headquarters said: {message}" if message else ""
        if status == 426 or code == "protocol_too_old":
            return ProtocolTooOld(
                f"headquarters no longer accepts this counterdesk (sync protocol {self.protocol})"
                f": upgrade counterdesk on this computer.{said}"
            )
        if code == "protocol_too_new":
            return ProtocolTooNew(
                f"headquarters does not know sync protocol {self.protocol} yet: headquarters "
                f"must be upgraded before this office can sync.{said}"
            )
        if status == 401:
            return Unauthorized(
                "headquarters refused this office's token (unknown or revoked): ask "
                "headquarters for a new one and run `counterdesk sync enrol --hq URL --token "
                f"TOKEN`.{said}"
            )
        if status == 410 and code == "feed_pruned":
            return FeedPruned(
                "headquarters no longer keeps the changes since this register's last sync (it "
                "was not synced for longer than headquarters keeps them): the register is "
                f"copied again at the next sync.{said}"
            )
        if status == 429:
            return RateLimited(
                f"headquarters asks this office to slow down; sync waits and tries again.{said}",
                _retry_after(response),
            )
        if status == 503 and code == "server_busy":
            return RateLimited(
                f"headquarters is busy answering other offices; sync waits and tries again.{said}",
                _retry_after(response),
            )
        if status >= 500:
            return ServerError(
                f"headquarters failed while handling {path} (HTTP {status}); sync tries again "
                f"by itself.{said}",
                status,
            )
        if code is None or not 400 <= status < 500:
            return Failing(
                f"{self.address} answered {path} with HTTP {status} and no headquarters error: "
                "check the headquarters address the office was enrolled with"
            )
        text = message or f"headquarters refused {path} ({code})"
        if status == 403:
            return OutOfScope(text, code, status)
        if status == 404:
            return NotFoundAtHeadquarters(text, code, status)
        return InvalidRequest(text, code, status)


def _corrupt(path: str, coding: str) -> CorruptAnswer:
    """A compressed answer that does not decode (`coding`: zstd, gzip, or "its" if unknown)."""
    return CorruptAnswer(
        f"headquarters' answer to {path} arrived damaged: {coding} compression does not "
        "decode to the JSON it announced; nothing of it was used and sync asks again by itself"
    )


def _short(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text[:120]


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return None
