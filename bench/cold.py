"""Cold-disk benchmark: the counter's lookups with the register's pages dropped from the cache.

Run it as a module from the project root, on a kept demo district:

    python -m bench.cold --keep DIR --persons N [--calls C] [--rounds R] [--seed S] [--json]

Issue 19, "Cold disk": the first customer of the day, or a customer after the PC has done other
work, meets a register whose pages are no longer in memory. Each lookup is measured in three
states, service against raw `sqlite3` running the same SELECTs (`bench.lookup`'s SQL, imported
from the service modules), on the same keys, in alternating order:

* **warm**: the whole register file read just before each warm series (every page in the
  page cache; the cold series of the lookup before dropped them), then C calls after
  `bench.keys.WARMUP_CALLS` unmeasured ones;
* **cold once**: before each of R rounds, the register (`register.db`, `-wal`, `-shm`) written
  back and dropped from the page cache (`posix_fadvise(POSIX_FADV_DONTNEED)`, `bench.evict`) and
  both connections' own SQLite page caches emptied (`PRAGMA shrink_memory`); then C / R calls:
  the first ones cold, the rest warming, as a counter after a night;
* **cold each**: the same before every single call (service and baseline alike): every call
  truly cold, the worst a lookup can meet.

Before the first call after each eviction, the bytes of each file still in the page cache are
read with `mincore` (`bench.evict.resident_bytes`, the figure of util-linux's `fincore`); the
report gives them before and after each series. The disk's own latency is the third baseline:
4 KB `pread`s at random page-aligned offsets of `register.db` (readahead off with
`POSIX_FADV_RANDOM`), cold once, cold each and warm, in the same run.

The lookups: `find_by_ssn`, `find_by_card`, `person_overview` (read only) and `open_overview`
(the counter's whole path from an ID number to the overview: find, overview, chained audit row
committed with fsync); the latter's raw baseline is the ID number's SELECT plus the overview's
statements. The goal: the overview's p99 under 20 ms cold, beside the warm figures. A p99 of
fewer than 1,000 calls is named by its rank ("the 4th worst of 333"); each series gives the
min-max over its R rounds.

Exit status: 0 after a complete run; 2 for a usage or environment problem; 130 if interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bench.district import prepare_home
from bench.errors import BenchError, exit_status
from bench.evict import evict_files, register_files, resident_bytes
from bench.keys import WARMUP_CALLS
from bench.lookup import LookupBench
from bench.report import environment
from bench.stats import guarded, p99_label, round_spread, summarise
from models.clock import this_month
from models.db import close_register
from models.home import setting
from models.lookup import KeyKind, open_overview
from models.overview import person_overview
from models.people import PersonSummary, find_by_card, find_by_ssn
from models.schema import db

DEFAULT_CALLS = 999  # per series and state: 3 rounds of 333
GOAL_COLD_P99_US = 20_000.0  # issue 19: the overview's p99 under 20 ms on a cold disk
MODES = ("warm", "cold once", "cold each")
DISK_READ = 4096
READ_CHUNK = 1 << 24  # bytes per read when reading the whole register into the cache
FIRST_CALLS = 5  # the first calls of each round, reported one by one


@dataclass
class Series:
    """One lookup in one cache state: service and baseline times on the same keys."""

    name: str
    mode: str
    service_label: str
    baseline_label: str
    service: dict[str, float]
    baseline: dict[str, float]
    service_rounds: dict[str, Any]
    baseline_rounds: dict[str, Any]
    first_calls_us: list[list[float]]  # per round, the service's first FIRST_CALLS calls
    resident_before: dict[str, int]  # per file, bytes in the page cache before the first call
    resident_after: dict[str, int]  # ... and after the last
    evictions: int = 0
    eviction_seconds: float = 0.0
    mismatches: int = 0
    errors: int = 0
    seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)


class Cache:
    """Empties the register's caches: the kernel's page cache and both connections' own."""

    def __init__(self, register: Path, raw: Any) -> None:
        """For the register at `register`, read through the service's `db` and `raw`."""
        self.files = register_files(register)
        self.raw = raw
        self.count = 0
        self.seconds = 0.0

    def drop(self) -> None:
        """SQLite's page caches (both connections), then the files' pages in the kernel."""
        started = time.perf_counter()
        db.execute_sql("PRAGMA shrink_memory")
        self.raw.execute("PRAGMA shrink_memory")
        evict_files(self.files)
        self.count += 1
        self.seconds += time.perf_counter() - started

    def resident(self) -> dict[str, int]:
        """Bytes of each file in the page cache now."""
        return {path.name: resident_bytes(path) for path in self.files}

    def fill(self) -> float:
        """Read every file wholly into the page cache; the seconds it took."""
        started = time.perf_counter()
        for path in self.files:
            with path.open("rb", buffering=0) as stream:
                while stream.read(READ_CHUNK):
                    pass
        return time.perf_counter() - started


class ColdBench:
    """The lookups of `bench.lookup`, warm, cold once per round and cold before every call."""

    def __init__(self, lookup: LookupBench, register: Path, calls: int, rounds: int) -> None:
        """Measure with `lookup`'s raw connection, SQL and key draws on the register's files."""
        self.lookup = lookup
        self.register = register
        self.calls = calls
        self.rounds = rounds
        self.cache = Cache(register, lookup.raw)
        self.results: list[Series] = []
        self.disk: list[dict[str, Any]] = []
        self.fill_seconds: float | None = None

    # -- timing ---------------------------------------------------------------------------------

    def _timed(
        self,
        keys: Sequence[Any],
        mode: str,
        service: Callable[[Any], Any],
        baseline: Callable[[Any], Any],
        agree: Callable[[Any, Any], bool],
    ) -> tuple[list[int], list[int], list[list[float]], int, int, dict[str, int]]:
        """Time service and baseline on each key (alternating first), dropping caches per mode.

        Returns (service ns, baseline ns, first calls per round in µs, mismatches, errors,
        residency before the first call).
        """
        clock = time.perf_counter_ns
        each = mode == "cold each"
        per_round = max(1, len(keys) // self.rounds)
        service_ns: list[int] = []
        baseline_ns: list[int] = []
        firsts: list[list[float]] = []
        mismatches = errors = 0
        resident: dict[str, int] = {}
        for i, key in enumerate(keys):
            if i % per_round == 0 and len(firsts) < self.rounds:
                firsts.append([])
                if mode == "cold once":
                    self.cache.drop()
                    if not resident:
                        resident = self.cache.resident()
            if i == 0 and mode != "cold once":
                if each:
                    self.cache.drop()
                resident = self.cache.resident()
            order = (baseline, service) if i % 2 else (service, baseline)
            spent = []
            answers = []
            for call in order:
                if each:
                    self.cache.drop()
                t0 = clock()
                answers.append(call(key))
                spent.append(clock() - t0)
            if i % 2:
                spent.reverse()
                answers.reverse()
            service_ns.append(spent[0])
            baseline_ns.append(spent[1])
            if len(firsts[-1]) < FIRST_CALLS:
                firsts[-1].append(spent[0] / 1_000)
            if isinstance(answers[0], Exception):
                errors += 1
            elif not agree(answers[0], answers[1]):
                mismatches += 1
        return service_ns, baseline_ns, firsts, mismatches, errors, resident

    def series(
        self,
        name: str,
        labels: tuple[str, str],
        keys_by_mode: dict[str, Sequence[Any]],
        calls: tuple[Callable[[Any], Any], Callable[[Any], Any]],
        agree: Callable[[Any, Any], bool],
        modes: Sequence[str],
    ) -> None:
        """Measure one lookup in each state of `modes`, each on keys of its own."""
        for mode in modes:
            keys = keys_by_mode[mode]
            say = self.lookup.say
            say(f"Measuring {name}, {mode}: {len(keys):,} calls each ...")
            if mode == "warm":  # every page in the cache: the cold series before dropped them
                self.fill_seconds = round(self.cache.fill(), 2)
                warm_keys = keys_by_mode["warm-up"]
                for key in warm_keys:
                    calls[0](key)
                    calls[1](key)
            evictions, evict_seconds = self.cache.count, self.cache.seconds
            started = time.perf_counter()
            service_ns, baseline_ns, firsts, mismatches, errors, before = self._timed(
                keys, mode, guarded(calls[0]), calls[1], agree
            )
            self.results.append(
                Series(
                    name=name,
                    mode=mode,
                    service_label=labels[0],
                    baseline_label=labels[1],
                    service=summarise(service_ns),
                    baseline=summarise(baseline_ns),
                    service_rounds=round_spread(service_ns, self.rounds),
                    baseline_rounds=round_spread(baseline_ns, self.rounds),
                    first_calls_us=firsts,
                    resident_before=before,
                    resident_after=self.cache.resident(),
                    evictions=self.cache.count - evictions,
                    eviction_seconds=round(self.cache.seconds - evict_seconds, 2),
                    mismatches=mismatches,
                    errors=errors,
                    seconds=round(time.perf_counter() - started, 2),
                )
            )

    # -- the lookups ------------------------------------------------------------------------------

    def _persons(self, name: str, modes: Sequence[str]) -> dict[str, list[PersonSummary]]:
        """Persons of the register drawn per state (and for the warm-up), none drawn twice."""
        people = self.lookup.persons(f"cold:{name}")
        wanted = ["warm-up", *modes]
        sizes = {m: WARMUP_CALLS if m == "warm-up" else self.calls for m in wanted}
        if len(people) < sum(sizes.values()):
            raise BenchError(2, "not enough persons drawn (raise --lookups)")
        out: dict[str, list[PersonSummary]] = {}
        start = 0
        for mode in wanted:
            out[mode] = people[start : start + sizes[mode]]
            start += sizes[mode]
        return out

    def run(self, modes: Sequence[str]) -> list[Series]:
        """Every lookup in every state, then the disk's own reads."""
        lookup = self.lookup
        sql, raw, today, actor = lookup.sql, lookup.raw, lookup.today, lookup.actor
        by_ssn = self._persons("ssn", modes)
        by_card_persons = self._persons("card", modes)
        cards = {  # a person without a card (none in the demo) is left out
            mode: [card for card in map(self._card_of, persons) if card is not None]
            for mode, persons in by_card_persons.items()
        }
        overview = self._persons("overview", modes)
        whole = self._persons("open", modes)

        def same_person(got: PersonSummary | None, row: tuple | None) -> bool:
            return got is not None and row is not None and got.id == row[0]

        self.series(
            "find_by_ssn",
            ("service", "raw: same SELECT"),
            {m: [p.ssn for p in ps] for m, ps in by_ssn.items()},
            (find_by_ssn, lambda key: raw.execute(sql.by_ssn, (key,)).fetchone()),
            same_person,
            modes,
        )
        self.series(
            "find_by_card",
            ("service", "raw: same JOIN"),
            cards,
            (find_by_card, lambda key: raw.execute(sql.by_card, (key,)).fetchone()),
            lambda got, row: got is not None and row is not None and got.person.id == row[0],
            modes,
        )
        self.series(
            "person_overview",
            ("service, read only", "raw: same statements"),
            overview,
            (lambda p: person_overview(p, today), lambda p: lookup.raw_overview(p.id)),
            _same_rows,
            modes,
        )

        def whole_service(ssn: str) -> Any:
            return open_overview(KeyKind.ID_NUMBER, ssn, actor, today)

        def whole_raw(ssn: str) -> int:
            row = raw.execute(sql.by_ssn, (ssn,)).fetchone()
            return lookup.raw_overview(row[0])

        self.series(
            "open_overview",
            ("service: find + overview + audit row (fsync)", "raw: ID SELECT + same statements"),
            {m: [p.ssn for p in ps] for m, ps in whole.items()},
            (whole_service, whole_raw),
            lambda got, rows: not isinstance(got, Exception) and _same_rows(got, rows),
            modes,
        )
        for mode in modes:
            self.disk.append(self.disk_reads(mode))
        return self.results

    def _card_of(self, person: PersonSummary) -> str | None:
        """The person's newest card's number, or None without a card."""
        row = self.lookup.raw.execute(
            "SELECT card_no FROM card WHERE person_id = ? ORDER BY id DESC LIMIT 1", (person.id,)
        ).fetchone()
        return None if row is None else str(row[0])

    def disk_reads(self, mode: str) -> dict[str, Any]:
        """The disk's own latency: 4 KB preads at random page-aligned offsets of register.db."""
        self.lookup.say(f"Measuring the disk's 4 KB reads, {mode}: {self.calls:,} reads ...")
        size = self.register.stat().st_size
        rng = random.Random(f"bench.cold:{self.lookup.seed}:disk:{mode}")
        offsets = [rng.randrange(size // DISK_READ) * DISK_READ for _ in range(self.calls)]
        fd = os.open(self.register, os.O_RDONLY)
        clock = time.perf_counter_ns
        samples: list[int] = []
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_RANDOM)
            if mode == "warm":
                for offset in offsets:  # the same offsets, read once before
                    os.pread(fd, DISK_READ, offset)
            per_round = max(1, len(offsets) // self.rounds)
            for i, offset in enumerate(offsets):
                if (mode == "cold once" and i % per_round == 0) or mode == "cold each":
                    evict_files([self.register])
                t0 = clock()
                os.pread(fd, DISK_READ, offset)
                samples.append(clock() - t0)
        finally:
            os.close(fd)
        return {
            "mode": mode,
            "reads": summarise(samples),
            "rounds": round_spread(samples, self.rounds),
        }


def _same_rows(got: Any, rows: int) -> bool:
    """Whether the overview shows as many rows as the raw statements fetched (as bench.lookup)."""
    return rows == (
        len(got.cards)
        + len(got.enrolments)
        + len(got.months)
        + len(got.accounts)
        + sum(len(a.recent_entries) for a in got.accounts)
    )


# -- the printed report ----------------------------------------------------------------------------


def _ms(us: float) -> str:
    return f"{us / 1_000:,.2f}"


def _range(rounds: dict[str, Any], key: str) -> str:
    if not rounds.get("rounds"):
        return "-"
    lo, hi = rounds[key]
    return f"{_ms(lo)}-{_ms(hi)}"


def _resident(files: dict[str, int]) -> str:
    return ", ".join(f"{name} {value / 1e6:,.1f} MB" for name, value in files.items())


def report_text(bench: ColdBench, persons: int) -> list[str]:
    """The table (milliseconds), the residency per series, the disk reads and the verdict."""
    lines = [
        f"Times in ms; each series {bench.calls:,} calls of the service and as many of its raw "
        f"baseline, cut into {bench.rounds} rounds (min-max of the rounds' medians and p99s).",
        "",
        "| lookup | state | service median / p90 / p99 / max | raw median / p99 | "
        "service: rounds' medians; p99s | first calls of round 1 |",
        "|---|---|---|---|---|---|",
    ]
    for s in bench.results:
        label = p99_label(int(s.service["n"]))
        firsts = " ".join(_ms(v) for v in (s.first_calls_us[0] if s.first_calls_us else []))
        lines.append(
            f"| {s.name} | {s.mode} | {_ms(s.service['median_us'])} / {_ms(s.service['p90_us'])}"
            f" / {_ms(s.service['p99_us'])} ({label}) / {_ms(s.service['max_us'])} | "
            f"{_ms(s.baseline['median_us'])} / {_ms(s.baseline['p99_us'])} | "
            f"{_range(s.service_rounds, 'median_range_us')}; "
            f"{_range(s.service_rounds, 'p99_range_us')} | {firsts} |"
        )
    lines += ["", "| disk: 4 KB pread at a random offset | median / p90 / p99 / max | rounds |"]
    lines.append("|---|---|---|")
    for d in bench.disk:
        r = d["reads"]
        lines.append(
            f"| {d['mode']} | {_ms(r['median_us'])} / {_ms(r['p90_us'])} / "
            f"{_ms(r['p99_us'])} ({p99_label(int(r['n']))}) / {_ms(r['max_us'])} | "
            f"medians {_range(d['rounds'], 'median_range_us')}; "
            f"p99s {_range(d['rounds'], 'p99_range_us')} |"
        )
    lines += ["", "Page cache (bytes resident before the first call; after the last):"]
    for s in bench.results:
        lines.append(
            f"  {s.name}, {s.mode}: before {_resident(s.resident_before)}; after "
            f"{_resident(s.resident_after)}; {s.evictions:,} evictions "
            f"({s.eviction_seconds:.2f} s, not timed)"
            + (f"; {s.mismatches} mismatches" if s.mismatches else "")
            + (f"; {s.errors} errors" if s.errors else "")
        )
    lines.append("")
    size_note = "" if persons >= 1_000_000 else f" (at {persons:,} persons, not the goal's size)"
    for s in bench.results:
        if s.name in ("person_overview", "open_overview") and s.mode != "warm":
            met = s.service["p99_us"] < GOAL_COLD_P99_US
            lines.append(
                f"goal (p99 < 20 ms cold) {s.name}, {s.mode}: "
                f"{'met' if met else 'NOT met'}{size_note}: "
                f"{p99_label(int(s.service['n']))} {_ms(s.service['p99_us'])} ms"
            )
    return lines


# -- command line ----------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.cold",
        description="Time the counter's lookups with the register warm and dropped from the "
        "page cache, against raw sqlite3 and the disk's own reads.",
    )
    parser.add_argument("--persons", type=int, default=200_000, help="district size")
    parser.add_argument("--keep", metavar="DIR", help="office home to generate into or reuse")
    parser.add_argument("--seed", type=int, default=1, help="seed of the district and keys")
    parser.add_argument(
        "--calls", type=int, default=DEFAULT_CALLS, help="calls per series and state (999)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds per series (3)")
    parser.add_argument(
        "--modes",
        default=",".join(MODES),
        help="states to measure, comma-separated (warm,cold once,cold each)",
    )
    parser.add_argument("--json", action="store_true", help="JSON on stdout, table on stderr")
    args = parser.parse_args(argv)
    args.mode_list = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not args.mode_list or any(m not in MODES for m in args.mode_list):
        parser.error(f"--modes takes some of: {', '.join(MODES)}")
    if args.calls < args.rounds or args.rounds < 1:
        parser.error("--calls must be at least --rounds, and --rounds at least 1")
    return args


@exit_status("bench.cold")
def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    args = parse_args(argv)
    human = sys.stderr if args.json else sys.stdout

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    lookup: LookupBench | None = None
    temp_dir: Path | None = None
    try:
        args.lookups = args.calls * len(args.mode_list) + 1
        home, temp_dir, generation = prepare_home(args, say)
        as_of = setting("demo_as_of")
        today = date.fromisoformat(as_of) if as_of else this_month()
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        lookup = LookupBench(home.register_path, args.seed, args.lookups, today, say, args.rounds)
        bench = ColdBench(lookup, home.register_path, args.calls, args.rounds)
        started = time.perf_counter()
        bench.run(args.mode_list)
        elapsed = time.perf_counter() - started
        env = environment()
        print("", file=human)
        print(
            f"District: {generation.persons:,} persons in {home.register_path} "
            f"({home.register_path.stat().st_size / 1e9:.2f} GB); whole file read into the "
            f"cache before each warm series (the last in {bench.fill_seconds} s); measurements "
            f"took {elapsed:.0f} s; Python {env['python']}, SQLite {env['sqlite']}, {env['cpus']} "
            "CPUs",
            file=human,
        )
        for line in report_text(bench, generation.persons):
            print(line, file=human)
        if args.json:
            document = {
                "benchmark": "bench.cold",
                "goal": "person overview p99 < 20 ms with the register dropped from the cache",
                "parameters": {
                    "persons": generation.persons,
                    "calls": args.calls,
                    "rounds": args.rounds,
                    "modes": args.mode_list,
                    "seed": args.seed,
                    "today": today.isoformat(),
                    "home": str(home.path),
                },
                "environment": env,
                "generation": generation.as_json(),
                "fill_seconds": bench.fill_seconds,
                "measurements_seconds": round(elapsed, 2),
                "series": [asdict(s) for s in bench.results],
                "disk": bench.disk,
            }
            json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
            print()
        return 0
    finally:
        if lookup is not None:
            lookup.close()
        close_register()
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
