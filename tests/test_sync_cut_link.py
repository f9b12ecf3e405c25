"""A first bootstrap through a line that drops in the middle of a page (testkit's shaped link, real
HTTP on loopback, compressed pages): it resumes after the last page it committed, asks
headquarters for no page it already has, and ends with the same register as an uncut copy."""

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
from sync import state
from sync.bootstrap import PHASES
from sync.client import HqClient
from sync.engine import SyncEngine, SyncReport
from sync.enrolment import enrol
from sync.errors import Offline
from testkit.shaped_link import ShapedLink
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
    """Headquarters behind a shaped link (no bandwidth limit: a test, not a benchmark)."""

    link: ShapedLink
    asked: Requests
    tmp: Path

    def office(self, name: str) -> tuple[OfficeHome, str]:
        token = enrol_office(name, ["370102"])
        home = OfficeHome(self.tmp / name)
        home.create("370102", "历下区社保服务中心")
        with self.client(token) as client:
            enrol(home, client, self.link.url, CLERK)
        return home, token

    def client(self, token: str) -> HqClient:
        return HqClient(httpx.Client(base_url=self.link.url, timeout=10), token)

    def sync(self, token: str) -> SyncReport:
        with self.client(token) as client:
            return SyncEngine(client, bootstrap_limit=PAGE).run_once()


@pytest.fixture
def line(hq_demo_url: str, tmp_path: Path) -> Iterator[Line]:
    store.connect(hq_demo_url)
    asked = Requests(create_app(hq_demo_url))
    served = ServedHq(asked)
    link = ShapedLink(served.port)
    try:
        yield Line(link, asked, tmp_path)
    finally:
        close_register()
        link.close()
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
