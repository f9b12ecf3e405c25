"""Card benchmark: from insertion to a parsed holder record, through pcscd and vpcd.

Run it from the project root (pcscd and vsmartcard-vpcd installed; a pcscd is started if none
shows the virtual reader):

    python -m bench.card_read [--reads N] [--insertions M] [--generation 1|2|3] [--json]

Three measurements, each call timed with time.perf_counter_ns:
- read: connect to the card already in the reader, SELECT, read EF05 and EF06, parse, check
  (the session's work); its baseline in the same run is the same number of bare transmits of a
  short APDU (READ RECORD of the one-byte card-type record) on one connection;
- insertion: from plugging the virtual card into vpcd to the parsed record, including the time
  pcscd takes to notice the card (it polls the vpcd driver);
- the number of APDUs a read used, against the fields the data needs (select + one READ RECORD
  per field).
Goal: no more APDUs than the data needs, under 50 ms median on the virtual reader.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import date
from typing import Any

from cards.pcsc import PcscContext
from cards.session import SocialSecurityCardSession
from cards.virtual import CardProfile, VirtualCard, VpcdLink
from cards.virtual.service import PcscdService, wait_until_empty
from cards.virtual.vpcd import REMOVAL_SETTLE_SECONDS

GOAL_MEDIAN_MS = 50.0
SSN = "11010519491231002X"
SHORT_APDU = bytes.fromhex("00B2022C00")  # READ RECORD 2 of EF05: the one-byte card type
FIELDS_NEEDED = {1: 1 + 7 + 6, 2: 1 + 7 + 6, 3: 1 + 7 + 6}  # select + EF05 fields + EF06 fields


def percentiles(samples_ns: Sequence[int]) -> dict[str, float]:
    """Median, p95 and max in milliseconds."""
    ordered = sorted(samples_ns)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return {
        "n": len(ordered),
        "median_ms": statistics.median(ordered) / 1e6,
        "p95_ms": p95 / 1e6,
        "max_ms": ordered[-1] / 1e6,
    }


def virtual_card(generation: int) -> VirtualCard:
    """The card every measurement reads."""
    profile = CardProfile.from_holder(
        SSN, "张三", card_no="X00000019", generation=generation, issue_date=date(2020, 5, 1)
    )
    return VirtualCard(profile)


def measure_reads(reader: str, generation: int, reads: int) -> dict[str, Any]:
    """Session reads of a card left in the reader, against bare transmits of the same count."""
    session_ns: list[int] = []
    bare_ns: list[int] = []
    apdus = 0
    with VpcdLink(virtual_card(generation)), PcscContext() as context:
        context.wait_for_card(reader, 5000)
        for _ in range(reads):
            start = time.perf_counter_ns()
            with context.connect(reader) as transport:
                record = SocialSecurityCardSession(transport).read()
            session_ns.append(time.perf_counter_ns() - start)
            apdus = record.apdus
            with context.connect(reader) as transport:
                start = time.perf_counter_ns()
                for _ in range(apdus):
                    transport.transmit(SHORT_APDU)
                bare_ns.append(time.perf_counter_ns() - start)
    wait_until_empty(reader)
    return {
        "session": percentiles(session_ns),
        "bare_transmits": percentiles(bare_ns),
        "apdus": apdus,
        "apdus_needed": FIELDS_NEEDED[generation],
    }


def measure_insertions(reader: str, generation: int, insertions: int) -> dict[str, Any]:
    """Plug the card in, wait for pcscd to see it, read it; take it out; again."""
    samples: list[int] = []
    with PcscContext() as context:
        for _ in range(insertions):
            wait_until_empty(reader)
            time.sleep(REMOVAL_SETTLE_SECONDS)  # so that the link inserts at once, untimed
            start = time.perf_counter_ns()
            with VpcdLink(virtual_card(generation)):
                context.wait_for_card(reader, 5000)
                with context.connect(reader) as transport:
                    SocialSecurityCardSession(transport).read()
                samples.append(time.perf_counter_ns() - start)
    return percentiles(samples)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the card benchmark and print its table (and JSON with --json)."""
    parser = argparse.ArgumentParser(prog="python -m bench.card_read", description=__doc__)
    parser.add_argument("--reads", type=int, default=300, help="reads of an inserted card")
    parser.add_argument("--insertions", type=int, default=20, help="insert-and-read cycles")
    parser.add_argument("--generation", type=int, choices=(1, 2, 3), default=2)
    parser.add_argument("--json", action="store_true", help="JSON on stdout, table on stderr")
    args = parser.parse_args(argv)
    out = sys.stderr if args.json else sys.stdout
    with PcscdService() as reader:
        reads = measure_reads(reader, args.generation, args.reads)
        inserted = measure_insertions(reader, args.generation, args.insertions)
    ratio = reads["session"]["median_ms"] / reads["bare_transmits"]["median_ms"]
    print(f"Card read, generation {args.generation}, through pyscard -> pcscd -> vpcd", file=out)
    print(f"{'measurement':<38}{'n':>6}{'median ms':>12}{'p95 ms':>10}{'max ms':>10}", file=out)
    rows = (
        ("read (connect + session + parse)", reads["session"]),
        (f"baseline: {reads['apdus']} bare transmits", reads["bare_transmits"]),
        ("insertion to parsed record", inserted),
    )
    for label, s in rows:
        print(
            f"{label:<38}{s['n']:>6}{s['median_ms']:>12.2f}{s['p95_ms']:>10.2f}"
            f"{s['max_ms']:>10.2f}",
            file=out,
        )
    print(
        f"read / baseline (median): {ratio:.2f}x; APDUs per read {reads['apdus']} "
        f"(the data needs {reads['apdus_needed']})",
        file=out,
    )
    met = reads["session"]["median_ms"] < GOAL_MEDIAN_MS and reads["apdus"] <= reads["apdus_needed"]
    print(
        f"goal: <= the APDUs the data needs and under {GOAL_MEDIAN_MS:.0f} ms median: "
        f"{'met' if met else 'NOT MET'} for the read; insertion to record "
        f"{inserted['median_ms']:.0f} ms median (pcscd polls the reader)",
        file=out,
    )
    if args.json:
        print(
            json.dumps(
                {
                    "generation": args.generation,
                    "read": reads,
                    "insertion": inserted,
                    "ratio_median": ratio,
                    "goal_met": met,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
