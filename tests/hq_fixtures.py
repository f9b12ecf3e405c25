"""Headquarters databases for tests, on SQLite and on PostgreSQL (parametrized).

`hq_url` is a fresh, empty headquarters database; `hq_demo_url` one holding a small demo city
(DEMO_DISTRICTS, seed 7, as of the test clock's month). Each is made once per session as a
template (a SQLite file, a PostgreSQL template database) and copied per test, so a test costs
milliseconds.
Neither fixture leaves the database connected: use `hq.store.connect(url)` or
`hq.api.create_app(url)`.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from fastapi.testclient import TestClient

from hq import demo, store
from hq.api import create_app
from hq.offices import enrol_office
from models.replica import PROTOCOL_HEADER, PROTOCOL_VERSION
from testkit.pgcluster import PostgresServer
from tests.pinned_clock import AS_OF as DEMO_AS_OF

DEMO_DISTRICTS = {"370102": 60, "370103": 40}
DEMO_SEED = 7
BACKENDS = ["sqlite", "postgres"]

_names = itertools.count(1)


def sqlite_url(path: Path) -> str:
    """The URL of a SQLite headquarters database at an absolute path."""
    return f"sqlite:///{path.absolute()}"


def _closed() -> None:
    """Close every headquarters connection (a template must have none)."""
    store.close()


@pytest.fixture(scope="session")
def hq_pg_empty_template(postgres_server: PostgresServer) -> str:
    """A PostgreSQL database with headquarters' schema and no data (a template)."""
    name = "hq_empty_template"
    store.connect(postgres_server.create_database(name))
    _closed()
    return name


@pytest.fixture(scope="session")
def hq_pg_demo_template(postgres_server: PostgresServer, hq_pg_empty_template: str) -> str:
    """A PostgreSQL database holding the demo city (a template)."""
    name = "hq_demo_template"
    store.connect(postgres_server.create_database(name, hq_pg_empty_template))
    try:
        demo.seed(DEMO_DISTRICTS, DEMO_SEED, DEMO_AS_OF)
    finally:
        _closed()
    return name


@pytest.fixture(scope="session")
def hq_sqlite_demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite headquarters database file holding the demo city (copy before use)."""
    path = tmp_path_factory.mktemp("hq-demo") / "hq.db"
    store.connect(sqlite_url(path))
    try:
        demo.seed(DEMO_DISTRICTS, DEMO_SEED, DEMO_AS_OF)
    finally:
        _closed()
    return path


def _pg_copy(request: pytest.FixtureRequest, template_fixture: str) -> str:
    server: PostgresServer = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue(template_fixture)
    return server.create_database(f"hq_test_{next(_names)}", template)


def _drop_copy(request: pytest.FixtureRequest, url: str) -> None:
    """Drop a test's PostgreSQL copy (nothing for SQLite: its file is in the test's folder)."""
    if request.param != "sqlite":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        server.drop_database(url.rsplit("/", 1)[1])


@pytest.fixture(params=BACKENDS)
def hq_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty headquarters database (SQLite or PostgreSQL), not connected."""
    if request.param == "sqlite":
        url = sqlite_url(tmp_path / "hq.db")
    else:
        url = _pg_copy(request, "hq_pg_empty_template")
    try:
        yield url
    finally:
        _closed()
        _drop_copy(request, url)


@pytest.fixture(params=BACKENDS)
def hq_demo_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A headquarters database holding the demo city (SQLite or PostgreSQL), not connected."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("hq_sqlite_demo_template")
        target = tmp_path / "hq.db"
        shutil.copyfile(template, target)
        url = sqlite_url(target)
    else:
        url = _pg_copy(request, "hq_pg_demo_template")
    try:
        yield url
    finally:
        _closed()
        _drop_copy(request, url)


# -- talking to headquarters as an office -----------------------------------------------------


@dataclass
class OfficeClient:
    """One enrolled office talking to an in-process headquarters through its token."""

    client: TestClient
    token: str

    def headers(self, **extra: str) -> dict[str, str]:
        """The office's request headers (protocol version, bearer token) plus `extra`."""
        return {
            PROTOCOL_HEADER: str(PROTOCOL_VERSION),
            "Authorization": f"Bearer {self.token}",
            **extra,
        }

    def get(self, path: str, **params: Any) -> httpx.Response:
        """GET path?params as this office."""
        return self.client.get(path, params=params, headers=self.headers())

    def post(self, path: str, body: Any) -> httpx.Response:
        """POST a JSON body as this office."""
        return self.client.post(path, json=body, headers=self.headers())

    def push(self, *items: dict[str, Any]) -> list[dict[str, Any]]:
        """POST /v1/push; the results (asserting a 200 answer)."""
        answer = self.post("/v1/push", {"items": list(items)})
        assert answer.status_code == 200, answer.text
        return answer.json()["results"]


@dataclass
class DemoHq:
    """The demo city served in-process, with an office for each district."""

    url: str
    client: TestClient
    lixia: OfficeClient  # serves 370102
    shizhong: OfficeClient  # serves 370103


@pytest.fixture
def demo_hq(hq_demo_url: str) -> Iterator[DemoHq]:
    """Headquarters over the demo city, with offices `lixia` (370102) and `shizhong` (370103)."""
    store.connect(hq_demo_url)
    lixia = enrol_office("lixia", ["370102"], "历下区社保服务中心")
    shizhong = enrol_office("shizhong", ["370103"], "市中区社保服务中心")
    with TestClient(create_app(hq_demo_url)) as client:
        yield DemoHq(
            hq_demo_url, client, OfficeClient(client, lixia), OfficeClient(client, shizhong)
        )


def command(name: str, payload: dict[str, Any], uuid: str | None = None) -> dict[str, Any]:
    """A push item as an office's outbox sends it."""
    return {
        "uuid": uuid or str(uuid4()),
        "command": name,
        "payload": payload,
        "created_at": "2026-11-20T02:00:00.000000+00:00",
        "actor": "clerk01",
    }


def a_card(district: str, status: str = "active") -> tuple[str, str, int]:
    """(card number, holder's ID number, holder's id) of a demo card in `district` (connected)."""
    row = store.execute(
        "SELECT c.card_no, p.ssn, p.id FROM card c JOIN person p ON p.id = c.person_id "
        "WHERE p.district = ? AND c.status = ? ORDER BY c.id LIMIT 1",
        (district, status),
    ).fetchone()
    assert row is not None, f"the demo has no {status} card in {district}"
    return row[0], row[1], row[2]


def a_person(district: str) -> tuple[int, str]:
    """(id, ID number) of a demo person of `district` (connected)."""
    row = store.execute(
        "SELECT id, ssn FROM person WHERE district = ? ORDER BY id LIMIT 1", (district,)
    ).fetchone()
    return row[0], row[1]
