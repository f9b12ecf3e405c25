"""Generation benchmark: the demo district's generation per phase, against a raw baseline.

Run it as a module from the project root (issue 19, "Generation"):

    python -m bench.generation [--persons N] [--seed S] [--workers W] [--baseline-persons M]
                               [--dir DIR] [--json]

A demo district of N persons (default 20,000) is generated into a new office home in DIR (a
temporary folder by default), timed: wall seconds, the CPU seconds of this process and of the
second process, and `DemoReport`'s seconds per phase and per statement. The baseline, in the
same run: the rows of the register's first M persons (default min(N, 100,000)) of every table the
generator fills, read from the register and written again with plain `sqlite3` `executemany`
into a new file with the same tables and indexes and the generator's PRAGMAs, one transaction
per 100,000 rows; only the writing is timed, and it is scaled by N / M. What the baseline leaves
out: computing the rows (Python and SQL), the temporary tables, the second process and its
merge, ANALYZE; it is the price of putting the same rows into the same b-trees from Python.
Everything is deleted at the end.

Exit status: 0 after a complete run; 2 for a usage or environment problem; 130 if interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from bench.district import DISTRICT, OFFICE_NAME, check_disk
from bench.errors import BenchError
from models.db import close_register
from models.demo.generator import FAST_WRITES, DemoParams, generate
from models.home import OfficeHome

DEFAULT_PERSONS = 20_000
AS_OF = date(2026, 11, 1)
# the tables the generator fills per person, and how a person's rows are found
PERSON_ROWS = {
    "person": "id <= :m",
    "card": "person_id <= :m",
    "enrolment": "person_id <= :m",
    "account": "person_id <= :m",
    "contribution_run": "person_id <= :m",
    "contribution_year_pack": "person_id <= :m",
    "account_entry_block": "account_id <= (SELECT max(id) FROM account WHERE person_id <= :m)",
    "benefit_run": "person_id <= :m",
    "pension_check": "person_id <= :m",
}
BATCH = 100_000


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def measure_generation(home_path: Path, persons: int, seed: int, workers: int) -> dict[str, Any]:
    """Generate the district into a new home at `home_path`; its figures."""
    home = OfficeHome(home_path)
    home.create(DISTRICT, OFFICE_NAME)
    cpu, children, load = (
        _cpu(resource.RUSAGE_SELF),
        _cpu(resource.RUSAGE_CHILDREN),
        os.getloadavg(),
    )
    start = time.perf_counter()
    report = generate(
        DemoParams(persons, seed, DISTRICT, AS_OF, workers=workers),
        lambda message: print(
            f"  {time.perf_counter() - start:7.1f} s  {message}", file=sys.stderr, flush=True
        ),
    )
    wall = time.perf_counter() - start
    close_register()
    return {
        "persons": report.persons,
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(_cpu(resource.RUSAGE_SELF) - cpu, 1),
        "cpu_seconds_second_process": round(_cpu(resource.RUSAGE_CHILDREN) - children, 1),
        "load_before": [round(x, 1) for x in load],
        "load_after": [round(x, 1) for x in os.getloadavg()],
        "seconds": report.seconds,
        "steps": report.steps,
        "rows": {
            "monthly contributions": report.contributions,
            "yearly summaries": report.yearly_summaries,
            "account entries": report.account_entries,
            "benefit payments": report.benefit_payments,
        },
        "register_bytes": sum(p.stat().st_size for p in home_path.glob("register.db*")),
    }


def measure_baseline(register: Path, persons: int, target: Path) -> dict[str, Any]:
    """Write the rows of the first `persons` persons of `register` again, raw, into `target`."""
    source = sqlite3.connect(f"file:{register}?mode=ro", uri=True)
    out = sqlite3.connect(target, isolation_level=None)
    try:
        for name, value in FAST_WRITES.items():
            out.execute(f"PRAGMA {name} = {value}")
        for (sql,) in source.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "AND type IN ('table', 'index') ORDER BY type DESC, rowid"
        ):
            out.execute(sql)
        tables: dict[str, dict[str, float]] = {}
        for table, where in PERSON_ROWS.items():
            cursor = source.execute(f'SELECT * FROM "{table}" WHERE {where}', {"m": persons})
            insert = f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(cursor.description))})'
            spent, count = 0.0, 0
            while batch := cursor.fetchmany(BATCH):
                start = time.perf_counter()
                out.execute("BEGIN")
                out.executemany(insert, batch)
                out.execute("COMMIT")
                spent += time.perf_counter() - start
                count += len(batch)
            tables[table] = {"rows": count, "seconds": round(spent, 2)}
    finally:
        source.close()
        out.close()
    return {
        "persons": persons,
        "tables": tables,
        "seconds": round(sum(t["seconds"] for t in tables.values()), 1),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Generate, measure the baseline, delete; the figures."""
    work = Path(args.dir).absolute() if args.dir else Path(tempfile.mkdtemp(prefix="cd-gen-"))
    home_path = work / "home"
    if home_path.exists():
        raise BenchError(2, f"{home_path} exists already; give an empty --dir")
    check_disk(work, args.persons)
    try:
        result = {
            "generation": measure_generation(home_path, args.persons, args.seed, args.workers)
        }
        sample = min(args.persons, args.baseline_persons or 100_000)
        baseline = measure_baseline(home_path / "register.db", sample, work / "baseline.db")
        baseline["scaled_seconds"] = round(baseline["seconds"] * args.persons / sample, 1)
        result["baseline"] = baseline
        return result
    finally:
        shutil.rmtree(home_path, ignore_errors=True)
        (work / "baseline.db").unlink(missing_ok=True)
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.generation", description=__doc__)
    parser.add_argument("--persons", type=int, default=DEFAULT_PERSONS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, choices=(1, 2))
    parser.add_argument("--baseline-persons", type=int, default=0)
    parser.add_argument("--dir", help="work folder (default: a temporary one)")
    parser.add_argument("--json", action="store_true", help="figures as JSON on stdout")
    args = parser.parse_args(argv)
    try:
        result = run(args)
    except BenchError as exc:
        print(f"bench.generation: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        gen, base = result["generation"], result["baseline"]
        print(
            f"{gen['persons']:,} persons: {gen['wall_seconds']} s wall "
            f"(CPU {gen['cpu_seconds']} s + second process {gen['cpu_seconds_second_process']} s,"
            f" load {gen['load_before'][0]} -> {gen['load_after'][0]}); phases {gen['seconds']}; "
            f"raw executemany of the rows of {base['persons']:,} persons: {base['seconds']} s, "
            f"scaled to {gen['persons']:,}: {base['scaled_seconds']} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
