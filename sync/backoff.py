"""When to try again: exponential backoff with full jitter, and the interval between syncs.

After the n-th failure in a row the next attempt is drawn uniformly from
[MIN_DELAY, min(CAP, BASE * 2 ** (n - 1))] seconds ("full jitter": offices that lost headquarters
together do not come back together). The delay is stored as `sync_state.next_attempt_at`, so
the timer survives a restart of the application.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

BASE_S = 5.0  # first retry within 5 s
CAP_S = 600.0  # never wait more than 10 minutes between attempts
MIN_DELAY_S = 1.0
INTERVAL_S = 60.0  # a healthy office syncs every minute


def retry_delay(
    failures: int,
    *,
    base: float = BASE_S,
    cap: float = CAP_S,
    rand: Callable[[float, float], float] = random.uniform,
) -> float:
    """Seconds to wait after `failures` consecutive failures (1 or more)."""
    ceiling = min(cap, base * 2 ** max(0, min(failures, 64) - 1))
    return max(MIN_DELAY_S, rand(0.0, ceiling))


def next_attempt(
    now: datetime,
    failures: int,
    retry_after: float | None = None,
    *,
    rand: Callable[[float, float], float] = random.uniform,
) -> datetime:
    """When to try after `failures` failures; never sooner than headquarters' Retry-After."""
    delay = retry_delay(failures, rand=rand)
    if retry_after is not None:
        delay = max(delay, min(retry_after, CAP_S))
    return now + timedelta(seconds=delay)
