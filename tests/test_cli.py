"""The `counterdesk` command through its real entry point (the installed console script)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from models.migrations import SCHEMA_VERSION
from tests.cli_helpers import COUNTERDESK, STAFF_USER, run, sample


def _sample(home: Path, label: str) -> dict[str, str]:
    return sample(home, label)


def test_the_console_script_is_installed() -> None:
    assert COUNTERDESK.exists()


@pytest.mark.slow
def test_init_refuses_to_overwrite_an_existing_home(demo_home: Path) -> None:
    before = (demo_home / "register.db").stat().st_size
    result = run("init", home=demo_home)
    assert result.returncode == 1
    assert "already exists" in result.stderr
    assert (demo_home / "register.db").stat().st_size == before


@pytest.mark.slow
def test_lookup_by_card_prints_the_overview_with_masked_id_and_freshness(demo_home: Path) -> None:
    sample = _sample(demo_home, "arrears")
    result = run("lookup", "--card", sample["card_no"], home=demo_home)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert sample["name"] in out
    assert "never synced with headquarters" in out
    assert "********" in out
    assert "ARREARS" in out


@pytest.mark.slow
def test_lookup_json_is_stable_and_masks_unless_revealed(demo_home: Path) -> None:
    sample = _sample(demo_home, "retiree")
    data = json.loads(run("lookup", "--card", sample["card_no"], "--json", home=demo_home).stdout)
    assert data["format"] == "counterdesk.overview/1"
    assert set(data) == {
        "format",
        "person",
        "cards",
        "enrolments",
        "window",
        "months",
        "years",
        "months_paid_total",
        "accounts",
        "benefits",
        "freshness",
    }
    assert "ssn" not in data["person"]
    assert data["person"]["status"] == "retired"
    revealed = json.loads(
        run("lookup", "--card", sample["card_no"], "--json", "--reveal", home=demo_home).stdout
    )
    ssn = revealed["person"]["ssn"]
    assert len(ssn) == 18 and revealed["person"]["ssn_masked"].endswith(ssn[-4:])
    by_id = json.loads(run("lookup", "--id", ssn.lower(), "--json", home=demo_home).stdout)
    assert by_id["person"] == data["person"]


@pytest.mark.slow
def test_every_lookup_and_every_reveal_is_in_the_audit_log(demo_home: Path) -> None:
    card = _sample(demo_home, "contributor")["card_no"]
    run("lookup", "--card", card, home=demo_home)
    run("lookup", "--card", card, "--reveal", home=demo_home)
    conn = sqlite3.connect(demo_home / "register.db")
    events = list(conn.execute("SELECT action, actor FROM audit_event ORDER BY id"))
    conn.close()
    assert [a for a, _ in events if a != "staff.sign_in"] == [
        "person.read",
        "person.read",
        "person.reveal_id",
    ]
    assert {actor for _, actor in events} == {STAFF_USER}  # the staff account, signed in


@pytest.mark.slow
def test_name_search_lists_candidates_and_pick_opens_one(demo_home: Path) -> None:
    name = _sample(demo_home, "contributor")["name"]
    listing = run("lookup", "--name", name[0], "--json", home=demo_home)
    assert listing.returncode == 0
    data = json.loads(listing.stdout)
    results = data["results"]
    assert len(results) > 1 and all("*" in r["ssn_masked"] for r in results)
    assert data["truncated"] is (data["total"] > len(results))
    picked = json.loads(
        run("lookup", "--name", name[0], "--pick", "2", "--json", home=demo_home).stdout
    )
    assert picked["person"]["ssn_masked"] == results[1]["ssn_masked"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--card", "Z00000000"), "no card Z00000000"),
        (("--id", "11010519491231002X"), "no person with this ID number"),
        (("--id", "110105194912310021"), "check character"),
        (("--id", "1101051949123"), "13 characters"),
        (("--card", "12"), "9 letters or digits"),
        (("--name", "无此人名字"), "nobody named like"),
    ],
)
def test_lookup_failures_exit_1_with_a_reason(demo_home: Path, args, message: str) -> None:
    result = run("lookup", *args, home=demo_home)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_check_id_says_valid_or_why_not() -> None:
    ok = run("check-id", "11010519491231002x")
    assert ok.returncode == 0 and "1949-12-31" in ok.stdout and "female" in ok.stdout
    bad = run("check-id", "110105194902301234")
    assert bad.returncode == 1 and "not a real date" in bad.stderr


@pytest.mark.slow
def test_card_report_lost_then_cancel_loss(demo_home: Path) -> None:
    card = _sample(demo_home, "contributor")["card_no"]
    assert run("card", "report-lost", card, home=demo_home).returncode == 0
    again = run("card", "report-lost", card, home=demo_home)
    assert again.returncode == 1 and "only an active card" in again.stderr
    status = json.loads(run("status", "--json", home=demo_home).stdout)
    assert status["freshness"]["pending_commands"] == 1
    assert run("card", "cancel-loss", card, home=demo_home).returncode == 0
    data = json.loads(run("lookup", "--card", card, "--json", home=demo_home).stdout)
    assert data["cards"][0]["status"] == "active"
    assert data["freshness"]["pending_commands"] == 2


def test_a_home_that_cannot_be_written_exits_2(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = run("init", home=blocker / "home")
    assert result.returncode == 2
    assert "cannot be written" in result.stderr


def test_a_missing_home_exits_2_and_says_how_to_create_one(tmp_path: Path) -> None:
    result = run("lookup", "--card", "A12345678", home=tmp_path / "nowhere")
    assert result.returncode == 2
    assert "counterdesk --home" in result.stderr and "init" in result.stderr


def test_a_damaged_register_exits_3_and_is_left_untouched(demo_home: Path) -> None:
    path = demo_home / "register.db"
    data = bytearray(path.read_bytes())
    data[:16] = b"garbage garbage!"
    path.write_bytes(bytes(data))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = run("lookup", "--card", "A12345678", home=demo_home)
    assert result.returncode == 3
    assert "counterdesk db salvage" in result.stderr
    assert "restore the register from a backup" in result.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_register_from_a_newer_version_exits_4_and_is_left_untouched(demo_home: Path) -> None:
    path = demo_home / "register.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = run("status", home=demo_home)
    assert result.returncode == 4
    assert "upgrade counterdesk" in result.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@pytest.mark.slow
def test_usage_errors_exit_2() -> None:
    assert run().returncode == 2
    assert run("lookup").returncode == 2
    assert run("demo", "--persons", "0").returncode == 2


def test_demo_refuses_a_register_that_already_holds_people(demo_home: Path) -> None:
    result = run("demo", "--persons", "10", home=demo_home)
    assert result.returncode == 1
    assert "only an empty register" in result.stderr


def test_status_shows_counts_freshness_and_samples(demo_home: Path) -> None:
    result = run("status", home=demo_home)
    assert result.returncode == 0
    assert "200 people" in result.stdout
    assert "never synced" in result.stdout
    assert "lookup --card" in result.stdout


@pytest.mark.slow
def test_a_killed_demo_run_leaves_a_consistent_register_marked_incomplete(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run("init", home=home).returncode == 0
    env = {k: v for k, v in os.environ.items() if k != "COUNTERDESK_HOME"}
    argv = [str(COUNTERDESK), "--home", str(home), "demo", "--persons", "20000", "--chunk", "400"]
    proc = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stderr is not None
    line = proc.stderr.readline()
    while "of 20,000 people" not in line:
        line = proc.stderr.readline()
        assert line, "the demo run ended before reporting progress"
    proc.kill()
    proc.wait(timeout=30)
    conn = sqlite3.connect(home / "register.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    persons = conn.execute("SELECT count(*) FROM person").fetchone()[0]
    assert 0 < persons < 20000 and persons % 400 == 0
    without_cards = conn.execute(
        "SELECT count(*) FROM person p WHERE NOT EXISTS "
        "(SELECT 1 FROM card c WHERE c.person_id = p.id)"
    ).fetchone()[0]
    assert without_cards == 0
    conn.close()
    status = run("status", home=home)
    assert status.returncode == 0 and "demo generation was interrupted" in status.stdout
    again = run("demo", "--persons", "10", home=home)
    assert again.returncode == 1 and "only an empty register" in again.stderr
