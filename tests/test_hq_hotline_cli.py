"""`counterdesk hq staff add --role hotline` and `counterdesk hq hotline-audit`, run as the
user runs them."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from desktop.cli_staff import PASSWORD_ENV
from hq import hotline_store, staff, store
from models.clock import utc_now
from models.idnumber import mask_id_number
from tests.cli_helpers import run
from tests.hotline_helpers import AGENT, AGENT_PASSWORD, a_caller, add_agent
from tests.hq_fixtures import sqlite_url


@pytest.fixture
def demo_db(hq_sqlite_demo_template: Path, tmp_path: Path) -> str:
    """A private copy of the SQLite demo city."""
    target = tmp_path / "hq.db"
    shutil.copyfile(hq_sqlite_demo_template, target)
    return sqlite_url(target)


def test_staff_add_makes_a_hotline_agent_without_a_district(demo_db: str) -> None:
    add = ("hq", "staff", "add", "hotline09", "--name", "热线九号", "--role", "hotline")
    done = run(*add, "--db", demo_db, stdin="hotline-pass-9\n")
    assert done.returncode == 0 and "hotline console" in done.stderr
    refused = run(*add[:3], "hotline10", *add[4:], "--district", "370102", "--db", demo_db,
                  stdin="hotline-pass-9\n")  # fmt: skip
    assert refused.returncode == 1 and "no --district" in refused.stderr
    clerk = run(*add[:3], "clerk99", "--name", "柜员", "--role", "clerk", "--db", demo_db,
                stdin="clerk-pass-99\n")  # fmt: skip
    assert clerk.returncode == 1 and "at least one district" in clerk.stderr
    listed = run("hq", "staff", "list", "--db", demo_db)
    assert "hotline09" in listed.stdout and "hotline10" not in listed.stdout
    store.connect(demo_db)
    found = staff.find("hotline09")
    assert found is not None and found.role == "hotline" and found.districts == ()


def test_hotline_audit_shows_who_whom_when_why_to_a_supervisor(demo_db: str) -> None:
    store.connect(demo_db)
    add_agent()
    add_agent("hotline02")
    now = utc_now()
    caller = a_caller(now)
    call = hotline_store.lookup(AGENT, None, "pension", caller.ssn, now)
    hotline_store.verify_password(call, "000000", now)
    hotline_store.lookup("hotline02", None, "card", caller.card_no, now)
    store.close()
    day = now.astimezone().date()
    period = ("--from", day.isoformat(), "--to", day.isoformat())
    audit = ("hq", "hotline-audit", "--db", demo_db, *period)

    text = run(*audit)
    assert text.returncode == 0, text.stderr
    assert AGENT in text.stdout and "hotline02" in text.stdout
    assert mask_id_number(caller.ssn) in text.stdout and caller.ssn not in text.stdout

    one = run(*audit, "--agent", AGENT, "--csv")
    assert one.returncode == 0, one.stderr
    rows = list(csv.DictReader(io.StringIO(one.stdout)))
    assert [r["action"] for r in rows] == ["lookup", "password_failed"]
    assert {(r["agent"], r["purpose"], r["person"]) for r in rows} == {
        (AGENT, "pension", mask_id_number(caller.ssn))
    }
    assert rows[0]["call"] == rows[1]["call"] and rows[0]["at"].startswith(day.isoformat())

    before = run("hq", "hotline-audit", "--db", demo_db, "--from",
                 (day - timedelta(days=9)).isoformat(), "--to",
                 (day - timedelta(days=1)).isoformat())  # fmt: skip
    assert before.returncode == 0 and "No hotline events" in before.stdout
    backwards = run("hq", "hotline-audit", "--db", demo_db, "--from", day.isoformat(), "--to",
                    (day - timedelta(days=1)).isoformat())  # fmt: skip
    assert backwards.returncode == 1 and "before --from" in backwards.stderr
    clerk = run(*audit, "--as", "clerk01")
    assert clerk.returncode == 5 and "a supervisor or an admin may" in clerk.stderr
    agent = run(*audit, "--as", AGENT, env={PASSWORD_ENV: AGENT_PASSWORD})
    assert agent.returncode == 5 and "(hotline) may not" in agent.stderr
