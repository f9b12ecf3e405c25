"""The endpoints under /v1 (docs/sync-protocol.md): thin wrappers over the service modules.

Every endpoint is a plain function run on a worker thread with its own database connection
(`store.session`); answers are built as dicts with headquarters' time, set by `answer`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import unquote

import orjson
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse

from hq import audit, bootstrap, commands, feed, offices, persons, statements, store
from hq.bodies import (
    INT64_MAX,
    AuditBody,
    AuditOut,
    BootstrapOut,
    ChangesOut,
    DigestOut,
    EnrolBody,
    EnrolOut,
    ErrorOut,
    HelloOut,
    NewWorkstationBody,
    PersonOut,
    PushBody,
    PushOut,
    VerifyBody,
    VerifyOut,
)
from hq.digest import Level, scope_digest
from hq.errors import ApiError, ErrorCode, FeedPruned, InvalidInput, NotFound
from hq.offices import EnrolledOffice
from hq.payloads import storable
from hq.ratelimit import RateLimiter
from hq.schema import SCHEMA_VERSION
from hq.wire import wire_value
from models.fields import UtcDateTimeField
from models.replica import ACTOR_HEADER, JOURNAL_PROTOCOL, PROTOCOL_HEADER, SERVER_TIME_HEADER

MIN_PROTOCOL = 1
MAX_PROTOCOL = 3  # 2: the office's journal; 3: benefits (models.replica.BENEFITS_PROTOCOL)
SERVICE = "counterdesk-hq"
_TIME = UtcDateTimeField()


@dataclass
class ServiceState:
    """What the endpoints of one app share: its database, clock and rate limiter."""

    database_url: str
    clock: Callable[[], datetime]
    limiter: RateLimiter | None = None
    _connect_lock: threading.Lock = field(default_factory=threading.Lock)
    # An office relay serving the protocol from its own store: its name at hello, what it adds
    # to hello, changes and bootstrap answers (its feed id, its link to headquarters), and
    # where the office's journal comes from (its feed).
    service: str = SERVICE
    extra: Callable[[], dict[str, Any]] | None = None
    journal: Callable[[str, datetime], dict[str, list[list[Any]]]] | None = None
    unknown_token: Callable[[str], None] | None = None  # learn of new workstations, once

    def extra_fields(self) -> dict[str, Any]:
        """What this service adds to hello, changes and bootstrap answers."""
        return self.extra() if self.extra is not None else {}

    def ensure_connected(self) -> None:
        """Open the database (and its schema) if this process has not yet."""
        with self._connect_lock:
            store.connect(self.database_url)


def state_of(request: Request) -> ServiceState:
    """The app's shared state."""
    return request.app.state.hq


def server_time(clock: Callable[[], datetime]) -> str:
    """Headquarters' time as the contract writes it (UTC, microseconds)."""
    return _TIME.db_value(clock())


class FastJSONResponse(JSONResponse):
    """JSON encoded by orjson: a bootstrap page holds over 100,000 rows.

    Rows may be tuples straight from the database cursor: orjson writes dates (PostgreSQL's
    `date` values) as "YYYY-MM-DD", as the wire wants; other values it does not know go through
    `wire_value` (e.g. PostgreSQL's Decimal sums become integers).
    """

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=_wire_or_refuse)


def _wire_or_refuse(value: Any) -> Any:
    converted = wire_value(value)
    if converted is value:
        raise TypeError(f"{type(value).__name__} cannot be sent as JSON")
    return converted


def answer(request: Request, body: dict[str, Any], status: int = 200) -> JSONResponse:
    """A JSON answer carrying headquarters' time in the body and the header."""
    now = server_time(state_of(request).clock)
    body["server_time"] = now
    return FastJSONResponse(body, status_code=status, headers={SERVER_TIME_HEADER: now})


# -- dependencies -----------------------------------------------------------------------------


def _check_protocol(value: str | None, required: bool) -> int | None:
    if value is None:
        if not required:
            return None
        raise ApiError(
            ErrorCode.INVALID_REQUEST,
            f"send the header {PROTOCOL_HEADER}: <version> (headquarters speaks versions "
            f"{MIN_PROTOCOL} to {MAX_PROTOCOL})",
        )
    try:
        version = int(value.strip())
    except ValueError:
        raise ApiError(
            ErrorCode.INVALID_REQUEST, f"{PROTOCOL_HEADER} must be a whole number, not {value!r}"
        ) from None
    if version < MIN_PROTOCOL:
        raise ApiError(
            ErrorCode.PROTOCOL_TOO_OLD,
            f"this office's counterdesk speaks sync protocol {version}, but headquarters needs "
            f"{MIN_PROTOCOL} to {MAX_PROTOCOL}: upgrade counterdesk at the office",
        )
    if version > MAX_PROTOCOL:
        raise ApiError(
            ErrorCode.PROTOCOL_TOO_NEW,
            f"this office's counterdesk speaks sync protocol {version}, newer than headquarters "
            f"knows (up to {MAX_PROTOCOL}): headquarters must be upgraded; the office keeps "
            "working offline meanwhile",
        )
    return version


ProtocolHeader = Annotated[str | None, Header(alias=PROTOCOL_HEADER)]
AuthorizationHeader = Annotated[str | None, Header(alias="Authorization")]


def protocol(value: ProtocolHeader = None) -> int:
    """The office's protocol version (header required, within the supported range)."""
    version = _check_protocol(value, required=True)
    assert version is not None
    return version


def optional_protocol(value: ProtocolHeader = None) -> int | None:
    """The protocol version if the caller sent one (checked), else None."""
    return _check_protocol(value, required=False)


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _office_of(request: Request, authorization: str | None) -> EnrolledOffice | None:
    token = _bearer(authorization)
    if token is None:
        return None
    state = state_of(request)
    state.ensure_connected()
    with store.session():
        found = offices.authenticate(token)
        if found is None and state.unknown_token is not None:
            state.unknown_token(token)  # a relay asks headquarters about the office's rows
            found = offices.authenticate(token)
        return found


def office(
    request: Request,
    _version: Annotated[int, Depends(protocol)],
    authorization: AuthorizationHeader = None,
) -> EnrolledOffice:
    """The office whose bearer token came with the request (401 otherwise), rate-limited."""
    found = _office_of(request, authorization)
    if found is None:
        raise ApiError(
            ErrorCode.UNAUTHORIZED,
            "no valid office token (missing, unknown or revoked): enrol the office again with "
            "the token headquarters gives out (`counterdesk hq enrol-office`)",
        )
    limiter = state_of(request).limiter
    wait = limiter.retry_after(found.id) if limiter else None
    if wait is not None:
        raise ApiError(
            ErrorCode.RATE_LIMITED,
            f"too many requests from office {found.id}: wait {wait} s before the next one",
            {"Retry-After": str(wait)},
        )
    with store.session():
        offices.seen(found.id, state_of(request).clock())
    return found


Office = Annotated[EnrolledOffice, Depends(office)]


def actor_name(value: str | None) -> str:
    """The staff member named in Counterdesk-Actor (percent-encoded or raw UTF-8)."""
    if not value:
        return "(not named)"
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("latin-1").decode("utf-8")
    name = unquote(value)
    return "".join(c for c in name if storable(c))[:60] or "(not named)"


# -- endpoints --------------------------------------------------------------------------------

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut} for status in (400, 401, 403, 404, 426, 429, 500)
}
router = APIRouter(prefix="/v1", responses=ERRORS)


@router.get("/hello", response_model=HelloOut)
def hello(
    request: Request,
    _version: Annotated[int | None, Depends(optional_protocol)],
    authorization: AuthorizationHeader = None,
) -> JSONResponse:
    """Headquarters' protocol range and schema version; with a valid token, the office."""
    found = _office_of(request, authorization)
    body: dict[str, Any] = {
        "service": state_of(request).service,
        "min_protocol": MIN_PROTOCOL,
        "max_protocol": MAX_PROTOCOL,
        "schema_version": SCHEMA_VERSION,
    }
    if found is not None:
        body["office"] = found.as_json()
        with store.session():  # an office relay's own state: for its workstations only
            body.update(state_of(request).extra_fields())
    return answer(request, body)


def speaking_for(who: EnrolledOffice, code: str | None) -> EnrolledOffice:
    """The workstation a request (or a pushed item) is for: `who`, or, from the office's relay,
    the workstation of `code`; 403 out_of_scope otherwise."""
    with store.session():
        found = offices.acting_for(who, code)
    if found is None:
        raise ApiError(
            ErrorCode.OUT_OF_SCOPE,
            f"{who.id} may not speak for workstation {code}: only the office's relay speaks "
            "for the office's own (active) workstations",
        )
    return found


@router.post("/enrol", response_model=EnrolOut)
def enrol(request: Request, who: Office, body: EnrolBody) -> JSONResponse:
    """Register the office's statement signing key (earlier keys are kept). Idempotent."""
    who = speaking_for(who, body.workstation)
    with store.session():
        offices.register_key(
            who,
            body.signing_key,
            body.office_name or None,
            body.client_version or None,
            state_of(request).clock(),
        )
        head = feed.head_seq()
    return answer(request, {"office": who.as_json(), "head_seq": head})


@router.post("/push", response_model=PushOut)
def push(request: Request, who: Office, body: PushBody) -> JSONResponse:
    """Apply the office's commands, each in its own transaction; one result per item."""
    items = [
        (
            i.workstation,
            commands.PushItem(i.uuid, i.command, i.payload, i.created_at, i.actor or "(not named)"),
        )
        for i in body.items
    ]
    clock = state_of(request).clock
    with store.session():
        results = []
        senders: dict[str | None, EnrolledOffice | None] = {}  # one lookup per workstation
        for code, item in items:
            if code not in senders:
                senders[code] = offices.acting_for(who, code)
            sender = senders[code]
            if sender is None:  # answered, not kept: the relay sees why at once
                results.append(commands.not_for(item, who, code))
            else:
                results.append(commands.apply_item(sender, item, clock()))
        head = feed.head_seq()
    return answer(request, {"results": [r.as_json() for r in results], "head_seq": head})


def receive_audit(
    request: Request, who: EnrolledOffice, body: AuditBody
) -> tuple[EnrolledOffice, audit.AuditReceipt]:
    """Keep and check a workstation's audit events (a relay's upload: the workstation it
    names); the workstation and the receipt. Inside a session of its own."""
    who = speaking_for(who, body.workstation)
    events = [audit.IncomingEvent(**e.model_dump()) for e in body.events]
    head = audit.OfficeHead(**body.head.model_dump()) if body.head else None
    with store.session():
        return who, audit.receive(who, events, state_of(request).clock(), head)


@router.post("/audit", response_model=AuditOut)
def push_audit(request: Request, who: Office, body: AuditBody) -> JSONResponse:
    """Keep the office's chained audit events and check their links."""
    who, receipt = receive_audit(request, who, body)
    return answer(
        request,
        {
            "accepted": receipt.accepted,
            "last_id": receipt.last_id,
            "broken_at": receipt.broken_at,
            "head_problem": receipt.head_problem,
        },
    )


@router.get("/changes", response_model=ChangesOut, responses={410: {"model": ErrorOut}})
def changes(
    request: Request,
    who: Office,
    version: Annotated[int, Depends(protocol)],
    after: Annotated[int, Query(ge=0, le=INT64_MAX)] = 0,
    limit: Annotated[int, Query(ge=1, le=feed.MAX_LIMIT)] = feed.DEFAULT_LIMIT,
) -> JSONResponse:
    """The change feed of the office's scope after a cursor (and, from protocol 2, the
    office's journal)."""
    journal = who.office_id if version >= JOURNAL_PROTOCOL else None
    with store.session():
        try:
            page = feed.pull(who.districts, after, limit, office=journal, version=version)
        except FeedPruned as exc:
            raise ApiError(ErrorCode.FEED_PRUNED, str(exc)) from exc
        extra = state_of(request).extra_fields()
    return answer(
        request,
        {
            "changes": page.changes,
            "next": page.next,
            "head_seq": page.head_seq,
            "more": page.more,
            **extra,
        },
    )


@router.get("/bootstrap", response_model=BootstrapOut)
def bootstrap_page(
    request: Request,
    who: Office,
    version: Annotated[int, Depends(protocol)],
    phase: bootstrap.Phase,
    after: Annotated[int, Query(ge=0, le=INT64_MAX)] = 0,
    limit: Annotated[int, Query(ge=1, le=bootstrap.MAX_LIMIT)] = bootstrap.DEFAULT_LIMIT,
) -> JSONResponse:
    """A page of the whole copy of the office's scope (employers, persons, staff, and from
    protocol 2 the office's journal)."""
    with store.session():
        if phase is bootstrap.Phase.EMPLOYER:
            page = bootstrap.employer_page(after, limit)
        elif phase is bootstrap.Phase.STAFF:
            page = bootstrap.staff_page(who.districts, after)
        elif phase is bootstrap.Phase.OFFICE:
            state = state_of(request)
            page = bootstrap.office_page(who.office_id, after, state.clock(), state.journal)
        else:
            page = bootstrap.person_page(who.districts, after, limit, version=version)
        extra = state_of(request).extra_fields()
    return answer(
        request,
        {
            "phase": page.phase.value,
            "after": page.after,
            "next": page.next,
            "done": page.done,
            "head_seq": page.head_seq,
            "tables": page.tables,
            **extra,
        },
    )


@router.get("/scope/digest", response_model=DigestOut)
def digest(
    request: Request,
    who: Office,
    version: Annotated[int, Depends(protocol)],
    level: Level = Level.QUICK,
) -> JSONResponse:
    """Row counts and checksum sums per replicated table over the office's scope (the tables
    of the office's protocol version)."""
    with store.session():
        head, tables = scope_digest(who.districts, level, version=version)
    return answer(
        request,
        {
            "head_seq": head,
            "tables": {n: {"count": d.count, "checksum": d.checksum} for n, d in tables.items()},
        },
    )


@router.get("/persons", response_model=PersonOut)
def person(
    request: Request,
    who: Office,
    version: Annotated[int, Depends(protocol)],
    ssn: Annotated[str | None, Query(max_length=32)] = None,
    card: Annotated[str | None, Query(max_length=32)] = None,
    actor: Annotated[str | None, Header(alias=ACTOR_HEADER)] = None,
) -> JSONResponse:
    """A person of any district (a visitor served here); the read is logged."""
    if (ssn is None) == (card is None):
        raise ApiError(ErrorCode.INVALID_REQUEST, "give exactly one of ?ssn= or ?card=")
    if not storable(ssn or card or ""):
        raise ApiError(ErrorCode.INVALID_REQUEST, "an ID or card number holds no NUL character")
    kind, value = (
        (persons.KeyKind.SSN, ssn) if ssn is not None else (persons.KeyKind.CARD, card or "")
    )
    with store.session():
        record = persons.read_person(
            kind, value, who.id, actor_name(actor), state_of(request).clock(), version=version
        )
    return answer(request, {"district": record.person.district, "tables": record.tables})


@router.post("/statements/verify", response_model=VerifyOut)
def verify_statement(
    request: Request,
    _version: Annotated[int | None, Depends(optional_protocol)],
    body: VerifyBody,
) -> JSONResponse:
    """Is a scanned statement genuine, and what did it cover? No token needed."""
    state_of(request).ensure_connected()
    with store.session():
        result = statements.verify_statement(body.payload)
    return answer(
        request,
        {"genuine": result.genuine, "reason": result.reason, "statement": result.statement},
    )


def _relay_only(who: EnrolledOffice) -> None:
    if who.kind != "relay":
        raise ApiError(
            ErrorCode.OUT_OF_SCOPE,
            f"{who.id} is not the office's relay: only the relay's token may manage the "
            "office's workstations",
        )


@router.get("/office")
def office_rows(request: Request, who: Office) -> JSONResponse:
    """The office's workstations with their token hashes (the relay checks the same tokens)."""
    _relay_only(who)
    with store.session():
        rows = offices.workstation_rows(who.office_id)
    return answer(request, {"office": who.as_json(), "workstations": rows})


@router.post("/office/workstations")
def new_workstation(request: Request, who: Office, body: NewWorkstationBody) -> JSONResponse:
    """Enrol one more workstation of the office (from the relay); its token, shown once."""
    _relay_only(who)
    with store.session():
        try:
            made = offices.enrol_workstation(
                who.office_id, body.kind, code=body.code, name=body.name
            )
        except (InvalidInput, NotFound) as exc:
            raise ApiError(ErrorCode.INVALID_REQUEST, str(exc)) from exc
    workstation = {"id": made.id, "code": made.code, "kind": made.kind}
    return answer(request, {"workstation": workstation, "token": made.token})
