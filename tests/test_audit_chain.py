"""The chained audit log: tampering with stored events is found."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from models import audit
from models.actor import Actor
from models.db import close_register
from models.enums import Role
from models.schema import db, write_transaction
from tests.cli_helpers import run

CLERK = Actor("clerk01", Role.CLERK)
COLUMNS = ("id", "at", "actor", "action", "person_id", "detail", "prev_hash", "hash")
ROOT = Path(__file__).resolve().parent.parent


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


@pytest.mark.slow
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


# The signed head: what a chain alone cannot show -------------------------------------------


def test_an_emptied_log_is_found_by_the_signed_head(home) -> None:
    _log(5)
    db.execute_sql("DELETE FROM audit_event")
    report = audit.verify_chain()
    assert not report.intact and "emptied" in report.reason and report.head_checked


def test_removed_newest_events_are_found(home) -> None:
    _log(5)
    db.execute_sql("DELETE FROM audit_event WHERE id > 3")
    report = audit.verify_chain()
    assert not report.intact and "newest events were removed" in report.reason


def test_an_edit_rehashed_to_the_end_is_found(home) -> None:
    _log(5)
    rows = list(db.execute_sql(f"SELECT {', '.join(COLUMNS)} FROM audit_event ORDER BY id"))
    prev = audit.GENESIS
    for event_id, at, actor, action, person_id, detail, _prev, _own in rows:
        if event_id == rows[1][0]:
            actor = "someone else"
        own = audit.event_hash(prev, at, actor, action, person_id, detail)
        db.execute_sql(
            "UPDATE audit_event SET actor = ?, prev_hash = ?, hash = ? WHERE id = ?",
            (actor, prev, own, event_id),
        )
        prev = own
    report = audit.verify_chain()
    assert not report.intact and "rewritten" in report.reason


def test_renumbered_events_are_found(home) -> None:
    _log(5)
    db.execute_sql("UPDATE audit_event SET id = id + 100")
    assert "renumbered" in audit.verify_chain().reason


def test_a_forged_head_is_found(home) -> None:
    _log(3)
    db.execute_sql("DELETE FROM audit_event WHERE id = 3")
    last = db.execute_sql("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1").fetchone()
    forged = {"count": 2, "last_id": last[0], "hash": last[1], "seal": "0" * 64}
    db.execute_sql(
        "UPDATE office_setting SET value = ? WHERE key = 'audit_head'", (json.dumps(forged),)
    )
    assert "signed head was altered" in audit.verify_chain().reason


def test_appends_from_two_processes_keep_chain_and_head_in_step(home) -> None:
    close_register()
    script = (
        "import sys\n"
        "from models.home import OfficeHome\n"
        "from models import audit\n"
        "from models.actor import Actor\n"
        "from models.enums import Role\n"
        "from models.schema import write_transaction\n"
        "OfficeHome(__import__('pathlib').Path(sys.argv[1])).open()\n"
        "clerk = Actor('clerk0' + sys.argv[2], Role.CLERK)\n"
        "for i in range(40):\n"
        "    with write_transaction():\n"
        "        audit.record(clerk, 'person.read', None, n=i)\n"
    )
    workers = [
        subprocess.Popen([sys.executable, "-c", script, str(home.path), str(n)], cwd=ROOT)
        for n in (1, 2)
    ]
    assert [w.wait(timeout=120) for w in workers] == [0, 0]
    home.open()
    report = audit.verify_chain()
    assert report.intact and report.events == 80 and report.head_checked
