"""City-scale benchmark: does a district's work at headquarters cost the same whatever the other
districts hold?

Run it as a module from the project root:

    python -m bench.cityscale [--persons N] [--others 0,8] [--other-districts 4] [--rounds 3]
                              [--lookups 300] [--seed S] [--json]

On one throwaway PostgreSQL cluster (initdb + pg_ctl, as the tests start it), one database per
entry of `--others`: district A (370104) of N persons, and `--other-districts` other districts
(two with codes below A's, the rest above, so that A's ids lie between theirs) holding
N x factor persons together. Then one month's contribution is posted at headquarters for every
person of the city, in a seeded random order, in transactions of 2,000 persons, so that A's
feed changes are spread through the feed as a live city's would be (`hq.register.upsert_rows`,
each transaction appending its changes). Then, in this process, against the database, A's
office's work is timed call by call (`time.perf_counter`), `--rounds` times:

* bootstrap: every person page of A (`hq.bootstrap.person_page`, the protocol's default page
  of 500 persons with all their rows) from the start to `done`, and the employer phase
  (`employer_page`: city-wide by design);
* feed: A's change feed from seq 0 to the head (`hq.feed.pull`, pages of 1,000);
* lookups: `hq.persons.read_person` by ID number and by card number of random persons of A
  (the office's person lookup, its access-log row included).

Each statement these calls run is recorded once and shown with `EXPLAIN (ANALYZE, BUFFERS)`;
any `Seq Scan` on a table of the register is flagged, and so is every node that removed rows
with a filter (rows read and thrown away: the cost that grows with the other districts).
The table gives, per database, the median time per page / call and the ratio to the first
database's; the sizes (`pg_total_relation_size` per table, per person) come last.

Exit status: 0 after a complete run; 2 for a usage or environment problem; 130 if interrupted.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bench.errors import BenchError
from bench.hqdb import AS_OF, pg_sizes, postgres, say, seed_city
from hq import bootstrap, feed, persons, register, store
from hq.routes import FastJSONResponse

DISTRICT = "370104"  # A: 槐荫区
OTHER_CODES = ("370102", "370103", "370105", "370112", "370113", "370114", "370115", "370116")
NEW_PERIOD = 202611  # the month after the demo's window
CHUNK = 2_000  # persons per transaction when posting the month
REGISTER_TABLES = (
    "person",
    "employer",
    "enrolment",
    "card",
    "contribution",
    "contribution_year",
    "account",
    "account_entry",
    "benefit_payment",
    "pension_check",
    "query_credential",
    "feed_change",
    "access_log",
)
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")
REMOVED = re.compile(r"Rows Removed by (?:Filter|Index Recheck): (\d+)")


@dataclass
class Plan:
    """One statement's plan, as EXPLAIN (ANALYZE, BUFFERS) gave it."""

    label: str
    sql: str
    text: str

    @property
    def seq_scans(self) -> list[str]:
        """Tables of the register read by a sequential scan."""
        return [t for t in SEQ_SCAN.findall(self.text) if t in REGISTER_TABLES]

    @property
    def rows_removed(self) -> int:
        """Rows read and thrown away by filters, over every node."""
        return sum(int(n) for n in REMOVED.findall(self.text))


@dataclass
class CityResult:
    """One database: A of N persons beside others of N x factor."""

    factor: int
    persons: dict[str, int]
    seed_s: float = 0.0
    changes: dict[str, int] = field(default_factory=dict)
    times: dict[str, list[float]] = field(default_factory=dict)  # seconds per page / call
    pages: dict[str, int] = field(default_factory=dict)
    plans: list[Plan] = field(default_factory=list)
    sizes: dict[str, dict[str, int]] = field(default_factory=dict)
    wire: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("bootstrap_json_bytes", "bootstrap_gzip_bytes", "bootstrap_rows"), 0
        )
    )
    wire_counted: bool = False

    @property
    def total_persons(self) -> int:
        """Persons of the whole city."""
        return sum(self.persons.values())

    def median_ms(self, kind: str) -> float:
        """Median time of one page / call of this kind, in milliseconds."""
        values = self.times.get(kind) or [0.0]
        return statistics.median(values) * 1000

    def p90_ms(self, kind: str) -> float:
        """90th percentile (nearest rank) in milliseconds."""
        values = sorted(self.times.get(kind) or [0.0])
        return values[min(len(values) - 1, max(0, -(-9 * len(values) // 10) - 1))] * 1000

    def as_json(self) -> dict[str, Any]:
        """All figures."""
        return {
            "factor": self.factor,
            "persons": self.persons,
            "seed_s": round(self.seed_s, 1),
            "changes": self.changes,
            "pages": self.pages,
            "median_ms": {k: round(self.median_ms(k), 3) for k in self.times},
            "p90_ms": {k: round(self.p90_ms(k), 3) for k in self.times},
            "calls": {k: len(v) for k, v in self.times.items()},
            "plans": [
                {
                    "label": p.label,
                    "seq_scans": p.seq_scans,
                    "rows_removed": p.rows_removed,
                    "plan": p.text,
                }
                for p in self.plans
            ],
            "sizes": self.sizes,
            "wire": self.wire,
        }


# -- setting the city up (not timed) ----------------------------------------------------------


def city(persons: int, factor: int, others: int) -> dict[str, int]:
    """{district: persons}: A of `persons`, and `others` districts sharing persons x factor."""
    layout = {DISTRICT: persons}
    if factor == 0:
        return layout
    share, rest = divmod(persons * factor, others)
    for i, code in enumerate(OTHER_CODES[:others]):
        layout[code] = share + (1 if i < rest else 0)
    return layout


def post_month(seed_number: int, months: int = 1) -> dict[str, int]:
    """Post `months` months' contribution for every person (from NEW_PERIOD on), each month in a
    seeded random order of persons, CHUNK persons per transaction (the register connected);
    the changes per district."""
    rows = store.execute("SELECT id, district FROM person ORDER BY id").fetchall()
    draw = random.Random(seed_number)
    counts: dict[str, int] = {}
    now = datetime(2026, 12, 1, 8, tzinfo=UTC)
    for month in range(months):
        year, index = divmod(NEW_PERIOD % 100 - 1 + month, 12)
        period = (NEW_PERIOD // 100 + year) * 100 + index + 1
        draw.shuffle(rows)
        for start in range(0, len(rows), CHUNK):
            part = rows[start : start + CHUNK]
            register.upsert_rows(
                "contribution",
                [
                    [pid, period, 2, None, 600_000, 48_000, 12_000, 1, AS_OF.isoformat()]
                    for pid, _d in part
                ],
                now=now,
            )
            for _pid, district in part:
                counts[district] = counts.get(district, 0) + 1
    store.execute("ANALYZE")
    return counts


# -- recording the statements -----------------------------------------------------------------


@contextmanager
def recorded(into: dict[str, tuple[str, tuple[Any, ...]]], label: str) -> Iterator[None]:
    """Record the statements run through hq.store.execute (first of each text) under `label`."""
    original = store.execute

    def execute(text: str, params: Sequence[Any] = ()) -> Any:
        key = f"{label}: {text[:60]}"
        into.setdefault(key, (text, tuple(params)))
        return original(text, params)

    store.execute = execute  # type: ignore[assignment]
    try:
        yield
    finally:
        store.execute = original  # type: ignore[assignment]


def explain(statements: dict[str, tuple[str, tuple[Any, ...]]]) -> list[Plan]:
    """EXPLAIN (ANALYZE, BUFFERS) of each recorded statement (read-only ones only)."""
    plans = []
    for label, (text, params) in statements.items():
        if not text.lstrip().upper().startswith("SELECT"):
            continue
        rows = store.execute("EXPLAIN (ANALYZE, BUFFERS) " + text, params).fetchall()
        plans.append(Plan(label, text, "\n".join(r[0] for r in rows)))
    return plans


# -- timing -----------------------------------------------------------------------------------


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds taken by one call, and its result."""
    began = time.perf_counter()
    value = call()
    return time.perf_counter() - began, value


def walk_bootstrap(result: CityResult, statements: dict[str, tuple[str, tuple[Any, ...]]]) -> None:
    """Every person page of A from the start, and the employer phase."""
    after, pages = 0, 0
    while True:
        label = "bootstrap person page"
        with store.session(), recorded(statements, label):
            seconds, page = timed(lambda a=after: bootstrap.person_page([DISTRICT], a))
        result.times.setdefault("bootstrap person page", []).append(seconds)
        if not result.wire_counted:
            body = FastJSONResponse({"tables": page.tables}).body
            result.wire["bootstrap_json_bytes"] += len(body)
            result.wire["bootstrap_gzip_bytes"] += len(gzip.compress(body, 6))
            result.wire["bootstrap_rows"] += sum(len(t["rows"]) for t in page.tables.values())
        pages += 1
        after = page.next
        if page.done:
            break
    result.pages["bootstrap person pages"] = pages
    result.wire_counted = True
    after, pages = 0, 0
    while True:
        with store.session(), recorded(statements, "employer page"):
            seconds, page = timed(lambda a=after: bootstrap.employer_page(a))
        result.times.setdefault("bootstrap employer page", []).append(seconds)
        pages += 1
        after = page.next
        if page.done:
            break
    result.pages["bootstrap employer pages"] = pages


def walk_feed(result: CityResult, statements: dict[str, tuple[str, tuple[Any, ...]]]) -> None:
    """A's change feed from the start to the head."""
    after, pages = 0, 0
    while True:
        with store.session(), recorded(statements, "feed page"):
            seconds, page = timed(lambda a=after: feed.pull([DISTRICT], a))
        result.times.setdefault("feed page", []).append(seconds)
        pages += 1
        after = page.next
        if not page.more:
            break
    result.pages["feed pages"] = pages


def lookups(
    result: CityResult,
    count: int,
    seed_number: int,
    statements: dict[str, tuple[str, tuple[Any, ...]]],
) -> None:
    """read_person by ID number and by card of `count` random persons of A."""
    with store.session():
        ssns = [
            r[0]
            for r in store.execute(
                "SELECT ssn FROM person WHERE district = ? ORDER BY id", (DISTRICT,)
            ).fetchall()
        ]
        cards = [
            r[0]
            for r in store.execute(
                "SELECT c.card_no FROM card c JOIN person p ON p.id = c.person_id "
                "WHERE p.district = ? ORDER BY c.id",
                (DISTRICT,),
            ).fetchall()
        ]
    draw = random.Random(seed_number)
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    for kind, values in ((persons.KeyKind.SSN, ssns), (persons.KeyKind.CARD, cards)):
        chosen = [draw.choice(values) for _ in range(count)]
        for i, value in enumerate(chosen):
            with (
                store.session(),
                recorded(statements, f"lookup {kind.value}") if i == 0 else _nothing(),
            ):
                seconds, _ = timed(
                    lambda v=value, k=kind: persons.read_person(k, v, None, "bench", now)
                )
            result.times.setdefault(f"lookup by {kind.value}", []).append(seconds)


@contextmanager
def _nothing() -> Iterator[None]:
    yield


@contextmanager
def connected(url: str) -> Iterator[None]:
    """Headquarters' store connected to `url` for the block."""
    store.connect(url)
    try:
        yield
    finally:
        store.close()


@contextmanager
def without_seqscan() -> Iterator[None]:
    """A transaction (and connection) with sequential scans disabled: the planner takes an
    index wherever one serves the statement."""
    with store.session(), store.read_snapshot():
        store.execute("SET LOCAL enable_seqscan = off")
        yield


def walk_indexed_bootstrap(result: CityResult) -> None:
    """Every person page of A with sequential scans disabled (the index paths' cost)."""
    after = 0
    while True:
        with without_seqscan():
            seconds, page = timed(lambda a=after: bootstrap.person_page([DISTRICT], a))
        result.times.setdefault("bootstrap person page, enable_seqscan=off", []).append(seconds)
        after = page.next
        if page.done:
            break


def measure(cities: Sequence[tuple[str, CityResult]], args: argparse.Namespace) -> None:
    """Post the month in every database, then time A's work round by round, the databases
    taking turns in each round (so that the machine's other load falls on both alike), then
    the plans and sizes."""
    statements: dict[int, dict[str, tuple[str, tuple[Any, ...]]]] = {}
    for url, result in cities:
        with connected(url):
            say(f"x{result.factor}: posting {args.months} months, {result.total_persons:,} persons")
            result.changes = post_month(args.seed, args.months)
        statements[result.factor] = {}
    for r in range(args.rounds):
        turn = cities if r % 2 == 0 else cities[::-1]
        for url, result in turn:
            say(f"x{result.factor}: round {r + 1}")
            with connected(url):
                walk_bootstrap(result, statements[result.factor])
                walk_indexed_bootstrap(result)
                walk_feed(result, statements[result.factor])
                lookups(result, args.lookups, args.seed + r, statements[result.factor])
    for url, result in cities:
        with connected(url), store.session():
            result.plans = explain(statements[result.factor])
            result.sizes = pg_sizes()


def run(args: argparse.Namespace) -> list[CityResult]:
    """One database per factor on one cluster."""
    cities = []
    with postgres() as server:
        for factor in args.others:
            layout = city(args.persons, factor, args.other_districts)
            result = CityResult(factor, layout)
            url = server.create_database(f"city_x{factor}")
            result.seed_s = seed_city(url, layout, args.seed)
            cities.append((url, result))
        measure(cities, args)
    return [result for _url, result in cities]


# -- the report -------------------------------------------------------------------------------


def report(results: Sequence[CityResult]) -> str:
    """Times side by side, the plans' findings and the sizes per person."""
    first = results[0]
    head = " | ".join(
        f"x{r.factor}: {r.total_persons:,} persons (A {r.persons[DISTRICT]:,})" for r in results
    )
    lines = [
        f"District {DISTRICT} (A) beside other districts holding 0x-{results[-1].factor}x its "
        "persons; median ms per page / call (p90), ratio to the first",
        "",
        f"| A's work | {head} |",
        "|---|" + "---|" * len(results),
    ]
    for kind in first.times:
        cells = []
        for r in results:
            ratio = r.median_ms(kind) / first.median_ms(kind) if first.median_ms(kind) else 0.0
            cells.append(
                f"{r.median_ms(kind):.2f} ({r.p90_ms(kind):.2f}), {ratio:.2f}x, "
                f"{len(r.times[kind])} calls"
            )
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    lines.append("")
    for r in results:
        lines.append(f"x{r.factor} pages: {r.pages}; changes posted: {r.changes}")
        flagged = [p for p in r.plans if p.seq_scans or p.rows_removed]
        for p in flagged:
            scans = f"SEQ SCAN on {', '.join(p.seq_scans)}" if p.seq_scans else "no seq scan"
            lines.append(f"  {p.label}: {scans}; rows removed by filters: {p.rows_removed:,}")
        lines.append(
            f"  {len(r.plans) - len(flagged)} other statements: indexes only, no row filtered out"
        )
    for r in results:
        a = r.persons[DISTRICT]
        lines.append(
            f"x{r.factor}: A's bootstrap person pages: {r.wire['bootstrap_rows']:,} rows, "
            f"{r.wire['bootstrap_json_bytes'] / a:,.0f} bytes of JSON per person "
            f"({r.wire['bootstrap_gzip_bytes'] / a:,.0f} gzipped at level 6)"
        )
    lines += [
        "",
        "| table | " + " | ".join(f"x{r.factor} rows, bytes/person" for r in results) + " |",
    ]
    lines.append("|---|" + "---|" * len(results))
    for table in REGISTER_TABLES:
        cells = []
        for r in results:
            s = r.sizes.get(table, {"rows": 0, "total_bytes": 0})
            cells.append(f"{s['rows']:,}, {s['total_bytes'] / r.total_persons:,.0f}")
        lines.append(f"| {table} | " + " | ".join(cells) + " |")
    cells = []
    for r in results:
        total = sum(s["total_bytes"] for s in r.sizes.values())
        cells.append(
            f"{sum(s['rows'] for s in r.sizes.values()):,}, {total / r.total_persons:,.0f}"
        )
    lines.append("| every table | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(
        prog="python -m bench.cityscale", description=__doc__.split("\n")[0]
    )
    p.add_argument("--persons", type=int, default=2_000, help="persons of district A")
    p.add_argument("--others", default="0,8", help="the others' persons as multiples of A's")
    p.add_argument("--other-districts", type=int, default=4, help=f"1-{len(OTHER_CODES)}")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--months", type=int, default=3, help="months posted for everyone (feed)")
    p.add_argument("--lookups", type=int, default=300, help="lookups per kind and round")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true", help="JSON on stdout, the table on stderr")
    args = p.parse_args(argv)
    try:
        args.others = [int(x) for x in args.others.split(",") if x.strip()]
    except ValueError:
        p.error("--others takes whole numbers, e.g. 0,8")
    if not args.others or min(args.others) < 0:
        p.error("--others takes whole numbers of 0 or more")
    if not 1 <= args.other_districts <= len(OTHER_CODES):
        p.error(f"--other-districts takes 1-{len(OTHER_CODES)}")
    if min(args.persons, args.rounds, args.lookups, args.months) < 1:
        p.error("every count must be 1 or more")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; the exit status."""
    args = parse_args(argv)
    try:
        results = run(args)
    except BenchError as exc:
        say(str(exc))
        return exc.code
    except KeyboardInterrupt:
        return 130
    table = report(results)
    if args.json:
        say(table)
        print(json.dumps([r.as_json() for r in results], indent=2, ensure_ascii=False))
    else:
        print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
