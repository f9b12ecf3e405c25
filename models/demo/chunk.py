"""One chunk of the demo district: its people, then their months, years, accounts and benefits.

The same steps run in the generating process and in the process of the second half
(`models.demo.halves`); the caller holds the transaction.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from typing import Any

from models.demo import entries, expand
from models.demo.people import Batch

PHASES = ("people", "months", "years", "accounts", "benefits")


@dataclass
class Timer:
    """Seconds spent per phase and per statement."""

    phases: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PHASES, 0.0))
    steps: dict[str, float] = field(default_factory=dict)

    def run(self, conn: sqlite3.Connection, phase: str, name: str, sql: str, bound: Any) -> None:
        """Execute one statement and count its time under `phase` and `name`."""
        t = time.perf_counter()
        conn.execute(sql, bound)
        self.add(phase, name, time.perf_counter() - t)

    def add(self, phase: str, name: str, seconds: float) -> None:
        """Count `seconds` under `phase` and `name`."""
        self.phases[phase] = self.phases.get(phase, 0.0) + seconds
        self.steps[name] = self.steps.get(name, 0.0) + seconds

    def merge(self, other: Timer) -> None:
        """Add another process's seconds to these."""
        for phase, seconds in other.phases.items():
            self.phases[phase] = self.phases.get(phase, 0.0) + seconds
        for name, seconds in other.steps.items():
            self.steps[name] = self.steps.get(name, 0.0) + seconds


def write_chunk(
    conn: sqlite3.Connection, batch: Batch, args: dict[str, Any], next_entry: int, timer: Timer
) -> int:
    """Write one chunk of people and everything of theirs; returns the last account entry id
    given (entry ids follow the order the entries are written, chunk after chunk)."""
    bounds = {**args, "lo": batch.persons[0][0], "hi": batch.persons[-1][0]}
    t = time.perf_counter()
    insert_people(conn, batch, args["now"])
    timer.add("people", "people", time.perf_counter() - t)
    timer.run(conn, "months", "enrolment", expand.ENROLMENT_SQL, bounds)
    # the runs first: the accounts read their months (the view `demo_contribution`)
    timer.run(conn, "months", "runs", expand.RUNS_SQL, bounds)
    timer.run(conn, "accounts", "accounts", expand.ACCOUNTS_SQL, bounds)
    t = time.perf_counter()
    pension, medical = entries.write_entries(conn, bounds, next_entry)
    next_entry += pension + medical
    timer.add("accounts", "account entries", time.perf_counter() - t)
    timer.run(conn, "benefits", "pension payments", expand.PENSION_PAYMENTS_SQL, bounds)
    timer.run(conn, "benefits", "unemployment", expand.UNEMPLOYMENT_SQL, bounds)
    timer.run(conn, "benefits", "pension checks", expand.PENSION_CHECKS_SQL, bounds)
    timer.run(conn, "benefits", "benefit runs", expand.BENEFIT_RUNS_SQL, {})
    timer.run(conn, "benefits", "clear benefits", expand.CLEAR_BENEFITS_SQL, {})
    timer.run(conn, "years", "packed years", expand.PACKED_YEARS_SQL, bounds)
    return next_entry


def insert_people(conn: sqlite3.Connection, batch: Batch, now: str) -> None:
    """The chunk's persons and cards, and its persons' parameters (`demo_person`)."""
    conn.executemany(
        "INSERT INTO person (id, ssn, name, gender, birth_date, ethnicity, region_code, phone, "
        "address, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*row[:4], row[4].isoformat(), *row[5:], now) for row in batch.persons],
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
