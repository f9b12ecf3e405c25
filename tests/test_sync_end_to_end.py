"""The office's sync engine against the real headquarters (in process, SQLite and PostgreSQL).

After each scenario the office register's replicated tables equal headquarters' scope of the
office, table by table, and every outbox item was accepted exactly once or is shown rejected.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hq import register, store
from hq.api import create_app
from hq.offices import enrol_office
from models import audit
from models.account_entries import apply_entries
from models.actor import Actor
from models.cardops import report_card_lost
from models.cipher import FileKind, file_kind
from models.clock import utc_now
from models.db import close_register
from models.encryption import encrypt_home
from models.enums import Role
from models.home import OfficeHome
from models.lookup import KeyKind
from models.replica import PERSON, PROTOCOL_VERSION
from models.schema import AuditEvent, Outbox, db, write_transaction
from models.sync_status import describe, freshness
from models.visits import record_service_visit
from sync import state
from sync.client import HqClient
from sync.engine import SyncEngine, SyncReport
from sync.enrolment import enrol
from sync.errors import LinkStatus, Offline, ProtocolTooNew, ProtocolTooOld
from sync.rejections import acknowledge, rejected_awaiting
from sync.remote import ask_headquarters
from sync.settings import hq_settings
from sync.status import read_status
from tests.sync_helpers import hq_scope_rows, register_rows

OFFICE = "lixia"
DISTRICTS = ["370102"]
CLERK = Actor("clerk01", Role.CLERK)
SUPERVISOR = Actor("sup01", Role.SUPERVISOR)


@dataclass
class World:
    """Headquarters over the demo city and one new office register of district 370102."""

    url: str
    token: str
    home: OfficeHome
    stack: ExitStack

    def client(
        self,
        *,
        clock: Callable[[], datetime] | None = None,
        protocol: int = PROTOCOL_VERSION,
        kind: type[HqClient] = HqClient,
        **extra: Any,
    ) -> HqClient:
        """A client of headquarters running in process (its own app instance)."""
        http = self.stack.enter_context(TestClient(create_app(self.url, clock=clock)))
        return kind(http, self.token, protocol=protocol, actor="clerk01", **extra)

    def sync(self, client: HqClient | None = None, **options: Any) -> SyncReport:
        """One run of the engine (small pages, so paging is exercised)."""
        options.setdefault("bootstrap_limit", 25)
        options.setdefault("page_limit", 50)
        return SyncEngine(client or self.client(), **options).run_once()


@pytest.fixture
def world(hq_demo_url: str, tmp_path: Path) -> Iterator[World]:
    store.connect(hq_demo_url)
    token = enrol_office(OFFICE, DISTRICTS, "历下区社保服务中心")
    home = OfficeHome(tmp_path / "office")
    home.create("370102", "历下区社保服务中心")
    with ExitStack() as stack:
        yield World(hq_demo_url, token, home, stack)
    close_register()


@pytest.fixture
def synced(world: World) -> World:
    """The office enrolled and synced once."""
    enrol(world.home, world.client(), world.url, CLERK)
    report = world.sync()
    assert report.completed, report.error
    return world


def assert_in_step() -> None:
    """The register equals headquarters' scope; each command accepted once or rejected."""
    assert register_rows() == hq_scope_rows(DISTRICTS)
    local = dict(db.execute_sql("SELECT uuid, status FROM outbox").fetchall())
    assert set(local.values()) <= {"accepted", "rejected"}
    at_hq = store.execute(
        "SELECT uuid, status FROM command WHERE office_id = ?", (OFFICE,)
    ).fetchall()
    assert Counter(uuid for uuid, _ in at_hq) == Counter(local.keys())
    assert dict(at_hq) == local


def hq_card(district: str, status: str = "active", skip: int = 0) -> tuple[str, int]:
    """(card number, card id) of a demo card at headquarters."""
    row = store.execute(
        "SELECT c.card_no, c.id FROM card c JOIN person p ON p.id = c.person_id "
        "WHERE p.district = ? AND c.status = ? ORDER BY c.id LIMIT 1 OFFSET ?",
        (district, status, skip),
    ).fetchone()
    return row[0], row[1]


def test_enrolment_and_the_first_sync_copy_the_offices_districts_only(world: World) -> None:
    result = enrol(world.home, world.client(), world.url, CLERK)
    assert result.enrolled.office.districts == ("370102",)
    settings = hq_settings()
    assert settings is not None and settings.token == world.token and settings.office_id == OFFICE

    report = world.sync()
    assert report.completed and report.status is LinkStatus.ONLINE
    assert report.bootstrap is not None and report.bootstrap.pages > 3
    assert report.check is not None and (report.check.level, report.check.outcome) == (
        "full",
        "ok",
    )
    assert_in_step()
    other = {r[0] for r in store.execute("SELECT id FROM person WHERE district = '370103'")}
    assert other and not other & {r[0] for r in db.execute_sql("SELECT id FROM person")}
    status = read_status()
    assert status.status == "online" and status.data_as_of is not None
    assert status.last_success_at is not None and not status.resync_required
    assert status.audit_sent_up_to == AuditEvent.select().count()  # the enrolment's event

    again = world.sync()
    assert again.bootstrap is None and again.check is not None and again.check.level == "quick"
    assert again.check.outcome == "ok"


def test_commands_are_accepted_once_and_a_rejection_is_corrected_and_shown(
    synced: World,
) -> None:
    lost_here, lost_id = hq_card("370102")
    cancelled_at_hq, cancelled_id = hq_card("370102", skip=1)
    record_service_visit(CLERK, "counter", "card_report_lost", card_no=lost_here)
    report_card_lost(lost_here, CLERK)
    register.set_card_status(cancelled_at_hq, "cancelled")  # the office has not seen this yet
    report_card_lost(cancelled_at_hq, CLERK)  # locally the card is still active

    report = synced.sync()
    assert report.completed and (report.push.accepted, report.push.rejected) == (2, 1)
    card_status = "SELECT status FROM card WHERE id = ?"
    assert db.execute_sql(card_status, (lost_id,)).fetchone()[0] == "lost"
    assert db.execute_sql(card_status, (cancelled_id,)).fetchone()[0] == "cancelled"
    [rejected] = rejected_awaiting()
    assert rejected.command == "card.report_lost" and "card_state" in (rejected.reason or "")
    assert read_status().rejected_awaiting == 1 and freshness().rejected_awaiting == 1
    assert_in_step()

    acknowledge(rejected.uuid, SUPERVISOR)
    assert rejected_awaiting() == [] and read_status().rejected_awaiting == 0


def test_changes_made_at_headquarters_arrive_page_by_page_with_deletions(synced: World) -> None:
    pid = store.execute(
        "SELECT id FROM person WHERE district = '370102' ORDER BY id LIMIT 1"
    ).fetchone()[0]
    row = register.current_row("person", [pid])
    assert row is not None
    row[PERSON.columns.index("phone")] = "13900001111"
    register.upsert_rows("person", [row])
    gone = store.execute(
        "SELECT id FROM person WHERE district = '370102' ORDER BY id DESC LIMIT 1"
    ).fetchone()[0]
    register.delete_rows("person", [[gone]])
    register.set_card_status(hq_card("370102")[0], "frozen")
    with write_transaction():
        audit.record(CLERK, "person.read", gone, key="id")  # the office had read them

    report = synced.sync(page_limit=3)
    assert report.completed and report.pull is not None and report.pull.pages > 3
    assert db.execute_sql("SELECT phone FROM person WHERE id = ?", (pid,)).fetchone()[0] == (
        "13900001111"
    )
    assert db.execute_sql("SELECT count(*) FROM person WHERE id = ?", (gone,)).fetchone()[0] == 0
    assert report.check is not None and report.check.outcome == "ok"
    assert_in_step()


class CutBootstrap(HqClient):
    """A client whose connection breaks after a number of bootstrap pages."""

    def __init__(self, *args: Any, pages: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pages_left = pages
        self.asked: list[tuple[str, int]] = []

    def request_bootstrap(self, phase: str, after: int, limit: int = 500) -> Any:
        self.asked.append((phase, after))
        if self.pages_left == 0:
            raise Offline("the connection broke (test)")
        self.pages_left -= 1
        return super().request_bootstrap(phase, after, limit)


def test_an_interrupted_bootstrap_resumes_and_catches_up_with_changes(world: World) -> None:
    enrol(world.home, world.client(), world.url, CLERK)
    cut = world.client(kind=CutBootstrap, pages=3)
    report = world.sync(cut)
    assert not report.completed and report.status is LinkStatus.OFFLINE
    progress = state.read().bootstrap
    assert progress is not None and progress["phase"] == "person" and progress["after"] > 0
    assert state.read().cursor is None and state.read().consecutive_errors == 1
    assert freshness().error_kind == "offline" and read_status().error_kind == "offline"

    copied = db.execute_sql("SELECT min(id) FROM person").fetchone()[0]
    row = register.current_row("person", [copied])
    assert row is not None
    row[PERSON.columns.index("address")] = "济南市历下区新地址1号"
    register.upsert_rows("person", [row])  # a page already copied changes meanwhile

    resumed = world.client(kind=CutBootstrap, pages=1000)
    report = world.sync(resumed)
    assert report.completed and report.bootstrap is not None and report.bootstrap.resumed
    assert resumed.asked[0] == ("person", progress["after"])
    assert state.read().consecutive_errors == 0 and state.read().bootstrap is None
    assert freshness().error_kind is None
    assert_in_step()


def test_a_push_whose_answer_was_lost_is_applied_once_when_sent_again(synced: World) -> None:
    record_service_visit(CLERK, "counter", "lookup")
    item = Outbox.get(Outbox.status == "pending")
    lost_answer = synced.client().push(
        [
            {
                "uuid": item.uuid,
                "command": item.command,
                "payload": __import__("json").loads(item.payload),
                "created_at": Outbox.created_at.db_value(item.created_at),
                "actor": item.actor,
            }
        ]
    )
    assert lost_answer.results[0].status == "accepted"  # headquarters applied it...
    assert Outbox.get_by_id(item.seq).status == "pending"  # ...but the office never heard

    report = synced.sync()
    assert report.completed and report.push.accepted == 1
    visits = store.execute("SELECT count(*) FROM visit WHERE office_id = ?", (OFFICE,))
    assert visits.fetchone()[0] == 1
    assert_in_step()


def test_a_divergence_found_by_the_check_leads_to_a_full_resync(synced: World) -> None:
    kept = db.execute_sql("SELECT min(id) FROM person").fetchone()[0]
    with write_transaction():
        audit.record(CLERK, "person.read", kept, key="id")
    db.execute_sql("UPDATE person SET name = name || '某某' WHERE id = ?", (kept,))
    last = db.execute_sql("SELECT max(id) FROM account_entry").fetchone()[0]
    apply_entries(db.connection(), "delete", [(last,)])  # lost locally (stored in blocks, v10)
    with write_transaction():  # the large tables are compared by the daily full check
        state.update_detail(last_full_check="2026-01-01T00:00:00.000000+00:00")

    report = synced.sync()
    assert report.completed and report.check is not None and report.check.outcome == "mismatch"
    assert report.check.level == "full"
    assert any("person" in d for d in report.check.differences)
    assert any("account_entry" in d for d in report.check.differences)
    assert any("copies the whole register again" in w for w in report.warnings)
    assert read_status().resync_required and freshness().resync_required
    assert "full resync is due" in describe(freshness(), utc_now())

    report = synced.sync()
    assert report.completed and report.bootstrap is not None
    assert report.check is not None and report.check.outcome == "ok"
    assert not read_status().resync_required
    assert AuditEvent.select().where(AuditEvent.person == kept).exists()
    assert audit.verify_chain().intact
    assert_in_step()


def test_a_clock_more_than_five_minutes_off_is_reported(world: World) -> None:
    enrol(world.home, world.client(), world.url, CLERK)
    behind = world.client(clock=lambda: utc_now() - timedelta(minutes=7))
    report = world.sync(behind)
    assert report.completed
    assert any("7 min ahead of headquarters" in w for w in report.warnings)
    status = read_status()
    assert status.clock_skew_s is not None and 400 < status.clock_skew_s < 440
    assert status.clock_skew_reported
    assert "clock is 7 min ahead" in describe(freshness(), utc_now())
    assert_in_step()


@pytest.mark.parametrize(("protocol", "error"), [(0, ProtocolTooOld), (99, ProtocolTooNew)])
def test_an_office_and_headquarters_of_different_protocols_are_told_who_must_upgrade(
    world: World, protocol: int, error: type[Exception]
) -> None:
    settings_before = hq_settings()
    report = world.sync(world.client(protocol=protocol))
    assert isinstance(report.error, error) and report.status is LinkStatus.FAILING
    assert "upgrade" in report.error.message or "upgraded" in report.error.message
    assert read_status().status == "failing" and settings_before is None


def test_a_customer_of_another_district_is_asked_at_headquarters(synced: World) -> None:
    ssn = store.execute(
        "SELECT ssn FROM person WHERE district = '370103' ORDER BY id LIMIT 1"
    ).fetchone()[0]
    record = ask_headquarters(synced.client(), KeyKind.ID_NUMBER, ssn, CLERK)
    assert record.district == "370103" and record.person["ssn"] == ssn
    assert AuditEvent.select().where(AuditEvent.action == "person.read_remote").count() == 1
    assert_in_step()  # nothing of the visitor was stored


class BusyHq(HqClient):
    """Headquarters changes a card of the office's scope just before every digest it answers."""

    card_no = ""
    flips = 0

    def digest(self, level: str = "quick") -> Any:
        self.flips += 1
        register.set_card_status(self.card_no, "frozen" if self.flips % 2 else "active")
        return super().digest(level)


def test_a_check_racing_with_new_changes_pulls_once_more_then_is_deferred(synced: World) -> None:
    busy = synced.client(kind=BusyHq)
    busy.card_no = hq_card("370102")[0]
    report = synced.sync(busy)
    assert report.completed and report.check is not None
    assert report.check.outcome == "deferred" and busy.flips == 2
    assert not read_status().resync_required
    assert read_status().last_check["outcome"] == "deferred"

    report = synced.sync()
    assert report.check is not None and report.check.outcome == "ok"
    assert_in_step()


def test_an_encrypted_office_register_bootstraps_pulls_and_pushes_like_a_plain_one(
    world: World,
) -> None:
    passphrase = "correct horse battery 26"
    close_register()
    encrypt_home(world.home.path, world.home.register_path, passphrase)
    world.home = world.home.with_passphrase(passphrase)
    world.home.open()
    assert file_kind(world.home.register_path) is FileKind.ENCRYPTED
    enrol(world.home, world.client(), world.url, CLERK)
    assert world.sync().completed
    card_no, _ = hq_card("370102")
    report_card_lost(card_no, CLERK)
    assert world.sync().completed
    assert_in_step()
    pid = db.execute_sql("SELECT min(id) FROM person").fetchone()[0]
    row = register.current_row("person", [pid])
    assert row is not None
    row[PERSON.columns.index("phone")] = "13900002222"
    register.upsert_rows("person", [row])
    assert world.sync().completed
    assert db.execute_sql("SELECT phone FROM person WHERE id = ?", (pid,)).fetchone()[0] == (
        "13900002222"
    )
    assert_in_step()


def test_audit_events_removed_after_they_were_sent_are_reported_by_headquarters(
    synced: World,
) -> None:
    kept = db.execute_sql("SELECT min(id) FROM person").fetchone()[0]
    for _ in range(3):
        with write_transaction():
            audit.record(CLERK, "person.read", kept, key="id")
    assert synced.sync().audit.broken_at is None
    newest = db.execute_sql("SELECT max(id) FROM audit_event").fetchone()[0]
    db.execute_sql("DELETE FROM audit_event WHERE id > ?", (newest - 2,))  # cover one's tracks
    report = synced.sync()
    assert report.audit.broken_at == newest - 1
    assert any("newest were removed" in w for w in report.warnings)
    assert not audit.verify_chain().intact  # and the office's own check agrees
