"""Register size benchmark: bytes per table, per index and per person of a demo district.

Run it as a module from the project root:

    python -m bench.size [--persons N] [--seed S] [--keep DIR] [--json]

A demo district of N persons (default 5,000) is generated into a temporary office home (or
reused from / kept in DIR, as `bench.lookup` does), its write-ahead log checkpointed into the
file, and SQLite's `dbstat` virtual table read on a read-only connection: per table and per index
the pages' bytes (`pgsize`), and as the baseline the bytes of the records themselves (`payload`:
what the rows hold, without the b-tree's page headers, cell pointers and free space). Rows are
counted per table, and every figure is also given per person. No schema is changed.

Exit status: 0 after a complete run; 2 for a usage or environment problem; 130 if interrupted.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from bench.district import prepare_home
from bench.errors import exit_status
from models.db import close_register
from models.schema import db

DEFAULT_PERSONS = 5_000
GOAL_BYTES_PER_PERSON = 4 * 1024  # issue 19: at most 4 KB per person at 1,000,000 persons


@dataclass
class Part:
    """One b-tree of the register: a table or one of its indexes."""

    name: str
    table: str
    kind: str  # "table" or "index"
    pages: int
    bytes: int
    payload: int  # the records' own bytes (the baseline)
    unused: int  # free bytes inside the pages


@dataclass
class TableSize:
    """A table with its indexes."""

    name: str
    rows: int
    table: Part
    indexes: list[Part] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Bytes of the table and all its indexes."""
        return self.table.bytes + sum(i.bytes for i in self.indexes)


def measure(path: Path) -> tuple[list[TableSize], dict[str, int]]:
    """Sizes per table (largest first) and the file's totals, read with dbstat."""
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        owners = {
            name: (table, kind)
            for name, table, kind in raw.execute(
                "SELECT name, tbl_name, type FROM sqlite_schema WHERE type IN ('table', 'index')"
            )
        }
        parts: list[Part] = []
        for name, pages, size, payload, unused in raw.execute(
            "SELECT name, count(*), sum(pgsize), sum(payload), sum(unused) FROM dbstat "
            "GROUP BY name"
        ):
            table, kind = owners.get(name, (name, "table"))  # sqlite_schema itself
            parts.append(Part(name, table, kind, pages, size, payload, unused))
        tables: dict[str, TableSize] = {}
        for part in parts:
            if part.kind == "table":
                rows = raw.execute(f'SELECT count(*) FROM "{part.name}"').fetchone()[0]
                tables[part.name] = TableSize(part.name, rows, part)
        for part in parts:
            if part.kind == "index":
                tables[part.table].indexes.append(part)
        for t in tables.values():
            t.indexes.sort(key=lambda p: -p.bytes)
        page_size = raw.execute("PRAGMA page_size").fetchone()[0]
        totals = {
            "persons": raw.execute("SELECT count(*) FROM person").fetchone()[0],
            "page_size": page_size,
            "file_bytes": path.stat().st_size,
            "freelist_bytes": raw.execute("PRAGMA freelist_count").fetchone()[0] * page_size,
            "pages_bytes": sum(p.bytes for p in parts),
            "payload_bytes": sum(p.payload for p in parts),
            "table_bytes": sum(p.bytes for p in parts if p.kind == "table"),
            "index_bytes": sum(p.bytes for p in parts if p.kind == "index"),
        }
    finally:
        raw.close()
    return sorted(tables.values(), key=lambda t: -t.total), totals


def report_text(tables: list[TableSize], totals: dict[str, int]) -> str:
    """The printed report: per table and its indexes, then the totals, per person."""
    persons = max(1, totals["persons"])
    lines = [
        f"Register of {totals['persons']:,} persons: {totals['file_bytes'] / 2**20:,.1f} MiB "
        f"({totals['page_size']:,}-byte pages; bytes per person = bytes / persons)",
        "",
        f"{'table / index':<44} {'rows':>10} {'bytes':>13} {'B/person':>9} {'B/row':>7} "
        f"{'payload B/person':>17}",
    ]
    lines.append("-" * len(lines[-1]))
    for t in tables:
        per_row = t.table.bytes / t.rows if t.rows else 0.0
        lines.append(
            f"{t.name:<44} {t.rows:>10,} {t.table.bytes:>13,} {t.table.bytes / persons:>9,.0f} "
            f"{per_row:>7,.0f} {t.table.payload / persons:>17,.0f}"
        )
        for index in t.indexes:
            lines.append(
                f"  index {index.name:<38} {'':>10} {index.bytes:>13,} "
                f"{index.bytes / persons:>9,.0f} {'':>7} {index.payload / persons:>17,.0f}"
            )
    lines += [
        "",
        f"tables   {totals['table_bytes']:>15,} bytes = {totals['table_bytes'] / persons:>7,.0f}"
        " per person",
        f"indexes  {totals['index_bytes']:>15,} bytes = {totals['index_bytes'] / persons:>7,.0f}"
        " per person",
        f"free     {totals['freelist_bytes']:>15,} bytes (free pages of the file)",
        f"file     {totals['file_bytes']:>15,} bytes = {totals['file_bytes'] / persons:>7,.0f}"
        f" per person (goal: at most {GOAL_BYTES_PER_PERSON:,} at 1,000,000 persons)",
        f"baseline {totals['payload_bytes']:>15,} bytes = "
        f"{totals['payload_bytes'] / persons:>7,.0f} per person: the records' own bytes "
        "(dbstat payload), without page overhead",
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.size",
        description="Bytes per table, index and person of a generated demo register.",
    )
    parser.add_argument(
        "--persons", type=int, default=DEFAULT_PERSONS, help="district size (default 5,000)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the district")
    parser.add_argument("--keep", metavar="DIR", help="office home to generate into and keep")
    parser.add_argument(
        "--json", action="store_true", help="JSON on stdout (the table then goes to stderr)"
    )
    args = parser.parse_args(argv)
    if args.persons < 1:
        parser.error("--persons must be at least 1")
    return args


@exit_status("bench.size")
def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    args = parse_args(argv)
    human: TextIO = sys.stderr if args.json else sys.stdout

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    temp_dir: Path | None = None
    try:
        home, temp_dir, generation = prepare_home(args, say)
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        close_register()
        tables, totals = measure(home.register_path)
        print(report_text(tables, totals), file=human)
        if args.json:
            document: dict[str, Any] = {
                "benchmark": "bench.size",
                "parameters": {"persons": args.persons, "seed": args.seed},
                "generation": generation.as_json(),
                "totals": totals,
                "tables": [asdict(t) | {"total": t.total} for t in tables],
            }
            json.dump(document, sys.stdout, ensure_ascii=False, indent=2, default=str)
            print()
        return 0
    finally:
        close_register()
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
