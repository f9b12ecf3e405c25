"""Limits on what one request may cost headquarters: its body's size and the requests in flight.

A body larger than its route's limit is refused with 413 `payload_too_large` before it is
read: at once when Content-Length says so, else as soon as the bytes received pass the limit
(a chunked body). Requests beyond `max_in_flight` at once in one API process are answered 503
`server_busy` with Retry-After, without being read. Both answers have the contract's error
shape (docs/sync-protocol.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hq.errors import STATUS_OF, ErrorCode
from models.replica import SERVER_TIME_HEADER

KIB = 1024
# The bulk routes carry up to 500 commands or 1,000 audit events; the others a few fields.
BULK_BODY_LIMIT = 8 * KIB * KIB
BODY_LIMITS: dict[str, int] = {
    "/v1/push": BULK_BODY_LIMIT,
    "/v1/audit": BULK_BODY_LIMIT,
    "/v1/enrol": 16 * KIB,
    "/v1/statements/verify": 4 * KIB,
    # the verification page's upload: it reads 5 MiB and says so, draining (not keeping) the
    # rest up to this limit so that the browser gets the page, not a broken connection
    "/selfquery/verify/upload": 20 * KIB * KIB,
}
DEFAULT_BODY_LIMIT = 16 * KIB  # any other route (they take no body)
MAX_IN_FLIGHT = 64
RETRY_AFTER_S = 2


class BodyTooLarge(HTTPException):
    """The request body passed its route's limit while it was being received (an HTTP error,
    so that FastAPI's body parsing lets it through to the contract's error answer)."""

    def __init__(self, limit: int) -> None:
        super().__init__(STATUS_OF[ErrorCode.PAYLOAD_TOO_LARGE], _too_large(limit))


class RequestLimits:
    """ASGI middleware enforcing the body limits and the cap on requests in flight."""

    def __init__(
        self,
        app: ASGIApp,
        server_time: Callable[[], str],
        limits: dict[str, int] | None = None,
        max_in_flight: int = MAX_IN_FLIGHT,
    ) -> None:
        self.app = app
        self.server_time = server_time
        self.limits = {**BODY_LIMITS, **(limits or {})}
        self.max_in_flight = max_in_flight
        self.in_flight = 0

    def limit_for(self, path: str) -> int:
        """The body limit of the route at `path`, in bytes."""
        return self.limits.get(path.rstrip("/") or "/", DEFAULT_BODY_LIMIT)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(send, ErrorCode.PAYLOAD_TOO_LARGE, _too_large(limit))
            return
        if self.in_flight >= self.max_in_flight:
            await self._refuse(
                send,
                ErrorCode.SERVER_BUSY,
                "headquarters is answering as many requests as it can: try again in a moment",
                {"retry-after": str(RETRY_AFTER_S)},
            )
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        self.in_flight += 1
        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if not started:
                await self._refuse(send, ErrorCode.PAYLOAD_TOO_LARGE, _too_large(limit))
        finally:
            self.in_flight -= 1

    async def _refuse(
        self, send: Send, code: ErrorCode, message: str, headers: dict[str, str] | None = None
    ) -> None:
        now = self.server_time()
        body = json.dumps({"error": code.value, "message": message, "server_time": now}).encode()
        raw = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            (SERVER_TIME_HEADER.lower().encode(), now.encode()),
            *((k.encode(), v.encode()) for k, v in (headers or {}).items()),
        ]
        await send({"type": "http.response.start", "status": STATUS_OF[code], "headers": raw})
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _too_large(limit: int) -> str:
    return f"the request body is larger than this route accepts ({limit:,} bytes): nothing was read"
