"""The printed report: generation summary, results table, goal verdicts and environment.

Tables are aligned for CJK names (wide characters count as two columns); times are in
microseconds.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import peewee

from bench.district import Generation, phase_sum
from bench.stats import P99_MIN_SAMPLES, Measurement, p99_label
from models.db import PRAGMAS
from models.schema import db

GOAL_TEXT = "goal: p99 < 2 ms at 1,000,000 persons and within 3x of raw sqlite3"
GOAL_PERSONS = 1_000_000  # the district size the goal is set at


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
        f"{total - phase_sum(report):.2f} s",
        f"  speed: {report.persons / total:,.0f} persons/s" if total else "  speed: n/a",
        f"  database: {generation.db_bytes / 1e6:,.1f} MB ({per_person / 1024:.1f} KB per "
        f"person); right after generate(): register.db "
        f"{(generation.db_bytes_after_generation or 0) / 1e6:,.1f} MB + WAL "
        f"{(generation.wal_bytes_after_generation or 0) / 1e6:,.1f} MB (checkpointed before "
        "measuring)",
    ]


def table_text(
    results: Sequence[Measurement],
    persons: int,
    lookups: int,
    absent: int,
    *,
    warmup: int,
    absent_share: float,
) -> str:
    """The results table: a service line and a baseline line per measurement.

    The heading states the run: `lookups` keys per kind, `absent` more keys (`absent_share` of
    them) not in the register, `warmup` uncounted calls per kind.
    """
    name_w = max(_width(r.name) for r in results) + 2
    label_w = max(_width(x) for r in results for x in (r.service_label, r.baseline_label)) + 2
    head = (
        _pad("measurement", name_w)
        + _pad("", label_w)
        + f"{'calls':>8} {'median':>9} {'p90':>9} {'p99':>9} {'max':>9}"
        + f" {'med/base':>9} {'p99/base':>9}  {'median, p99 per round: min-max':<32}"
    )
    lines = [
        f"Lookups on {persons:,} persons: {lookups:,} keys per kind (+{absent:,} absent, "
        f"{absent_share:.0%}), {warmup} warm-up calls per kind not counted; "
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
            line += f" {r.median_ratio:>8.2f}x {r.p99_ratio:>8.2f}x" if i == 0 else " " * 20
            line += "  " + _spread(r.service_rounds if i == 0 else r.baseline_rounds)
            if i == 0 and (r.mismatches or r.errors):
                line += f"  ({r.mismatches} mismatches, {r.errors} errors!)"
            lines.append(line)
    counts = {int(r.service["n"]) for r in results}
    counts |= {int(r.service_rounds.get("calls_per_round", P99_MIN_SAMPLES)) for r in results}
    few = sorted(n for n in counts if n < P99_MIN_SAMPLES)
    if few:
        lines.append(
            "p99 of fewer than "
            f"{P99_MIN_SAMPLES:,} calls (a series or a round) is one of the worst few: "
            + ", ".join(f"{n:,} calls: the {p99_label(n)}" for n in few)
        )
    return "\n".join(lines)


def _spread(rounds: dict[str, Any]) -> str:
    """ "a-b, c-d (R x n)": min-max of the rounds' medians and of their p99s."""
    if not rounds.get("rounds"):
        return ""
    lo, hi = rounds["median_range_us"]
    plo, phi = rounds["p99_range_us"]
    return (
        f"{_us(lo)}-{_us(hi)}, {_us(plo)}-{_us(phi)} "
        f"({rounds['rounds']} x {rounds['calls_per_round']:,})"
    )


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
        named = "" if verdict["p99_is"] == "p99" else f" (the {verdict['p99_is']})"
        parts = [f"p99{named} {_us(p99)} us {'<' if verdict['p99_under_2ms'] else '>='} 2 ms"]
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
