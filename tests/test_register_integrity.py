"""A live register is never broken by our own checks, nor called damaged when it is not.

Each test here reproduces a failure of issue 14 with real processes on one office home.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import peewee
import pytest

from models import audit
from models.db import classify_database_error, close_register, open_register
from models.errors import DamagedRegister, DiskFull, RegisterBusy, RegisterUnavailable
from models.home import OfficeHome, setting
from models.schema import OfficeSetting, write_transaction
from tests.cli_helpers import run

ROOT = Path(__file__).resolve().parent.parent


def _side_files(register: Path) -> dict[str, int]:
    """The inode of each of the register's -wal and -shm files that exists."""
    found = {}
    for side in ("-wal", "-shm"):
        path = Path(str(register) + side)
        if path.exists():
            found[side] = path.stat().st_ino
    return found


def _write(value: str) -> None:
    with write_transaction():
        OfficeSetting.replace(key="integrity_probe", value=value).execute()


@pytest.mark.slow
def test_asking_whether_the_register_is_encrypted_keeps_its_locks(demo: OfficeHome) -> None:
    _write("before")
    before = _side_files(demo.register_path)
    assert set(before) == {"-wal", "-shm"}
    # What the signing key lookup and the batch screen ask while the register is open.
    assert demo.is_encrypted() is False
    demo.signing_key()
    # Another program opens the register and closes it: it must see that this process still
    # has it open, and leave the write-ahead log alone.
    done = run("status", home=demo.path)
    assert done.returncode == 0, done.stderr
    assert _side_files(demo.register_path) == before
    _write("after")
    assert setting("integrity_probe") == "after"
    close_register()
    conn = sqlite3.connect(demo.register_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute(
            "SELECT value FROM office_setting WHERE key = 'integrity_probe'"
        ).fetchone() == ("after",)
    finally:
        conn.close()


WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
conn.execute("PRAGMA journal_mode=wal")
conn.execute("PRAGMA wal_autocheckpoint=8")
conn.execute("CREATE TABLE IF NOT EXISTS churn (id INTEGER PRIMARY KEY, body BLOB)")
print("ready", flush=True)
deadline = time.monotonic() + float(sys.argv[2])
n = 0
while time.monotonic() < deadline:
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO churn (body) VALUES (randomblob(3000))", [()] * 20)
    conn.execute("DELETE FROM churn WHERE id % 3 = 0")
    conn.execute("COMMIT")
    n += 1
    if n % 5 == 0:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(n, flush=True)
"""


@pytest.mark.slow
def test_opening_the_register_while_another_program_checkpoints_never_says_damaged(
    home: OfficeHome,
) -> None:
    close_register()
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(home.register_path), "6"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    refused: list[str] = []
    opened = 0
    try:
        while writer.poll() is None:
            try:
                open_register(home.register_path)
                opened += 1
            except DamagedRegister as exc:
                refused.append(str(exc))
            except RegisterBusy:
                pass
            finally:
                close_register()
    finally:
        writer.wait(timeout=30)
    assert opened > 20
    assert refused == []


def test_a_failed_rollback_after_a_full_disk_is_reported_as_a_full_disk(home: OfficeHome) -> None:
    full = peewee.OperationalError("database or disk is full")
    try:
        try:
            raise full
        except peewee.OperationalError:
            raise peewee.OperationalError("cannot rollback - no transaction is active") from None
    except peewee.OperationalError as caught:
        caught.__context__ = full
        error = classify_database_error(caught, home.register_path)
    assert isinstance(error, DiskFull) and "nothing was lost" in str(error)


def test_a_busy_register_is_busy_not_damaged(home: OfficeHome) -> None:
    error = classify_database_error(
        sqlite3.OperationalError("database is locked"), home.register_path
    )
    assert isinstance(error, RegisterBusy) and "try again" in str(error)


def test_malformed_is_damage_only_when_sqlites_check_agrees(home: OfficeHome) -> None:
    _write("x")
    malformed = sqlite3.DatabaseError("database disk image is malformed")
    error = classify_database_error(malformed, home.register_path)
    assert not isinstance(error, DamagedRegister)
    assert isinstance(error, RegisterUnavailable) and "intact" in str(error)


def test_a_really_damaged_register_is_called_damaged_with_advice_that_keeps_unsent_work(
    home: OfficeHome,
) -> None:
    with write_transaction():
        OfficeSetting.insert_many(
            [{"key": f"filler-{i}", "value": "x" * 2000} for i in range(200)]
        ).execute()
    close_register()
    _checkpoint(home.register_path)
    _scribble(home.register_path, page=3)
    open_register(home.register_path)
    with pytest.raises(peewee.DatabaseError) as caught:
        list(OfficeSetting.select())
    error = classify_database_error(caught.value, home.register_path)
    assert isinstance(error, DamagedRegister)
    assert "counterdesk db salvage" in str(error) and "SQLite's check" in str(error)


def _checkpoint(register: Path) -> None:
    conn = sqlite3.connect(register)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode=delete")
    conn.close()


def _scribble(register: Path, page: int) -> None:
    size = 4096
    with register.open("r+b") as handle:
        handle.seek((page - 1) * size + 8)
        handle.write(os.urandom(size - 100))


@pytest.mark.slow
def test_salvage_saves_the_outbox_and_audit_log_of_a_damaged_register(
    demo_home: Path, tmp_path: Path
) -> None:
    done = run("card", "report-lost", _card(demo_home), home=demo_home)
    assert done.returncode == 0, done.stderr
    register = demo_home / "register.db"
    _checkpoint(register)
    _scribble(register, page=2)
    out = tmp_path / "saved"
    done = run("db", "salvage", "--out", str(out), home=demo_home)
    assert "outbox:" in done.stderr, done.stderr
    lines = (out / "outbox.jsonl").read_text().splitlines()
    assert any('"card.report_lost"' in line or "report" in line for line in lines)
    assert (out / "audit_event.jsonl").exists()


def _card(home: Path) -> str:
    from tests.cli_helpers import sample

    return sample(home, "contributor")["card_no"]


@pytest.mark.slow
def test_restoring_an_older_backup_never_reissues_a_statement_number(
    demo_home: Path, tmp_path: Path
) -> None:
    card = _card(demo_home)

    def statement(name: str) -> str:
        done = run(
            "statement",
            "--card",
            card,
            "--kind",
            "medical",
            "--out",
            str(tmp_path / name),
            home=demo_home,
        )
        assert done.returncode == 0, done.stderr
        return done.stderr.split("Statement ", 1)[1].split()[0].rstrip(":,.")

    first = statement("1.pdf")
    done = run("backup", "--dir", str(tmp_path / "backups"), home=demo_home)
    assert done.returncode == 0, done.stderr
    second = statement("2.pdf")
    backup_file = next((tmp_path / "backups").glob("*.db"))
    done = run("restore", str(backup_file), home=demo_home)
    assert done.returncode == 0, done.stderr
    third = statement("3.pdf")
    assert len({first, second, third}) == 3
    assert int(third[-5:]) > int(second[-5:]) > int(first[-5:])
    home = OfficeHome(demo_home)
    home.open()
    try:
        actions = [e.action for e in audit.AuditEvent.select().order_by(audit.AuditEvent.id)]
        assert "register.restored" in actions
        assert audit.verify_chain().intact
    finally:
        close_register()


@pytest.mark.slow
def test_a_restore_is_refused_while_another_program_has_the_register_open(
    demo_home: Path, tmp_path: Path
) -> None:
    done = run("backup", "--dir", str(tmp_path / "backups"), home=demo_home)
    assert done.returncode == 0, done.stderr
    backup_file = next((tmp_path / "backups").glob("*.db"))
    home = OfficeHome(demo_home)
    home.open()  # the application, still serving
    try:
        done = run("restore", str(backup_file), home=demo_home)
        assert done.returncode == 2 and "open in another counterdesk program" in done.stderr
        assert setting("district") == "370102"
    finally:
        close_register()


@pytest.mark.slow
def test_output_cut_short_by_the_reader_is_not_an_error(demo_home: Path) -> None:
    argv = [str(Path(sys.executable).with_name("counterdesk")), "--home", str(demo_home)]
    card = _card(demo_home)
    shell = f"{' '.join(argv)} lookup --card {card} | head -c 10 >/dev/null"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True, text=True)
    assert "Broken pipe" not in done.stderr
    assert "check the office home" not in done.stderr


def test_a_register_created_here_is_never_read_outside_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models import cipher
    from models import db as register_db

    opened: list[Path] = []
    real = cipher.read_facts
    monkeypatch.setattr(register_db, "read_facts", lambda p: opened.append(p) or real(p))
    for passphrase in (None, "泉城 office passphrase 2026"):
        home = OfficeHome(tmp_path / f"home-{passphrase is None}", passphrase)
        home.create("370102", "x", passphrase=passphrase)
        assert home.is_encrypted() is (passphrase is not None)
        home.signing_key()
        close_register()
        home.open()  # opened again: the facts learned at creation, with the salt, serve
        assert home.is_encrypted() is (passphrase is not None)
        close_register()
    assert opened == []
