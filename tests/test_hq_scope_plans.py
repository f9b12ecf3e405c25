"""A district's bootstrap pages, change feed and person lookups at headquarters are served
through indexes on PostgreSQL, never by reading a whole table of the register (issue 19).

The demo city of the tests is small (100 persons), and on tables of a few pages PostgreSQL
rightly prefers a sequential scan; so the plans are taken with `enable_seqscan = off`, which
leaves a sequential scan only where no index can serve the statement's filter. That proves the
index exists for every statement; that PostgreSQL picks it at size is `bench.cityscale`'s
measurement (bench/README.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import count
from typing import Any

import pytest

from bench.cityscale import Plan, explain, post_month, recorded
from bench.hqdb import pg_sizes
from hq import bootstrap, feed, persons, store
from testkit.pgcluster import PostgresServer

_copies = count(1)
Statements = dict[str, tuple[str, tuple[Any, ...]]]
SCOPE = ["370103"]


@pytest.fixture
def pg_city(postgres_server: PostgresServer, hq_pg_demo_template: str) -> Iterator[None]:
    """A copy of the demo city on PostgreSQL, connected, with a month posted for everyone in a
    mixed order (so the feed holds both districts' changes, interleaved)."""
    url = postgres_server.create_database(f"hq_plans_{next(_copies)}", hq_pg_demo_template)
    store.connect(url)
    try:
        post_month(seed_number=3)
        yield
    finally:
        store.close()


def plans_without_seqscan(statements: Statements) -> list[Plan]:
    """EXPLAIN (ANALYZE) of the recorded statements with sequential scans disabled."""
    with store.read_snapshot():
        store.execute("SET LOCAL enable_seqscan = off")
        return explain(statements)


def scanned(plans: list[Plan]) -> dict[str, list[str]]:
    return {p.sql: p.seq_scans for p in plans if p.seq_scans}


def test_every_statement_of_a_bootstrap_person_page_has_an_index_for_its_scope(
    pg_city: None,
) -> None:
    statements: Statements = {}
    with store.session(), recorded(statements, "page"):
        page = bootstrap.person_page(SCOPE, 0, limit=10)
    assert page.tables["person"]["rows"]
    plans = plans_without_seqscan(statements)
    assert len(plans) >= 10  # the head, the page's ids and one statement per person table
    assert scanned(plans) == {}


def feed_page_plan() -> Plan:
    statements: Statements = {}
    with store.session(), recorded(statements, "feed"):
        page = feed.pull(SCOPE, 0, limit=20)
    assert len(page.changes) == 20
    (plan,) = [p for p in plans_without_seqscan(statements) if "district" in p.sql]
    return plan


def test_a_change_feed_page_is_read_through_an_index(pg_city: None) -> None:
    assert feed_page_plan().seq_scans == []


def test_a_change_feed_page_reads_no_other_district_s_changes(pg_city: None) -> None:
    plan = feed_page_plan()
    assert plan.rows_removed == 0, plan.text


@pytest.mark.parametrize("kind", [persons.KeyKind.SSN, persons.KeyKind.CARD])
def test_a_person_lookup_reads_every_table_through_an_index(
    pg_city: None, kind: persons.KeyKind
) -> None:
    column = "p.ssn" if kind is persons.KeyKind.SSN else "c.card_no"
    key = store.execute(
        f"SELECT {column} FROM person p JOIN card c ON c.person_id = p.id "
        "WHERE p.district = ? ORDER BY p.id LIMIT 1",
        tuple(SCOPE),
    ).fetchone()[0]
    statements: Statements = {}
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    with store.session(), recorded(statements, "lookup"):
        record = persons.read_person(kind, key, None, "test", now)
    assert record.person.district == SCOPE[0]
    plans = plans_without_seqscan(statements)
    assert len(plans) >= 10
    assert scanned(plans) == {}


def test_the_check_finds_a_statement_with_no_index_for_its_filter(pg_city: None) -> None:
    # The check itself: a filter on a column no index covers still scans with seqscan off.
    statements: Statements = {
        "unindexed": ("SELECT count(*) FROM contribution WHERE base_fen = ?", (600_000,))
    }
    assert scanned(plans_without_seqscan(statements)) == {
        "SELECT count(*) FROM contribution WHERE base_fen = ?": ["contribution"]
    }


def test_the_sizes_count_every_row_and_the_bytes_of_table_and_indexes(pg_city: None) -> None:
    sizes = pg_sizes()
    persons_now = store.execute("SELECT count(*) FROM person").fetchone()[0]
    assert sizes["person"]["rows"] == persons_now == 100
    person = sizes["person"]
    assert person["table_bytes"] > 0 and person["index_bytes"] > 0
    assert person["total_bytes"] == person["table_bytes"] + person["index_bytes"]
    assert sizes["feed_change"]["rows"] == 100  # the month posted by the fixture
