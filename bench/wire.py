"""Bytes on the wire and a real link: compressed bootstrap and change pages, and a shaped WAN line.

Against `counterdesk hq serve` (SQLite) on loopback, in one run:
- first sync of a new office (copy, pull, full data check) once per coding the office accepts:
  identity, gzip, zstd; answer bytes as received, bytes per person, rows per second;
- a day's change pages: the busiest day of a month (the month's contributions posted at
  headquarters: every row of the district's latest month again, as the next month), fetched
  page by page in each coding, bytes per person, then pulled once (zstd) for rows per second;
- the baseline, from the same run: the identity JSON of every bootstrap and change page, and the
  same bytes compressed here with the Python libraries (gzip 5 and zstd 1 per page, as
  headquarters does; zstd 3 and 9 per page; zstd 1 over the whole stream at once);
- the same first sync through testkit's shaped link (20 Mbit/s and 4 Mbit/s, 40 ms round
  trip), timed, with the bytes the link carried (headers included), and extrapolated to
  1,000,000 persons from the bytes and seconds per person.

    nice -n 10 .venv/bin/python -m bench.wire --persons 5000 --keep /tmp/bench-wire
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
import zstandard

from bench.sync import (
    DISTRICT,
    BackendResult,
    new_office,
    replicated_rows,
    say,
    seeded_sqlite,
)
from bench.sync import serving as serving_hq
from hq import register, store
from hq.wire import wire_row
from models.db import close_register
from models.replica import CONTRIBUTION, PROTOCOL_HEADER, PROTOCOL_VERSION
from sync import state
from sync.bootstrap import PAGE, PHASES
from sync.engine import SyncEngine
from sync.enrolment import open_client
from sync.pull import pull
from testkit.shaped_link import LinkShape, shaped_link

CODINGS = {"identity": "identity", "gzip": "gzip", "zstd": "zstd, gzip"}
SHAPES = {"20": LinkShape(20e6, 0.040), "4": LinkShape(4e6, 0.040)}
MILLION = 1_000_000
CHANGE_PAGE = 1000  # the engine's change page


@dataclass
class Copy:
    """One first sync: the coding accepted, the link, what arrived and how long it took."""

    coding: str
    link: str
    seconds: float
    rows: int
    wire_bytes: int  # answer bodies as received
    body_bytes: int  # the same decoded
    link_bytes: int | None = None  # everything the shaped link carried to the office

    def per_person(self, persons: int) -> float:
        """Answer bytes per person on the wire."""
        return self.wire_bytes / persons


@dataclass
class Result:
    """Every figure of the run."""

    persons: int
    copies: list[Copy] = field(default_factory=list)
    bootstrap_raw: dict[str, int] = field(default_factory=dict)  # baseline name -> bytes
    changes: int = 0
    change_raw: dict[str, int] = field(default_factory=dict)
    change_wire: dict[str, int] = field(default_factory=dict)  # coding -> bytes fetched
    pull_rows: int = 0
    pull_seconds: float = 0.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(prog="python -m bench.wire", description=__doc__.split("\n")[0])
    p.add_argument("--persons", type=int, default=5_000, help="district size (default 5,000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--keep", type=Path, help="keep the seeded SQLite headquarters here for reuse")
    p.add_argument(
        "--shaped",
        default="zstd@20,gzip@20,zstd@4",
        help="first syncs through the shaped link, CODING@MBITS (40 ms round trip); '' none",
    )
    p.add_argument("--rounds", type=int, default=3, help="first syncs per coding on loopback")
    p.add_argument(
        "--shaped-only",
        action="store_true",
        help="only the first syncs through the shaped link: no loopback rounds, baselines or "
        "change pages (at 1,000,000 persons those take hours)",
    )
    p.add_argument("--json", action="store_true", help="JSON on stdout (table on stderr)")
    return p.parse_args(argv)


def first_sync(address: str, token: str, work: Path, coding: str, link: str) -> Copy:
    """A new office's first sync accepting `coding`; the register is closed and its home
    deleted after."""
    home = new_office(address, token, work, f"office-{coding}-{link}")
    with open_client(address, token, timeout=600) as client:
        client.accept_encoding = CODINGS[coding]
        started = time.perf_counter()
        report = SyncEngine(client, bootstrap_limit=PAGE).run_once()
        seconds = time.perf_counter() - started
        if not report.completed or report.check is None or report.check.outcome != "ok":
            raise RuntimeError(f"the first sync failed: {report.error or report.check}")
        copy = Copy(coding, link, seconds, replicated_rows(), client.wire_bytes, client.body_bytes)
    close_register()
    shutil.rmtree(home.path, ignore_errors=True)
    return copy


def bootstrap_bodies(address: str, token: str) -> list[bytes]:
    """Every bootstrap page of the district as headquarters sends it uncompressed."""
    bodies: list[bytes] = []
    headers = {
        "Authorization": f"Bearer {token}",
        PROTOCOL_HEADER: str(PROTOCOL_VERSION),
        "Accept-Encoding": "identity",
    }
    with httpx.Client(base_url=address, timeout=600, headers=headers) as http:
        for phase in PHASES:
            after, done = 0, False
            while not done:
                params = {"phase": phase, "after": after, "limit": PAGE}
                answer = http.get("/v1/bootstrap", params=params)
                answer.raise_for_status()
                page = json.loads(answer.content)
                bodies.append(answer.content)
                after, done = page["next"], page["done"]
    return bodies


def change_bodies(address: str, token: str, after: int, coding: str) -> tuple[list[bytes], int]:
    """The change pages after `after` in `coding`: (bodies as received, bytes on the wire)."""
    headers = {
        "Authorization": f"Bearer {token}",
        PROTOCOL_HEADER: str(PROTOCOL_VERSION),
        "Accept-Encoding": CODINGS[coding],
    }
    bodies, wire = [], 0
    with httpx.Client(base_url=address, timeout=600, headers=headers) as http:
        while True:
            answer = http.get("/v1/changes", params={"after": after, "limit": CHANGE_PAGE})
            answer.raise_for_status()
            wire += answer.num_bytes_downloaded
            bodies.append(answer.content)
            page = json.loads(answer.content)
            if not page["changes"] or not page["more"]:
                return bodies, wire
            after = page["next"]


def baselines(bodies: list[bytes]) -> dict[str, int]:
    """The identity bytes and what the Python libraries make of them."""
    whole = b"".join(bodies)
    return {
        "json": len(whole),
        "gzip-5 per page": sum(len(gzip.compress(b, 5, mtime=0)) for b in bodies),
        "zstd-1 per page": sum(len(zstandard.ZstdCompressor(level=1).compress(b)) for b in bodies),
        "zstd-3 per page": sum(len(zstandard.ZstdCompressor(level=3).compress(b)) for b in bodies),
        "zstd-9 per page": sum(len(zstandard.ZstdCompressor(level=9).compress(b)) for b in bodies),
        "zstd-1 whole stream": len(zstandard.ZstdCompressor(level=1).compress(whole)),
    }


def run(args: argparse.Namespace, work: Path) -> Result:
    """Seed, serve, measure."""
    result = Result(args.persons)
    url = seeded_sqlite(args, work, BackendResult("sqlite", args.persons))
    with serving_hq(url) as (address, token):
        if not args.shaped_only:
            say("bootstrap pages, identity, for the baselines")
            result.bootstrap_raw = baselines(bootstrap_bodies(address, token))
        # the codings in turn: each round sees the same load
        for round_no in range(0 if args.shaped_only else args.rounds):
            for coding in CODINGS:
                say(f"first sync on loopback, accepting {coding}, round {round_no + 1}")
                name = f"loopback-{round_no}"
                copy = first_sync(address, token, work, coding, name)
                copy.link = "loopback"
                result.copies.append(copy)
        port = int(address.rsplit(":", 1)[1])
        for spec in filter(None, args.shaped.split(",")):
            coding, mbits = spec.split("@")
            with shaped_link(port, SHAPES[mbits]) as link:
                say(f"first sync through {SHAPES[mbits].describe()}, accepting {coding}")
                copy = first_sync(link.url, token, work, coding, SHAPES[mbits].describe())
                copy.link_bytes = link.bytes_down
            result.copies.append(copy)
        if not args.shaped_only:
            measure_changes(address, token, work, url, result)
    return result


def measure_changes(address: str, token: str, work: Path, url: str, result: Result) -> None:
    """A day's change pages: a contribution for every person posted at headquarters, fetched
    in each coding, then pulled by an office."""
    new_office(address, token, work, "office-changes")
    with open_client(address, token, timeout=600) as client:
        SyncEngine(client, bootstrap_limit=PAGE).run_once()
        cursor = state.read().cursor
        say("a month's contributions posted at headquarters")
        result.changes = post_a_month(url)
        for coding in CODINGS:
            bodies, wire = change_bodies(address, token, cursor, coding)
            result.change_wire[coding] = wire
            if coding == "identity":
                result.change_raw = baselines(bodies)
        started = time.perf_counter()
        outcome = pull(client, limit=CHANGE_PAGE)
        result.pull_seconds = time.perf_counter() - started
        result.pull_rows = outcome.changes
    close_register()


def post_a_month(url: str) -> int:
    """Post at headquarters, as the next month, every contribution row of the latest month
    (amounts and employers as each person's own; the busiest day of the feed); rows posted."""
    columns = CONTRIBUTION.columns
    period = columns.index("period")
    store.connect(url)
    try:
        latest = store.execute("SELECT max(period) FROM contribution").fetchone()[0]
        year, month = divmod(latest, 100)
        following = latest + 1 if month < 12 else (year + 1) * 100 + 1
        rows = [
            [*row[:period], following, *row[period + 1 :]]
            for row in store.execute(
                f"SELECT {', '.join(columns)} FROM contribution WHERE period = ?", [latest]
            ).fetchall()
        ]
        register.upsert_rows(CONTRIBUTION.name, [wire_row(r) for r in rows])
    finally:
        store.close()
    return len(rows)


def table(r: Result) -> str:
    """The printed report."""
    n = r.persons
    lines = [f"{n:,} persons in district {DISTRICT}", "first sync (copy, pull, full data check):"]
    groups: dict[tuple[str, str], list[Copy]] = {}
    for c in r.copies:
        groups.setdefault((c.coding, c.link), []).append(c)
    for (coding, link_name), copies in groups.items():
        c = copies[0]
        times = [x.seconds for x in copies]
        middle = statistics.median(times)
        spread = (
            f" ({min(times):.1f}-{max(times):.1f}, {len(times)} rounds)" if len(times) > 1 else ""
        )
        link = f", link carried {c.link_bytes / n:,.0f} B/person" if c.link_bytes else ""
        lines.append(
            f"  {coding:<8} {link_name:<17} {middle:6.1f} s{spread}  {c.rows / middle:>8,.0f} "
            f"rows/s  {c.per_person(n):>7,.0f} B/person on the wire ({c.wire_bytes / 1e6:,.1f}"
            f" MB, {c.body_bytes / max(c.wire_bytes, 1):.1f}x smaller than its JSON){link}"
        )
    if r.bootstrap_raw:
        lines.append("  baseline, the same bootstrap pages compressed here:")
    for name, size in r.bootstrap_raw.items():
        lines.append(f"    {name:<20} {size / n:>8,.0f} B/person ({size / 1e6:,.1f} MB)")
    if r.changes:
        lines.append(
            f"a day's changes ({r.changes:,} contribution rows, a month posted), change pages of "
            f"{CHANGE_PAGE}:"
        )
    for coding, size in r.change_wire.items():
        lines.append(f"  {coding:<8} {size / n:>8,.0f} B/person on the wire")
    for name, size in r.change_raw.items():
        lines.append(f"    baseline {name:<20} {size / n:>8,.0f} B/person")
    if r.pull_seconds:
        lines.append(
            f"  pulled (zstd, loopback): {r.pull_rows:,} changes in {r.pull_seconds:.1f} s = "
            f"{r.pull_rows / r.pull_seconds:,.0f} rows/s"
        )
    lines += extrapolation(r)
    return "\n".join(lines)


def extrapolation(r: Result) -> list[str]:
    """1,000,000 persons from the small district, per shaped run, stated as an estimate."""
    if r.persons == MILLION:
        lines = ["at 1,000,000 persons (measured at that size, nothing scaled):"]
    else:
        lines = [
            "extrapolated to 1,000,000 persons (linear in persons; an estimate, not measured):"
        ]
    loopback = {
        coding: statistics.median(
            c.seconds for c in r.copies if c.link == "loopback" and c.coding == coding
        )
        for coding in {c.coding for c in r.copies if c.link == "loopback"}
    }
    for c in r.copies:
        if c.link == "loopback" or c.link_bytes is None:
            continue
        shape = next(s for s in SHAPES.values() if s.describe() == c.link)
        assert shape.rate_bps is not None
        link_s = c.link_bytes / r.persons * MILLION * 8 / shape.rate_bps
        measured_s = c.seconds / r.persons * MILLION
        local_s = loopback.get(c.coding, 0.0) / r.persons * MILLION
        loopback_said = (
            f"; the first sync on loopback (median) scaled {local_s / 60:,.0f} min"
            if c.coding in loopback
            else ""
        )
        lines.append(
            f"  {c.coding} over {c.link}: the line alone {link_s / 60:,.0f} min{loopback_said}; "
            f"this first sync scaled {measured_s / 60:,.0f} min (goal < 60 min at 20 Mbit/s)"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-wire-") as tmp:
        result = run(args, Path(tmp))
    report = table(result)
    print(report, file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(asdict(result), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
