"""Headquarters' demo seed: loading a generated district into headquarters' SQLite file,
against a raw baseline.

Run it as a module from the project root (issue 16: a self-query at 1,000,000 persons needs a
headquarters of that size first):

    python -m bench.hqseed [--persons N] [--seed S] [--ways attached,python] [--keep DIR]
                           [--json]

One demo district of N persons (default 20,000) is generated once into an office register
(`hq.demo.generate_districts`; with --keep, kept in DIR and reused by the next run of the same
size and seed). Then, for each way, a new headquarters file is created and the district loaded
into it by `hq.demo.load`, timed: `attached` (SQLite attaches the district's file and moves the
rows with INSERT ... SELECT, what the demo seed does), `python` (every row read and inserted
through Python with executemany, what SQLite's seed did before; PostgreSQL's now streams them
with COPY). For each: seconds, rows a second, the file and its write-ahead log (largest size
seen) in bytes.

The baseline, in the same run: plain `sqlite3` creates the same tables and indexes in a new
file and copies the same rows with the same INSERT ... SELECT, with the journal and fsync off,
no foreign-key checks, no id rebasing: what SQLite alone takes to put those rows into those
b-trees. It leaves out what a safe load pays: a journal (the rollback journal, or the
write-ahead log beside another process: every page written twice), FULL synchronous commits,
and rebasing the ids (neither the load nor the baseline checks foreign keys).

Exit status: 0 after a complete run; 2 for a usage or environment problem; 130 if interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.errors import BenchError, exit_status
from bench.hqdb import AS_OF, say
from hq import demo, store

DISTRICT = "370102"
WAYS = ("attached", "python")


def district_file(folder: Path, persons: int, seed: int) -> Path:
    """The generated district's register under `folder`, generated now unless it is there."""
    home = folder / f"district-{DISTRICT}x{persons}-{seed}"
    found = home / DISTRICT / "register.db"
    if found.exists():
        say(f"reusing {found}")
        return found
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    return demo.generate_districts(home, {DISTRICT: persons}, seed, AS_OF, say)[DISTRICT]


class _Peak:
    """The largest size a file reached, sampled 10 times a second in a thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.wait(0.1):
            self.sample()

    def sample(self) -> None:
        """Look at the file's size now."""
        with contextlib.suppress(FileNotFoundError):
            self.bytes = max(self.bytes, self.path.stat().st_size)

    def __enter__(self) -> _Peak:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def measure_way(way: str, source: Path, target: Path) -> dict[str, Any]:
    """Load the district into a new headquarters file at `target` one way; the figures."""
    url = f"sqlite:///{target}"
    store.connect(url)
    try:
        with _Peak(Path(f"{target}-wal")) as wal:
            started = time.perf_counter()
            counts = demo.load({DISTRICT: source}, say, through_python=way == "python")
            seconds = time.perf_counter() - started
    finally:
        store.close()
    rows = sum(counts.values())
    return {
        "seconds": round(seconds, 3),
        "rows": rows,
        "rows_per_second": round(rows / seconds),
        "file_bytes": target.stat().st_size,
        "wal_peak_bytes": wal.bytes,
    }


def measure_baseline(source: Path, schema_from: Path, target: Path) -> dict[str, Any]:
    """The same rows copied by plain sqlite3 into the same tables and indexes, journal and
    fsync off, no foreign keys; the figures."""
    with sqlite3.connect(schema_from) as model:
        statements = [
            sql
            for (sql,) in model.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
                "ORDER BY type = 'index', rowid"
            )
        ]
    model.close()
    conn = sqlite3.connect(target, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        for statement in statements:
            conn.execute(statement)
        conn.execute("ATTACH DATABASE ? AS source", (str(source),))
        started = time.perf_counter()
        conn.execute("BEGIN")
        rows = 0
        for t in demo.district_tables():
            columns = ", ".join(t.columns)
            extra, value = (", district", ", ?") if t.name == "person" else ("", "")
            params = (DISTRICT,) if t.name == "person" else ()
            rows += conn.execute(
                f"INSERT INTO main.{t.name} ({columns}{extra}) "
                f"SELECT {columns}{value} FROM source.{t.name}",
                params,
            ).rowcount
        conn.execute("COMMIT")
        seconds = time.perf_counter() - started
    finally:
        conn.close()
    return {
        "seconds": round(seconds, 3),
        "rows": rows,
        "rows_per_second": round(rows / seconds),
        "file_bytes": target.stat().st_size,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Generate (or reuse) the district, load it each way, the baseline; the figures."""
    ways = [w for w in args.ways.split(",") if w]
    unknown = sorted(set(ways) - set(WAYS))
    if unknown or not ways:
        raise BenchError(2, f"--ways takes {', '.join(WAYS)} (comma-separated), not {unknown}")
    keep = Path(args.keep).absolute() if args.keep else None
    work = Path(tempfile.mkdtemp(prefix="cd-hqseed-", dir=keep))
    try:
        source = district_file(keep or work, args.persons, args.seed)
        result: dict[str, Any] = {"persons": args.persons, "ways": {}}
        for way in ways:
            target = work / f"hq-{way}.db"
            say(f"loading {args.persons:,} persons, {way}")
            result["ways"][way] = measure_way(way, source, target)
            say(f"  {result['ways'][way]}")
            schema_from = target
        say("baseline: plain sqlite3, journal and fsync off")
        baseline = measure_baseline(source, schema_from, work / "baseline.db")
        result["baseline"] = baseline
        for figures in result["ways"].values():
            figures["x_baseline"] = round(figures["seconds"] / max(baseline["seconds"], 0.001), 2)
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


@exit_status("bench.hqseed")
def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.hqseed", description=__doc__)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ways", default=",".join(WAYS), help="attached,python (default both)")
    parser.add_argument("--keep", help="keep the generated district here for the next run")
    parser.add_argument("--json", action="store_true", help="figures as JSON on stdout")
    args = parser.parse_args(argv)
    result = run(args)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        base = result["baseline"]
        for way, figures in result["ways"].items():
            print(
                f"{result['persons']:,} persons, {way}: {figures['seconds']} s, "
                f"{figures['rows']:,} rows, {figures['rows_per_second']:,} rows/s, file "
                f"{figures['file_bytes']:,} B, WAL peak {figures['wal_peak_bytes']:,} B; "
                f"{figures['x_baseline']}x the baseline"
            )
        print(
            f"baseline (plain sqlite3, journal and fsync off): {base['seconds']} s, "
            f"{base['rows']:,} rows, {base['rows_per_second']:,} rows/s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
