"""Headquarters' database for the headquarters benchmarks: a throwaway PostgreSQL cluster or a
SQLite file, seeded with the demo city (`hq.demo.seed`), and its size per table.

Nothing here is timed: `bench.selfquery` and `bench.cityscale` measure on what this prepares.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from bench.errors import BenchError
from hq import store
from hq.demo import seed
from testkit import free_port
from testkit.pgcluster import PG_PACKAGE, PostgresServer, find_pg_bin

AS_OF = date(2026, 11, 1)  # the demo's "today": fixed, so that every run makes the same city
BACKENDS = ("sqlite", "postgresql")


def say(text: str) -> None:
    """Progress on stderr."""
    print(text, file=sys.stderr, flush=True)


@contextmanager
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL cluster in a temporary folder (initdb + pg_ctl, as the tests start it),
    stopped and removed at the end."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        raise BenchError(2, f"PostgreSQL is not installed (no initdb/pg_ctl): install {PG_PACKAGE}")
    server = PostgresServer(bin_dir, Path(tempfile.mkdtemp(prefix="bench-pg-")), free_port())
    try:
        server.start()
    except (RuntimeError, OSError) as exc:
        shutil.rmtree(server.folder, ignore_errors=True)
        raise BenchError(2, f"could not start PostgreSQL: {exc}") from exc
    try:
        yield server
    finally:
        server.stop()


def seed_city(url: str, districts: Mapping[str, int], seed_number: int) -> float:
    """Fill the empty headquarters database at `url` with the demo districts ({code:
    persons}); the seconds taken (generation and loading)."""
    say(f"seeding {dict(districts)} into {url.split('@')[-1]}")
    started = time.perf_counter()
    store.connect(url)
    try:
        seed(dict(districts), seed_number, AS_OF, progress=say)
    finally:
        store.close()
    return time.perf_counter() - started


def sqlite_city(
    work: Path, keep: Path | None, districts: Mapping[str, int], seed_number: int
) -> tuple[str, float]:
    """A seeded SQLite headquarters in `work`: copied from `keep` when it holds one of the
    same city, else seeded now (and copied there); (url, seconds of seeding, 0 if reused)."""
    name = "hq-" + "-".join(f"{c}x{n}" for c, n in sorted(districts.items())) + f"-{seed_number}.db"
    target = work / name
    cached = keep / name if keep else None
    if cached is not None and cached.exists():
        say(f"reusing {cached}")
        shutil.copyfile(cached, target)
        return f"sqlite:///{target}", 0.0
    url = f"sqlite:///{target}"
    seconds = seed_city(url, districts, seed_number)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, cached)
    return url, seconds


def pg_sizes() -> dict[str, dict[str, int]]:
    """PostgreSQL (connected): per table, its rows (exact count) and bytes of the table
    (`pg_table_size`: heap, TOAST, free-space map) and of its indexes (`pg_indexes_size`)."""
    names = [
        r[0]
        for r in store.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
    ]
    sizes: dict[str, dict[str, int]] = {}
    for name in names:
        rows = int(store.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
        table_bytes, index_bytes, total = store.execute(
            "SELECT pg_table_size(?::regclass), pg_indexes_size(?::regclass), "
            "pg_total_relation_size(?::regclass)",
            (name, name, name),
        ).fetchone()
        sizes[name] = {
            "rows": rows,
            "table_bytes": int(table_bytes),
            "index_bytes": int(index_bytes),
            "total_bytes": int(total),
        }
    return sizes
