"""Timing and statistics of the benchmark: paired timed calls, their summary and the verdict.

Nothing here knows the register: `run_pairs` times any two callables on the same keys,
`summarise` turns call times into percentiles, and a `Measurement` holds one paired result and
judges it against the goal's p99 and ratio.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from models.errors import RegisterError

GOAL_P99_US = 2_000.0  # a service call's p99 must stay under this, in microseconds
GOAL_RATIO = 3.0  # ... and its median and p99 within this factor of its raw baseline's
P99_MIN_SAMPLES = 1_000  # below this a "p99" is one of the few worst calls: said as such
DEFAULT_ROUNDS = 3  # a series is cut into this many consecutive rounds for its spread


def summarise(samples_ns: Sequence[int]) -> dict[str, float]:
    """Count, median, p90, p99, max and mean of call times, in microseconds (nearest rank)."""
    ordered = sorted(samples_ns)
    n = len(ordered)
    if n == 0:
        return {"n": 0}

    def rank(p: float) -> float:
        return ordered[min(n - 1, max(0, math.ceil(p * n) - 1))] / 1_000

    return {
        "n": n,
        "median_us": statistics.median(ordered) / 1_000,
        "p90_us": rank(0.90),
        "p99_us": rank(0.99),
        "p99_worst_rank": p99_worst_rank(n),
        "max_us": ordered[-1] / 1_000,
        "mean_us": statistics.fmean(ordered) / 1_000,
    }


def p99_worst_rank(n: int) -> int:
    """Which worst call the nearest-rank p99 of n calls is (1 = the slowest): 5 for 500."""
    return n - max(0, math.ceil(0.99 * n) - 1)


def p99_label(n: int) -> str:
    """How to name the p99 of n calls: "p99" with enough calls, else "k-th worst of n"."""
    if n >= P99_MIN_SAMPLES:
        return "p99"
    k = p99_worst_rank(n)
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(k if k < 20 else k % 10, "th")
    return f"{k}{suffix} worst of {n}"


def round_spread(samples_ns: Sequence[int], rounds: int) -> dict[str, Any]:
    """Median and p99 of each of `rounds` consecutive parts of a series, and their min-max.

    The calls of a series follow one another in time, so each part is one round of the run:
    a burst of other work on the machine moves one round, and the spread shows it.
    """
    n = len(samples_ns)
    if rounds < 1 or n < rounds:
        return {"rounds": 0}
    size = n // rounds
    parts = [summarise(samples_ns[i * size : (i + 1) * size]) for i in range(rounds)]
    medians = [p["median_us"] for p in parts]
    p99s = [p["p99_us"] for p in parts]
    return {
        "rounds": rounds,
        "calls_per_round": size,
        "median_us": medians,
        "p99_us": p99s,
        "p99_worst_rank": parts[0]["p99_worst_rank"],
        "median_range_us": [min(medians), max(medians)],
        "p99_range_us": [min(p99s), max(p99s)],
    }


@dataclass
class Measurement:
    """One service call measured against its baseline on the same keys."""

    name: str
    service_label: str
    baseline_label: str
    service: dict[str, float]
    baseline: dict[str, float]
    checked: int
    mismatches: int
    errors: int
    seconds: float
    goal: str  # "full" (p99 and 3x of raw), "p99" (p99 only) or "none" (diagnostic)
    details: dict[str, Any] = field(default_factory=dict)
    service_rounds: dict[str, Any] = field(default_factory=dict)
    baseline_rounds: dict[str, Any] = field(default_factory=dict)

    @property
    def median_ratio(self) -> float:
        """Service median / baseline median."""
        return self.service["median_us"] / self.baseline["median_us"]

    @property
    def p99_ratio(self) -> float:
        """Service p99 / baseline p99."""
        return self.service["p99_us"] / self.baseline["p99_us"]

    def verdict(self) -> dict[str, Any] | None:
        """Whether the service call met the goal at this size (None for diagnostics)."""
        if self.goal == "none":
            return None
        p99_ok = self.service["p99_us"] < GOAL_P99_US
        ratio_ok = None
        if self.goal == "full":
            ratio_ok = self.median_ratio <= GOAL_RATIO and self.p99_ratio <= GOAL_RATIO
        met = p99_ok and ratio_ok is not False
        return {
            "p99_under_2ms": p99_ok,
            "within_3x_of_raw": ratio_ok,
            "met": met,
            "p99_is": p99_label(int(self.service["n"])),
        }

    def as_json(self) -> dict[str, Any]:
        """All figures of this measurement."""
        data = asdict(self)
        data["median_ratio"] = round(self.median_ratio, 3)
        data["p99_ratio"] = round(self.p99_ratio, 3)
        data["verdict"] = self.verdict()
        return data


def run_pairs(
    keys: Sequence[Any],
    warmup: int,
    service: Callable[[Any], Any],
    baseline: Callable[[Any], Any],
    agree: Callable[[Any, Any], bool],
) -> tuple[list[int], list[int], int, int]:
    """Call service and baseline once per key, alternating which goes first; time each call.

    The first `warmup` keys are not counted. Returns (service ns, baseline ns, mismatches,
    errors); a mismatch is a key on which the two disagree (checked outside the timed calls),
    an error a service call that raised.
    """
    clock = time.perf_counter_ns
    service_ns: list[int] = []
    baseline_ns: list[int] = []
    mismatches = errors = 0
    for i, key in enumerate(keys):
        if i % 2:
            t0 = clock()
            base = baseline(key)
            t1 = clock()
            got = service(key)
            t2 = clock()
            base_t, service_t = t1 - t0, t2 - t1
        else:
            t0 = clock()
            got = service(key)
            t1 = clock()
            base = baseline(key)
            t2 = clock()
            service_t, base_t = t1 - t0, t2 - t1
        if i < warmup:
            continue
        service_ns.append(service_t)
        baseline_ns.append(base_t)
        if isinstance(got, Exception):
            errors += 1
        elif not agree(got, base):
            mismatches += 1
    return service_ns, baseline_ns, mismatches, errors


def guarded(call: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The call, returning (instead of raising) the service's own errors, so a run completes."""

    def wrapper(key: Any) -> Any:
        try:
            return call(key)
        except (ValueError, RegisterError) as exc:
            return exc

    return wrapper
