"""Network and server faults between the office and headquarters (real HTTP on loopback through
a fault-injecting proxy): nothing is lost, nothing is applied twice, nothing half-applied."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from hq import register, store
from hq.api import create_app
from hq.offices import enrol_office
from models.actor import Actor
from models.cardops import report_card_lost
from models.clock import utc_now
from models.db import close_register
from models.enums import Role
from models.home import OfficeHome
from models.replica import PERSON
from models.schema import Outbox, db
from models.visits import record_service_visit
from sync import state
from sync.client import HqClient
from sync.engine import SyncEngine, SyncReport
from sync.enrolment import enrol
from sync.errors import BadAnswer, LinkStatus, Offline, ServerError
from tests.fault_proxy import Fault, FaultProxy
from tests.sync_helpers import ServedHq, hq_scope_rows, register_rows

# One backend is enough here: the faults are on the wire, not in headquarters' database.
pytestmark = pytest.mark.parametrize("hq_demo_url", ["sqlite"], indirect=True)

CLERK = Actor("clerk01", Role.CLERK)


@dataclass
class Line:
    """An enrolled, synced office talking to headquarters through the fault proxy."""

    proxy: FaultProxy
    token: str

    def client(self, timeout: float = 10.0) -> HqClient:
        return HqClient(httpx.Client(base_url=self.proxy.url, timeout=timeout), self.token)

    def sync(self, timeout: float = 10.0) -> SyncReport:
        with self.client(timeout) as client:
            return SyncEngine(client).run_once()

    def paths(self) -> list[str]:
        return [path.split("?")[0] for _method, path, _fault in self.proxy.seen]


@pytest.fixture
def line(hq_demo_url: str, tmp_path: Path) -> Iterator[Line]:
    store.connect(hq_demo_url)
    token = enrol_office("lixia", ["370102"])
    served = ServedHq(create_app(hq_demo_url))
    proxy = FaultProxy(served.port)
    home = OfficeHome(tmp_path / "office")
    home.create("370102", "历下区社保服务中心")
    wire = Line(proxy, token)
    try:
        with wire.client() as client:
            enrol(home, client, proxy.url, CLERK)
        assert wire.sync().completed
        proxy.seen.clear()
        yield wire
    finally:
        close_register()
        proxy.close()
        served.close()


def assert_in_step() -> None:
    assert register_rows() == hq_scope_rows(["370102"])
    local = dict(db.execute_sql("SELECT uuid, status FROM outbox").fetchall())
    at_hq = store.execute("SELECT uuid, status FROM command WHERE office_id = 'lixia'").fetchall()
    assert sorted(at_hq) == sorted(local.items())
    assert set(local.values()) <= {"accepted", "rejected"}


def _local_commands() -> None:
    record_service_visit(CLERK, "counter", "lookup")
    card = db.execute_sql("SELECT card_no FROM card WHERE status = 'active' LIMIT 1").fetchone()
    report_card_lost(card[0], CLERK)


def test_an_answer_cut_after_headquarters_committed_is_resent_and_applied_once(line) -> None:
    _local_commands()
    line.proxy.arm(Fault.CUT, "/v1/push")
    report = line.sync()
    assert isinstance(report.error, Offline) and report.status is LinkStatus.OFFLINE
    assert "/v1/changes" not in line.paths()  # never pull when the push did not complete
    items = list(Outbox.select())
    assert all(i.status == "pending" and i.attempts == 1 and i.last_error for i in items)
    assert store.execute("SELECT count(*) FROM command").fetchone()[0] == 2  # it was applied

    report = line.sync()
    assert report.completed and report.push.accepted == 2
    assert all(i.status == "accepted" and i.attempts == 2 for i in Outbox.select())
    assert_in_step()


def test_an_answer_that_never_comes_is_retried_without_duplicates(line) -> None:
    _local_commands()
    line.proxy.arm(Fault.SWALLOW, "/v1/push")
    report = line.sync(timeout=0.5)
    assert isinstance(report.error, Offline) and "did not answer in time" in report.error.message
    assert line.sync().completed
    assert_in_step()


def _change_a_phone_at_headquarters() -> int:
    pid = store.execute("SELECT min(id) FROM person WHERE district = '370102'").fetchone()[0]
    row = register.current_row("person", [pid])
    assert row is not None
    row[PERSON.columns.index("phone")] = "13700007777"
    register.upsert_rows("person", [row])
    return pid


def _phone(pid: int) -> str:
    return db.execute_sql("SELECT phone FROM person WHERE id = ?", (pid,)).fetchone()[0]


def test_a_server_error_during_the_push_stops_the_sync_before_the_pull(line) -> None:
    _local_commands()
    pid = _change_a_phone_at_headquarters()
    line.proxy.arm(Fault.ERROR_500, "/v1/push")
    report = line.sync()
    assert isinstance(report.error, ServerError) and report.status is LinkStatus.FAILING
    assert "/v1/changes" not in line.paths() and _phone(pid) != "13700007777"
    assert state.read().status == "failing" and "HTTP 500" in (state.read().last_error or "")

    assert line.sync().completed and _phone(pid) == "13700007777"
    assert_in_step()


def test_a_corrupt_page_of_changes_is_not_applied_at_all(line) -> None:
    pid = _change_a_phone_at_headquarters()
    cursor = state.read().cursor
    line.proxy.arm(Fault.CORRUPT, "/v1/changes")
    report = line.sync()
    assert isinstance(report.error, BadAnswer) and report.status is LinkStatus.FAILING
    assert state.read().cursor == cursor and _phone(pid) != "13700007777"

    assert line.sync().completed and _phone(pid) == "13700007777"
    assert_in_step()


def test_while_headquarters_is_unreachable_the_retry_timer_backs_off_and_persists(
    line, tmp_path: Path
) -> None:
    _local_commands()
    line.proxy.arm(Fault.REFUSE, "/", times=100)
    first = line.sync()
    second = line.sync()
    assert first.status is LinkStatus.OFFLINE and second.status is LinkStatus.OFFLINE
    saved = state.read()
    assert saved.consecutive_errors == 2 and saved.next_attempt_at is not None
    assert saved.next_attempt_at > utc_now() - timedelta(seconds=1)
    assert "broke" in (saved.last_error or "")

    home = OfficeHome(tmp_path / "office")
    close_register()
    home.open()  # a restart: the timer and the queue are still there
    assert state.read().next_attempt_at == saved.next_attempt_at
    assert Outbox.select().where(Outbox.status == "pending").count() == 2
    assert json.loads(Outbox.get().payload)

    line.proxy.disarm()
    assert line.sync().completed and state.read().consecutive_errors == 0
    assert_in_step()
