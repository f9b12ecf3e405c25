"""The first sync: employers then the district's persons, in self-contained, resumable pages;
and the sanity digest, which must equal what an office computes over the copy it received."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hq import register, store
from models import benefit_runs
from models.account_entries import insert_entries
from models.contribution_runs import INSERT_RUN, pack
from models.db import close_register, open_register
from models.replica import PERSON_TABLES, TABLES
from models.year_totals import INSERT_PACKED
from models.year_totals import pack as pack_years
from tests.hq_fixtures import DemoHq, OfficeClient, a_card


def pages(office: OfficeClient, phase: str, limit: int, after: int = 0) -> list[dict[str, Any]]:
    found = []
    while True:
        answer = office.get("/v1/bootstrap", phase=phase, after=after, limit=limit)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        found.append(page)
        after = page["next"]
        if page["done"]:
            return found


def test_the_employer_phase_pages_through_every_employer_of_the_city(demo_hq: DemoHq) -> None:
    found = pages(demo_hq.lixia, "employer", limit=4)
    ids = [row[0] for page in found for row in page["tables"]["employer"]["rows"]]
    assert ids == [r[0] for r in store.execute("SELECT id FROM employer ORDER BY id").fetchall()]
    assert [len(p["tables"]["employer"]["rows"]) for p in found] == [4, 4, 2]
    assert found[0]["tables"]["employer"]["columns"] == [
        "id",
        "unit_code",
        "name",
        "region_code",
        "work_injury_rate_bp",
    ]
    assert {row[3] for page in found for row in page["tables"]["employer"]["rows"]} == {
        "370102",
        "370103",
    }


def test_person_pages_hold_only_the_district_and_every_row_of_each_person(
    demo_hq: DemoHq,
) -> None:
    found = pages(demo_hq.shizhong, "person", limit=15)
    assert [p["done"] for p in found] == [False, False, True]
    lo = 0
    for page in found:
        assert set(page["tables"]) == {t.name for t in PERSON_TABLES}
        persons = [row[0] for row in page["tables"]["person"]["rows"]]
        assert page["after"] == lo and persons[-1] == page["next"]
        expected_persons = store.execute(
            "SELECT id FROM person WHERE id > ? AND id <= ? AND district = '370103' ORDER BY id",
            (lo, page["next"]),
        ).fetchall()
        assert persons == [r[0] for r in expected_persons]
        for table in ("card", "enrolment", "contribution", "contribution_year", "account"):
            columns, rows = page["tables"][table]["columns"], page["tables"][table]["rows"]
            expected = store.execute(
                f"SELECT count(*) FROM {table} WHERE person_id > ? AND person_id <= ? "
                "AND person_id IN (SELECT id FROM person WHERE district = '370103')",
                (lo, page["next"]),
            ).fetchone()[0]
            assert len(rows) == expected
            assert {row[columns.index("person_id")] for row in rows} <= set(persons)
        lo = page["next"]
    assert sum(len(p["tables"]["person"]["rows"]) for p in found) == 40
    assert all(row[0] > 10_000_000 for p in found for row in p["tables"]["person"]["rows"])


def test_a_bootstrap_resumes_after_the_last_page_it_committed(demo_hq: DemoHq) -> None:
    whole = pages(demo_hq.lixia, "person", limit=25)
    resumed = pages(demo_hq.lixia, "person", limit=25, after=whole[0]["next"])
    assert [p["tables"] for p in resumed] == [p["tables"] for p in whole[1:]]
    assert [len(p["tables"]["person"]["rows"]) for p in whole] == [25, 25, 10]


def test_every_page_names_the_feed_position_it_was_read_at(demo_hq: DemoHq) -> None:
    card, _, _ = a_card("370102")
    before = demo_hq.lixia.get("/v1/bootstrap", phase="person", limit=5).json()
    register.set_card_status(card, "frozen")
    after = demo_hq.lixia.get("/v1/bootstrap", phase="person", limit=5).json()
    assert (before["head_seq"], after["head_seq"]) == (0, 1)
    empty = demo_hq.lixia.get("/v1/bootstrap", phase="person", after=10**9).json()
    assert empty["done"] and empty["next"] == 10**9 and empty["tables"]["card"]["rows"] == []


def apply_pages(path: Path, found: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """Load bootstrap pages into a new office register; its (count, checksum sum) per table."""
    db = open_register(path, create=True)
    try:
        with db.atomic():
            db.execute_sql("PRAGMA defer_foreign_keys = ON")
            for page in found:
                for name, table in page["tables"].items():
                    if name == "contribution":  # stored as runs (schema v9)
                        db.connection().executemany(INSERT_RUN, pack(table["rows"]))
                        continue
                    if name == "contribution_year":  # a packed row a year (v10)
                        db.connection().executemany(INSERT_PACKED, pack_years(table["rows"]))
                        continue
                    if name == "account_entry":  # blocks (v10)
                        insert_entries(db.connection(), table["rows"])
                        continue
                    if name == "benefit_payment":  # stored as runs (v9)
                        rows = benefit_runs.pack(table["rows"])
                        db.connection().executemany(benefit_runs.INSERT_RUN, rows)
                        continue
                    marks = ", ".join("?" * len(table["columns"]))
                    db.connection().executemany(
                        f"INSERT INTO {name} ({', '.join(table['columns'])}) VALUES ({marks})",
                        table["rows"],
                    )
        return {
            t.name: db.execute_sql(
                f"SELECT count(*), coalesce(sum({t.checksum}), 0) FROM {t.name}"
            ).fetchone()
            for t in TABLES
        }
    finally:
        close_register()


def test_the_digest_equals_the_office_s_own_sums_over_its_bootstrapped_copy(
    demo_hq: DemoHq, tmp_path: Path
) -> None:
    found = (
        pages(demo_hq.lixia, "employer", 500)
        + pages(demo_hq.lixia, "person", 20)
        + pages(demo_hq.lixia, "staff", 1)
    )
    office = apply_pages(tmp_path / "register.db", found)
    full = demo_hq.lixia.get("/v1/scope/digest", level="full").json()
    assert {name: (d["count"], d["checksum"]) for name, d in full["tables"].items()} == office
    assert office["person"][0] == 60 and office["contribution"][0] > 1000
    assert office["staff_user"][0] == 11  # the demo roster serves every demo district


def test_the_quick_digest_covers_only_the_small_tables(demo_hq: DemoHq) -> None:
    quick = demo_hq.lixia.get("/v1/scope/digest").json()
    full = demo_hq.lixia.get("/v1/scope/digest", level="full").json()
    for t in TABLES:
        if t.large:
            assert quick["tables"][t.name] == {"count": None, "checksum": None}
            assert full["tables"][t.name]["count"] > 0
        else:
            assert quick["tables"][t.name] == full["tables"][t.name]
    assert quick["head_seq"] == full["head_seq"] == 0


def test_the_digest_covers_only_the_office_s_scope(demo_hq: DemoHq) -> None:
    lixia = demo_hq.lixia.get("/v1/scope/digest", level="full").json()["tables"]
    shizhong = demo_hq.shizhong.get("/v1/scope/digest", level="full").json()["tables"]
    assert (lixia["person"]["count"], shizhong["person"]["count"]) == (60, 40)
    assert lixia["employer"] == shizhong["employer"]
    for t in TABLES:
        everyone = store.execute(
            f"SELECT count(*), coalesce(sum({t.checksum}), 0) FROM {t.name}"
        ).fetchone()
        if t.person_key is None:
            assert lixia[t.name]["count"] == everyone[0]
        else:
            assert lixia[t.name]["count"] + shizhong[t.name]["count"] == everyone[0]
            assert lixia[t.name]["checksum"] + shizhong[t.name]["checksum"] == int(everyone[1])
