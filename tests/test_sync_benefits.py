"""Benefits through sync: an office receives headquarters' benefits, and a pension
eligibility check recorded at the counter travels counter -> outbox -> headquarters."""

from __future__ import annotations

from datetime import date

from hq import register, store
from models import benefits
from models.replica import PERSON
from models.schema import Outbox, db
from tests import test_sync_end_to_end as e2e
from tests.test_sync_end_to_end import CLERK, World, assert_in_step

world = e2e.world  # the fixtures of the end-to-end tests
synced = e2e.synced


def _local_retiree() -> int:
    row = db.execute_sql(
        "SELECT id FROM person WHERE status = 'retired' AND EXISTS "
        "(SELECT 1 FROM benefit_payment b WHERE b.person_id = person.id) ORDER BY id LIMIT 1"
    ).fetchone()
    assert row is not None
    return row[0]


def test_the_first_sync_brings_the_offices_benefits(synced: World) -> None:
    assert db.execute_sql("SELECT count(*) FROM benefit_payment").fetchone()[0] > 0
    assert db.execute_sql("SELECT count(*) FROM pension_check").fetchone()[0] > 0
    assert benefits.read_benefits(_local_retiree()).pension
    assert_in_step()


def test_a_check_recorded_at_the_counter_is_accepted_by_headquarters(synced: World) -> None:
    pid = _local_retiree()
    check = benefits.record_pension_check(pid, CLERK, today=date(2026, 11, 19))
    report = synced.sync()
    assert report.completed, report.error
    assert Outbox.get(Outbox.command == "pension.check_recorded").status == "accepted"
    row = store.execute(
        "SELECT checked_date, channel, next_due FROM pension_check WHERE person_id = ? "
        "AND year = 2026",
        (pid,),
    ).fetchone()
    assert [str(v) for v in row] == [
        check.checked_date.isoformat(),
        "counter",
        check.next_due.isoformat(),
    ]
    assert_in_step()


def test_a_check_headquarters_rejects_is_undone_at_the_next_sync(synced: World) -> None:
    pid = _local_retiree()
    before = benefits.read_benefits(pid).checks
    benefits.record_pension_check(pid, CLERK, today=date(2026, 11, 19))
    person = register.current_row("person", [pid])
    assert person is not None
    person[PERSON.columns.index("status")] = "suspended"  # corrected at headquarters meanwhile
    register.upsert_rows("person", [person])
    report = synced.sync()
    assert report.completed, report.error
    item = Outbox.get(Outbox.command == "pension.check_recorded")
    assert item.status == "rejected" and "person_state" in (item.reason or "")
    assert benefits.read_benefits(pid).checks == before  # headquarters' own rows again
    assert_in_step()
