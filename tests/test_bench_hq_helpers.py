"""The headquarters benchmarks' helpers: reading a plan, laying out the city, the session
cookie of the self-query, and the figures of a run."""

from __future__ import annotations

from bench.cityscale import DISTRICT, Plan, city
from bench.selfquery import BackendResult, Round, _cookie

PLAN = """Limit  (cost=0.29..478.45 rows=1000 width=85)
  ->  Nested Loop  (cost=0.29..1434.79 rows=3000 width=85)
        ->  Seq Scan on contribution  (cost=0.00..637.36 rows=31336 width=56)
              Filter: (base_fen = 600000)
              Rows Removed by Filter: 7998
        ->  Seq Scan on pg_class  (cost=0.00..1.00 rows=1 width=8)
        ->  Bitmap Heap Scan on feed_change  (cost=33.03..224.53 rows=1000 width=0)
              Rows Removed by Index Recheck: 2"""


def test_a_plan_names_the_register_tables_it_scans_and_the_rows_it_threw_away() -> None:
    plan = Plan("x", "SELECT 1", PLAN)
    assert plan.seq_scans == ["contribution"]  # pg_class is not the register's
    assert plan.rows_removed == 8_000


def test_a_plan_of_index_scans_only_flags_nothing() -> None:
    plan = Plan("x", "SELECT 1", "Index Scan using person_ssn on person\n  Index Cond: (ssn = 'x')")
    assert (plan.seq_scans, plan.rows_removed) == ([], 0)


def test_the_other_districts_share_a_times_the_factor_with_a_between_them() -> None:
    layout = city(1_000, 8, 3)
    assert layout[DISTRICT] == 1_000
    others = {code: n for code, n in layout.items() if code != DISTRICT}
    assert sum(others.values()) == 8_000
    assert sorted(others.values()) == [2_666, 2_667, 2_667]
    assert min(others) < DISTRICT < max(others)
    assert city(1_000, 0, 3) == {DISTRICT: 1_000}


def test_the_session_cookie_is_taken_from_set_cookie_else_kept() -> None:
    header = {"set-cookie": "cd_selfquery=abc.def; HttpOnly; Path=/; SameSite=strict"}
    assert _cookie(header, "old") == "abc.def"
    assert _cookie({}, "old") == "old"


def test_the_page_to_json_ratio_compares_the_median_rounds() -> None:
    result = BackendResult("sqlite", 10, 2, 1)
    for rate_page, rate_json in ((100, 300), (50, 200), (80, 100)):
        result.rounds["page"].append(Round("page", rate_page, 1.0, [1_000_000] * rate_page, 0))
        result.rounds["json"].append(Round("json", rate_json, 1.0, [2_000_000] * rate_json, 0))
    summary = result.summary("page")
    assert summary["rate_median"] == 80
    assert summary["rate_range"] == [50, 100]
    assert summary["median_ms"] == 1.0
    assert result.ratio() == 80 / 200
