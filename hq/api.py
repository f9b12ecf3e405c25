"""The headquarters HTTP API: the FastAPI app, its error answers and headquarters' clock.

Every answer carries headquarters' time (header Counterdesk-Server-Time; JSON bodies also
`server_time`), errors included. Errors have the contract's body `{"error", "message",
"server_time"}`: FastAPI's 422 becomes 400 invalid_request, and an unexpected failure is a 500
server_error whose details stay in headquarters' log, never in the answer. JSON answers under
/v1/ are compressed as the client's Accept-Encoding asks (hq.compression).
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import anyio
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hq import store
from hq.compression import CompressAnswers
from hq.errors import ApiError, ErrorCode, HqError, InvalidInput, NotFound, StoreUnavailable
from hq.limits import BULK_BODY_LIMIT, MAX_IN_FLIGHT, RequestLimits
from hq.ratelimit import RateLimiter
from hq.routes import ServiceState, router, server_time
from hq.web import mount as web
from models.clock import utc_now
from models.replica import SERVER_TIME_HEADER

CLOCK_OFFSET_ENV = "COUNTERDESK_HQ_CLOCK_OFFSET_S"
RATE_ENV = "COUNTERDESK_HQ_RATE_LIMIT"
MAX_BODY_ENV = "COUNTERDESK_HQ_MAX_BODY"  # bytes, for /v1/push and /v1/audit
DEFAULT_RATE = 50.0  # requests per second per office (`hq serve`), bursts of 4 s worth
log = logging.getLogger("counterdesk.hq")

_STATUS_CODES = {
    400: ErrorCode.INVALID_REQUEST,
    401: ErrorCode.UNAUTHORIZED,
    403: ErrorCode.OUT_OF_SCOPE,
    404: ErrorCode.NOT_FOUND,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    426: ErrorCode.PROTOCOL_TOO_OLD,
    429: ErrorCode.RATE_LIMITED,
}


class ServerTimeHeader:
    """ASGI middleware: adds Counterdesk-Server-Time to any answer that lacks it."""

    def __init__(self, app: ASGIApp, clock: Callable[[], datetime]) -> None:
        self.app = app
        self.clock = clock
        self.header = SERVER_TIME_HEADER.lower().encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == self.header for name, _ in headers):
                    headers.append((self.header, server_time(self.clock).encode()))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, stamped)


def _error(
    request: Request,
    code: ErrorCode,
    message: str,
    status: int | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    state: ServiceState = request.app.state.hq
    now = server_time(state.clock)
    body = {"error": code.value, "message": message, "server_time": now}
    return JSONResponse(
        body,
        status_code=status or ApiError(code, message).status,
        headers={**(headers or {}), SERVER_TIME_HEADER: now},
    )


def _validation_message(errors: Any) -> str:
    parts = []
    for error in list(errors)[:3]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "the request is invalid (" + "; ".join(parts) + "): see /openapi.json"


def _install_error_handlers(app: FastAPI) -> None:
    async def api_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return _error(request, exc.code, exc.message, exc.status, exc.headers)

    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return _error(request, ErrorCode.INVALID_REQUEST, _validation_message(exc.errors()))

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            message = f"there is no endpoint {request.url.path}: see /openapi.json"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}: see /openapi.json"
        else:
            message = str(exc.detail)
        code = _STATUS_CODES.get(exc.status_code, ErrorCode.INVALID_REQUEST)
        if exc.status_code >= 500 and code is ErrorCode.INVALID_REQUEST:
            code = ErrorCode.SERVER_ERROR
        return _error(request, code, message, exc.status_code, dict(exc.headers or {}))

    async def hq_error(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, NotFound):
            return _error(request, ErrorCode.NOT_FOUND, str(exc))
        if isinstance(exc, InvalidInput):
            return _error(request, ErrorCode.INVALID_REQUEST, str(exc))
        return await unexpected(request, exc)

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, StoreUnavailable):
            log.error("headquarters' database is unavailable: %s", exc)
        else:
            log.exception("unexpected failure on %s %s", request.method, request.url.path)
        return _error(
            request,
            ErrorCode.SERVER_ERROR,
            "headquarters could not answer (an internal failure, logged at headquarters): "
            "try again later; if it persists, tell headquarters' support",
        )

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(HqError, hq_error)
    app.add_exception_handler(Exception, unexpected)


def _openapi_without_422(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """The OpenAPI document as served: validation errors are 400 here, never 422."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for path in schema.get("paths", {}).values():
                for operation in path.values():
                    operation.get("responses", {}).pop("422", None)
            app.openapi_schema = schema
        return app.openapi_schema

    return openapi


@dataclass(frozen=True)
class RelayHooks:
    """How an office relay's answers differ from headquarters' (see ServiceState)."""

    service: str
    extra: Callable[[], dict[str, Any]]
    journal: Callable[[str, datetime], dict[str, list[list[Any]]]]
    unknown_token: Callable[[str], None]


def create_app(
    database_url: str,
    *,
    clock: Callable[[], datetime] | None = None,
    rate_limit: float | None = None,
    body_limits: dict[str, int] | None = None,
    max_in_flight: int = MAX_IN_FLIGHT,
    before: Sequence[APIRouter] = (),
    title: str = "counterdesk headquarters",
    relay: RelayHooks | None = None,
) -> FastAPI:
    """The headquarters API over the database at `database_url`.

    `clock` gives headquarters' time (default: the clock of models.clock, UTC); `rate_limit`
    the requests per second allowed per office (default: no limit); `body_limits` the largest
    body per route path in bytes (hq.limits.BODY_LIMITS unless given); `max_in_flight` the
    requests one process answers at once (503 beyond). The database is opened at startup, or
    at the first request that needs it. Routes of the routers `before` answer in place of
    headquarters' own for the same path and method, and `relay` says how an office relay's
    answers differ (the relay serves this app over its own store).
    """
    state = ServiceState(
        database_url,
        clock or utc_now,
        RateLimiter(rate_limit, max(10, int(rate_limit * 4))) if rate_limit else None,
    )
    if relay is not None:
        state.service, state.extra, state.journal = relay.service, relay.extra, relay.journal
        state.unknown_token = relay.unknown_token

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await anyio.to_thread.run_sync(state.ensure_connected)
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(store.close)

    app = FastAPI(
        title=title,
        version="1",
        description="The register's owner: change feed, commands, audit chains, statements "
        "(docs/sync-protocol.md).",
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.hq = state
    for first in before:
        app.include_router(first)
    app.include_router(router)
    web.mount(app)
    app.openapi = _openapi_without_422(app)  # type: ignore[method-assign]
    _install_error_handlers(app)
    app.add_middleware(CompressAnswers)
    app.add_middleware(ServerTimeHeader, clock=state.clock)
    app.add_middleware(
        RequestLimits,
        server_time=lambda: server_time(state.clock),
        limits=body_limits,
        max_in_flight=max_in_flight,
    )
    return app


def app_from_env() -> FastAPI:
    """The app `hq serve` runs in each worker: database, clock offset, rate and the bulk routes'
    body limit from the environment ($COUNTERDESK_HQ_DB, $COUNTERDESK_HQ_CLOCK_OFFSET_S,
    $COUNTERDESK_HQ_RATE_LIMIT, $COUNTERDESK_HQ_MAX_BODY)."""
    offset = timedelta(seconds=float(os.environ.get(CLOCK_OFFSET_ENV) or 0))
    rate = float(os.environ.get(RATE_ENV) or DEFAULT_RATE)
    bulk = int(os.environ.get(MAX_BODY_ENV) or BULK_BODY_LIMIT)

    def clock() -> datetime:
        return utc_now() + offset

    return create_app(
        store.default_url(),
        clock=clock,
        rate_limit=rate or None,
        body_limits={"/v1/push": bulk, "/v1/audit": bulk},
    )
