"""A first bootstrap through a line that drops in the middle of a page (testkit's shaped link, real
HTTP on loopback, compressed pages): it resumes after the last page it committed, asks
headquarters for no page it already has, and ends with the same register as an uncut copy. A
compressed page damaged on the way is not applied at all and asked for again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from hq import store
from hq.api import create_app
from hq.offices import enrol_office
from models.actor import Actor
from models.db import close_register
from models.enums import Role
from models.home import OfficeHome
from models.schema import db
from sync import state
from sync.bootstrap import PHASES
from sync.client import HqClient
from sync.engine import SyncEngine, SyncReport
from sync.enrolment import enrol
from sync.errors import CorruptAnswer, Offline
from testkit.shaped_link import ShapedLink
from tests.fault_proxy import Fault, FaultProxy
from tests.sync_helpers import ServedHq, hq_scope_rows, register_rows

pytestmark = pytest.mark.parametrize("hq_demo_url", ["sqlite"], indirect=True)

CLERK = Actor("clerk01", Role.CLERK)
PAGE = 8  # persons a page: the 60 persons of the demo Lixia make 8 person pages


@dataclass
class Requests:
    """ASGI middleware at headquarters: the bootstrap pages asked for, (phase, after)."""

    app: ASGIApp
    pages: list[tuple[str, int]] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/v1/bootstrap":
            query = parse_qs(scope["query_string"].decode())
            self.pages.append((query["phase"][0], int(query.get("after", ["0"])[0])))
        await self.app(scope, receive, send)


@dataclass
class Line:
    """Headquarters behind a shaped link (no bandwidth limit: a test, not a benchmark), and
    behind a proxy that damages chosen answers (`faults`)."""

    link: ShapedLink
    faults: FaultProxy
    asked: Requests
    tmp: Path

    def office(self, name: str, url: str | None = None) -> tuple[OfficeHome, str]:
        token = enrol_office(name, ["370102"])
        home = OfficeHome(self.tmp / name)
        home.create("370102", "历下区社保服务中心")
        with self.client(token, url) as client:
            enrol(home, client, url or self.link.url, CLERK)
        return home, token

    def client(self, token: str, url: str | None = None) -> HqClient:
        return HqClient(httpx.Client(base_url=url or self.link.url, timeout=10), token)

    def sync(self, token: str, url: str | None = None) -> SyncReport:
        with self.client(token, url) as client:
            return SyncEngine(client, bootstrap_limit=PAGE).run_once()


@pytest.fixture
def line(hq_demo_url: str, tmp_path: Path) -> Iterator[Line]:
    store.connect(hq_demo_url)
    asked = Requests(create_app(hq_demo_url))
    served = ServedHq(asked)
    link = ShapedLink(served.port)
    faults = FaultProxy(served.port)
    try:
        yield Line(link, faults, asked, tmp_path)
    finally:
        close_register()
        link.close()
        faults.close()
        served.close()


def _position(phase: str, after: int) -> tuple[int, int]:
    return PHASES.index(phase), after


@pytest.mark.parametrize("share", [0.04, 0.3, 0.62, 0.9])
def test_a_bootstrap_cut_mid_page_resumes_after_its_last_page_and_matches_an_uncut_one(
    line: Line, share: float
) -> None:
    _home, token = line.office("uncut")
    start = line.link.bytes_down
    whole = line.sync(token)
    assert whole.completed and whole.check is not None and whole.check.outcome == "ok"
    uncut_bytes = line.link.bytes_down - start
    uncut_rows = register_rows()
    uncut: dict[str, Any] = state.read().detail["last_bootstrap"]
    assert uncut["pages"] == len(line.asked.pages) > 8
    close_register()

    _home, token = line.office("cut")
    line.asked.pages.clear()
    line.link.cut_at(line.link.bytes_down + int(uncut_bytes * share))
    broken = line.sync(token)
    assert isinstance(broken.error, Offline) and line.link.cuts == 1
    first = list(line.asked.pages)
    kept = state.read().bootstrap or {"phase": "employer", "after": 0, "pages": 0, "rows": 0}

    line.asked.pages.clear()
    resumed = line.sync(token)
    assert resumed.completed and resumed.bootstrap is not None and resumed.bootstrap.resumed
    assert resumed.check is not None and resumed.check.outcome == "ok"
    # headquarters was asked for no page the office had committed, and each page once
    again = line.asked.pages
    assert again[0] == (kept["phase"], kept["after"])
    assert all(_position(*p) >= _position(kept["phase"], kept["after"]) for p in again)
    assert len(again) == len(set(again)) == uncut["pages"] - kept["pages"]
    assert len(first) <= kept["pages"] + 2  # at most the page cut and the one fetched ahead
    # the same register as the uncut copy: same pages, same rows, same data as headquarters
    done = state.read().detail["last_bootstrap"]
    assert (done["pages"], done["rows"]) == (uncut["pages"], uncut["rows"])
    assert register_rows() == uncut_rows == hq_scope_rows(["370102"])


def test_a_damaged_compressed_page_is_not_applied_and_the_bootstrap_asks_for_it_again(
    line: Line,
) -> None:
    url = line.faults.url
    _home, token = line.office("damaged", url)
    line.faults.arm(Fault.CORRUPT, "/v1/bootstrap?phase=person&after=16")
    broken = line.sync(token, url)
    assert isinstance(broken.error, CorruptAnswer), broken.error
    kept = state.read().bootstrap
    assert kept is not None and (kept["phase"], kept["after"]) == ("person", 16)
    persons = db.execute_sql("SELECT count(*), max(id) FROM person").fetchone()
    assert persons[0] == 16 and persons[1] == _sixteenth_person()

    line.asked.pages.clear()
    resumed = line.sync(token, url)
    assert resumed.completed and resumed.check is not None and resumed.check.outcome == "ok"
    assert line.asked.pages[0] == ("person", 16)
    assert register_rows() == hq_scope_rows(["370102"])


def _sixteenth_person() -> int:
    ids = store.execute(
        "SELECT id FROM person WHERE district = '370102' ORDER BY id LIMIT 16"
    ).fetchall()
    return ids[-1][0]
