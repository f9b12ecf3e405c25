"""The demo city: districts generated apart, merged with rebased ids, collisions refused."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from hq import demo, feed, store
from hq.errors import InvalidInput, SeedCollision
from hq.schema import Employer
from models.replica import TABLES
from tests.hq_fixtures import DEMO_DISTRICTS, sqlite_url


def test_the_demo_city_holds_each_district_under_its_own_ids(hq_demo_url: str) -> None:
    store.connect(hq_demo_url)
    per_district = store.execute(
        "SELECT district, count(*), min(id), max(id) FROM person GROUP BY district ORDER BY 1"
    ).fetchall()
    assert [tuple(r) for r in per_district] == [
        ("370102", 60, 1, 60),
        ("370103", 40, 10_000_001, 10_000_040),
    ]
    orphans = store.execute(
        "SELECT count(*) FROM card c LEFT JOIN person p ON p.id = c.person_id "
        "WHERE p.id IS NULL OR (c.replaced_by_id IS NOT NULL AND c.replaced_by_id / 10000000 "
        "!= c.id / 10000000)"
    ).fetchone()[0]
    assert orphans == 0
    entries = store.execute(
        "SELECT count(*) FROM account_entry e JOIN account a ON a.id = e.account_id "
        "JOIN person p ON p.id = a.person_id WHERE p.district = '370103'"
    ).fetchone()[0]
    assert entries > 0
    assert feed.head_seq() == 0  # the initial load is not in the feed: bootstrap covers it
    new = Employer.insert(
        unit_code="91370100X00000001", name="新单位", region_code="370102", work_injury_rate_bp=50
    ).execute()
    assert new > 10_000_000


def test_seeding_writes_nothing_when_two_districts_collide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.connect(sqlite_url(tmp_path / "hq.db"))
    # the same generator seed for both districts: the same card numbers, some same ID numbers
    monkeypatch.setattr(demo, "district_seed", lambda seed, index: seed)
    with pytest.raises(SeedCollision, match="370102 and 370103 both have"):
        demo.seed({"370102": 5, "370103": 5}, 3, date(2026, 11, 1))
    assert store.execute("SELECT count(*) FROM person").fetchone()[0] == 0


def test_seeding_refuses_a_database_that_holds_a_register(hq_demo_url: str) -> None:
    store.connect(hq_demo_url)
    with pytest.raises(InvalidInput, match="already holds a register"):
        demo.seed({"370104": 5}, 1, date(2026, 11, 1))


@pytest.mark.parametrize("districts", [{"3701": 5}, {}, {"370102": 0}])
def test_seeding_refuses_bad_districts(tmp_path: Path, districts: dict[str, int]) -> None:
    store.connect(sqlite_url(tmp_path / "hq.db"))
    with pytest.raises(InvalidInput):
        demo.seed(districts, 1, date(2026, 11, 1))


def _table_sums() -> dict[str, tuple[int, int]]:
    """Every replicated table's row count and checksum in the connected database."""
    return {
        t.name: tuple(
            store.execute(
                f"SELECT count(*), coalesce(sum({t.checksum}), 0) FROM {t.name}"
            ).fetchone()
        )
        for t in TABLES
    }


def test_districts_attached_in_sqlite_load_the_same_rows_as_through_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    districts = {"370102": 30, "370103": 20, "370104": 10}
    loaded = {}
    # 0: every district through Python (as on PostgreSQL); 1: the first attached, the others
    # through Python (SQLite attaches at most 10); the default: all attached
    for room in (0, 1, None):
        if room is not None:
            monkeypatch.setattr(demo, "attach_room", lambda _conn, room=room: room)
        else:
            monkeypatch.undo()
        store.connect(sqlite_url(tmp_path / f"hq-{room}.db"))
        counts = demo.seed(districts, 3, date(2026, 11, 1))
        loaded[room] = (counts, _table_sums())
        assert store.execute("PRAGMA database_list").fetchall()[-1][1] == "main"  # detached
        assert store.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        with sqlite3.connect(tmp_path / f"hq-{room}.db") as other:
            assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # back to WAL
    assert loaded[1] == loaded[0] and loaded[None] == loaded[0]
    counts, sums = loaded[0]
    assert counts["person"] == 60 and sums["person"][0] == 60
    assert all(counts[name] == sums[name][0] for name in counts)


def _empty_hq_and_a_district(tmp_path: Path, persons: int) -> tuple[Path, dict[str, Path]]:
    """An empty headquarters file, connected, and district 370102 generated beside it."""
    path = tmp_path / "hq.db"
    store.connect(sqlite_url(path))
    paths = demo.generate_districts(
        tmp_path / "districts", {"370102": persons}, 1, date(2026, 11, 1), lambda _said: None
    )
    return path, paths


def test_a_register_written_by_another_process_while_districts_generate_is_not_overwritten(
    tmp_path: Path,
) -> None:
    path, paths = _empty_hq_and_a_district(tmp_path, 5)
    # another process enrols an employer between the generation and the load
    enrol = (
        "INSERT INTO employer (unit_code, name, region_code, work_injury_rate_bp) "
        "VALUES ('91370100X00000009', '另一单位', '370102', 50)"
    )
    other = (
        "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.execute(sys.argv[2])\nc.commit()"
    )
    subprocess.run([sys.executable, "-c", other, str(path), enrol], check=True)
    with pytest.raises(InvalidInput, match="already holds a register"):
        demo.load(paths, lambda _said: None)
    assert store.execute("SELECT count(*) FROM person").fetchone()[0] == 0
    assert store.execute("SELECT name FROM employer").fetchall() == [("另一单位",)]


READER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
print(conn.execute("SELECT count(*) FROM person").fetchone()[0], flush=True)
sys.stdin.readline()
print(conn.execute("SELECT count(*) FROM person").fetchone()[0], flush=True)
"""


def test_a_load_beside_a_process_reading_the_file_keeps_the_log_and_the_reader_sees_it(
    tmp_path: Path,
) -> None:
    path, paths = _empty_hq_and_a_district(tmp_path, 8)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdin is not None
        assert reader.stdout.readline().strip() == "0"  # it holds the file open
        counts = demo.load(paths, lambda _said: None)  # the journal cannot change: WAL stays
        reader.stdin.write("again\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == str(counts["person"]) == "8"
    finally:
        reader.kill()
        reader.wait()
    assert store.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _null_counts() -> dict[str, list[int]]:
    """Per replicated table, how many values each column holds that are not NULL."""
    return {
        t.name: list(
            store.execute(
                f"SELECT {', '.join(f'count({c})' for c in t.columns)} FROM {t.name}"
            ).fetchone()
        )
        for t in TABLES
    }


@pytest.mark.pg
def test_the_demo_copied_into_postgresql_holds_the_rows_and_nulls_sqlite_holds(
    request: pytest.FixtureRequest, hq_sqlite_demo_template: Path
) -> None:
    # SQLite's demo is moved by SQLite itself (attached), PostgreSQL's streamed by COPY
    server = request.getfixturevalue("postgres_server")
    url = server.create_database("hq_copy_check", request.getfixturevalue("hq_pg_demo_template"))
    try:
        store.connect(url)
        postgres = (_table_sums(), _null_counts())
        store.close()
        store.connect(sqlite_url(hq_sqlite_demo_template))
        sqlite = (_table_sums(), _null_counts())
    finally:
        store.close()
        server.drop_database("hq_copy_check")
    assert postgres == sqlite
    assert sqlite[0]["person"][0] == sum(DEMO_DISTRICTS.values())
