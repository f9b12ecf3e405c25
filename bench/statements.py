"""Statement benchmark: one statement, and a batch on every core, against a bare canvas.

    python -m bench.statements [--persons 6000 | --keep DIR] [--singles 50] [--batch 2000]
                               [--rounds 3] [--writer auto|fast|stock] [--json]

- single: `reports.issue.issue` of one rights record (query, number, sign, render, write,
  record), median over many people; the baseline in the same run is a bare reportlab canvas
  drawing one page of the same amount of text (the statement's table rows as lines) with the
  same embedded font;
- batch: `reports.batch.run_batch` of N statements on all cores, statements per second; the
  baseline is the same number of bare pages on the same number of processes, run right after
  it; batch and baseline are run in turn `--rounds` times (the same people into a new folder
  each time) and the median round's share is the result: a burst of other work on a shared
  machine during one run moves one round, not the verdict;
- how many pages the statements (singles and batch) have.
Goal: a single statement under 150 ms; batch throughput at least half of the baseline's (the
fast writer's goal: `--writer stock` measures reportlab's stock writer, `reports.pdf.mode`).

For information beside the goal's baseline, a second one: the bare canvas drawing the
statement's own text (what a PDF reader extracts from the single statements, line by line):
the same characters and glyphs as the statement, without its tables, rules, QR code, numbering
and records.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from models.actor import Actor
from models.db import close_register
from models.demo.generator import DemoParams, generate
from models.home import OfficeHome
from models.people import PersonSummary
from models.schema import db
from reports.batch import run_batch
from reports.issue import issue
from reports.pdf.bare import bare_page
from reports.pdf.fonts import load_font
from reports.pdf.mode import ENV_VAR, current_choice

YEAR = 2025
AS_OF = date(2026, 11, 1)
GOAL_SINGLE_MS = 150.0
GOAL_BATCH_SHARE = 0.5


def _people(limit: int) -> list[PersonSummary]:
    rows = db.execute_sql(
        "SELECT p.id, p.ssn, p.name, p.gender, p.birth_date, p.ethnicity, p.region_code, "
        "p.phone, p.address, p.status FROM person p WHERE p.status = 'insured' "
        "AND p.region_code = '370102' AND EXISTS (SELECT 1 FROM contribution c WHERE "
        "c.person_id = p.id AND c.period BETWEEN ? AND ?) ORDER BY p.id LIMIT ?",
        (YEAR * 100 + 1, YEAR * 100 + 12, limit),
    ).fetchall()
    return [PersonSummary.from_row(r) for r in rows]


def _lines_of(person: PersonSummary) -> list[str]:
    """The statement's text as lines: the holder and the year's monthly rows."""
    rows = db.execute_sql(
        "SELECT period, insurance, base_fen, employer_fen, personal_fen, status, posted_date "
        "FROM contribution WHERE person_id = ? AND period / 100 = ?",
        (person.id, YEAR),
    )
    head = [f"个人权益记录单 {person.name} {person.ssn} {person.address}"]
    return head + ["  ".join(str(v) for v in r) for r in rows]


def _own_lines(pdf: Path) -> list[str]:
    """The text a PDF reader extracts from a statement, one entry per non-empty line."""
    from pypdf import PdfReader  # a test dependency: only this benchmark's second baseline

    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    return [line for line in text.splitlines() if line.strip()]


def _bare_worker(lines: list[str]) -> int:
    return len(bare_page(lines))


def _bare_rate(pages: list[list[str]], workers: int) -> float:
    """Bare pages per second on `workers` processes."""
    start = time.perf_counter()
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    with multiprocessing.get_context(method).Pool(workers) as pool:
        pool.map(_bare_worker, pages, chunksize=8)
    return len(pages) / (time.perf_counter() - start)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the statement benchmark."""
    parser = argparse.ArgumentParser(prog="python -m bench.statements", description=__doc__)
    parser.add_argument("--persons", type=int, default=6000, help="district size")
    parser.add_argument("--singles", type=int, default=50, help="single statements timed")
    parser.add_argument("--batch", type=int, default=2000, help="statements in the batch")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--rounds", type=int, default=3, help="batch and baseline runs, in turn (median share)"
    )
    parser.add_argument(
        "--writer",
        choices=("auto", "fast", "stock"),
        default=os.environ.get(ENV_VAR, "auto"),
        help=f"PDF writer of the statements (sets {ENV_VAR} for this run and its workers)",
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="measure on the demo district already in this office home (e.g. one kept by "
        "bench.lookup --keep) instead of generating --persons; its statements are added to it",
    )
    parser.add_argument("--json", action="store_true", help="JSON on stdout, table on stderr")
    args = parser.parse_args(argv)
    out = sys.stderr if args.json else sys.stdout
    os.environ[ENV_VAR] = args.writer
    writer = current_choice().describe()
    print(writer, file=out)
    work = Path(tempfile.mkdtemp(prefix="bench-statements-"))
    if args.keep:
        home = OfficeHome(Path(args.keep).expanduser().absolute())
        home.open()
        persons = db.execute_sql("SELECT count(*) FROM person").fetchone()[0]
        print(f"district: {persons:,} persons kept in {home.path}", file=out)
    else:
        home = OfficeHome(work / "home")
        home.create("370102", "历下区性能测试中心")
        generate(DemoParams(args.persons, 1, "370102", AS_OF))
    load_font()
    actor = Actor.tool("bench")
    people = _people(args.batch + args.singles)
    if len(people) < args.batch + args.singles:
        print(f"only {len(people)} insured people in the district: raise --persons", file=out)
        return 2
    singles, batch_people = people[: args.singles], people[args.singles :]
    single_ms, bare_ms, own_ms, own_texts = [], [], [], []
    (work / "single").mkdir()  # issue() writes into an existing folder only
    for person in singles:
        start = time.perf_counter()
        made = issue(
            home, actor, "rights", work / "single" / f"{person.id}.pdf", person=person, year=YEAR
        )
        single_ms.append((time.perf_counter() - start) * 1000)
        lines = _lines_of(person)
        start = time.perf_counter()
        bare_page(lines)
        bare_ms.append((time.perf_counter() - start) * 1000)
        own_texts.append(_own_lines(made.path))
        start = time.perf_counter()
        bare_page(own_texts[-1])
        own_ms.append((time.perf_counter() - start) * 1000)
    all_lines = [_lines_of(p) for p in batch_people]
    rounds, pages = [], {}
    for number in range(args.rounds):  # the batch, then its baseline, in turn
        home.open()
        ids = [p.id for p in batch_people]
        summary = run_batch(home, actor, ids, YEAR, work / f"batch-{number}", workers=args.workers)
        if number == 0:  # pages of the singles and the first round's statements
            pages = {
                str(count): documents
                for count, documents in db.execute_sql(
                    "SELECT pages, count(*) FROM statement WHERE kind = 'rights' "
                    "AND sha256 IS NOT NULL GROUP BY pages ORDER BY pages"
                )
            }
        close_register()  # the baseline's processes are forked without the register
        bare_rate = _bare_rate(all_lines, args.workers)
        rounds.append(
            {
                "statements": summary.made,
                "failed": len(summary.failed),
                "seconds": round(summary.seconds, 2),
                "per_second": summary.per_second,
                "bare_per_second": bare_rate,
                "share": summary.per_second / bare_rate,
            }
        )
    own_rate = _bare_rate(
        [own_texts[i % len(own_texts)] for i in range(len(all_lines))], args.workers
    )
    middle = sorted(rounds, key=lambda r: r["share"])[len(rounds) // 2]  # the median round
    result: dict[str, Any] = {
        "single_ms": {
            "median": statistics.median(single_ms),
            "p95": sorted(single_ms)[int(0.95 * len(single_ms))],
        },
        "bare_page_ms": {"median": statistics.median(bare_ms)},
        "batch": middle,
        "rounds": rounds,
        "bare_batch_per_second": middle["bare_per_second"],
        "own_text": {
            "bare_page_ms": statistics.median(own_ms),
            "bare_batch_per_second": own_rate,
            "batch_share": middle["per_second"] / own_rate,
        },
        "pages": pages,
        "workers": args.workers,
        "writer": writer,
    }
    result["single_ratio"] = result["single_ms"]["median"] / result["bare_page_ms"]["median"]
    result["batch_share"] = middle["share"]
    result["goal_met"] = (
        result["single_ms"]["median"] < GOAL_SINGLE_MS and result["batch_share"] >= GOAL_BATCH_SHARE
    )
    print(
        f"single statement: median {result['single_ms']['median']:.1f} ms "
        f"(p95 {result['single_ms']['p95']:.1f}) vs bare canvas page "
        f"{result['bare_page_ms']['median']:.1f} ms: {result['single_ratio']:.1f}x",
        file=out,
    )
    for number, r in enumerate(rounds, start=1):
        print(
            f"batch, round {number}: {r['statements']} statements ({r['failed']} failed) in "
            f"{r['seconds']:.1f} s on {args.workers} processes = {r['per_second']:.1f}/s; bare "
            f"pages {r['bare_per_second']:.1f}/s; share {r['share']:.2f}",
            file=out,
        )
    print(f"batch share, median of {len(rounds)} rounds: {middle['share']:.2f}", file=out)
    print(
        f"for information, the bare canvas drawing the statements' own text: page "
        f"{result['own_text']['bare_page_ms']:.1f} ms, {own_rate:.1f} pages/s; share "
        f"{result['own_text']['batch_share']:.2f}",
        file=out,
    )
    print(
        "pages per statement (singles and the first round): "
        + ", ".join(f"{count} page(s): {documents}" for count, documents in pages.items()),
        file=out,
    )
    print(
        f"goal: single < {GOAL_SINGLE_MS:.0f} ms and batch >= {GOAL_BATCH_SHARE:.0%} of the "
        f"baseline: {'met' if result['goal_met'] else 'NOT MET'}",
        file=out,
    )
    if args.json:
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
