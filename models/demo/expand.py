"""The SQL half of the demo district: months, years, accounts and benefits, expanded inside
SQLite (the account entries are computed in Python: `models.demo.entries`).

A million people have about a hundred million monthly contribution rows; building them in
Python would take the better part of an hour. Here SQLite expands the per-person parameters of
`demo_person` with INSERT ... SELECT, in chunks of people, each chunk one transaction.

Amounts use the same integer rule as `models.money.apply_rate`: (base * bp + 5000) / 10000.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

from models import benefit_runs
from models.contribution_runs import POSTED_CODE_SQL
from models.demo import vocabulary as v
from models.demo.people import month_index, month_start
from models.enums import BenefitKind, ContributionStatus, EntryKind, Insurance
from models.money import clamp_base
from models.year_totals import INSURANCES, PARTS, pack_from_wide

TEMP_TABLES = """
CREATE TEMP TABLE demo_person (
    person_id INTEGER PRIMARY KEY, employer_id INTEGER, wage_pm INTEGER, first_idx INTEGER,
    stop_idx INTEGER, retired_from INTEGER, arrears_from INTEGER, bp_from INTEGER,
    bp_to INTEGER, bp_posted TEXT, opening_fen INTEGER, status TEXT);
CREATE TEMP TABLE demo_wage (year INTEGER PRIMARY KEY, avg_fen INTEGER, low_fen INTEGER,
    high_fen INTEGER, interest_bp INTEGER);
CREATE TEMP TABLE demo_month (idx INTEGER PRIMARY KEY, period INTEGER, year INTEGER,
    posted TEXT);
CREATE TEMP TABLE demo_rate (insurance INTEGER PRIMARY KEY, employer_bp INTEGER,
    personal_bp INTEGER);
CREATE TEMP TABLE demo_place (n INTEGER PRIMARY KEY, name TEXT, counterparty_id INTEGER);
CREATE TEMP TABLE demo_benefit (person_id INTEGER, period INTEGER, kind INTEGER,
    amount_fen INTEGER, paid_date TEXT, account_masked TEXT);
CREATE TEMP TABLE demo_year (person_id INTEGER, year INTEGER, insurance INTEGER,
    months_paid INTEGER, base_total_fen INTEGER, employer_fen INTEGER, personal_fen INTEGER);
CREATE TEMP TABLE demo_entry (account_id INTEGER, id INTEGER, posted_day INTEGER,
    kind INTEGER, amount_fen INTEGER, balance_after_fen INTEGER, counterparty_id INTEGER,
    period_lag INTEGER, PRIMARY KEY (account_id, id)) WITHOUT ROWID;
CREATE TEMP VIEW demo_contribution AS SELECT * FROM main.contribution;
"""

# The insurance types the demo contributes to: (employer, personal) rates in basis points;
# None: the employer's work-injury rate (`demo_rate` holds 0 for it, `_EMPLOYER_BP` reads the
# employer's).
DEMO_RATES_BP: dict[int, tuple[int | None, int]] = {
    **v.RATES_BP,
    Insurance.WORK_INJURY.value: (None, 0),
}

# The monthly base of a person in a year: their wage clamped to 60 %-300 % of the average.
_BASE = "MIN(MAX(w.avg_fen * p.wage_pm / 1000, w.low_fen), w.high_fen)"
_EMPLOYER_BP = "CASE WHEN r.insurance = 4 THEN e.work_injury_rate_bp ELSE r.employer_bp END"

# A month's state and posted date (month m of person p): arrears from `arrears_from` on, back
# paid (posted on the back payment's day) between `bp_from` and `bp_to`, else paid and posted on
# the month's posting day.
_STATUS = (
    f"CASE WHEN m.idx >= p.arrears_from THEN {ContributionStatus.ARREARS.value} "
    f"WHEN m.idx BETWEEN p.bp_from AND p.bp_to THEN {ContributionStatus.BACK_PAID.value} "
    f"ELSE {ContributionStatus.PAID.value} END"
)
_POSTED = (
    "CASE WHEN m.idx >= p.arrears_from THEN NULL "
    "WHEN m.idx BETWEEN p.bp_from AND p.bp_to THEN p.bp_posted ELSE m.posted END"
)

# The month rows of a chunk, as the generator wrote them before the runs (register v9): kept as
# the reference that `RUNS_SQL` must agree with (tests/test_demo.py), not used to generate.
# `demo_contribution` is now a view of the register's months (`contribution`, the runs
# unfolded), which the accounts read.
MONTHS_SELECT = f"""
SELECT p.person_id, m.period, r.insurance, p.employer_id, {_BASE},
       ({_BASE} * {_EMPLOYER_BP} + 5000) / 10000,
       ({_BASE} * r.personal_bp + 5000) / 10000,
       {_STATUS}, {_POSTED}
FROM demo_person p
JOIN employer e ON e.id = p.employer_id
JOIN demo_month m ON m.idx BETWEEN p.first_idx AND p.stop_idx
JOIN demo_wage w ON w.year = m.year
JOIN demo_rate r
WHERE p.person_id BETWEEN :lo AND :hi
ORDER BY p.person_id, m.period, r.insurance
"""

# The runs of a chunk written from the persons' parameters, without the month rows: a
# person's window months are cut where a month may differ from the one before (a new year's
# base, the start and end of arrears and of a back payment, the months near a back payment's
# posting, whose posted code counts the months between, the window's last month, posted on
# the first day); each piece's values are those of its first month (the same CASEs as
# `MONTHS_SELECT`); pieces equal to the one before are joined (a cut may change nothing); the
# runs of the five insurance types follow, since the amounts follow from the base. Gives the
# runs `models.contribution_runs.runs_from` packs from `MONTHS_SELECT` (tests/test_demo.py).
_PM = (
    "(CAST(substr(bp_posted, 1, 4) AS INTEGER) * 12 + CAST(substr(bp_posted, 6, 2) AS INTEGER) - 1)"
)
_CHUNK = "person_id BETWEEN :lo AND :hi"
RUNS_SQL = f"""
WITH
span(person_id, lo_m, hi_m) AS (
    SELECT person_id, MAX(first_idx, :window_first), MIN(stop_idx, :last_month)
    FROM demo_person
    WHERE {_CHUNK} AND MIN(stop_idx, :last_month) >= MAX(first_idx, :window_first)),
cut(person_id, s) AS (
    SELECT p.person_id, m.idx FROM demo_person p JOIN demo_month m ON m.idx % 12 = 0
    WHERE p.{_CHUNK}
    UNION ALL SELECT person_id, arrears_from FROM demo_person WHERE {_CHUNK}
    UNION ALL SELECT person_id, bp_from FROM demo_person WHERE {_CHUNK}
    UNION ALL SELECT person_id, bp_to + 1 FROM demo_person WHERE {_CHUNK}
    UNION ALL SELECT person_id, {_PM} + k.n - 2 FROM demo_person
        JOIN (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) k
        WHERE {_CHUNK} AND bp_posted IS NOT NULL
    UNION ALL SELECT person_id, :last_month FROM demo_person WHERE {_CHUNK}),
start(person_id, s) AS (
    SELECT c.person_id, c.s FROM cut c JOIN span USING (person_id)
    WHERE c.s > span.lo_m AND c.s <= span.hi_m
    UNION SELECT person_id, lo_m FROM span),
piece(person_id, s, months) AS (
    SELECT st.person_id, st.s,
           LEAD(st.s, 1, span.hi_m + 1) OVER (PARTITION BY st.person_id ORDER BY st.s) - st.s
    FROM start st JOIN span USING (person_id)),
dated(person_id, m, months, base, status, posted_date) AS (
    SELECT p.person_id, pc.s, pc.months, {_BASE}, {_STATUS}, {_POSTED}
    FROM piece pc JOIN demo_person p ON p.person_id = pc.person_id
    JOIN demo_month m ON m.idx = pc.s JOIN demo_wage w ON w.year = m.year),
coded(person_id, m, months, base, status, posted) AS (
    SELECT person_id, m, months, base, status, {POSTED_CODE_SQL} FROM dated),
flagged(person_id, m, months, base, status, posted, fresh) AS (
    SELECT *, CASE WHEN lag(base) OVER w IS base AND lag(status) OVER w IS status
                    AND lag(posted) OVER w IS posted THEN 0 ELSE 1 END
    FROM coded WINDOW w AS (PARTITION BY person_id ORDER BY m)),
numbered(person_id, m, months, base, status, posted, run) AS (
    SELECT person_id, m, months, base, status, posted,
           SUM(fresh) OVER (PARTITION BY person_id ORDER BY m) FROM flagged),
joined(person_id, first_month, months, base, status, posted) AS (
    SELECT person_id, MIN(m), SUM(months), base, status, posted FROM numbered
    GROUP BY person_id, run)
INSERT INTO contribution_run (person_id, insurance, first_month, months, employer_id, base_fen,
                              employer_fen, personal_fen, status, posted)
SELECT j.person_id, r.insurance, j.first_month, j.months, p.employer_id, j.base,
       (j.base * {_EMPLOYER_BP} + 5000) / 10000, (j.base * r.personal_bp + 5000) / 10000,
       j.status, j.posted
FROM joined j JOIN demo_person p ON p.person_id = j.person_id
JOIN employer e ON e.id = p.employer_id JOIN demo_rate r
ORDER BY j.person_id, r.insurance, j.first_month
"""

# Months of year y before the window: from max(first, Jan y) to min(stop, Dec y, window - 1).
# `YEARS_SQL`: the yearly summaries as narrow rows (one per person, year and type) into
# `demo_year`; the generator writes the packed rows from `WIDE_YEARS_SQL` instead, and this stays
# as the reference the tests compare with (and the rows `PENSION_SQL` reads).
_Y_FROM = "MAX(w.year * 12, p.first_idx)"
_Y_TO = "MIN(w.year * 12 + 11, p.stop_idx, :window_first - 1)"
YEARS_SQL = f"""
INSERT INTO demo_year (person_id, year, insurance, months_paid, base_total_fen,
                       employer_fen, personal_fen)
SELECT p.person_id, w.year, r.insurance, {_Y_TO} - {_Y_FROM} + 1,
       {_BASE} * ({_Y_TO} - {_Y_FROM} + 1),
       ({_BASE} * {_EMPLOYER_BP} + 5000) / 10000 * ({_Y_TO} - {_Y_FROM} + 1),
       ({_BASE} * r.personal_bp + 5000) / 10000 * ({_Y_TO} - {_Y_FROM} + 1)
FROM demo_person p
JOIN employer e ON e.id = p.employer_id
JOIN demo_wage w ON w.year BETWEEN p.first_idx / 12 AND MIN(p.stop_idx, :window_first - 1) / 12
JOIN demo_rate r
WHERE p.person_id BETWEEN :lo AND :hi AND {_Y_TO} >= {_Y_FROM}
ORDER BY p.person_id, w.year, r.insurance
"""

# The same summaries side by side, one row per person and year (columns m<i>, b<i>, e<i>,
# p<i> of `models.year_totals.pack_from_wide`), straight from the persons' parameters: what
# `YEARS_SQL` writes into `demo_year` and `pack_from` turns on its side, without the narrow rows.
# `YEARS_SQL` stays as the reference the tests compare with (tests/test_demo_writing.py).
YEAR_PARTS_SQL = f"""
SELECT p.person_id AS person_id, w.year AS year, {_Y_TO} - {_Y_FROM} + 1 AS months,
       {_BASE} AS base, e.work_injury_rate_bp AS injury_bp
FROM demo_person p
JOIN employer e ON e.id = p.employer_id
JOIN demo_wage w ON w.year BETWEEN p.first_idx / 12 AND MIN(p.stop_idx, :window_first - 1) / 12
WHERE p.person_id BETWEEN :lo AND :hi AND {_Y_TO} >= {_Y_FROM}
"""


def _year_parts(insurance: int) -> str:
    """SQL of the four numbers of one type over `YEAR_PARTS_SQL` (NULLs if the demo has none)."""
    if insurance not in DEMO_RATES_BP:
        return ", ".join(f'NULL AS "{part}{insurance}"' for part in PARTS)
    employer_bp, personal_bp = DEMO_RATES_BP[insurance]
    employer = "injury_bp" if employer_bp is None else str(employer_bp)
    return (
        f'months AS "m{insurance}", base * months AS "b{insurance}", '
        f'(base * {employer} + 5000) / 10000 * months AS "e{insurance}", '
        f'(base * {personal_bp} + 5000) / 10000 * months AS "p{insurance}"'
    )


WIDE_YEARS_SQL = (
    f"WITH parts AS MATERIALIZED ({YEAR_PARTS_SQL}) "
    f"SELECT person_id, year, {', '.join(_year_parts(i) for i in INSURANCES)} "
    "FROM parts ORDER BY person_id, year"
)
# The pension type's personal part of each year before the window (the pension account's).
_PENSION_BP = DEMO_RATES_BP[Insurance.PENSION.value][1]
PENSION_PARTS_SQL = (
    f"SELECT person_id, year, (base * {_PENSION_BP} + 5000) / 10000 * months AS personal "
    f"FROM ({YEAR_PARTS_SQL})"
)

ENROLMENT_SQL = f"""
INSERT INTO enrolment (person_id, employer_id, insurance, start_date, end_date, status)
SELECT p.person_id, p.employer_id, r.insurance,
       date(printf('%04d-%02d-01', p.first_idx / 12, p.first_idx % 12 + 1)),
       CASE WHEN p.status = 'insured' THEN NULL
            ELSE date(printf('%04d-%02d-01', (p.stop_idx + 1) / 12, (p.stop_idx + 1) % 12 + 1),
                      '-1 day') END,
       CASE p.status WHEN 'insured' THEN 'active' WHEN 'suspended' THEN 'suspended'
            ELSE 'ended' END
FROM demo_person p JOIN demo_rate r
WHERE p.person_id BETWEEN :lo AND :hi
UNION ALL
SELECT p.person_id, NULL, {Insurance.MEDICAL.value},
       date(printf('%04d-%02d-01', p.retired_from / 12, p.retired_from % 12 + 1)),
       NULL, CASE p.status WHEN 'retired' THEN 'active' ELSE 'ended' END
FROM demo_person p
WHERE p.person_id BETWEEN :lo AND :hi AND p.retired_from < {10**6}
"""

ACCOUNTS_SQL = """
INSERT INTO account (person_id, kind, balance_fen, opened_date, updated_at)
SELECT p.person_id, k.kind, 0,
       date(printf('%04d-%02d-01', p.first_idx / 12, p.first_idx % 12 + 1)), :now
FROM demo_person p JOIN (SELECT 'medical' AS kind UNION ALL SELECT 'pension') k
WHERE p.person_id BETWEEN :lo AND :hi AND p.status NOT IN ('moved_out', 'deceased')
ORDER BY p.person_id, k.kind
"""

# The account entries as SQL computed them into `demo_entry` (register v9's rows) before
# `models.demo.entries` computed them in Python: kept as the reference the tests compare the
# generated blocks with (tests/test_demo_writing.py), not used to generate.
# Pension account: each year, interest on the opening balance, then the year's personal part.
PENSION_SQL = f"""
WITH RECURSIVE
yearly(person_id, year, personal) AS (
    SELECT person_id, year, SUM(personal) FROM (
        SELECT person_id, year, personal_fen AS personal FROM demo_year
        WHERE insurance = 1 AND person_id BETWEEN :lo AND :hi
        UNION ALL
        SELECT person_id, period / 100, personal_fen FROM demo_contribution
        WHERE insurance = 1 AND status != {ContributionStatus.ARREARS.value}
          AND person_id BETWEEN :lo AND :hi)
    GROUP BY person_id, year),
firsts(person_id, year) AS (SELECT person_id, MIN(year) FROM yearly GROUP BY person_id),
acc(person_id, year, opening, interest, personal) AS (
    SELECT f.person_id, f.year, 0, 0, y.personal
    FROM firsts f JOIN yearly y ON y.person_id = f.person_id AND y.year = f.year
    UNION ALL
    SELECT a.person_id, a.year + 1, a.opening + a.interest + a.personal,
           CASE WHEN a.year + 1 < :this_year
                THEN ((a.opening + a.interest + a.personal) * w.interest_bp + 5000) / 10000
                ELSE 0 END,
           COALESCE(y.personal, 0)
    FROM acc a JOIN demo_wage w ON w.year = a.year + 1
    JOIN demo_person p ON p.person_id = a.person_id
    LEFT JOIN yearly y ON y.person_id = a.person_id AND y.year = a.year + 1
    WHERE a.year + 1 <= MIN(:this_year, p.retired_from / 12))
INSERT INTO demo_entry (account_id, id, posted_day, kind, amount_fen,
                        balance_after_fen, counterparty_id, period_lag)
SELECT ac.id, :entry_base + row_number() OVER (ORDER BY ac.id, e.year, e.ord),
       CAST(julianday(e.posted) - 2440587.5 AS INTEGER), e.kind, e.amount, e.balance,
       NULL, NULL FROM (
    SELECT person_id, year, 0 AS ord, {EntryKind.INTEREST.value} AS kind, interest AS amount,
           opening + interest AS balance,
           printf('%04d-12-31', year) AS posted
    FROM acc WHERE interest > 0
    UNION ALL
    SELECT person_id, year, 1, {EntryKind.CONTRIBUTION.value}, personal,
           opening + interest + personal,
           CASE WHEN year < :this_year THEN printf('%04d-12-31', year) ELSE :as_of END
    FROM acc WHERE personal > 0) e
JOIN account ac ON ac.person_id = e.person_id AND ac.kind = 'pension'
ORDER BY ac.id, e.year, e.ord
"""

# Medical account over the window: an opening balance, allocations (the personal 2 % of each
# paid month, or a retiree's fixed allocation) and spendings, each at most the allocation
# before it, so the balance never goes below zero.
_H = "((x.person_id * 2654435761 + x.period * 40503 + :seed * 97) % 1000003)"
MEDICAL_SQL = f"""
WITH alloc(person_id, period, posted, amount) AS (
    SELECT person_id, period, posted_date, personal_fen FROM demo_contribution
    WHERE insurance = {Insurance.MEDICAL.value} AND status != {ContributionStatus.ARREARS.value}
      AND period >= :window_period AND person_id BETWEEN :lo AND :hi
    UNION ALL
    SELECT p.person_id, m.period, m.posted, {v.RETIREE_MEDICAL_ALLOCATION_FEN}
    FROM demo_person p JOIN demo_month m ON m.idx >= p.retired_from
    WHERE p.status = 'retired' AND p.person_id BETWEEN :lo AND :hi),
moves(person_id, posted, ord, kind, amount, counterparty, period) AS (
    SELECT person_id, :window_start, 0, {EntryKind.OPENING.value}, opening_fen, NULL, NULL
    FROM demo_person WHERE person_id BETWEEN :lo AND :hi
    UNION ALL
    SELECT person_id, posted, 1, {EntryKind.ALLOCATION.value}, amount, NULL, period FROM alloc
    UNION ALL
    SELECT x.person_id, MIN(date(x.posted, '+' || ({_H} % 20 + 1) || ' days'), :as_of), 2,
           {EntryKind.SPENDING.value}, -(x.amount * (30 + {_H} % 71) / 100),
           (SELECT counterparty_id FROM demo_place
            WHERE n = {_H} % (SELECT COUNT(*) FROM demo_place)),
           x.period
    FROM alloc x WHERE {_H} % 100 < 55)
INSERT INTO demo_entry (account_id, id, posted_day, kind, amount_fen,
                        balance_after_fen, counterparty_id, period_lag)
SELECT ac.id, :entry_base + row_number() OVER (ORDER BY ac.id, mv.posted, mv.ord, mv.period),
       CAST(julianday(mv.posted) - 2440587.5 AS INTEGER), mv.kind, mv.amount,
       SUM(mv.amount) OVER (PARTITION BY ac.id ORDER BY mv.posted, mv.ord, mv.period
                            ROWS UNBOUNDED PRECEDING),
       mv.counterparty,
       CAST(substr(mv.posted, 1, 4) AS INTEGER) * 12 + CAST(substr(mv.posted, 6, 2) AS INTEGER)
       - 1 - (mv.period / 100 * 12 + mv.period % 100 - 1)
FROM moves mv JOIN account ac ON ac.person_id = mv.person_id AND ac.kind = 'medical'
ORDER BY ac.id, mv.posted, mv.ord, mv.period
"""

# Benefits (schema v8) over the window. A retiree's pension from the month after the last month
# insured: a basic part (the average wage of the retirement year, raised by the person's wage
# level, 1 % per year insured) and the pension account's balance / 139, raised 3 % a year since,
# at least the minimum;
# paid on the 10th into an account held masked. An unemployed (suspended) person's benefit for
# 3 to 24 months (one per year insured) from the second month after the last one insured.
_BANK = "substr('6217622262286214', (p.person_id % 4) * 4 + 1, 4)"
_ACCOUNT = f"{_BANK} || '********' || printf('%04d', (p.person_id * 7919 + :seed) % 10000)"
_PAID = "printf('%04d-%02d-10', m.period / 100, m.period % 100)"
PENSION_PAYMENTS_SQL = f"""
INSERT INTO demo_benefit (person_id, period, kind, amount_fen, paid_date, account_masked)
SELECT p.person_id, m.period, {BenefitKind.PENSION.value},
       MAX({v.MINIMUM_PENSION_FEN},
           (w.avg_fen * (1000 + p.wage_pm) / 2000 * (p.stop_idx - p.first_idx + 1) / 1200
            + COALESCE(a.balance_fen, 0) / 139) * (100 + 3 * (m.year - p.retired_from / 12))
           / 100),
       MIN({_PAID}, :as_of), {_ACCOUNT}
FROM demo_person p
JOIN demo_wage w ON w.year = p.retired_from / 12
JOIN demo_month m ON m.idx >= p.retired_from
LEFT JOIN account a ON a.person_id = p.person_id AND a.kind = 'pension'
WHERE p.status = 'retired' AND p.person_id BETWEEN :lo AND :hi
ORDER BY p.person_id, m.period
"""
UNEMPLOYMENT_SQL = f"""
INSERT INTO demo_benefit (person_id, period, kind, amount_fen, paid_date, account_masked)
SELECT p.person_id, m.period, {BenefitKind.UNEMPLOYMENT.value}, {v.UNEMPLOYMENT_BENEFIT_FEN},
       MIN({_PAID}, :as_of), {_ACCOUNT}
FROM demo_person p
JOIN demo_month m ON m.idx BETWEEN p.stop_idx + 2
     AND p.stop_idx + 1 + MIN(24, MAX(3, (p.stop_idx - p.first_idx + 1) / 12))
WHERE p.status = 'suspended' AND p.stop_idx - p.first_idx >= 11
  AND p.person_id BETWEEN :lo AND :hi
ORDER BY p.person_id, m.period
"""
# A retiree's yearly eligibility check, for the last three years: on a day of the year drawn
# from the person and the year, through one of the channels; one year in twenty is missed, and
# this year's check may lie ahead (due).
_C = "((p.person_id * 2654435761 + w.year * 40503 + :seed * 97) % 1000003)"
_CHECKED = f"date(printf('%04d-01-01', w.year), '+' || ({_C} % 300) || ' days')"
PENSION_CHECKS_SQL = f"""
INSERT INTO pension_check (person_id, year, checked_date, channel, next_due)
SELECT p.person_id, w.year, {_CHECKED},
       CASE {_C} % 10 WHEN 0 THEN 'counter' WHEN 1 THEN 'counter' WHEN 6 THEN 'online'
            WHEN 7 THEN 'online' WHEN 8 THEN 'community' WHEN 9 THEN 'data' ELSE 'app' END,
       date({_CHECKED}, '+365 days')
FROM demo_person p
JOIN demo_wage w ON w.year BETWEEN MAX(p.retired_from / 12 + 1, :this_year - 2) AND :this_year
WHERE p.status = 'retired' AND p.person_id BETWEEN :lo AND :hi
  AND {_C} % 20 != 0 AND {_CHECKED} <= :as_of
ORDER BY p.person_id, w.year
"""

PACKED_YEARS_SQL = pack_from_wide(WIDE_YEARS_SQL)
BENEFIT_RUNS_SQL = benefit_runs.runs_from("temp.demo_benefit")
CLEAR_BENEFITS_SQL = "DELETE FROM temp.demo_benefit"


def fill_reference_tables(conn: sqlite3.Connection, as_of: date, window_first: int) -> None:
    """Wages, interest, window months, rates and places: the small tables the SQL joins."""
    for statement in TEMP_TABLES.split(";"):
        if statement.strip():
            conn.execute(statement)  # not executescript: that would commit the transaction
    conn.executemany(
        "INSERT INTO demo_wage VALUES (?, ?, ?, ?, ?)",
        [
            (
                year,
                v.average_wage(year),
                clamp_base(0, v.average_wage(year)),
                clamp_base(10**12, v.average_wage(year)),
                v.pension_interest_bp(year),
            )
            for year in range(1985, as_of.year + 1)
        ],
    )
    months = []
    for idx in range(window_first, month_index(as_of)):
        start = month_start(idx)
        posted = min(month_start(idx + 1) + timedelta(days=14), as_of)
        months.append((idx, start.year * 100 + start.month, start.year, posted.isoformat()))
    conn.executemany("INSERT INTO demo_month VALUES (?, ?, ?, ?)", months)
    conn.executemany(
        "INSERT INTO demo_rate VALUES (?, ?, ?)",
        [(ins, emp or 0, pers) for ins, (emp, pers) in DEMO_RATES_BP.items()],
    )
    places = list(v.HOSPITALS) + list(v.PHARMACIES) * 2  # pharmacies are visited more often
    conn.executemany(
        "INSERT OR IGNORE INTO counterparty (name) VALUES (?)", [(name,) for name in places]
    )
    conn.executemany(
        "INSERT INTO demo_place VALUES (?, ?, (SELECT id FROM counterparty WHERE name = ?))",
        [(n, name, name) for n, name in enumerate(places)],
    )
