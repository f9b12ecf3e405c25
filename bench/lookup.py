"""Lookup benchmark: the counter's service lookups against raw sqlite3, on a generated district.

Run it as a module from the project root:

    python -m bench.lookup [--persons N] [--lookups K] [--seed S] [--keep DIR] [--json]

1. A demo district of N persons (default 200,000) is generated into a new temporary office home
   (removed at the end), or into DIR with --keep (reused if DIR already holds a complete demo of
   exactly N persons). The generation is timed and its DemoReport printed.
2. Keys are drawn with a fixed seed: K existing ID numbers and K existing card numbers (random
   rowids resolved with SQL, so memory stays bounded at any size), in shuffled order, plus about
   5 % valid-looking numbers that are not in the register. Another 500 existing keys per kind
   warm the caches first; those calls are not counted.
3. Every single call is timed with time.perf_counter_ns. Each service call is paired with its raw
   sqlite3 baseline on the same key, alternating which of the two runs first, so that both see
   the same cache state. The raw baselines run the very SQL text of models.people and
   models.overview (imported, not copied) on a separate sqlite3 connection, without validation
   and without building objects.
4. A table (and with --json, a JSON document on stdout; the table then goes to stderr) gives
   median, p90, p99 and max in microseconds, and the service/raw ratios. The end says whether
   each service lookup met the goal at this size.

Exit status: 0 after a complete run (whether or not the goal was met); 2 for a usage or
environment problem (not enough free disk, a --keep folder holding another register); 130 if
interrupted.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

import peewee

from models import overview as overview_module
from models import people as people_module
from models.actor import Actor
from models.db import PRAGMAS, close_register
from models.demo.generator import DemoParams, DemoReport, generate
from models.errors import RegisterError
from models.home import REGISTER_FILE, OfficeHome, setting
from models.idnumber import make_id_number
from models.lookup import KeyKind, open_overview
from models.overview import RECENT_ENTRIES, Overview, month_window, person_overview
from models.people import PersonSummary, find_by_card, find_by_ssn, search_by_name
from models.schema import db
from models.sync_status import FRESHNESS_SQL, HEADQUARTERS, freshness

GOAL_TEXT = "goal: p99 < 2 ms at 1,000,000 persons and within 3x of raw sqlite3"
GOAL_P99_US = 2_000.0
GOAL_RATIO = 3.0
GOAL_PERSONS = 1_000_000

DEFAULT_PERSONS = 200_000
DEFAULT_LOOKUPS = 20_000
DEFAULT_SEED = 1
DISTRICT = "370102"
OFFICE_NAME = "历下区性能测试中心"

WARMUP_CALLS = 500  # per kind, not counted
ABSENT_SHARE = 0.05  # share of valid-looking keys that are not in the register
NAME_LIMIT = 50  # search_by_name's default limit, used by the raw baseline too
NAME_STEPS = ("_BY_NAME_EXACT", "_BY_NAME_PREFIX", "_BY_NAME_FROM_2", "_BY_NAME_FROM_3")
IN_CHUNK = 500  # rowids per `WHERE id IN (...)` when resolving the sampled rowids

# Disk needed to generate: measured about 12.6 KB per person in register.db (20,000 persons:
# 252 MB), plus the write-ahead log, which holds a whole 20,000-person chunk before it can be
# checkpointed. 16 KB per person plus 1 GiB leaves room for both.
BYTES_PER_PERSON = 16 * 1024
DISK_MARGIN_BYTES = 1 << 30

# Name searches: (query, what it exercises). 晓 and 建国 never start a name (no such surname),
# so they are found by the steps that look from the 2nd and 3rd character (expression indexes).
NAME_TERMS: tuple[tuple[str, str], ...] = (
    ("王", "1-char surname: name index prefix"),
    ("刘", "1-char surname: name index prefix"),
    ("张伟", "2-char full name: exact + prefix, then given-name indexes"),
    ("李娜", "2-char full name: exact + prefix, then given-name indexes"),
    ("晓", "given-name char, never first: given-name indexes"),
    ("建国", "2-char given name, never first: given-name indexes"),
)


class BenchError(Exception):
    """A usage or environment problem: the message says what to do, the code is the exit code."""

    def __init__(self, code: int, message: str) -> None:
        """Keep the exit code with the message."""
        super().__init__(message)
        self.code = code


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


# -- statistics -------------------------------------------------------------------------------


def summarise(samples_ns: Sequence[int]) -> dict[str, float]:
    """Count, median, p90, p99, max and mean of call times, in microseconds (nearest rank)."""
    ordered = sorted(samples_ns)
    n = len(ordered)
    if n == 0:
        return {"n": 0}

    def rank(p: float) -> float:
        return ordered[min(n - 1, max(0, math.ceil(p * n) - 1))] / 1_000

    return {
        "n": n,
        "median_us": statistics.median(ordered) / 1_000,
        "p90_us": rank(0.90),
        "p99_us": rank(0.99),
        "max_us": ordered[-1] / 1_000,
        "mean_us": statistics.fmean(ordered) / 1_000,
    }


@dataclass
class Measurement:
    """One service call measured against its baseline on the same keys."""

    name: str
    service_label: str
    baseline_label: str
    service: dict[str, float]
    baseline: dict[str, float]
    checked: int
    mismatches: int
    errors: int
    seconds: float
    goal: str  # "full" (p99 and 3x of raw), "p99" (p99 only) or "none" (diagnostic)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def median_ratio(self) -> float:
        """Service median / baseline median."""
        return self.service["median_us"] / self.baseline["median_us"]

    @property
    def p99_ratio(self) -> float:
        """Service p99 / baseline p99."""
        return self.service["p99_us"] / self.baseline["p99_us"]

    def verdict(self) -> dict[str, Any] | None:
        """Whether the service call met the goal at this size (None for diagnostics)."""
        if self.goal == "none":
            return None
        p99_ok = self.service["p99_us"] < GOAL_P99_US
        ratio_ok = None
        if self.goal == "full":
            ratio_ok = self.median_ratio <= GOAL_RATIO and self.p99_ratio <= GOAL_RATIO
        met = p99_ok and ratio_ok is not False
        return {"p99_under_2ms": p99_ok, "within_3x_of_raw": ratio_ok, "met": met}

    def as_json(self) -> dict[str, Any]:
        """All figures of this measurement."""
        data = asdict(self)
        data["median_ratio"] = round(self.median_ratio, 3)
        data["p99_ratio"] = round(self.p99_ratio, 3)
        data["verdict"] = self.verdict()
        return data


def run_pairs(
    keys: Sequence[Any],
    warmup: int,
    service: Callable[[Any], Any],
    baseline: Callable[[Any], Any],
    agree: Callable[[Any, Any], bool],
) -> tuple[list[int], list[int], int, int]:
    """Call service and baseline once per key, alternating which goes first; time each call.

    The first `warmup` keys are not counted. Returns (service ns, baseline ns, mismatches,
    errors); a mismatch is a key on which the two disagree (checked outside the timed calls),
    an error a service call that raised.
    """
    clock = time.perf_counter_ns
    service_ns: list[int] = []
    baseline_ns: list[int] = []
    mismatches = errors = 0
    for i, key in enumerate(keys):
        if i % 2:
            t0 = clock()
            base = baseline(key)
            t1 = clock()
            got = service(key)
            t2 = clock()
            base_t, service_t = t1 - t0, t2 - t1
        else:
            t0 = clock()
            got = service(key)
            t1 = clock()
            base = baseline(key)
            t2 = clock()
            service_t, base_t = t1 - t0, t2 - t1
        if i < warmup:
            continue
        service_ns.append(service_t)
        baseline_ns.append(base_t)
        if isinstance(got, Exception):
            errors += 1
        elif not agree(got, base):
            mismatches += 1
    return service_ns, baseline_ns, mismatches, errors


def guarded(call: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The call, returning (instead of raising) the service's own errors, so a run completes."""

    def wrapper(key: Any) -> Any:
        try:
            return call(key)
        except (ValueError, RegisterError) as exc:
            return exc

    return wrapper


# -- the office home and the district ---------------------------------------------------------


@dataclass
class Generation:
    """How the district came to be: generated now (with its report) or reused from --keep."""

    reused: bool
    persons: int
    seed: str | None
    as_of: str | None
    wall_seconds: float | None = None
    report: DemoReport | None = None
    db_bytes_after_generation: int | None = None
    wal_bytes_after_generation: int | None = None
    db_bytes: int = 0
    disk_estimate_bytes: int | None = None

    def as_json(self) -> dict[str, Any]:
        """All figures, with the report flattened and persons per second added."""
        data = asdict(self)
        if self.report is not None:
            total = self.report.seconds.get("total") or 0.0
            data["persons_per_second"] = round(self.report.persons / total, 1) if total else None
            data["seconds_other"] = round(total - _phase_sum(self.report), 2)
        return data


def _phase_sum(report: DemoReport) -> float:
    return sum(s for phase, s in report.seconds.items() if phase != "total")


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def check_disk(target: Path, persons: int) -> tuple[int, int, Path]:
    """(bytes needed, bytes free, folder checked) for generating `persons` into `target`.

    Raises BenchError (exit 2) when the free space is below the estimate.
    """
    probe = target
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    need = persons * BYTES_PER_PERSON + DISK_MARGIN_BYTES
    if free < need:
        raise BenchError(
            2,
            f"not enough free disk to generate {persons:,} persons at {probe}: about "
            f"{need / 1e9:.1f} GB needed ({BYTES_PER_PERSON // 1024} KB per person for the "
            f"register and its write-ahead log, plus {DISK_MARGIN_BYTES >> 30} GiB), only "
            f"{free / 1e9:.1f} GB free. Use fewer --persons, or --keep DIR on a larger disk "
            "(or set TMPDIR)",
        )
    return need, free, probe


def prepare_home(
    args: argparse.Namespace, say: Callable[[str], None]
) -> tuple[OfficeHome, Path | None, Generation]:
    """Open the office home to measure: reused from --keep, or generated now.

    Returns the home, the temporary folder to remove at the end (None with --keep) and how the
    district came to be.
    """
    temp_dir: Path | None = None
    if args.keep:
        home = OfficeHome(Path(args.keep).expanduser().absolute())
        if home.exists():
            home.open()
            state = setting("demo_state")
            count = db.execute_sql("SELECT count(*) FROM person").fetchone()[0]
            if state == "complete" and count == args.persons:
                seed = setting("demo_seed")
                say(f"Reusing the demo district in {home.path} ({count:,} persons, seed {seed}).")
                if seed != str(args.seed):
                    say(f"  note: it was generated with seed {seed}; keys are drawn with --seed.")
                generation = Generation(True, count, seed, setting("demo_as_of"))
                generation.db_bytes = _file_size(home.register_path)
                return home, None, generation
            close_register()
            raise BenchError(
                2,
                f"{home.register_path} already exists but is not a complete demo district of "
                f"{args.persons:,} persons (demo_state={state!r}, {count:,} persons); it was "
                "left untouched: choose another --keep folder, or --persons to match",
            )
        need, free, probe = check_disk(home.path, args.persons)
    else:
        need, free, probe = check_disk(Path(tempfile.gettempdir()), args.persons)
        temp_dir = Path(tempfile.mkdtemp(prefix="counterdesk-bench-"))
        home = OfficeHome(temp_dir / "home")
    say(
        f"Disk: about {need / 1e9:.1f} GB needed for {args.persons:,} persons "
        f"({BYTES_PER_PERSON // 1024} KB per person + {DISK_MARGIN_BYTES >> 30} GiB), "
        f"{free / 1e9:.1f} GB free at {probe}."
    )
    say(f"Generating {args.persons:,} persons (seed {args.seed}) into {home.path} ...")
    as_of = date.today().replace(day=1)
    started = time.perf_counter()
    home.create(DISTRICT, OFFICE_NAME)
    report = generate(
        DemoParams(args.persons, args.seed, DISTRICT, as_of),
        progress=lambda message: say(f"  {message}"),
    )
    wall = time.perf_counter() - started
    generation = Generation(
        False,
        report.persons,
        str(args.seed),
        as_of.isoformat(),
        wall_seconds=round(wall, 2),
        report=report,
        db_bytes_after_generation=_file_size(home.register_path),
        wal_bytes_after_generation=_file_size(home.register_path.with_name(REGISTER_FILE + "-wal")),
        disk_estimate_bytes=need,
    )
    # Start the measurements from a clean file: the WAL holds up to a whole generation chunk.
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    generation.db_bytes = _file_size(home.register_path)
    return home, temp_dir, generation


# -- the benchmark ------------------------------------------------------------------------------


class LookupBench:
    """Draws the keys and runs each measurement against a raw sqlite3 connection."""

    def __init__(
        self, path: Path, seed: int, lookups: int, today: date, say: Callable[[str], None]
    ) -> None:
        """Open the raw connection (same cache size as the service's) on the register at path."""
        self.sql = ServiceSql.load()
        self.seed = seed
        self.lookups = lookups
        self.absent = max(1, round(lookups * ABSENT_SHARE))
        self.today = today
        self.say = say
        self.window = month_window(today)
        self.raw = sqlite3.connect(str(path), isolation_level=None)
        self.raw.execute(f"PRAGMA cache_size = {PRAGMAS['cache_size']}")
        self.raw.execute(f"PRAGMA temp_store = {PRAGMAS['temp_store']}")
        self.actor = Actor.command_line()
        self.results: list[Measurement] = []

    def close(self) -> None:
        """Close the raw connection."""
        self.raw.close()

    # -- keys -------------------------------------------------------------------------------

    def rng(self, kind: str) -> random.Random:
        """A random generator of its own per kind of key, so each draw is reproducible."""
        return random.Random(f"bench.lookup:{self.seed}:{kind}")

    def draw(self, table: str, select: str, k: int, rng: random.Random) -> list[tuple]:
        """k random rows of `table`, in random order, without loading the whole table.

        Random rowids between min(id) and max(id) are resolved with `select` (which must take
        `WHERE <alias>.id IN (...)` appended and return the id first). Rows are distinct when the
        table has at least k of them; otherwise they repeat.
        """
        lo, hi, count = self.raw.execute(
            f"SELECT min(id), max(id), count(*) FROM {table}"
        ).fetchone()
        if not count:
            raise BenchError(2, f"the register has no {table} rows to look up")
        distinct = k <= count
        rows: list[tuple] = []
        taken: set[int] = set()
        for _round in range(10_000):
            need = k - len(rows)
            if need <= 0:
                break
            wanted = [rng.randint(lo, hi) for _ in range(need)]
            if distinct:
                wanted = [i for i in dict.fromkeys(wanted) if i not in taken]
            found: dict[int, tuple] = {}
            unique = list(dict.fromkeys(wanted))
            for start in range(0, len(unique), IN_CHUNK):
                chunk = unique[start : start + IN_CHUNK]
                marks = ", ".join("?" * len(chunk))
                for row in self.raw.execute(f"{select} IN ({marks})", chunk):
                    found[row[0]] = row
            for i in wanted:
                if i in found and len(rows) < k:
                    rows.append(found[i])
                    taken.add(i)
        else:
            raise BenchError(2, f"could not draw {k:,} rows of {table} (too sparse)")
        rng.shuffle(rows)
        return rows

    def absent_ssns(self, n: int, rng: random.Random) -> list[str]:
        """n valid ID numbers (right region, real birth date, check digit) not in the register."""
        found: list[str] = []
        seen: set[str] = set()
        while len(found) < n:
            birth = date(rng.randint(1936, self.today.year - 18), rng.randint(1, 12), 1)
            birth = birth.replace(day=rng.randint(1, 28))
            ssn = make_id_number(DISTRICT, birth, rng.randrange(1000))
            if ssn in seen:
                continue
            seen.add(ssn)
            if self.raw.execute("SELECT 1 FROM person WHERE ssn = ?", (ssn,)).fetchone() is None:
                found.append(ssn)
        return found

    def absent_cards(self, n: int, rng: random.Random) -> list[str]:
        """n card numbers of the register's format (a letter and 8 digits) that are not in it."""
        found: list[str] = []
        seen: set[str] = set()
        while len(found) < n:
            number = f"{chr(65 + rng.randrange(26))}{rng.randrange(10**8):08d}"
            if number in seen:
                continue
            seen.add(number)
            row = self.raw.execute("SELECT 1 FROM card WHERE card_no = ?", (number,)).fetchone()
            if row is None:
                found.append(number)
        return found

    def stream(
        self, present: list[Any], absent: list[Any], rng: random.Random
    ) -> tuple[list[Any], int]:
        """(keys, warm-up count): WARMUP_CALLS present keys, then the rest mixed with the absent.

        The warm-up keys are not among the measured ones.
        """
        warm = present[:WARMUP_CALLS]
        measured = present[WARMUP_CALLS:] + absent
        rng.shuffle(measured)
        return warm + measured, len(warm)

    # -- measurements -----------------------------------------------------------------------

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
        )
        self.results.append(result)
        return result

    def by_ssn(self) -> None:
        """find_by_ssn against the same SELECT on the raw connection."""
        rng = self.rng("ssn")
        rows = self.draw("person", "SELECT p.id, p.ssn FROM person p WHERE p.id", self.total, rng)
        keys, warm = self.stream([r[1] for r in rows], self.absent_ssns(self.absent, rng), rng)
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
        rng = self.rng("card")
        rows = self.draw("card", "SELECT c.id, c.card_no FROM card c WHERE c.id", self.total, rng)
        keys, warm = self.stream([r[1] for r in rows], self.absent_cards(self.absent, rng), rng)
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
        rng = self.rng(kind)
        rows = self.draw(
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
        calls = max(100, self.lookups // 20)
        execute = self.raw.execute
        steps = [_constant(people_module, name) for name in NAME_STEPS]

        def raw_like(term: str) -> list[tuple]:
            upper = term + "\U0010ffff"
            found: dict[int, tuple] = {}
            for index, statement in enumerate(steps):
                if len(found) >= NAME_LIMIT:
                    break
                args = (term, NAME_LIMIT) if index == 0 else (term, upper, NAME_LIMIT)
                for row in execute(statement, args).fetchall():
                    if len(found) < NAME_LIMIT:
                        found.setdefault(row[0], row)
            return list(found.values())

        self.say(f"Warming up the name searches: {WARMUP_CALLS} calls over {len(NAME_TERMS)} terms")
        for i in range(WARMUP_CALLS):
            term = NAME_TERMS[i % len(NAME_TERMS)][0]
            search_by_name(term, NAME_LIMIT)
            raw_like(term)
        for term, what in NAME_TERMS:
            found = len(search_by_name(term, NAME_LIMIT))
            self.measure(
                f"search_by_name {term}",
                ("service", "raw: same 4 statements"),
                [term] * calls,
                0,
                (lambda t: search_by_name(t, NAME_LIMIT), raw_like),
                lambda got, rows: len(got) == len(rows),
                "full",
                term=term,
                exercises=what,
                results=found,
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


# -- output -------------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _us(value: float) -> str:
    return f"{value:,.1f}" if value < 10_000 else f"{value:,.0f}"


def generation_text(generation: Generation, path: Path) -> list[str]:
    """The generation part of the printed report."""
    if generation.reused:
        return [
            f"District: reused {path} ({generation.persons:,} persons, seed {generation.seed}, "
            f"as of {generation.as_of}); register {generation.db_bytes / 1e6:,.1f} MB.",
        ]
    report = generation.report
    assert report is not None
    seconds = report.seconds
    total = seconds.get("total", 0.0)
    phases = ", ".join(f"{k} {v:.2f} s" for k, v in seconds.items() if k != "total")
    per_person = generation.db_bytes / max(1, report.persons)
    return [
        f"Generation ({generation.persons:,} persons, seed {generation.seed}, as of "
        f"{generation.as_of}): {total:.2f} s in generate() ({generation.wall_seconds:.2f} s "
        "with creating the home)",
        f"  rows: {report.persons:,} persons, {report.employers:,} employers, "
        f"{report.cards:,} cards, {report.contributions:,} monthly contributions, "
        f"{report.yearly_summaries:,} yearly summaries, {report.account_entries:,} account "
        "entries",
        f"  phases: {phases}, other (Python rows, ANALYZE, counts) "
        f"{total - _phase_sum(report):.2f} s",
        f"  speed: {report.persons / total:,.0f} persons/s" if total else "  speed: n/a",
        f"  database: {generation.db_bytes / 1e6:,.1f} MB ({per_person / 1024:.1f} KB per "
        f"person); right after generate(): register.db "
        f"{(generation.db_bytes_after_generation or 0) / 1e6:,.1f} MB + WAL "
        f"{(generation.wal_bytes_after_generation or 0) / 1e6:,.1f} MB (checkpointed before "
        "measuring)",
    ]


def table_text(results: Sequence[Measurement], persons: int, lookups: int, absent: int) -> str:
    """The results table: a service line and a baseline line per measurement."""
    name_w = max(_width(r.name) for r in results) + 2
    label_w = max(_width(x) for r in results for x in (r.service_label, r.baseline_label)) + 2
    head = (
        _pad("measurement", name_w)
        + _pad("", label_w)
        + f"{'calls':>8} {'median':>9} {'p90':>9} {'p99':>9} {'max':>9}"
        + f" {'med/base':>9} {'p99/base':>9}"
    )
    lines = [
        f"Lookups on {persons:,} persons: {lookups:,} keys per kind (+{absent:,} absent, "
        f"{ABSENT_SHARE:.0%}), {WARMUP_CALLS} warm-up calls per kind not counted; "
        "times in microseconds",
        head,
        "-" * _width(head),
    ]
    for r in results:
        for i, (label, stats) in enumerate(
            ((r.service_label, r.service), (r.baseline_label, r.baseline))
        ):
            line = (
                _pad(r.name if i == 0 else "", name_w)
                + _pad(label, label_w)
                + f"{stats['n']:>8,} {_us(stats['median_us']):>9} {_us(stats['p90_us']):>9} "
                f"{_us(stats['p99_us']):>9} {_us(stats['max_us']):>9}"
            )
            if i == 0:
                line += f" {r.median_ratio:>8.2f}x {r.p99_ratio:>8.2f}x"
                if r.mismatches or r.errors:
                    line += f"  ({r.mismatches} mismatches, {r.errors} errors!)"
            lines.append(line)
    return "\n".join(lines)


def goal_text(results: Sequence[Measurement], persons: int) -> str:
    """The goal and, for every service lookup, whether it was met at this size."""
    size_note = (
        ""
        if persons >= GOAL_PERSONS
        else f" (the goal is set at {GOAL_PERSONS:,}: run --persons {GOAL_PERSONS} to judge it)"
    )
    lines = [GOAL_TEXT, f"at {persons:,} persons{size_note}:"]
    name_w = max(_width(r.name) for r in results) + 2
    for r in results:
        verdict = r.verdict()
        if verdict is None:
            continue
        p99 = r.service["p99_us"]
        parts = [f"p99 {_us(p99)} us {'<' if verdict['p99_under_2ms'] else '>='} 2 ms"]
        if verdict["within_3x_of_raw"] is None:
            parts.append("3x of raw: n/a (its baseline is the read-only service path)")
        else:
            ok = "yes" if verdict["within_3x_of_raw"] else "NO"
            parts.append(
                f"within 3x of raw: {ok} (median {r.median_ratio:.2f}x, p99 {r.p99_ratio:.2f}x)"
            )
        status = "met" if verdict["met"] else "NOT MET"
        lines.append(f"  {_pad(r.name, name_w)}{status:<8} {'; '.join(parts)}")
    return "\n".join(lines)


def environment() -> dict[str, Any]:
    """Where the figures were measured."""
    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "peewee": peewee.__version__,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "journal_mode": db.execute_sql("PRAGMA journal_mode").fetchone()[0],
        "synchronous": db.execute_sql("PRAGMA synchronous").fetchone()[0],
        "cache_size": PRAGMAS["cache_size"],
    }


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
        "--json", action="store_true", help="JSON on stdout (the table then goes to stderr)"
    )
    args = parser.parse_args(argv)
    if args.persons < 1 or args.lookups < 1:
        parser.error("--persons and --lookups must be at least 1")
    return args


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
        today = date.fromisoformat(as_of) if as_of else date.today().replace(day=1)
        bench = LookupBench(home.register_path, args.seed, args.lookups, today, say)
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
        print(table_text(results, generation.persons, args.lookups, bench.absent), file=human)
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
    except BenchError as exc:
        print(f"bench.lookup: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("bench.lookup: interrupted", file=sys.stderr)
        return 130
    finally:
        if bench is not None:
            bench.close()
        close_register()
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
