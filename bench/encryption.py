"""Encryption benchmark: the same district as a plain and as an encrypted (SQLCipher) register,
measured in the same run.

    python -m bench.encryption [--persons N] [--lookups K] [--rounds R] [--seed S] [--json]

1. A demo district of N persons (default 20,000) is generated into a temporary office home, then
   copied and the copy encrypted with `models.encryption.encrypt_home` (timed).
2. Per register: opening (`OfficeHome.open`, which proves the passphrase: SQLCipher's key
   derivation) followed by one ID-number lookup, timed R times; then K lookups by ID number
   (`models.people.find_by_ssn`) and K whole overviews (`models.overview.person_overview`) on
   keys drawn with a fixed seed, after 200 warm-up calls that are not counted.
3. The two registers take turns, plain first in odd rounds and encrypted first in even ones,
   so that both see the same machine state. The table gives median and p99 in microseconds and
   the encrypted/plain ratios. No goal is asserted: this measures the price of encryption.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from bench.stats import summarise
from models.db import close_register, forget_passphrase
from models.demo.generator import DemoParams, generate
from models.encryption import encrypt_home
from models.home import OfficeHome
from models.overview import person_overview
from models.people import find_by_ssn
from models.schema import db

PASSPHRASE = "benchmark office passphrase"
WARMUP = 200
AS_OF = date(2026, 11, 1)


def _timed(calls: Sequence[Callable[[], object]]) -> list[int]:
    samples = []
    for call in calls:
        start = time.perf_counter_ns()
        call()
        samples.append(time.perf_counter_ns() - start)
    return samples


def _open_and_lookup(home: OfficeHome, ssn: str) -> None:
    forget_passphrase()  # every opening derives the key again, as a new process does
    home.open()
    find_by_ssn(ssn)


def _lookups(ssns: list[str]) -> tuple[list[int], list[int]]:
    people = [find_by_ssn(s) for s in ssns[:WARMUP]]
    _timed([lambda p=p: person_overview(p, AS_OF) for p in people if p is not None])
    by_id = _timed([lambda s=s: find_by_ssn(s) for s in ssns])
    people = [find_by_ssn(s) for s in ssns]
    overview = _timed([lambda p=p: person_overview(p, AS_OF) for p in people if p is not None])
    return by_id, overview


def measure(persons: int, lookups: int, rounds: int, seed: int, say: Callable[[str], None]):
    """Generate, encrypt and measure; returns the report as a dict."""
    work = Path(tempfile.mkdtemp(prefix="counterdesk-bench-enc-"))
    try:
        plain = OfficeHome(work / "plain")
        plain.create("370102", "bench")
        say(f"generating {persons:,} persons ...")
        generate(DemoParams(persons, seed, "370102", AS_OF))
        rng = random.Random(seed)
        all_ssns = [r[0] for r in db.execute_sql("SELECT ssn FROM person")]
        ssns = [rng.choice(all_ssns) for _ in range(lookups)]
        close_register()
        shutil.copytree(plain.path, work / "encrypted")
        encrypted = OfficeHome(work / "encrypted", passphrase=PASSPHRASE)
        say("encrypting the copy ...")
        start = time.perf_counter()
        encrypt_home(encrypted.path, encrypted.register_path, PASSPHRASE)
        encrypt_s = time.perf_counter() - start
        samples: dict[str, dict[str, list[int]]] = {
            name: {"open_and_lookup": [], "id_lookup": [], "overview": []}
            for name in ("plain", "encrypted")
        }
        homes = {"plain": plain, "encrypted": encrypted}
        for round_no in range(rounds):
            order = ("plain", "encrypted") if round_no % 2 == 0 else ("encrypted", "plain")
            for name in order:
                home = homes[name]
                samples[name]["open_and_lookup"] += _timed(
                    [lambda h=home, s=ssns[round_no]: _open_and_lookup(h, s)]
                )
                by_id, overview = _lookups(ssns)
                samples[name]["id_lookup"] += by_id
                samples[name]["overview"] += overview
                close_register()
        sizes = {n: h.register_path.stat().st_size for n, h in homes.items()}
    finally:
        forget_passphrase()
        shutil.rmtree(work, ignore_errors=True)
    results = {
        name: {what: summarise(s) for what, s in kinds.items()} for name, kinds in samples.items()
    }
    ratios = {
        what: {
            stat: results["encrypted"][what][stat] / results["plain"][what][stat]
            for stat in ("median_us", "p99_us")
        }
        for what in samples["plain"]
    }
    return {
        "format": "counterdesk.bench-encryption/1",
        "persons": persons,
        "lookups_per_round": lookups,
        "rounds": rounds,
        "encrypt_seconds": round(encrypt_s, 2),
        "register_bytes": sizes,
        "results": results,
        "ratios": ratios,
    }


def table(report: dict) -> str:
    """The report as a table."""
    per_round = report["lookups_per_round"]
    lines = [
        f"{report['persons']:,} persons; {report['rounds']} rounds of {per_round:,} lookups; "
        f"encrypting the register took {report['encrypt_seconds']} s",
        f"{'measure':<18}{'plain p50':>12}{'p99':>10}{'encrypted p50':>16}{'p99':>10}"
        f"{'ratio p50':>11}{'p99':>7}",
    ]
    for what, ratio in report["ratios"].items():
        p, e = report["results"]["plain"][what], report["results"]["encrypted"][what]
        lines.append(
            f"{what:<18}{p['median_us']:>10.0f}us{p['p99_us']:>8.0f}us"
            f"{e['median_us']:>14.0f}us{e['p99_us']:>8.0f}us"
            f"{ratio['median_us']:>10.2f}x{ratio['p99_us']:>6.2f}x"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line of the benchmark."""
    parser = argparse.ArgumentParser(prog="python -m bench.encryption", description=__doc__)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--lookups", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="also print JSON on stdout")
    args = parser.parse_args(argv)
    report = measure(
        args.persons, args.lookups, args.rounds, args.seed, lambda m: print(m, file=sys.stderr)
    )
    print(table(report), file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
