"""Applying headquarters' rows to the office register: bootstrap pages (and their resume), full
resync over existing data, change-feed pages, and the optimistic rows of pending commands."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from models import audit
from models.actor import Actor
from models.cardops import report_card_lost
from models.db import close_register
from models.enums import Role
from models.home import OfficeHome
from models.lookup import KeyKind, open_overview
from models.replica import BY_NAME, CARD, PERSON
from models.schema import AuditEvent, Person, db, write_transaction
from sync import state
from sync.answers import parse_bootstrap, parse_changes
from sync.apply import apply_changes, defer_foreign_keys, protected_rows
from sync.bootstrap import bootstrap
from sync.errors import BadAnswer, Offline
from tests.sync_helpers import PagesClient, bootstrap_answers, register_rows, stamp

CLERK = Actor("clerk01", Role.CLERK)


@pytest.fixture
def hq_rows(demo: OfficeHome) -> dict[str, list[list[Any]]]:
    """Headquarters' scope: the demo district's rows (read before the office is opened)."""
    rows = register_rows()
    close_register()
    return rows


@pytest.fixture
def office(tmp_path: Path, hq_rows) -> OfficeHome:
    """A new, empty office register (open)."""
    home = OfficeHome(tmp_path / "office")
    home.create("370102", "历下区测试中心")
    return home


def test_a_bootstrap_copies_every_table_of_the_scope(office, hq_rows) -> None:
    pages = bootstrap_answers(hq_rows, per_page=150, head_seq=42)
    done = bootstrap(PagesClient(pages))  # type: ignore[arg-type]
    assert register_rows() == hq_rows
    assert done.pages == len(pages) and done.snapshot == 42 and not done.resumed
    synced = state.read()
    assert synced.cursor == 42 and synced.bootstrap is None and not synced.resync_required
    assert synced.detail["last_bootstrap"]["rows"] == sum(len(r) for r in hq_rows.values())


def test_an_interrupted_bootstrap_resumes_after_the_last_committed_page(office, hq_rows) -> None:
    pages = bootstrap_answers(hq_rows, per_page=100, head_seq=7)
    with pytest.raises(Offline):
        bootstrap(PagesClient(pages, fail_at=4))  # type: ignore[arg-type]
    progress = state.read().bootstrap
    assert progress is not None and progress["pages"] == 3 and progress["snapshot"] == 7
    assert state.read().cursor is None  # the cursor comes only with the last page
    committed = Person.select().count()
    assert 0 < committed < len(hq_rows["person"])

    client = PagesClient(pages)
    done = bootstrap(client)  # type: ignore[arg-type]
    assert client.asked[0] == (progress["phase"], progress["after"])
    assert done.resumed and register_rows() == hq_rows
    assert state.read().cursor == 7


def _person_with_audit(person_ids: list[int]) -> int:
    with write_transaction():
        for pid in person_ids:
            audit.record(CLERK, "person.read", pid, key="id")
    return AuditEvent.select().count()


def test_a_resync_over_existing_data_updates_persons_in_place(office, hq_rows) -> None:
    bootstrap(PagesClient(bootstrap_answers(hq_rows, per_page=200)))  # type: ignore[arg-type]
    ids = [row[0] for row in hq_rows["person"]]
    kept, renamed, removed = ids[0], ids[1], ids[-1]
    _person_with_audit([kept, renamed])
    changed = copy.deepcopy(hq_rows)
    name = PERSON.columns.index("name")
    for row in changed["person"]:
        if row[0] == renamed:
            row[name] = "新名字"
    changed["person"] = [r for r in changed["person"] if r[0] != removed]
    for table in (
        "enrolment",
        "card",
        "contribution",
        "contribution_year",
        "account",
        "benefit_payment",
        "pension_check",
        "query_credential",
    ):
        index = BY_NAME[table].columns.index("person_id")
        changed[table] = [r for r in changed[table] if r[index] != removed]
    accounts = {r[0] for r in changed["account"]}
    changed["account_entry"] = [r for r in changed["account_entry"] if r[1] in accounts]
    changed["contribution"] = changed["contribution"][1:]  # one month corrected away
    with write_transaction():
        state.write(resync_required=True)

    bootstrap(PagesClient(bootstrap_answers(changed, per_page=150)))  # type: ignore[arg-type]
    assert register_rows() == changed
    assert {e.person_id for e in AuditEvent.select()} == {kept, renamed}
    assert audit.verify_chain().intact
    assert not state.read().resync_required


def test_a_pending_command_keeps_its_card_row_through_bootstrap_and_pull(office, hq_rows) -> None:
    bootstrap(PagesClient(bootstrap_answers(hq_rows, per_page=500)))  # type: ignore[arg-type]
    card = next(r for r in hq_rows["card"] if r[CARD.columns.index("status")] == "active")
    report_card_lost(card[1], CLERK)
    with write_transaction():
        state.write(resync_required=True)
    bootstrap(PagesClient(bootstrap_answers(hq_rows, per_page=500)))  # type: ignore[arg-type]
    status = "SELECT status FROM card WHERE id = ?"
    assert db.execute_sql(status, (card[0],)).fetchone()[0] == "lost"

    page = parse_changes(
        {
            "changes": [{"seq": 1, "table": "card", "op": "upsert", "row": card}],
            "next": 1,
            "head_seq": 1,
            "more": False,
            "server_time": stamp(),
        },
        0,
    )
    with write_transaction():
        conn = db.connection()
        assert apply_changes(conn, page.changes, protected_rows(conn)) == 0
    assert db.execute_sql(status, (card[0],)).fetchone()[0] == "lost"
    db.execute_sql("UPDATE outbox SET status = 'accepted'")
    with write_transaction():
        conn = db.connection()
        assert apply_changes(conn, page.changes, protected_rows(conn)) == 1
    assert db.execute_sql(status, (card[0],)).fetchone()[0] == "active"


def test_feed_pages_upsert_and_delete_in_order(office, hq_rows) -> None:
    bootstrap(PagesClient(bootstrap_answers(hq_rows, per_page=500)))  # type: ignore[arg-type]
    person = copy.deepcopy(hq_rows["person"][0])
    person[PERSON.columns.index("phone")] = "13900000000"
    entry = hq_rows["account_entry"][0]
    page = parse_changes(
        {
            "changes": [
                {"seq": 5, "table": "person", "op": "upsert", "row": person},
                {"seq": 6, "table": "account_entry", "op": "delete", "key": [entry[0]]},
                {"seq": 7, "table": "account_entry", "op": "upsert", "row": entry},
                {"seq": 8, "table": "account_entry", "op": "delete", "key": [entry[0]]},
            ],
            "next": 9,
            "head_seq": 9,
            "more": False,
            "server_time": stamp(),
        },
        4,
    )
    with write_transaction():
        conn = db.connection()
        defer_foreign_keys(conn)
        apply_changes(conn, page.changes, protected_rows(conn))
    assert Person.get_by_id(person[0]).phone == "13900000000"
    gone = "SELECT count(*) FROM account_entry WHERE id = ?"
    assert db.execute_sql(gone, (entry[0],)).fetchone()[0] == 0


def test_a_page_with_rows_of_persons_outside_it_is_refused(office, hq_rows) -> None:
    pages = bootstrap_answers(hq_rows, per_page=100)
    first_person_page = next(p for p in pages if p["phase"] == "person")
    stranger = copy.deepcopy(hq_rows["card"][-1])
    first_person_page["tables"]["card"]["rows"].append(stranger)
    with pytest.raises(BadAnswer, match="persons that are not in the page"):
        parse_bootstrap(first_person_page, "person", 0)


def test_a_page_that_breaks_a_foreign_key_is_rolled_back_whole(office, hq_rows) -> None:
    pages = bootstrap_answers(hq_rows, per_page=100)
    person_page = next(p for p in pages if p["phase"] == "person")
    person_page["tables"]["enrolment"]["rows"][0][2] = 999_999  # an employer nobody has
    client = PagesClient(pages)
    with pytest.raises(BadAnswer, match="does not fit the register"):
        bootstrap(client)  # type: ignore[arg-type]
    assert Person.select().count() == 0
    assert state.read().bootstrap["phase"] == "person"  # employers committed, no person page


def test_reading_a_person_after_the_bootstrap_works_like_a_local_one(office, hq_rows) -> None:
    bootstrap(PagesClient(bootstrap_answers(hq_rows, per_page=500)))  # type: ignore[arg-type]
    ssn = hq_rows["person"][0][1]
    overview = open_overview(KeyKind.ID_NUMBER, ssn, CLERK)
    assert overview.person.ssn == ssn and overview.cards
