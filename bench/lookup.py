"""Lookup benchmark: the counter's service lookups against raw sqlite3, on a generated district.

Run it as a module from the project root:

    python -m bench.lookup [--persons N] [--lookups K] [--seed S] [--keep DIR] [--json]

1. A demo district of N persons (default 200,000) is generated into a new temporary office home
   (removed at the end), or into DIR with --keep (reused if DIR already holds a complete demo of
   exactly N persons). The generation is timed and its DemoReport printed.
2. Keys are drawn with a fixed seed: K existing ID numbers and K existing card numbers (random
   rowids resolved with SQL, so memory stays bounded at any size), in shuffled order, plus about
   5 % valid-looking numbers that are not in the register. Another 500 existing keys per kind
   warm the caches first; those calls are not counted. Name searches look up the surnames, full
   names and given names of random persons of the register (at least 1,000 per kind).
3. Every single call is timed with time.perf_counter_ns. Each service call is paired with its raw
   sqlite3 baseline on the same key, alternating which of the two runs first, so that both see
   the same cache state. The raw baselines run the very SQL text of models.people,
   models.overview and models.sync_status (imported, not copied) on a separate sqlite3
   connection, without validation and without building objects.
4. A table (and with --json, a JSON document on stdout; the table then goes to stderr) gives
   median, p90, p99 and max in microseconds, the service/raw ratios, and the min-max of the
   medians and p99s of --rounds consecutive rounds of each series; a p99 of fewer than 1,000
   calls is named by its rank ("the 4th worst of 333"). The end says whether
   each service lookup met the goal at this size.

Exit status: 0 after a complete run (whether or not the goal was met); 2 for a usage or
environment problem (not enough free disk, a --keep folder holding another register); 130 if
interrupted.

This module holds the SQL under test, the measurements and the command line; the rest of the
benchmark is in bench.stats (timing, statistics), bench.district (the office home and its
generation), bench.keys (drawing the keys), bench.report (the printed report) and
bench.errors (BenchError).
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

from bench.district import prepare_home
from bench.errors import BenchError, exit_status
from bench.keys import WARMUP_CALLS, KeyDraw
from bench.report import GOAL_TEXT, environment, generation_text, goal_text, table_text
from bench.stats import DEFAULT_ROUNDS, Measurement, guarded, round_spread, run_pairs, summarise
from bench.stats import P99_MIN_SAMPLES as P99_CALLS
from models import overview as overview_module
from models import people as people_module
from models.actor import Actor
from models.clock import this_month
from models.db import PRAGMAS, close_register
from models.home import setting
from models.lookup import KeyKind, open_overview
from models.overview import RECENT_ENTRIES, Overview, month_window, person_overview
from models.people import PersonSummary, find_by_card, find_by_ssn, search_by_name
from models.schema import db
from models.sync_status import FRESHNESS_SQL, HEADQUARTERS, freshness

DEFAULT_PERSONS = 200_000
DEFAULT_LOOKUPS = 20_000
DEFAULT_SEED = 1

ABSENT_SHARE = 0.05  # share of valid-looking keys that are not in the register
NAME_LIMIT = 50  # search_by_name's default limit, used by the raw baseline too
NAME_STEPS = ("_BY_NAME_EXACT", "_BY_NAME_PREFIX", "_BY_NAME_FROM_2", "_BY_NAME_FROM_3")

# Name searches, each kind drawn from the names of random persons of the register (seeded), so a
# series looks up many different names as a counter does, not one name hundreds of times:
# (kind, what it exercises, how a person's name gives the search text).
NAME_KINDS: tuple[tuple[str, str, Callable[[str], str]], ...] = (
    ("surname", "1-char surname: name index prefix", lambda name: name[:1]),
    ("full name", "exact + prefix, then given-name indexes", lambda name: name),
    (
        "given name",
        "given name without the surname: given-name indexes (substr 2 and 3)",
        lambda name: name[1:] if len(name) > 1 else name,
    ),
)


# -- the SQL under test -----------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceSql:
    """The SQL text the service modules run, imported from them so the baselines run the same."""

    person_columns: str
    by_ssn: str
    by_card: str
    cards: str
    enrolments: str
    months: str
    years: str
    accounts: str
    entries: str

    @classmethod
    def load(cls) -> ServiceSql:
        """Read the module-level SQL constants of models.people and models.overview."""
        return cls(
            person_columns=_constant(people_module, "_PERSON_COLUMNS"),
            by_ssn=_constant(people_module, "_BY_SSN"),
            by_card=_constant(people_module, "_BY_CARD"),
            cards=_constant(overview_module, "_CARDS"),
            enrolments=_constant(overview_module, "_ENROLMENTS"),
            months=_constant(overview_module, "_MONTHS"),
            years=_constant(overview_module, "_YEARS"),
            accounts=_constant(overview_module, "_ACCOUNTS"),
            entries=_constant(overview_module, "_ENTRIES"),
        )


def _constant(module: ModuleType, name: str) -> str:
    value = getattr(module, name, None)
    if not isinstance(value, str):
        raise BenchError(
            2,
            f"{module.__name__}.{name} (SQL text used by the raw baseline) no longer exists: "
            "update bench/lookup.py to the module's current SQL constants",
        )
    return value


# -- the benchmark ------------------------------------------------------------------------------


class LookupBench:
    """Draws the keys and runs each measurement against a raw sqlite3 connection."""

    def __init__(
        self,
        path: Path,
        seed: int,
        lookups: int,
        today: date,
        say: Callable[[str], None],
        rounds: int = DEFAULT_ROUNDS,
    ) -> None:
        """Open the raw connection (same cache size as the service's) on the register at path.

        Each series is reported whole and cut into `rounds` consecutive rounds for its spread.
        """
        self.sql = ServiceSql.load()
        self.seed = seed
        self.rounds = rounds
        self.lookups = lookups
        self.absent = max(1, round(lookups * ABSENT_SHARE))
        self.today = today
        self.say = say
        self.window = month_window(today)
        self.raw = sqlite3.connect(str(path), isolation_level=None)
        self.raw.execute(f"PRAGMA cache_size = {PRAGMAS['cache_size']}")
        self.raw.execute(f"PRAGMA temp_store = {PRAGMAS['temp_store']}")
        self.actor = Actor.tool("bench")
        self.keys = KeyDraw(self.raw, seed, today)
        self.results: list[Measurement] = []

    def close(self) -> None:
        """Close the raw connection."""
        self.raw.close()

    def measure(
        self,
        name: str,
        labels: tuple[str, str],
        keys: Sequence[Any],
        warmup: int,
        calls: tuple[Callable[[Any], Any], Callable[[Any], Any]],
        agree: Callable[[Any, Any], bool],
        goal: str,
        **details: Any,
    ) -> Measurement:
        """Run one paired measurement and keep its result."""
        self.say(f"Measuring {name}: {len(keys) - warmup:,} calls each (+{warmup:,} warm-up) ...")
        started = time.perf_counter()
        service_ns, baseline_ns, mismatches, errors = run_pairs(
            keys, warmup, guarded(calls[0]), calls[1], agree
        )
        result = Measurement(
            name=name,
            service_label=labels[0],
            baseline_label=labels[1],
            service=summarise(service_ns),
            baseline=summarise(baseline_ns),
            checked=len(service_ns),
            mismatches=mismatches,
            errors=errors,
            seconds=round(time.perf_counter() - started, 2),
            goal=goal,
            details=details,
            service_rounds=round_spread(service_ns, self.rounds),
            baseline_rounds=round_spread(baseline_ns, self.rounds),
        )
        self.results.append(result)
        return result

    def by_ssn(self) -> None:
        """find_by_ssn against the same SELECT on the raw connection."""
        rng = self.keys.rng("ssn")
        rows = self.keys.draw(
            "person", "SELECT p.id, p.ssn FROM person p WHERE p.id", self.total, rng
        )
        keys, warm = self.keys.stream(
            [r[1] for r in rows], self.keys.absent_ssns(self.absent, rng), rng
        )
        by_ssn = self.sql.by_ssn
        raw = self.raw

        def agree(got: PersonSummary | None, row: tuple | None) -> bool:
            return (got is None and row is None) or (
                got is not None and row is not None and got.id == row[0]
            )

        self.measure(
            "find_by_ssn",
            ("service", "raw: same SELECT"),
            keys,
            warm,
            (find_by_ssn, lambda key: raw.execute(by_ssn, (key,)).fetchone()),
            agree,
            "full",
            absent_keys=self.absent,
        )

    def by_card(self) -> None:
        """find_by_card against the same card-person join on the raw connection."""
        rng = self.keys.rng("card")
        rows = self.keys.draw(
            "card", "SELECT c.id, c.card_no FROM card c WHERE c.id", self.total, rng
        )
        keys, warm = self.keys.stream(
            [r[1] for r in rows], self.keys.absent_cards(self.absent, rng), rng
        )
        by_card = self.sql.by_card
        raw = self.raw

        def agree(got: Any, row: tuple | None) -> bool:
            return (got is None and row is None) or (
                got is not None
                and row is not None
                and (got.person.id, got.card_no) == (row[0], row[10])
            )

        self.measure(
            "find_by_card",
            ("service", "raw: same JOIN"),
            keys,
            warm,
            (find_by_card, lambda key: raw.execute(by_card, (key,)).fetchone()),
            agree,
            "full",
            absent_keys=self.absent,
        )

    def raw_overview(self, person_id: int) -> int:
        """The overview's SQL (and freshness's reads) in one read transaction; rows fetched.

        The yearly summary rows are fetched but not counted, so that the count can be compared
        with the service's cards + enrolments + months + accounts + entries.
        """
        sql, execute = self.sql, self.raw.execute
        start, end = self.window
        execute("BEGIN")
        rows = len(execute(sql.cards, (person_id,)).fetchall())
        rows += len(execute(sql.enrolments, (person_id,)).fetchall())
        rows += len(execute(sql.months, (person_id, start, end)).fetchall())
        execute(sql.years, (person_id,)).fetchall()
        accounts = execute(sql.accounts, (person_id,)).fetchall()
        rows += len(accounts)
        for account in accounts:
            rows += len(execute(sql.entries, (account[0], RECENT_ENTRIES)).fetchall())
        execute(FRESHNESS_SQL, (HEADQUARTERS,)).fetchall()
        execute("COMMIT")
        return rows

    def persons(self, kind: str) -> list[PersonSummary]:
        """Random persons (as the service's PersonSummary, built before any timing)."""
        rng = self.keys.rng(kind)
        rows = self.keys.draw(
            "person", f"SELECT {self.sql.person_columns} FROM person p WHERE p.id", self.total, rng
        )
        return [PersonSummary.from_row(row) for row in rows]

    def overview(self) -> None:
        """person_overview (read only) against its SQL statements on the raw connection."""
        persons = self.persons("overview")
        today = self.today

        fetched: list[int] = []

        def agree(got: Overview, rows: int) -> bool:
            fetched.append(rows)
            return rows == (
                len(got.cards)
                + len(got.enrolments)
                + len(got.months)
                + len(got.accounts)
                + sum(len(a.recent_entries) for a in got.accounts)
            )

        result = self.measure(
            "person_overview",
            ("service, read only", "raw: same statements"),
            persons,
            WARMUP_CALLS,
            (lambda p: person_overview(p, today), lambda p: self.raw_overview(p.id)),
            agree,
            "full",
            raw_includes="the 7 overview statements + the freshness statement, one BEGIN..COMMIT",
        )
        if fetched:
            result.details["mean_rows_fetched"] = round(statistics.fmean(fetched), 1)

    def logged(self) -> None:
        """open_overview (find + overview + audit row, fsync) against the read-only path."""
        persons = self.persons("logged")
        today, actor = self.today, self.actor

        def logged_lookup(ssn: str) -> Overview:
            return open_overview(KeyKind.ID_NUMBER, ssn, actor, today)

        def read_only(ssn: str) -> Overview | None:
            person = find_by_ssn(ssn)
            return person_overview(person, today) if person else None

        def agree(got: Overview, base: Overview | None) -> bool:
            return base is not None and got.person.id == base.person.id

        self.measure(
            "open_overview",
            ("service, audit + fsync", "read-only find+overview"),
            [p.ssn for p in persons],
            WARMUP_CALLS,
            (logged_lookup, read_only),
            agree,
            "p99",
            synchronous=db.execute_sql("PRAGMA synchronous").fetchone()[0],
        )

    def freshness(self) -> None:
        """Diagnostic: models.sync_status.freshness() (part of every overview) against raw."""
        execute = self.raw.execute

        def raw_freshness(_key: int) -> int:
            execute(FRESHNESS_SQL, (HEADQUARTERS,)).fetchall()
            return 0

        self.measure(
            "freshness (diagnostic)",
            ("service (in overview)", "raw: same statement"),
            range(self.total),
            WARMUP_CALLS,
            (lambda _key: freshness(), raw_freshness),
            lambda _got, _base: True,
            "none",
        )

    def names(self) -> None:
        """search_by_name for each term against its statements run raw, rows deduplicated."""
        calls = max(P99_CALLS, self.lookups // 20)  # enough calls for a p99
        execute = self.raw.execute
        steps = [_constant(people_module, name) for name in NAME_STEPS]

        def raw_search(term: str) -> list[tuple]:
            upper = term + "\U0010ffff"
            found: dict[int, tuple] = {}
            for index, statement in enumerate(steps):
                if len(found) >= NAME_LIMIT:
                    break
                # no birth year, no district: the service's two (? IS NULL OR ...) filters get
                # (None, None) each
                narrowing = (None,) * 4
                args = (
                    (term, *narrowing, NAME_LIMIT)
                    if index == 0
                    else (term, upper, *narrowing, NAME_LIMIT)
                )
                for row in execute(statement, args).fetchall():
                    if len(found) < NAME_LIMIT:
                        found.setdefault(row[0], row)
            return list(found.values())

        rng = self.keys.rng("name")
        rows = self.keys.draw(
            "person", "SELECT p.id, p.name FROM person p WHERE p.id", calls * 4, rng
        )
        names = [r[1] for r in rows]
        warm_names = names[: calls // 2]  # other persons than the measured ones
        self.say(f"Warming up the name searches: {len(warm_names)} drawn names per kind")
        for _kind, _what, term_of in NAME_KINDS:
            for name in warm_names:
                search_by_name(term_of(name), NAME_LIMIT)
                raw_search(term_of(name))
        for offset, (kind, what, term_of) in enumerate(NAME_KINDS):
            start = calls // 2 + offset * calls
            terms = [term_of(name) for name in names[start : start + calls]]
            counts = [len(search_by_name(t, NAME_LIMIT)) for t in terms[:50]]
            self.measure(
                f"search_by_name, {kind}",
                ("service", "raw: same 4 statements"),
                terms,
                0,
                (lambda t: search_by_name(t, NAME_LIMIT), raw_search),
                lambda got, rows: len(got) == len(rows),
                "full",
                kind=kind,
                exercises=what,
                distinct_terms=len(set(terms)),
                median_results_first_50=statistics.median(counts) if counts else 0,
            )

    @property
    def total(self) -> int:
        """Existing keys drawn per kind: the measured ones and the warm-up ones."""
        return self.lookups + WARMUP_CALLS

    def run_all(self) -> list[Measurement]:
        """Every measurement, in order."""
        gc_note = "gc enabled" if gc.isenabled() else "gc disabled"
        self.say(f"Keys: seed {self.seed}, {gc_note}; overview window {self.window}.")
        self.by_ssn()
        self.by_card()
        self.overview()
        self.logged()
        self.freshness()
        self.names()
        return self.results


# -- command line -------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.lookup",
        description="Time the counter's lookups (service layer vs raw sqlite3) on a generated "
        "demo district.",
    )
    parser.add_argument(
        "--persons", type=int, default=DEFAULT_PERSONS, help="district size (default 200,000)"
    )
    parser.add_argument(
        "--lookups", type=int, default=DEFAULT_LOOKUPS, help="keys per kind (default 20,000)"
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="seed of the district and of the keys"
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="office home to generate into and keep (reused if it holds a complete demo of "
        "--persons persons); note that open_overview adds audit rows to it",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=DEFAULT_ROUNDS,
        help="rounds each series is cut into for its spread (default 3)",
    )
    parser.add_argument(
        "--json", action="store_true", help="JSON on stdout (the table then goes to stderr)"
    )
    args = parser.parse_args(argv)
    if args.persons < 1 or args.lookups < 1 or args.rounds < 1:
        parser.error("--persons and --lookups must be at least 1")
    return args


@exit_status("bench.lookup")
def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    args = parse_args(argv)
    human: TextIO = sys.stderr if args.json else sys.stdout

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    temp_dir: Path | None = None
    bench: LookupBench | None = None
    try:
        home, temp_dir, generation = prepare_home(args, say)
        as_of = setting("demo_as_of")
        today = date.fromisoformat(as_of) if as_of else this_month()
        bench = LookupBench(home.register_path, args.seed, args.lookups, today, say, args.rounds)
        started = time.perf_counter()
        results = bench.run_all()
        elapsed = time.perf_counter() - started
        env = environment()
        print("", file=human)
        for line in generation_text(generation, home.register_path):
            print(line, file=human)
        print(
            f"Environment: Python {env['python']}, SQLite {env['sqlite']}, peewee "
            f"{env['peewee']}, {env['cpus']} CPUs, {env['platform']}; register "
            f"journal_mode={env['journal_mode']} synchronous={env['synchronous']}; "
            f"measurements took {elapsed:.0f} s",
            file=human,
        )
        print("", file=human)
        table = table_text(
            results,
            generation.persons,
            args.lookups,
            bench.absent,
            warmup=WARMUP_CALLS,
            absent_share=ABSENT_SHARE,
        )
        print(table, file=human)
        print("", file=human)
        print(goal_text(results, generation.persons), file=human)
        if any(r.mismatches or r.errors for r in results):
            print(
                "WARNING: the service and its baseline disagreed on some keys (see above).",
                file=human,
            )
        if args.json:
            document = {
                "benchmark": "bench.lookup",
                "goal": GOAL_TEXT,
                "parameters": {
                    "persons": args.persons,
                    "lookups": args.lookups,
                    "absent_keys": bench.absent,
                    "warmup_calls": WARMUP_CALLS,
                    "seed": args.seed,
                    "rounds": args.rounds,
                    "today": today.isoformat(),
                    "home": str(home.path),
                    "kept": bool(args.keep),
                },
                "environment": env,
                "generation": generation.as_json(),
                "measurements_seconds": round(elapsed, 2),
                "measurements": [r.as_json() for r in results],
            }
            json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
            print()
        return 0
    finally:
        if bench is not None:
            bench.close()
        close_register()
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
