"""Pruning the change feed: deleting the changes older than a horizon.

An office only needs the changes after its cursor, and a new office copies the tables
(bootstrap), not the feed; so the feed need not keep every change since headquarters began (at
city scale it grows by about 18 GB a month, docs/scale.md). Pruning deletes the changes
recorded before a moment, oldest first, in batches of their own transactions (appends at the
head go on meanwhile: they never touch the oldest changes), and always keeps the head, so the
feed stays gapless from its first change kept (`feed.pruned_through`). An office whose cursor
is older than that is answered `feed_pruned` (HTTP 410) and copies its register again.

The first change to keep is found by bisection over the sequence numbers (a primary-key read
each), not by a scan of `at`, which has no index: `seq` follows commit order and `at` is the
commit's clock, so a change recorded before the horizon never follows one recorded after it
(a clock set back at headquarters could break that; pruning then keeps more, never less).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hq import store
from hq.feed import head_seq, pruned_through
from hq.schema import FeedChange

BATCH = 20_000  # changes deleted per transaction


@dataclass(frozen=True)
class PrunePlan:
    """What pruning before a moment deletes: the changes with pruned_through < seq <= last."""

    pruned_through: int  # already pruned up to here
    last: int  # the last change to delete (== pruned_through: nothing to delete)
    head: int

    @property
    def changes(self) -> int:
        """How many changes the plan deletes."""
        return self.last - self.pruned_through


def plan(before: datetime) -> PrunePlan:
    """The changes recorded before `before`, except the head (read in one snapshot)."""
    stamp = FeedChange.at.db_value(before)
    with store.read_snapshot():
        head = head_seq()
        done = pruned_through()
        low, high = done, head - 1  # the answer lies in [done, head - 1]
        while low < high:
            middle = (low + high + 1) // 2
            at = store.execute("SELECT at FROM feed_change WHERE seq = ?", (middle,)).fetchone()
            if at is not None and at[0] < stamp:
                low = middle
            else:
                high = middle - 1
    return PrunePlan(done, max(done, low), head)


def prune(before: datetime, batch: int = BATCH) -> PrunePlan:
    """Delete the changes recorded before `before` (never the head), oldest first, `batch`
    changes a transaction; the plan carried out. Stopped half-way, it has deleted a prefix of
    the feed, and the feed is gapless from what is left."""
    if batch < 1:
        raise ValueError("a batch deletes at least one change")
    found = plan(before)
    start = found.pruned_through
    while start < found.last:
        end = min(start + batch, found.last)
        # not the feed writers' lock: appends write above the head, never these rows
        with store.own_write():
            store.execute("DELETE FROM feed_change WHERE seq > ? AND seq <= ?", (start, end))
        start = end
    return found
