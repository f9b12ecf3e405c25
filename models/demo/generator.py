"""Fill an empty register with a deterministic demo district (`counterdesk demo`)."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from models.clock import this_month, utc_now
from models.demo import expand
from models.demo.people import (
    DEMO_STAFF_PASSWORD,
    Batch,
    PeopleMaker,
    month_index,
    month_start,
)
from models.errors import InvalidRequest
from models.overview import WINDOW_MONTHS
from models.schema import (
    AccountEntryRow,
    Card,
    Contribution,
    OfficeSetting,
    PensionCheck,
    Person,
    db,
)
from models.staff import hash_password

CHUNK = 20_000


@dataclass(frozen=True)
class DemoParams:
    """What to generate: how many people, from which seed, for which district and month."""

    persons: int
    seed: int
    district: str = "370102"
    as_of: date = field(default_factory=this_month)
    chunk: int = CHUNK  # people per transaction


@dataclass
class DemoReport:
    """What was generated and how long each phase took (seconds)."""

    persons: int = 0
    employers: int = 0
    cards: int = 0
    contributions: int = 0
    yearly_summaries: int = 0
    account_entries: int = 0
    benefit_payments: int = 0
    pension_checks: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)  # seconds per statement


def generate(params: DemoParams, progress: Callable[[str], None] | None = None) -> DemoReport:
    """Generate the district into the open, empty register.

    Each chunk of people is one transaction. The register is marked "demo incomplete" until
    the last chunk commits, so an interrupted run is recognisable and is refused next time.
    """
    say = progress or (lambda _msg: None)
    if params.persons < 1:
        raise InvalidRequest("the demo district needs at least one person")
    if Person.select().exists():
        raise InvalidRequest(
            "this register already holds people; the demo fills only an empty register "
            "(create a new home with `counterdesk --home DIR init`)"
        )
    as_of = params.as_of.replace(day=1)
    window_first = month_index(as_of) - WINDOW_MONTHS
    maker = PeopleMaker(params.seed, params.district, as_of, max(5, params.persons // 40))
    conn = db.connection()
    conn.execute("PRAGMA synchronous = NORMAL")  # regenerable data: no fsync per chunk
    try:
        return _generate(params, maker, conn, as_of, window_first, say)
    finally:
        conn.execute("PRAGMA synchronous = FULL")


def _generate(
    params: DemoParams,
    maker: PeopleMaker,
    conn: sqlite3.Connection,
    as_of: date,
    window_first: int,
    say: Callable[[str], None],
) -> DemoReport:
    """The chunks, then the staff roster, samples and settings."""
    report = DemoReport()
    clock = time.perf_counter()
    with db.atomic():
        OfficeSetting.replace(key="demo_state", value="incomplete").execute()
        expand.fill_reference_tables(conn, as_of, window_first)
        employers = maker.employer_rows()
        conn.executemany("INSERT INTO employer VALUES (?, ?, ?, ?, ?)", employers)
        report.employers = len(employers)
    phases = {"people": 0.0, "months": 0.0, "years": 0.0, "accounts": 0.0, "benefits": 0.0}
    args = {
        "window_first": window_first,
        "last_month": month_index(as_of) - 1,
        "this_year": as_of.year,
        "as_of": as_of.isoformat(),
        "seed": params.seed,
        "window_period": month_start(window_first).year * 100 + month_start(window_first).month,
        "window_start": month_start(window_first).isoformat(),
        "now": utc_now().isoformat(timespec="microseconds"),
    }
    steps: dict[str, float] = {}

    def run(phase: str, name: str, sql: str, bound: dict) -> None:
        t = time.perf_counter()
        conn.execute(sql, bound)
        spent = time.perf_counter() - t
        phases[phase] += spent
        steps[name] = steps.get(name, 0.0) + spent

    next_entry = 0  # the last account entry id given
    for batch in maker.batches(params.persons, params.chunk):
        lo, hi = batch.persons[0][0], batch.persons[-1][0]
        bounds = {**args, "lo": lo, "hi": hi}
        with db.atomic():
            t = time.perf_counter()
            _insert_people(conn, batch)
            phases["people"] += time.perf_counter() - t
            run("months", "enrolment", expand.ENROLMENT_SQL, bounds)
            # the runs first: the accounts read their months (the view `demo_contribution`)
            run("months", "runs", expand.RUNS_SQL, bounds)
            run("years", "years", expand.YEARS_SQL, bounds)
            run("accounts", "accounts", expand.ACCOUNTS_SQL, bounds)
            # entry ids in the order the entries are written, chunk after chunk
            # (changes(): a cursor's rowcount is -1 for a statement that starts with WITH)
            run("accounts", "pension", expand.PENSION_SQL, {**bounds, "entry_base": next_entry})
            next_entry += conn.execute("SELECT changes()").fetchone()[0]
            run("accounts", "medical", expand.MEDICAL_SQL, {**bounds, "entry_base": next_entry})
            next_entry += conn.execute("SELECT changes()").fetchone()[0]
            run("accounts", "balances", expand.BALANCES_SQL, bounds)
            run("benefits", "pension payments", expand.PENSION_PAYMENTS_SQL, bounds)
            run("benefits", "unemployment", expand.UNEMPLOYMENT_SQL, bounds)
            run("benefits", "pension checks", expand.PENSION_CHECKS_SQL, bounds)
            run("benefits", "benefit runs", expand.BENEFIT_RUNS_SQL, {})
            run("benefits", "clear benefits", expand.CLEAR_BENEFITS_SQL, {})
            run("years", "wide", expand.WIDE_SQL, {})
            run("years", "clear years", expand.CLEAR_YEARS_SQL, {})
        say(f"{hi:,} of {params.persons:,} people")
    with db.atomic():
        _insert_staff(maker)
        samples = demo_samples()
        for key, value in (
            ("demo_state", "complete"),
            ("demo_seed", str(params.seed)),
            ("demo_as_of", as_of.isoformat()),
            ("demo_generated_at", utc_now().isoformat()),
            ("demo_samples", json.dumps(samples, ensure_ascii=False)),
        ):
            OfficeSetting.replace(key=key, value=value).execute()
    t = time.perf_counter()
    conn.execute("ANALYZE")
    steps["analyze"] = time.perf_counter() - t
    report.steps = {k: round(s, 2) for k, s in steps.items()}
    report.seconds = {k: round(s, 2) for k, s in phases.items()}
    report.seconds["total"] = round(time.perf_counter() - clock, 2)
    report.persons = Person.select().count()
    report.cards = Card.select().count()
    report.contributions = Contribution.select().count()
    report.yearly_summaries = conn.execute("SELECT count(*) FROM contribution_year").fetchone()[0]
    report.account_entries = AccountEntryRow.select().count()
    report.benefit_payments = db.execute_sql("SELECT count(*) FROM benefit_payment").fetchone()[0]
    report.pension_checks = PensionCheck.select().count()
    return report


def _insert_people(conn: sqlite3.Connection, batch: Batch) -> None:
    conn.executemany(
        "INSERT INTO person (id, ssn, name, gender, birth_date, ethnicity, region_code, phone, "
        "address, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*row[:4], row[4].isoformat(), *row[5:], utc_now().isoformat()) for row in batch.persons],
    )
    conn.executemany(
        "INSERT INTO temp.demo_person VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*r[:9], r[9].isoformat() if r[9] else None, *r[10:]) for r in batch.demo],
    )
    conn.executemany(
        "INSERT INTO card (id, card_no, identifier, person_id, generation, region_code, "
        "issue_date, expiry_date, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*r[:6], r[6].isoformat(), r[7].isoformat(), r[8]) for r in batch.cards],
    )
    conn.executemany(
        "UPDATE card SET replaced_by_id = ? WHERE id = ?",
        [(new, old) for old, new in batch.replaced],
    )


def _insert_staff(maker: PeopleMaker) -> None:
    # Every demo account signs in with DEMO_STAFF_PASSWORD. The password is public, so one
    # argon2id hash serves the whole roster (hashing costs about 0.1 s each). The roster is this
    # office's own (origin 'local'); a username taken already (the first admin of `init`) keeps
    # its account. Headquarters' demo (hq/demo.py) loads the same roster for the whole city.
    hashed = hash_password(DEMO_STAFF_PASSWORD)
    now = utc_now().isoformat(timespec="microseconds")
    db.connection().executemany(
        "INSERT OR IGNORE INTO staff_user (username, display_name, role, password_hash, active, "
        "created_at, updated_at, origin, failed_attempts) VALUES (?, ?, ?, ?, 1, ?, ?, 'local', 0)",
        [(*row, hashed, now, now) for row in maker.staff_rows()],
    )


def demo_samples() -> list[dict[str, str]]:
    """A few people worth showing: an ordinary contributor, arrears, a retiree, a lost card."""
    picks = {
        "contributor": "p.status = 'insured' AND c.status = 'active' AND NOT EXISTS (SELECT 1 "
        "FROM contribution x WHERE x.person_id = p.id AND x.status = 2)",
        "arrears": "c.status = 'active' AND EXISTS (SELECT 1 FROM contribution x "
        "WHERE x.person_id = p.id AND x.status = 2)",
        "retiree": "p.status = 'retired' AND c.status = 'active'",
        "lost card": "c.status = 'lost'",
    }
    samples = []
    for label, condition in picks.items():
        row = db.execute_sql(
            f"SELECT p.name, c.card_no FROM person p JOIN card c ON c.person_id = p.id "
            f"WHERE {condition} ORDER BY p.id LIMIT 1"
        ).fetchone()
        if row:
            samples.append({"label": label, "name": row[0], "card_no": row[1]})
    return samples


__all__ = ["DemoParams", "DemoReport", "generate"]
