"""The office relay, each figure beside a baseline through headquarters measured in the same run.

Real processes on loopback: `counterdesk hq serve` (SQLite, rate limit off as in bench.sync),
`counterdesk relay init` + `relay serve`, and workstation homes each driven by its own child
process (bench.relay_world). One office `bench` of district 370102; W1, W2 and the bootstrap
homes sync through the relay, W1h and W2h with headquarters directly, each with its own token.

1. propagation: W1 reports a card lost (committed in its register) and syncs once; timed to the
   moment W2's pull bringing it returned. Three ways: through the relay with W2's real
   `SyncWorker` polling at the default interval (`sync.backoff.RELAY_INTERVAL_S`; W1 acts at a
   random moment of W2's cycle), and with W2 syncing at once after W1 (the path alone) through
   the relay and, the baseline, through headquarters (whose 60 s interval is left out). Goal:
   p99 under 2 s through the relay with the default poll.
2. bootstrap: the first sync of a new home (`SyncEngine.run_once`: the copy of the register,
   the pull and the full data check) from the relay and from headquarters, alternating.
   Goal: from the relay at least as fast.
3. forwarding: C visits queued at W1, pushed to the relay while headquarters is down, then
   headquarters started again: the relay's forwarding (from the start of its run to the last
   answer stored, read from the relay's store) in commands per second; baseline: the same C
   visits pushed by W1h directly to a just-restarted headquarters (`push_outbox` timed).

    .venv/bin/python -m bench.relay                                   # 20,000 persons
    .venv/bin/python -m bench.relay --persons 100000 --keep /data/bench-relay   # the goal's size
    .venv/bin/python -m bench.relay --persons 2000 --changes 20 --commands 500 --rounds 2

No timing is asserted; the table goes to stderr, `--json` prints every figure on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

from bench.relay_world import DISTRICT, SLOW_S, Agent, RelayStore, World
from bench.stats import summarise
from relay.storage import POLL_S as RELAY_POLL_S
from sync.backoff import RELAY_INTERVAL_S

PATHS = ("relay_poll", "relay_now", "hq_now")


@dataclass
class Result:
    """Every figure of one run (times in seconds unless named otherwise)."""

    persons: int
    changes: int
    warmup: int
    rounds: int
    commands: int
    poll_interval_s: float
    relay_poll_s: float
    setup_s: dict[str, float] = field(default_factory=dict)
    latency_ms: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p in PATHS})
    w1_sync_ms: dict[str, list[float]] = field(default_factory=lambda: {"relay": [], "hq": []})
    w2_run_ms: dict[str, list[float]] = field(default_factory=lambda: {"relay": [], "hq": []})
    missed: dict[str, int] = field(default_factory=lambda: {p: 0 for p in PATHS})
    bootstrap_s: dict[str, list[float]] = field(default_factory=lambda: {"relay": [], "hq": []})
    bootstrap_rows: dict[str, list[int]] = field(default_factory=lambda: {"relay": [], "hq": []})
    forwarding: dict[str, Any] = field(default_factory=dict)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(prog="python -m bench.relay", description=__doc__.split("\n")[0])
    p.add_argument("--persons", type=int, default=20_000, help="district size (default 20,000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--changes", type=int, default=50, help="changes per propagation path (50)")
    p.add_argument("--warmup", type=int, default=2, help="uncounted changes per path (2)")
    p.add_argument("--rounds", type=int, default=3, help="bootstraps from each side (3)")
    p.add_argument("--commands", type=int, default=2_000, help="commands forwarded (2,000)")
    p.add_argument(
        "--poll-interval",
        type=float,
        default=RELAY_INTERVAL_S,
        help=f"W2's sync interval through the relay (default {RELAY_INTERVAL_S:g} s)",
    )
    p.add_argument(
        "--relay-poll",
        type=float,
        default=RELAY_POLL_S,
        help=f"`relay serve --poll` (default {RELAY_POLL_S:g} s)",
    )
    p.add_argument("--keep", type=Path, help="work in DIR/run and keep it; the seeded HQ is reused")
    p.add_argument("--json", action="store_true", help="JSON on stdout (the table is on stderr)")
    return p.parse_args(argv)


def say(text: str) -> None:
    """Progress on stderr."""
    print(text, file=sys.stderr, flush=True)


# -- 1. propagation -------------------------------------------------------------------------


def propagation(world: World, result: Result) -> tuple[Agent, Agent]:
    """W1 -> W2 through the relay (polling, at once) and through headquarters (at once);
    returns W1 and W1h for the forwarding."""
    args = world.args
    w1, w2 = world.agent("w1", "relay"), world.agent("w2", "relay")
    w1h, w2h = world.agent("w1h", "hq"), world.agent("w2h", "hq")
    for agent in (w1, w2, w1h, w2h):
        say(f"{agent.name}: first sync (the copy of the register)")
        agent.ask("sync", timeout=SLOW_S)
    n = args.warmup + args.changes
    cards = w1.ask("cards", count=3 * n)["cards"]
    if len(cards) < 3 * n:
        raise RuntimeError(f"{3 * n} active cards needed, the district has {len(cards)}")
    pairs = {"relay_now": (w1, w2), "hq_now": (w1h, w2h)}
    say(f"propagation, W2 syncing at once: {n} changes each through the relay and headquarters")
    for i in range(n):
        for path in ("relay_now", "hq_now")[:: 1 if i % 2 == 0 else -1]:
            sender, watcher = pairs[path]
            card = cards[i if path == "relay_now" else n + i]
            watcher.ask("expect", card=card, status="lost")
            done = sender.ask("lost", card=card)
            ran = watcher.ask("sync")
            seen = watcher.wait_seen(card, 0)
            if i >= args.warmup:
                note(result, path, done, seen)
                result.w2_run_ms[path[:-4]].append((ran["end"] - ran["start"]) * 1000)
    interval = args.poll_interval
    say(f"propagation, W2 polling every {interval:g} s: {n} changes through the relay")
    w2.ask("poll", interval=interval)
    cycle = interval + statistics.median(result.w2_run_ms["relay"]) / 1000  # W2's period
    rng = random.Random(args.seed)
    for i, card in enumerate(cards[2 * n :]):
        time.sleep(rng.uniform(0, cycle))  # W1 acts at a random moment of W2's cycle
        w2.ask("expect", card=card, status="lost")
        done = w1.ask("lost", card=card)
        seen = w2.wait_seen(card, 5 * interval + 30)
        if i >= args.warmup:
            note(result, "relay_poll", done, seen)
    w2.ask("unpoll")
    for agent in (w2, w2h):
        agent.stop()
    return w1, w1h


def note(result: Result, path: str, done: dict[str, Any], seen: dict[str, Any] | None) -> None:
    """Record one change: W1's commit to W2's pull, and W1's own sync."""
    if seen is None or not done["ok"]:
        result.missed[path] += 1
        return
    result.latency_ms[path].append((seen["pulled"] - done["commit"]) * 1000)
    if path != "relay_poll":
        result.w1_sync_ms[path[:-4]].append((done["synced"] - done["commit"]) * 1000)


# -- 2. bootstrap ---------------------------------------------------------------------------


def bootstraps(world: World, result: Result) -> None:
    """New homes' first sync from the relay and from headquarters, alternating."""
    for r in range(world.args.rounds):
        for side in ("relay", "hq")[:: 1 if r % 2 == 0 else -1]:
            name = f"boot-{side}-{r}"
            say(f"bootstrap {r + 1}/{world.args.rounds} from {side}")
            agent = world.agent(name, side)
            ran = agent.ask("sync", timeout=SLOW_S)
            if not ran["ok"]:
                raise RuntimeError(f"{name}: the first sync did not complete: {ran['error']}")
            agent.stop()
            world.agents.remove(agent)
            shutil.rmtree(world.work / name)  # a district-sized register each: not kept
            result.bootstrap_s[side].append(ran["end"] - ran["start"])
            result.bootstrap_rows[side].append(ran["bootstrap_rows"])


# -- 3. forwarding --------------------------------------------------------------------------


def forwarding(world: World, w1: Agent, w1h: Agent, result: Result) -> None:
    """C commands forwarded by the relay after a WAN cut, against W1h pushing them itself."""
    count = world.args.commands
    relay = RelayStore(world.relay_home / "relay.db")
    wait_until(lambda: relay.waiting() == 0, 120, "the relay has older commands waiting")
    say(f"forwarding: {count:,} visits pushed by W1h to headquarters directly (baseline)")
    w1h.ask("visits", count=count, timeout=SLOW_S)
    world.stop_hq()
    world.start_hq()  # as in the relay's case: a headquarters just started
    base = w1h.ask("push", timeout=SLOW_S)
    w1h.ask("sync", timeout=SLOW_S)  # its audit events, untimed
    say(f"forwarding: {count:,} visits queued at W1, pushed to the relay, WAN cut")
    w1.ask("visits", count=count, timeout=SLOW_S)
    world.stop_hq()
    sent = w1.ask("push", timeout=SLOW_S)
    waiting = relay.waiting()
    world.start_hq()
    restored = time.monotonic()
    attempt: datetime | None = None
    while (left := relay.waiting()) > 0:
        if attempt is None and left < waiting:
            attempt = relay.last_attempt()  # the run now forwarding started then
        if time.monotonic() - restored > SLOW_S:
            raise RuntimeError(f"the relay still has {left} commands waiting")
        time.sleep(0.02)
    drained = time.monotonic() - restored
    forward_s = (relay.last_answer() - (attempt or relay.last_attempt())).total_seconds()
    status = json.loads(world.cli("relay", "status", "--home", str(world.relay_home), "--json"))
    result.forwarding = {
        "commands": count,
        "baseline_push_s": base["seconds"],
        "baseline_accepted": base["accepted"],
        "to_relay_push_s": sent["seconds"],
        "to_relay_pending": sent["waiting"],
        "relay_waiting_at_restore": waiting,
        "relay_forward_s": forward_s,
        "drained_after_restore_s": drained,
        "relay_status_waiting_after": status["upstream"]["waiting"],
    }


def wait_until(check: Any, timeout: float, what: str) -> None:
    """Poll `check()` every 0.1 s until true (RuntimeError `what` after `timeout` s)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(what)
        time.sleep(0.1)


# -- the report -----------------------------------------------------------------------------


def ms_summary(samples: list[float]) -> dict[str, float]:
    """Count, p50, p90, p99, max and mean of millisecond samples (bench.stats.summarise)."""
    found = summarise([round(s * 1e6) for s in samples])
    names = {"median_us": "p50", "p90_us": "p90", "p99_us": "p99", "max_us": "max"}
    names["mean_us"] = "mean"
    return {"n": found["n"]} | {names[k]: v / 1000 for k, v in found.items() if k in names}


def figures(result: Result) -> dict[str, Any]:
    """The summaries and ratios of a run."""
    lat = {p: ms_summary(result.latency_ms[p]) for p in PATHS}
    boot = {s: statistics.median(v) if v else 0.0 for s, v in result.bootstrap_s.items()}
    fwd = result.forwarding
    rate = fwd["commands"] / fwd["relay_forward_s"] if fwd.get("relay_forward_s") else 0.0
    base = fwd["commands"] / fwd["baseline_push_s"] if fwd.get("baseline_push_s") else 0.0
    poll_p99 = lat["relay_poll"].get("p99", float("inf"))
    return {
        "latency_ms": lat,
        "w1_sync_ms": {s: ms_summary(v) for s, v in result.w1_sync_ms.items()},
        "w2_run_ms": {s: ms_summary(v) for s, v in result.w2_run_ms.items()},
        "ratio_now_p50": lat["relay_now"]["p50"] / lat["hq_now"]["p50"],
        "ratio_now_p99": lat["relay_now"]["p99"] / lat["hq_now"]["p99"],
        "goal_poll_p99_under_2s": poll_p99 < 2000,
        "bootstrap_median_s": boot,
        "bootstrap_ratio": boot["relay"] / boot["hq"] if boot["hq"] else 0.0,
        "forward_per_s": rate,
        "baseline_per_s": base,
        "forward_ratio": rate / base if base else 0.0,
    }


def table(result: Result, fig: dict[str, Any]) -> str:
    """The printed report."""
    lat, fwd = fig["latency_ms"], result.forwarding
    labels = {
        "relay_poll": f"relay, W2 polling every {result.poll_interval_s:g} s",
        "relay_now": "relay, W2 syncing at once",
        "hq_now": "headquarters, W2 at once (baseline)",
    }
    lines = [
        f"Office relay, district {DISTRICT} of {result.persons:,} persons; relay polls HQ every "
        f"{result.relay_poll_s:g} s",
        f"1. W1 commit -> W2 pull applied, {result.changes} changes per path (+{result.warmup} "
        "warm-up), ms",
        f"   {'path':<38}{'p50':>8}{'p90':>8}{'p99':>8}{'max':>8}  missed",
    ]
    for p in PATHS:
        s = lat[p]
        lines.append(
            f"   {labels[p]:<38}{s['p50']:>8.0f}{s['p90']:>8.0f}{s['p99']:>8.0f}"
            f"{s['max']:>8.0f}  {result.missed[p]}"
        )
    w1, w2 = fig["w1_sync_ms"], fig["w2_run_ms"]
    lines += [
        f"   ratio relay/HQ at once: p50 {fig['ratio_now_p50']:.2f}x, p99 "
        f"{fig['ratio_now_p99']:.2f}x",
        f"   p50 of W1's own sync (commit -> pushed) {w1['relay']['p50']:.0f} ms via relay, "
        f"{w1['hq']['p50']:.0f} ms via HQ; of W2's whole sync {w2['relay']['p50']:.0f} / "
        f"{w2['hq']['p50']:.0f} ms",
        f"   goal p99 < 2 s via the relay with the default poll: "
        f"{'met' if fig['goal_poll_p99_under_2s'] else 'NOT MET'} "
        f"(p99 {lat['relay_poll']['p99']:.0f} ms)",
    ]
    boot, rows = fig["bootstrap_median_s"], result.bootstrap_rows
    lines += [
        f"2. bootstrap of a new workstation ({result.rounds} each, alternating), median s:",
        f"   relay {boot['relay']:.1f} s {_spread(result.bootstrap_s['relay'])}, headquarters "
        f"{boot['hq']:.1f} s {_spread(result.bootstrap_s['hq'])}; rows copied "
        f"{max(rows['relay'], default=0):,} / {max(rows['hq'], default=0):,}",
        f"   ratio relay/HQ {fig['bootstrap_ratio']:.2f}x (goal <= 1: "
        f"{'met' if 0 < fig['bootstrap_ratio'] <= 1 else 'NOT MET'})",
    ]
    lines += [
        f"3. forwarding {fwd['commands']:,} commands to headquarters:",
        f"   relay -> HQ after the WAN came back: {fwd['relay_forward_s']:.2f} s = "
        f"{fig['forward_per_s']:,.0f} commands/s (the forwarding run; nothing waiting "
        f"{fwd['drained_after_restore_s']:.1f} s after HQ answered again, retry wait included)",
        f"   W1h -> HQ directly (baseline): {fwd['baseline_push_s']:.2f} s = "
        f"{fig['baseline_per_s']:,.0f} commands/s; ratio relay/HQ {fig['forward_ratio']:.2f}x",
        f"   W1 -> relay with the WAN cut: {fwd['to_relay_push_s']:.2f} s = "
        f"{fwd['commands'] / fwd['to_relay_push_s']:,.0f} commands/s (answered pending)",
    ]
    return "\n".join(lines)


def _spread(values: list[float]) -> str:
    return f"({min(values):.1f}-{max(values):.1f})" if values else ""


# -- the run --------------------------------------------------------------------------------


@contextmanager
def work_dir(keep: Path | None) -> Iterator[Path]:
    """DIR/run (emptied first) with --keep, else a temporary folder removed afterwards."""
    if keep is None:
        with tempfile.TemporaryDirectory(prefix="bench-relay-") as tmp:
            yield Path(tmp)
        return
    run = keep.resolve() / "run"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    yield run


def _interrupted(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the three measurements; the table on stderr, JSON on stdout with --json."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupted)  # stop the children as on Ctrl-C
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with `&`
    result = Result(
        args.persons,
        args.changes,
        args.warmup,
        args.rounds,
        args.commands,
        args.poll_interval,
        args.relay_poll,
    )
    try:
        with work_dir(args.keep) as work:
            world = World(args, work)
            try:
                world.prepare()
                w1, w1h = propagation(world, result)
                bootstraps(world, result)
                forwarding(world, w1, w1h, result)
            finally:
                world.close()
                result.setup_s = world.setup_s
    except KeyboardInterrupt:
        say("interrupted: every process of the benchmark stopped")
        return 130
    fig = figures(result)
    say(table(result, fig))
    if args.json:
        env = {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        }
        print(json.dumps({"result": asdict(result), "figures": fig, "environment": env}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
