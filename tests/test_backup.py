"""Backups: online copy, check, retention, and a restore that checks before it replaces."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from models.backup import backup, check_backup, prune, restore
from models.errors import DamagedRegister, SchemaTooNew
from models.schema import Person, db
from tests.cli_helpers import run
from tests.conftest import DEMO_PERSONS


def test_a_backup_is_a_checked_self_contained_copy(demo, tmp_path: Path) -> None:
    info = backup(demo, tmp_path / "b")
    assert info.persons == DEMO_PERSONS
    assert info.path.name.startswith("counterdesk-370102-")
    assert not list((tmp_path / "b").glob("*-wal"))
    assert check_backup(info.path).persons == DEMO_PERSONS


def test_retention_keeps_the_newest(demo, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    for minute in range(4):
        backup(demo, folder, keep=2, now=datetime(2026, 11, 28, 9, minute))
    names = sorted(p.name for p in folder.glob("*.db"))
    assert len(names) == 2 and names[-1].endswith("0903" + "00.db")
    with pytest.raises(ValueError):
        prune(folder, "370102", 0)


def test_restore_brings_back_the_backup_and_keeps_the_replaced_register(demo, tmp_path) -> None:
    info = backup(demo, tmp_path / "b")
    first = db.execute_sql("SELECT id FROM person ORDER BY id LIMIT 1").fetchone()[0]
    Person.delete().where(Person.id == first).execute()
    kept = restore(demo, info.path)
    assert Person.select().count() == DEMO_PERSONS
    conn = sqlite3.connect(kept)
    assert conn.execute("SELECT count(*) FROM person").fetchone()[0] == DEMO_PERSONS - 1
    conn.close()


def test_a_damaged_backup_is_refused_and_the_register_is_untouched(demo, tmp_path) -> None:
    info = backup(demo, tmp_path / "b")
    data = bytearray(info.path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 4096] = b"\xff" * 4096
    info.path.write_bytes(bytes(data))
    before = hashlib.sha256(demo.register_path.read_bytes()).hexdigest()
    with pytest.raises(DamagedRegister, match="choose another one"):
        restore(demo, info.path)
    assert hashlib.sha256(demo.register_path.read_bytes()).hexdigest() == before
    assert Person.select().count() == DEMO_PERSONS


def test_a_backup_from_a_newer_counterdesk_is_refused(demo, tmp_path: Path) -> None:
    info = backup(demo, tmp_path / "b")
    conn = sqlite3.connect(info.path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(SchemaTooNew):
        restore(demo, info.path)


@pytest.mark.slow
def test_backup_and_restore_on_the_command_line(demo_home: Path, tmp_path: Path) -> None:
    made = run("backup", "--dir", str(tmp_path / "b"), "--keep", "3", home=demo_home)
    assert made.returncode == 0, made.stderr
    [copy] = list((tmp_path / "b").glob("*.db"))
    restored = run("restore", str(copy), home=demo_home)
    assert restored.returncode == 0 and "kept as" in restored.stderr
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database" * 200)
    refused = run("restore", str(bad), home=demo_home)
    assert refused.returncode == 3 and "not a SQLite database" in refused.stderr
