"""Several workstations of one office at headquarters: each numbers its statements with its own
code, so two PCs of a district never print the same number (real headquarters in process)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hq import offices, store
from hq.api import create_app
from models import staff, statements
from models.actor import Actor
from models.cardops import report_card_lost
from models.clock import utc_now
from models.db import close_register
from models.enums import Role
from models.home import OfficeHome
from models.schema import Card, OfficeSetting, StaffUser, write_transaction
from models.sync_status import freshness
from models.visits import record_service_visit
from reports import queries
from reports.model import DocumentHeader
from sync.client import HqClient
from sync.engine import SyncEngine
from sync.enrolment import enrol, learn_workstation_code
from sync.push import push_outbox

SUPERVISOR = Actor("sup01", Role.SUPERVISOR)
CLERK = Actor("clerk01", Role.CLERK)


@pytest.fixture
def hq(hq_demo_url: str) -> Iterator[tuple[str, ExitStack]]:
    store.connect(hq_demo_url)
    with ExitStack() as stack:
        yield hq_demo_url, stack
    close_register()


def client(hq: tuple[str, ExitStack], token: str) -> HqClient:
    url, stack = hq
    return HqClient(stack.enter_context(TestClient(create_app(url))), token, actor="sup01")


def print_daily_report(home: OfficeHome, hq: tuple[str, ExitStack], token: str) -> str:
    """Enrol `home` with `token`, number and record a daily report, push it: its number."""
    close_register()
    home.create("370102", "历下区社保服务中心")
    office = client(hq, token)
    enrol(home, office, hq[0], SUPERVISOR)
    made = statements.allocate("daily", None, SUPERVISOR, "zh", "370102", None, False)
    statements.issued(made.number, "ab" * 32, 1, SUPERVISOR)
    outcome = push_outbox(office, utc_now)
    assert (outcome.accepted, outcome.rejected) == (1, 0)
    return made.number


def test_two_workstations_of_one_office_both_print_the_first_number_of_the_day(
    hq: tuple[str, ExitStack], tmp_path: Path
) -> None:
    office_token = offices.enrol_office("lixia", ["370102"])
    window = offices.enrol_workstation("lixia", "counter", name="window 5")
    first = print_daily_report(OfficeHome(tmp_path / "own"), hq, office_token)
    second = print_daily_report(OfficeHome(tmp_path / "window5"), hq, window.token)
    day = f"{utc_now().astimezone():%Y%m%d}"
    assert first == f"370102-{day}-C01-00001"
    assert second == f"370102-{day}-{window.code}-00001"
    recorded = store.execute("SELECT number, office_id FROM statement ORDER BY number").fetchall()
    assert recorded == [(first, "lixia"), (second, window.id)]


def test_a_home_enrolled_before_codes_learns_its_code_and_numbers_with_it(
    hq: tuple[str, ExitStack], tmp_path: Path
) -> None:
    token = offices.enrol_office("lixia", ["370102"])
    home = OfficeHome(tmp_path / "old")
    home.create("370102", "历下区社保服务中心")
    enrol(home, client(hq, token), hq[0], SUPERVISOR)
    with write_transaction():
        OfficeSetting.delete().where(OfficeSetting.key == statements.WORKSTATION_CODE).execute()
    before = statements.allocate("daily", None, SUPERVISOR, "zh", "370102", None, False)
    assert before.number.endswith(f"{utc_now().astimezone():%Y%m%d}-00001")
    learn_workstation_code(client(hq, token))
    after = statements.allocate("daily", None, SUPERVISOR, "zh", "370102", None, False)
    assert after.number.endswith("-C01-00001")
    # the uncoded numbers of the day go on after the coded ones without mixing with them
    with write_transaction():
        OfficeSetting.delete().where(OfficeSetting.key == statements.WORKSTATION_CODE).execute()
    again = statements.allocate("daily", None, SUPERVISOR, "zh", "370102", None, False)
    assert again.number.endswith(f"{utc_now().astimezone():%Y%m%d}-00002")


def header() -> DocumentHeader:
    return DocumentHeader("daily", "x", "历下区", "370102", "-", utc_now(), None, False, False, "")


def counts(rows: list) -> dict[str, int]:
    return {row.label: row.count for row in rows}


def sync(home: OfficeHome, hq: tuple[str, ExitStack], token: str) -> None:
    close_register()
    home.open()
    report = SyncEngine(client(hq, token)).run_once()
    assert report.completed, report.error


def test_every_workstation_s_daily_report_and_audit_extract_cover_the_whole_office(
    hq: tuple[str, ExitStack], tmp_path: Path
) -> None:
    office_token = offices.enrol_office("lixia", ["370102"])
    window = offices.enrol_workstation("lixia", "counter")
    first, second = OfficeHome(tmp_path / "own"), OfficeHome(tmp_path / "window")
    for home, token in ((first, office_token), (second, window.token)):
        close_register()
        home.create("370102", "历下区社保服务中心")
        enrol(home, client(hq, token), hq[0], SUPERVISOR)
        sync(home, hq, token)
    # window C01 serves a customer, reports a card lost and prints a statement
    sync(first, hq, office_token)
    card = Card.select().where(Card.status == "active").first()
    record_service_visit(CLERK, "counter", "card_report_lost", card.person_id, card.card_no)
    report_card_lost(card.card_no, CLERK)
    made = statements.allocate("rights", card.person_id, SUPERVISOR, "zh", "370102", None, False)
    statements.issued(made.number, "cd" * 32, 2, SUPERVISOR)
    sync(first, hq, office_token)
    # the other window serves one more and sees the office's day after its next sync
    sync(second, hq, window.token)
    record_service_visit(CLERK, "counter", "lookup")
    day = utc_now().astimezone().date()
    daily = queries.daily_report(header(), day, freshness())
    assert counts(daily.visits_by_purpose) == {"card_report_lost": 1, "lookup": 1}
    assert counts(daily.statements_printed) == {"rights": 1}
    assert counts(daily.card_operations) == {"card.report_lost": 1}
    extract = queries.audit_extract(header(), day, day)
    others = [row for row in extract.rows if row.actor == "clerk01 (C01)"]
    assert {row.action for row in others} >= {"card.report_lost", "visit.record"}
    # the first window's own report counts its own rows once, not again from the journal
    sync(second, hq, window.token)
    sync(first, hq, office_token)
    daily = queries.daily_report(header(), day, freshness())
    assert counts(daily.visits_by_purpose) == {"card_report_lost": 1, "lookup": 1}
    assert counts(daily.statements_printed) == {"rights": 1}


def test_a_staff_account_locked_at_one_window_is_locked_at_the_next_after_their_syncs(
    hq: tuple[str, ExitStack], tmp_path: Path
) -> None:
    office_token = offices.enrol_office("lixia", ["370102"])
    window = offices.enrol_workstation("lixia", "counter")
    first, second = OfficeHome(tmp_path / "own"), OfficeHome(tmp_path / "window")
    for home, token in ((first, office_token), (second, window.token)):
        close_register()
        home.create("370102", "历下区社保服务中心")
        enrol(home, client(hq, token), hq[0], SUPERVISOR)
        sync(home, hq, token)
    sync(first, hq, office_token)
    for _ in range(staff.MAX_FAILURES - 1):
        with pytest.raises(staff.BadCredentials):
            staff.authenticate("clerk01", "guess")
    with pytest.raises(staff.AccountLocked):
        staff.authenticate("clerk01", "guess")
    sync(first, hq, office_token)
    sync(second, hq, window.token)
    with pytest.raises(staff.AccountLocked):
        staff.authenticate("clerk01", "demo-2026")  # even the right password waits
    # the lock over, a correct password at the second window clears the count at the first too
    later = utc_now() + timedelta(hours=2)
    assert staff.authenticate("clerk01", "demo-2026", now=later).name == "clerk01"
    sync(second, hq, window.token)
    sync(first, hq, office_token)
    row = StaffUser.get(StaffUser.username == "clerk01")
    assert (row.failed_attempts, row.locked_until) == (0, None)
