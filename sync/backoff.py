"""When to try again: exponential backoff with full jitter, and the interval between syncs.

After the n-th failure in a row the next attempt is drawn uniformly from
[MIN_DELAY, min(CAP, BASE * 2 ** (n - 1))] seconds ("full jitter": offices that lost headquarters
together do not come back together). The delay is stored as `sync_state.next_attempt_at`, so
the timer survives a restart of the application.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from datetime import datetime, timedelta

BASE_S = 5.0  # first retry within 5 s
CAP_S = 600.0  # never wait more than 10 minutes between attempts
MIN_DELAY_S = 1.0
INTERVAL_S = 60.0  # a healthy office syncs every minute
# Through the office relay (on the LAN, answering from its own store) a workstation syncs every
# second, so a change made at one window reaches the others within 2 s, and never waits more
# than 30 s after a failure: the LAN comes back, the office is one again at once.
RELAY_INTERVAL_S = 1.0
RELAY_CAP_S = 30.0
INTERVAL_ENV = "COUNTERDESK_SYNC_INTERVAL_S"


def interval_for(through_relay: bool) -> float:
    """Seconds between syncs: $COUNTERDESK_SYNC_INTERVAL_S, else 1 s through the office relay
    and 60 s with headquarters directly."""
    explicit = os.environ.get(INTERVAL_ENV, "").strip()
    if explicit:
        try:
            value = float(explicit)
        except ValueError:
            value = 0.0
        if value > 0:
            return value
    return RELAY_INTERVAL_S if through_relay else INTERVAL_S


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
    cap: float = CAP_S,
) -> datetime:
    """When to try after `failures` failures; never sooner than headquarters' Retry-After."""
    delay = retry_delay(failures, rand=rand, cap=cap)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    return now + timedelta(seconds=delay)
