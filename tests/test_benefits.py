"""Benefits in the register: the demo's payments and checks, reading them, and recording a
retiree's yearly pension eligibility check at the counter."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from models import benefits
from models.actor import Actor
from models.db import close_register
from models.enums import BenefitKind, CheckChannel, Role
from models.errors import InvalidRequest
from models.migrations import MIGRATIONS, SCHEMA_VERSION
from models.overview import WINDOW_MONTHS, month_window
from models.permissions import PermissionDenied
from models.schema import AuditEvent, Outbox, db
from tests.factories import add_person
from tests.pinned_clock import AS_OF

ROOT = Path(__file__).resolve().parent.parent
CLERK = Actor("clerk01", Role.CLERK)
MASKED = re.compile(r"^\d{4}\*{8}\d{4}$")


def _retiree_ids(limit: int = 5) -> list[int]:
    rows = db.execute_sql(
        "SELECT id FROM person WHERE status = 'retired' ORDER BY id LIMIT ?", (limit,)
    )
    return [r[0] for r in rows]


def test_every_retiree_of_the_demo_is_paid_a_pension_each_month_of_the_window(demo) -> None:
    first, last = month_window(AS_OF)
    retirees = _retiree_ids(limit=10_000)
    assert retirees
    for pid in retirees:
        b = benefits.read_benefits(pid)
        periods = [p.period for p in b.pension]
        assert b.retired and b.retired_since is not None
        start = max(first, b.retired_since.year * 100 + b.retired_since.month)
        expected = [p for p in _periods(start, last)]
        assert sorted(periods) == expected, pid
        assert len(periods) <= WINDOW_MONTHS
        for p in b.pension:
            assert p.amount_fen > 0 and MASKED.match(p.account_masked or "")
            assert p.paid_date is not None and p.paid_date < AS_OF
            assert p.paid_date.year * 100 + p.paid_date.month == p.period


def _periods(first: int, last: int) -> list[int]:
    out, y, m = [], first // 100, first % 100
    while y * 100 + m <= last:
        out.append(y * 100 + m)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def test_only_retirees_receive_a_pension_and_only_the_unemployed_an_unemployment_benefit(
    demo,
) -> None:
    wrong = db.execute_sql(
        "SELECT b.kind, p.status, count(*) FROM benefit_payment b JOIN person p "
        "ON p.id = b.person_id GROUP BY 1, 2"
    ).fetchall()
    by = {(k, s): n for k, s, n in wrong}
    assert set(by) <= {(BenefitKind.PENSION.value, "retired"), (2, "suspended")}
    assert by.get((BenefitKind.UNEMPLOYMENT.value, "suspended"), 0) > 0
    # no month of unemployment benefit overlaps a month of contributions
    overlap = db.execute_sql(
        "SELECT count(*) FROM benefit_payment b JOIN contribution c ON c.person_id = b.person_id "
        "AND c.period = b.period WHERE b.kind = 2"
    ).fetchone()[0]
    assert overlap == 0


def test_a_retirees_checks_are_yearly_within_three_years_and_due_a_year_later(demo) -> None:
    rows = db.execute_sql(
        "SELECT c.year, c.checked_date, c.channel, c.next_due, p.status FROM pension_check c "
        "JOIN person p ON p.id = c.person_id"
    ).fetchall()
    assert rows
    channels = {c.value for c in CheckChannel}
    for year, checked, channel, due, status in rows:
        day = date.fromisoformat(checked)
        assert status == "retired" and channel in channels
        assert day.year == year and AS_OF.year - 2 <= year <= AS_OF.year and day <= AS_OF
        assert date.fromisoformat(due) == benefits.next_due(day)


def test_a_retirees_medical_allocations_from_the_pooled_fund_start_with_retirement(demo) -> None:
    seen = 0
    for pid in _retiree_ids(limit=200):
        b = benefits.read_benefits(pid)
        assert b.retired_since is not None
        first_retired = b.retired_since.year * 100 + b.retired_since.month
        for a in b.allocations:
            assert a.pooled == (a.period is not None and a.period >= first_retired)
            if a.pooled:
                seen += 1
                assert a.amount_fen == 12_000
    assert seen > 0


def test_a_person_who_is_not_retired_has_no_retirement_date_and_is_never_overdue(home) -> None:
    person = add_person()
    b = benefits.read_benefits(person.id)
    assert not b.retired and b.retired_since is None and b.empty
    assert not b.check_overdue(date(2026, 12, 1))


def test_recording_a_check_stores_it_queues_it_and_logs_it(home) -> None:
    person = add_person(birth=date(1950, 1, 2), status="retired")
    now = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)
    check = benefits.record_pension_check(person.id, CLERK, now=now, today=date(2026, 3, 4))
    assert check == benefits.CheckView(2026, date(2026, 3, 4), "counter", date(2027, 3, 4))
    b = benefits.read_benefits(person.id)
    assert b.checks == (check,) and not b.check_overdue(date(2026, 12, 1))
    item = Outbox.get()
    assert item.command == "pension.check_recorded"
    assert json.loads(item.payload) == {
        "ssn": person.ssn,
        "checked_date": "2026-03-04",
        "channel": "counter",
        "at": now.isoformat(),
    }
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.person_id, event.actor) == (
        "pension.check_recorded",
        person.id,
        "clerk01",
    )


def test_a_second_check_in_the_same_year_replaces_the_first(home) -> None:
    person = add_person(birth=date(1950, 1, 2), status="retired")
    benefits.record_pension_check(person.id, CLERK, today=date(2026, 3, 4))
    benefits.record_pension_check(person.id, CLERK, today=date(2026, 5, 6))
    assert [c.checked_date for c in benefits.read_benefits(person.id).checks] == [date(2026, 5, 6)]
    assert Outbox.select().count() == 2


def test_a_check_is_refused_for_a_person_who_is_not_retired(home) -> None:
    person = add_person()
    with pytest.raises(InvalidRequest, match="not retired"):
        benefits.record_pension_check(person.id, CLERK)
    assert Outbox.select().count() == 0
    assert db.execute_sql("SELECT count(*) FROM pension_check").fetchone()[0] == 0


def test_the_kiosk_may_not_record_a_check(home) -> None:
    person = add_person(birth=date(1950, 1, 2), status="retired")
    with pytest.raises(PermissionDenied):
        benefits.record_pension_check(person.id, Actor("kiosk", Role.KIOSK))


def test_checks_recorded_while_another_process_writes_all_arrive_with_their_commands(
    home,
) -> None:
    ids = [add_person(birth=date(1950, 1, 2), sequence=n, status="retired").id for n in (1, 3)]
    close_register()
    script = (
        "import sys, datetime\n"
        "from pathlib import Path\n"
        "from models.home import OfficeHome\n"
        "from models import benefits\n"
        "from models.actor import Actor\n"
        "from models.enums import Role\n"
        "OfficeHome(Path(sys.argv[1])).open()\n"
        "clerk = Actor('clerk0' + sys.argv[3], Role.CLERK)\n"
        "for i in range(25):\n"
        "    day = datetime.date(2000 + i, 6, 1)\n"
        "    benefits.record_pension_check(int(sys.argv[2]), clerk, today=day)\n"
    )
    workers = [
        subprocess.Popen([sys.executable, "-c", script, str(home.path), str(pid), str(n)], cwd=ROOT)
        for n, pid in enumerate(ids, start=1)
    ]
    assert [w.wait(timeout=120) for w in workers] == [0, 0]
    home.open()
    assert db.execute_sql("SELECT count(*) FROM pension_check").fetchone()[0] == 50
    assert Outbox.select().where(Outbox.command == "pension.check_recorded").count() == 50
    from models import audit

    assert audit.verify_chain().intact


def test_a_version_7_register_gains_the_benefit_tables_keeping_its_data(tmp_path: Path) -> None:
    from models.db import open_register
    from tests.test_db import _register_at_version

    path = tmp_path / "r.db"
    conn = _register_at_version(path, 7)
    conn.execute(
        "INSERT INTO person (id, ssn, name, gender, birth_date, ethnicity, region_code, status, "
        "updated_at) VALUES (1, '110101195001020011', '王强', 'M', '1950-01-02', '01', "
        "'370102', 'retired', '2026-01-01T00:00:00.000000+00:00')"
    )
    conn.commit()
    conn.close()
    assert MIGRATIONS[7].version == 8 and SCHEMA_VERSION >= 8
    open_register(path)
    try:
        assert db.execute_sql("SELECT name FROM person").fetchone()[0] == "王强"
        assert benefits.read_benefits(1).retired
        assert db.execute_sql("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        close_register()
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT count(*) FROM benefit_payment").fetchone()[0] == 0
    raw.close()


def test_a_pending_check_is_not_overwritten_by_a_pull_nor_counted_as_a_divergence(home) -> None:
    from models.replica import PENSION_CHECK
    from models.schema import write_transaction
    from sync.answers import Change
    from sync.apply import apply_changes, protected_rows
    from sync.check import local_digest

    person = add_person(birth=date(1950, 1, 2), status="retired")
    other = add_person(birth=date(1951, 1, 2), sequence=5, status="retired")
    benefits.record_pension_check(person.id, CLERK, today=date(2026, 3, 4))
    keep = protected_rows(db.connection())
    assert keep.check_persons == {person.id}
    older = [person.id, 2026, "2026-01-05", "app", "2027-01-05"]
    theirs = [other.id, 2026, "2026-02-01", "online", "2027-02-01"]
    with write_transaction():
        apply_changes(
            db.connection(),
            [Change(1, PENSION_CHECK, "upsert", older), Change(2, PENSION_CHECK, "upsert", theirs)],
            keep,
        )
    assert [c.checked_date for c in benefits.read_benefits(person.id).checks] == [date(2026, 3, 4)]
    assert [c.channel for c in benefits.read_benefits(other.id).checks] == ["online"]
    assert "pension_check" in local_digest("full")[1]


def test_the_data_check_ignores_a_check_added_here_while_its_command_is_pending() -> None:
    from sync.check import compare

    local = {name: (0, 0) for name in _replicated()}
    remote = dict(local)
    local["pension_check"] = (5, 12)
    remote["pension_check"] = (4, 9)
    assert compare(local, remote, {"pension_check"}) == []
    assert compare(local, remote) == ["pension_check: 5 rows here, 4 at headquarters"]


def _replicated() -> list[str]:
    from models.replica import TABLES

    return [t.name for t in TABLES]
