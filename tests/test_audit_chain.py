"""The chained audit log: tampering with stored events is found."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from models import audit
from models.actor import Actor
from models.enums import Role
from models.schema import db, write_transaction
from tests.cli_helpers import run

CLERK = Actor("clerk01", Role.CLERK)


def _log(n: int) -> None:
    for i in range(n):
        with write_transaction():
            audit.record(CLERK, "person.read", None, key="id", n=i)


def test_an_untouched_log_is_intact(home) -> None:
    assert audit.verify_chain().intact
    _log(5)
    report = audit.verify_chain()
    assert report.intact and report.events == 5


def test_a_changed_event_is_found(home) -> None:
    _log(5)
    third = db.execute_sql("SELECT id FROM audit_event ORDER BY id LIMIT 1 OFFSET 2").fetchone()[0]
    db.execute_sql("UPDATE audit_event SET actor = 'someone else' WHERE id = ?", (third,))
    report = audit.verify_chain()
    assert (report.broken_at, report.reason) == (third, "this event was changed")


def test_a_removed_event_is_found_at_the_next_one(home) -> None:
    _log(5)
    ids = [r[0] for r in db.execute_sql("SELECT id FROM audit_event ORDER BY id")]
    db.execute_sql("DELETE FROM audit_event WHERE id = ?", (ids[1],))
    report = audit.verify_chain()
    assert report.broken_at == ids[2] and "removed" in report.reason


def test_events_logged_together_chain_in_order_like_events_logged_one_by_one(home) -> None:
    _log(2)
    with write_transaction():
        audit.record_many(CLERK, "person.read", [(None, {"n": 1}), (None, {}), (None, {"n": 3})])
    _log(1)
    report = audit.verify_chain()
    assert report.intact and report.events == 6
    rows = db.execute_sql("SELECT detail FROM audit_event ORDER BY id").fetchall()
    assert rows[2:5] == [('{"n": 1}',), (None,), ('{"n": 3}',)]


def test_recording_outside_a_transaction_is_refused(home) -> None:
    with pytest.raises(RuntimeError, match="write transaction"):
        audit.record(CLERK, "person.read", None)


def test_audit_verify_on_the_command_line(demo_home: Path, tmp_path: Path) -> None:
    card = run("status", "--json", home=demo_home)
    assert card.returncode == 0
    run("lookup", "--name", "王", home=demo_home)
    run("lookup", "--name", "张", home=demo_home)
    ok = run("audit", "verify", home=demo_home)
    assert ok.returncode == 0 and "intact" in ok.stdout
    conn = sqlite3.connect(demo_home / "register.db")
    conn.execute(
        "UPDATE audit_event SET detail = '{}' WHERE id = (SELECT min(id) FROM audit_event)"
    )
    conn.commit()
    conn.close()
    broken = run("audit", "verify", "--json", home=demo_home)
    assert broken.returncode == 1 and '"intact": false' in broken.stdout
