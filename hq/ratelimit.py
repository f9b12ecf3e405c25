"""A token bucket per office: bursts are fine, a runaway loop is slowed down (429).

Kept in each API process's memory: with N processes an office may get up to N times the rate,
which is enough to protect the database from one misbehaving office.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class RateLimiter:
    """`rate` requests per second per key on average, with bursts of up to `burst`."""

    rate: float
    burst: int
    monotonic: Callable[[], float] = time.monotonic
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def retry_after(self, key: str) -> int | None:
        """Take one token for `key`: None if allowed, else the seconds to wait."""
        now = self.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return None
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1 - tokens) / self.rate))
