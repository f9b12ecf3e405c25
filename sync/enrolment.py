"""Enrolling the office with headquarters, and opening the client of an enrolled office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version

import httpx

from models import audit
from models.actor import Actor
from models.clock import utc_now
from models.home import OfficeHome, setting
from models.schema import Person, write_transaction
from models.statements import workstation_code
from sync import settings, state
from sync.answers import Enrolled
from sync.bootstrap import require_resync
from sync.client import HqClient
from sync.errors import EnrolmentRefused, NotEnrolled, ProtocolTooNew, ProtocolTooOld

TIMEOUT_S = 60.0  # a bootstrap page can take a while to build and to travel
CONNECT_TIMEOUT_S = 10.0


def client_version() -> str:
    """This counterdesk's version, as told to headquarters."""
    try:
        return version("counterdesk")
    except PackageNotFoundError:
        return "unknown"


def open_client(
    url: str,
    token: str | None,
    *,
    actor: str | None = None,
    timeout: float = TIMEOUT_S,
    relay: bool = False,
) -> HqClient:
    """A client of headquarters (or of the office relay: `relay`) at `url` over a real HTTP
    connection."""
    http = httpx.Client(
        base_url=url, timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT_S))
    )
    return HqClient(http, token, actor=actor, relay=relay)


def connect(*, actor: str | None = None, timeout: float = TIMEOUT_S) -> HqClient:
    """The client of the headquarters this register is enrolled with (NotEnrolled if none)."""
    found = settings.hq_settings()
    if found is None:
        raise NotEnrolled(
            "this office is not enrolled with headquarters yet: run "
            "`counterdesk sync enrol --hq URL --token TOKEN` with the token headquarters gave"
        )
    return open_client(
        found.url, found.token, actor=actor, timeout=timeout, relay=found.through_relay
    )


def check_enrollable() -> None:
    """Refuse a register holding people that did not come from headquarters."""
    people = Person.select().count()
    if not people:
        return
    demo = setting("demo_state") is not None or setting("demo_generated_at") is not None
    if demo or settings.hq_settings() is None:
        raise EnrolmentRefused(
            f"this register already holds {people:,} people that did not come from "
            "headquarters (demo or test data); they would mix with the real register. Create a "
            "new office home with `counterdesk --home DIR init` and enrol that one"
        )


@dataclass(frozen=True)
class EnrolmentResult:
    """The answer of headquarters, and whether the register must be copied again."""

    enrolled: Enrolled
    resync_required: bool
    through_relay: bool = False  # the address is the office relay's


def enrol(
    home: OfficeHome,
    client: HqClient,
    url: str,
    actor: Actor,
    now: datetime | None = None,
) -> EnrolmentResult:
    """Register this office's signing key at headquarters and store the enrolment.

    Stores the address, the token (in the register, as it is), the office id and districts.
    Enrolling again is allowed (a new token); if the office or its districts changed, the next
    sync copies the whole register again.
    """
    check_enrollable()
    hello = client.hello()
    if client.protocol < hello.min_protocol:
        raise ProtocolTooOld(
            f"headquarters accepts sync protocols {hello.min_protocol}..{hello.max_protocol}, "
            f"this counterdesk speaks {client.protocol}: upgrade counterdesk on this computer"
        )
    if client.protocol > hello.max_protocol:
        raise ProtocolTooNew(
            f"headquarters accepts sync protocols {hello.min_protocol}..{hello.max_protocol}, "
            f"this counterdesk speaks {client.protocol}: headquarters must be upgraded first"
        )
    name = setting("office_name") or home.path.name
    answer = client.enrol(name, home.signing_key().hex(), client_version())
    office = answer.office
    resync = False
    with write_transaction():
        before = settings.hq_settings()
        settings.store(
            url.rstrip("/"),
            client.token or "",
            office.id,
            office.districts,
            (now or utc_now()).isoformat(),
        )
        settings.store_workstation_code(office.workstation_code)
        settings.store_service(hello.service)
        changed = before is not None and (
            before.office_id != office.id or set(before.districts) != set(office.districts)
        )
        synced = state.read()
        if changed and (synced.cursor is not None or synced.bootstrap is not None):
            require_resync({"enrolment": f"now office {office.id} of {list(office.districts)}"})
            resync = True
        audit.record(
            actor,
            "sync.enrol",
            None,
            office=office.id,
            districts=list(office.districts),
            workstation=office.workstation_code,
        )
    return EnrolmentResult(answer, resync, hello.service == settings.RELAY_SERVICE)


def learn_workstation_code(client: HqClient) -> None:
    """Ask headquarters for this workstation's code if the register has none (a home enrolled
    before workstations had codes): its statement numbers carry the code from then on."""
    if workstation_code() is not None or client.token is None:
        return
    hello = client.hello()
    code = hello.office.workstation_code if hello.office is not None else None
    if code is not None:
        with write_transaction():
            settings.store_workstation_code(code)
