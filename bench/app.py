"""Desktop application benchmark: cold start and card insertion, against a bare ttkbootstrap window.

Run it as a module from the project root:

    python -m bench.app [--persons N] [--keep DIR] [--runs K] [--cards C] [--json]

1. A demo district of N persons (default 200,000) is generated into a temporary office home
   (removed at the end), or into / reused from DIR with --keep (bench.district.prepare_home).
2. An Xvfb of its own is started (-displayfd, 1366x768x24), unless $DISPLAY is set.
3. K rounds of starts, every one a fresh `python -m bench.app_child` process timed from just
   before its spawn (time.monotonic, shared by all processes on Linux) to the marker it prints;
   each round a cold baseline and a cold application start (the files a start reads dropped
   from the page cache just before each, bench.evict), then a warm baseline and a warm
   application start; nothing runs unmeasured first:
   * baseline: a bare ttkbootstrap.Window with one label, mapped and idle;
   * login: the application built by desktop.app.root.build_app (reader off, as
     `counterdesk app --no-reader`) and started, the sign-in screen mapped, no task pending, idle;
   * counter: the same process, after signing in as clerk01 (typed, Enter): the waiting screen
     mapped, no task pending, idle.
4. Card to record: one process in training mode, signed in; C training cards of different demo
   persons (random rowids) are put into the in-process training reader one after another, each
   at a random moment within one reader tick (CardService.insert_training_card, the virtual card
   made beforehand), each timed until the
   customer screen shows that person's overview with no task pending and Tk idle; then the card is
   removed and the visit ended (F12). Run twice: with the shipped tick (AppConfig.tick_ms, the
   interval at which the window polls the reader's events) and with a 10 ms tick, which shows
   the part that is not the polling interval. With --pcsc the same again with the card
   connected to vsmartcard-vpcd and seen through pcscd (the application's PC/SC reader mode).
5. Tables of the cold and the warm starts (median, min-max) and of the cards (and with --json a
   JSON document on stdout, the tables then on stderr) with the goal verdicts: sign-in screen
   under 1.5 s on the cold starts' max, card to record under 300 ms.

Exit status: 0 after a complete run (goal met or not); 2 for a usage or environment problem
(no Xvfb, not enough disk, a --keep folder holding another register, a child that failed);
130 if interrupted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from bench.district import prepare_home
from bench.errors import BenchError, exit_status
from bench.evict import evict, start_roots
from desktop.core.config import AppConfig
from models.db import close_register
from testkit import XVFB_MISSING, XvfbFailed, start_xvfb, xvfb_binary

DEFAULT_PERSONS = 200_000
DEFAULT_RUNS = 5
DEFAULT_CARDS = 20
DEFAULT_SEED = 1
FAST_TICK_MS = 10
SCREEN = "1366x768x24"
CHILD_TIMEOUT_S = 300.0
GOAL_LOGIN_S = 1.5
GOAL_CARD_MS = 300.0
GOAL_TEXT = "goal: sign-in screen under 1.5 s (cold start), card to record under 300 ms"
REPO = Path(__file__).resolve().parents[1]


# -- Xvfb and the child processes -------------------------------------------------------------


@contextmanager
def display(say: Any) -> Iterator[str]:
    """$DISPLAY if set, else an Xvfb of our own (stopped at the end); yields the display."""
    if os.environ.get("DISPLAY"):
        say(f"Using DISPLAY={os.environ['DISPLAY']}.")
        yield os.environ["DISPLAY"]
        return
    if xvfb_binary() is None:
        raise BenchError(2, f"{XVFB_MISSING} and DISPLAY is not set")
    try:
        screen = start_xvfb(SCREEN, stop_timeout_s=5)
    except XvfbFailed as exc:
        raise BenchError(2, str(exc)) from exc
    try:
        say(f"Started Xvfb on {screen.display} ({SCREEN}).")
        yield screen.display
    finally:
        screen.stop()


def run_child(screen: str, *args: str) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Run one `python -m bench.app_child ARGS` process.

    Returns its markers in seconds since the spawn, and its CARD records.
    """
    env = dict(os.environ, DISPLAY=screen, PYTHONPATH=str(REPO))
    command = [sys.executable, "-m", "bench.app_child", *args]
    spawned = time.monotonic()
    done = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S
    )
    if done.returncode != 0:
        raise BenchError(
            2, f"child {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}"
        )
    marks: dict[str, float] = {}
    records: list[dict[str, Any]] = []
    for line in done.stdout.splitlines():
        if line.startswith("MARK "):
            _, name, at = line.split()
            marks[name] = float(at) - spawned
        elif line.startswith("CARD "):
            records.append(json.loads(line[5:]))
    return marks, records


# -- statistics ---------------------------------------------------------------------------------


def summary(values: Sequence[float]) -> dict[str, float]:
    """Count, median, p90 (nearest rank), max and min."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return {"n": 0}
    return {
        "n": n,
        "median": statistics.median(ordered),
        "p90": ordered[min(n - 1, max(0, math.ceil(0.9 * n) - 1))],
        "max": ordered[-1],
        "min": ordered[0],
    }


# -- the measurements ---------------------------------------------------------------------------


START_MARKS = ("started", "imported", "built", "login", "counter")


def cold_starts(screen: str, home: Path, runs: int, say: Any) -> dict[str, list[float]]:
    """K rounds of starts, each: a cold baseline and a cold application start (the files a start
    reads dropped from the page cache just before each, `bench.evict`), then a warm baseline and
    a warm application start right after. Nothing is run unmeasured first. Seconds since the
    spawn per marker, keyed "cold <marker>" and "warm <marker>"."""
    times: dict[str, list[float]] = {}
    roots = start_roots(REPO, home)
    for run in range(runs):
        line = [f"  round {run + 1}/{runs}:"]
        for state in ("cold", "warm"):
            if state == "cold":
                dropped = evict(roots)
                line.append(f"(dropped {dropped.bytes / 2**20:,.0f} MiB)")
            base, _ = run_child(screen, "baseline")
            if state == "cold":
                evict(roots)
            app, _ = run_child(screen, "login", str(home))
            times.setdefault(f"{state} baseline", []).append(base["shown"])
            times.setdefault(f"{state} baseline_imported", []).append(base["imported"])
            for name in START_MARKS:
                times.setdefault(f"{state} {name}", []).append(app[name])
            line.append(
                f"{state}: baseline {base['shown']:.3f} s, sign-in {app['login']:.3f} s, "
                f"counter {app['counter']:.3f} s;"
            )
        say(" ".join(line))
    return times


def card_runs(
    screen: str, home: Path, count: int, seed: int, pcsc: bool, say: Any
) -> dict[str, list[dict[str, Any]]]:
    """Card insertions: training reader with the shipped tick and with a fast tick (diagnostic),
    and with --pcsc the same through pcscd + vpcd."""
    shipped = AppConfig().tick_ms
    runs = [
        (f"training, tick {shipped} ms", "training", shipped),
        (f"training, tick {FAST_TICK_MS} ms", "training", FAST_TICK_MS),
    ]
    if pcsc:
        runs += [
            (f"pcscd+vpcd, tick {shipped} ms", "pcsc", shipped),
            (f"pcscd+vpcd, tick {FAST_TICK_MS} ms", "pcsc", FAST_TICK_MS),
        ]
    results: dict[str, list[dict[str, Any]]] = {}
    for label, via, tick in runs:
        say(f"Card insertions, {label}: {count} cards (+1 warm-up) ...")
        _, records = run_child(
            screen, "cards", str(home), via, str(tick), str(count + 1), str(seed)
        )
        results[label] = records[1:]  # the first one warms the caches: reported apart
        results[f"{label}: first card after sign-in"] = records[:1]
        seed += 1  # other persons
    return results


# -- report -------------------------------------------------------------------------------------


def report_text(
    persons: int, starts: dict[str, list[float]], cards: dict[str, list[dict[str, Any]]]
) -> tuple[str, dict[str, Any]]:
    """The printed table and the verdicts (also returned as data)."""
    lines: list[str] = []
    for state in ("cold", "warm"):
        base = summary(starts[f"{state} baseline"])
        rows = [
            ("baseline: ttkbootstrap imported", f"{state} baseline_imported"),
            ("baseline: bare ttkbootstrap window + label", f"{state} baseline"),
            ("app: interpreter up (bench.app_child)", f"{state} started"),
            ("app: imports done", f"{state} imported"),
            ("app: build_app returned", f"{state} built"),
            ("app: sign-in screen shown, idle", f"{state} login"),
            ("app: signed in, waiting screen shown", f"{state} counter"),
        ]
        what = (
            "files dropped from the page cache before each start"
            if state == "cold"
            else "right after the cold ones"
        )
        lines += [
            f"{state.capitalize()} start ({what}), {persons:,} persons, {base['n']} rounds "
            "(seconds since spawn)",
            "",
            f"| {'':44} | median | min-max       | median / baseline |",
            f"|{'-' * 46}|--------|---------------|-------------------|",
        ]
        for name, key in rows:
            stats = summary(starts[key])
            ratio = stats["median"] / base["median"]
            lines.append(
                f"| {name:44} | {stats['median']:6.3f} | "
                f"{stats['min']:6.3f}-{stats['max']:6.3f} | {ratio:16.2f}x |"
            )
        lines.append("")
    lines += [
        f"Card insertion to the customer's record on screen, {persons:,} persons (ms)",
        "",
        f"| {'':46} | n  | median | p90    | max    | insert to pickup median    | read to "
        "record median |",
        f"|{'-' * 48}|----|--------|--------|--------|----------------------------|"
        "-----------------------|",
    ]
    verdicts: dict[str, Any] = {}
    card_data: dict[str, Any] = {}
    for label, records in cards.items():
        total = summary([r["total_ms"] for r in records])
        wait = summary([r["poll_wait_ms"] for r in records])
        rest = summary([r["read_to_record_ms"] for r in records])
        card_data[label] = {"total_ms": total, "poll_wait_ms": wait, "read_to_record_ms": rest}
        lines.append(
            f"| {label:46} | {total['n']:2} | {total['median']:6.0f} | {total['p90']:6.0f} | "
            f"{total['max']:6.0f} | {wait['median']:26.0f} | {rest['median']:21.0f} |"
        )
    lines.append(
        "(pickup: the main loop accepts the reader event; for pcscd+vpcd it includes pcscd "
        "noticing the card)"
    )
    login = summary(starts["cold login"])
    base = summary(starts["cold baseline"])
    shipped_label = next(iter(cards))
    shipped = card_data[shipped_label]["total_ms"]
    verdicts["login_under_1_5_s"] = {
        "median_s": login["median"],
        "max_s": login["max"],
        "met": login["max"] < GOAL_LOGIN_S,
    }
    verdicts["card_to_record_under_300_ms"] = {
        "median_ms": shipped["median"],
        "p90_ms": shipped["p90"],
        "max_ms": shipped["max"],
        "met": shipped["max"] < GOAL_CARD_MS,
    }
    lines += [
        "",
        GOAL_TEXT + f" (judged at {persons:,} persons)",
        f"  sign-in screen, cold start: median {login['median']:.3f} s, "
        f"max {login['max']:.3f} s -> "
        + ("MET" if verdicts["login_under_1_5_s"]["met"] else "NOT MET"),
        f"  card to record ({shipped_label}): median {shipped['median']:.0f} ms, p90 "
        f"{shipped['p90']:.0f} ms, max {shipped['max']:.0f} ms -> "
        + ("MET" if verdicts["card_to_record_under_300_ms"]["met"] else "NOT MET"),
    ]
    data = {
        "cold_start_seconds": {name: summary(values) for name, values in starts.items()},
        "cold_start_raw_seconds": starts,
        "login_to_baseline_ratio": login["median"] / base["median"],
        "cards": card_data,
        "cards_raw": cards,
        "verdicts": verdicts,
    }
    return "\n".join(lines), data


# -- command line -------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.app",
        description="Time the desktop application's cold start and card insertion on a demo "
        "district, beside a bare ttkbootstrap window.",
    )
    parser.add_argument(
        "--persons", type=int, default=DEFAULT_PERSONS, help="district size (default 200,000)"
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="office home to generate into and keep (reused if it holds a complete demo of "
        "--persons persons); the card run adds audit rows and visits to it",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=DEFAULT_RUNS,
        help="rounds of one cold and one warm start of each kind (default 5)",
    )
    parser.add_argument(
        "--cards", type=int, default=DEFAULT_CARDS, help="card insertions per run (default 20)"
    )
    parser.add_argument(
        "--pcsc",
        action="store_true",
        help="also insert the cards through pcscd + vsmartcard-vpcd (a pcscd is started if none "
        "shows the virtual reader)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the district")
    parser.add_argument(
        "--json", action="store_true", help="JSON on stdout (the table then goes to stderr)"
    )
    args = parser.parse_args(argv)
    if args.persons < 1 or args.runs < 1 or args.cards < 1:
        parser.error("--persons, --runs and --cards must be at least 1")
    return args


@exit_status("bench.app")
def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    args = parse_args(argv)
    human: TextIO = sys.stderr if args.json else sys.stdout

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    temp_dir: Path | None = None
    try:
        home, temp_dir, generation = prepare_home(args, say)
        close_register()  # the children open it themselves
        with display(say) as screen:
            started = time.perf_counter()
            starts = cold_starts(screen, home.path, args.runs, say)
            cards = card_runs(screen, home.path, args.cards, args.seed, args.pcsc, say)
            elapsed = time.perf_counter() - started
        text, data = report_text(generation.persons, starts, cards)
        env = {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        }
        print("", file=human)
        print(
            f"Environment: Python {env['python']}, {env['cpus']} CPUs, {env['platform']}; "
            f"{env['date']}; measurements took {elapsed:.0f} s",
            file=human,
        )
        print("", file=human)
        print(text, file=human)
        if args.json:
            document = {
                "benchmark": "bench.app",
                "goal": GOAL_TEXT,
                "parameters": {
                    "persons": args.persons,
                    "runs": args.runs,
                    "cards": args.cards,
                    "pcsc": args.pcsc,
                    "home": str(home.path),
                    "kept": bool(args.keep),
                },
                "environment": env,
                "generation": generation.as_json(),
                **data,
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
