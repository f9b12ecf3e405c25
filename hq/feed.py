"""The change feed: every write at headquarters appends its changes, numbered without gaps.

Ordering guarantee: a sequence number is allocated as max(seq) + 1 inside a transaction that
holds the feed writers' lock (`store.write_transaction`) until it commits, so seq n+1 is never
committed before n, and a rolled-back writer leaves no gap. A reader that saw seq n committed
therefore sees every seq below it: `pull` reads the head first and returns changes up to it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from hq import store
from hq.errors import FeedPruned
from hq.schema import FeedChange
from models.replica import PROTOCOL_VERSION, newer_than

MAX_LIMIT = 5000
DEFAULT_LIMIT = 1000


class Op(StrEnum):
    """What a change does to a row."""

    UPSERT = "upsert"
    DELETE = "delete"


@dataclass(frozen=True)
class Change:
    """One change to append: the row in wire order (upsert) or its key (delete)."""

    table: str
    op: Op
    district: str | None  # None: city-wide (unless `office` is set)
    data: Sequence[Any]
    office: str | None = None  # the office's journal: that office's workstations only

    def __post_init__(self) -> None:
        if self.office is not None and self.district is not None:
            raise ValueError("an office's journal change belongs to no district")


@dataclass(frozen=True)
class Page:
    """A page of the feed for one office."""

    changes: list[dict[str, Any]]
    next: int
    head_seq: int
    more: bool


_INSERT = (
    f"INSERT INTO {FeedChange._meta.table_name} (seq, table_name, op, district, data, at, "
    "office) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def head_seq() -> int:
    """The last committed sequence number (0 for an empty feed)."""
    return int(store.execute("SELECT coalesce(max(seq), 0) FROM feed_change").fetchone()[0])


def pruned_through() -> int:
    """The last sequence number deleted by pruning (0: nothing pruned). The feed is gapless
    from its first change kept to its head, and pruning always keeps the head, so it is the
    first change kept minus one."""
    first = store.execute("SELECT min(seq) FROM feed_change").fetchone()[0]
    return 0 if first is None else int(first) - 1


def append(changes: Sequence[Change], now: datetime) -> int:
    """Append `changes` in order; return the last seq (the head if there is none).

    Must run inside `store.write_transaction()`.
    """
    if not store.hq_db.in_transaction():
        raise RuntimeError("feed.append must run inside store.write_transaction()")
    head = head_seq()
    at = FeedChange.at.db_value(now)
    rows = [
        (
            head + i,
            c.table,
            c.op.value,
            c.district,
            json.dumps(list(c.data), ensure_ascii=False, separators=(",", ":")),
            at,
            c.office,
        )
        for i, c in enumerate(changes, start=1)
    ]
    store.executemany(_INSERT, rows)
    return head + len(rows)


def pull(
    districts: Sequence[str],
    after: int,
    limit: int = DEFAULT_LIMIT,
    *,
    office: str | None = None,
    version: int = PROTOCOL_VERSION,
) -> Page:
    """The changes after `after` for a scope (city-wide changes included), at most `limit`;
    with `office`, that office's journal too (offices speaking protocol 2 and later); without
    the tables newer than the office's protocol `version` (models.replica.newer_than).

    Each part of the scope is read as its own ordered range of an index (the city-wide changes
    and each district through `(district, seq)`, the journal through `(office, seq)`), at most
    `limit` rows each, and the ranges merged: a page reads the scope's own changes only,
    whatever the other districts of the city wrote meanwhile (bench.cityscale, docs/scale.md).
    """
    hidden = newer_than(version)
    skip = f" AND table_name NOT IN ({', '.join('?' * len(hidden))})" if hidden else ""
    parts: list[tuple[str, list[Any]]] = [("district IS NULL AND office IS NULL", [])]
    parts += [("district = ?", [district]) for district in dict.fromkeys(districts)]
    if office is not None:  # a journal's changes never have a district (see `Change`)
        parts.append(("office = ? AND district IS NULL", [office]))
    with store.read_snapshot():
        head = head_seq()
        pruned = pruned_through()
        if after < pruned:
            raise FeedPruned(after, pruned)
        branches, params = [], []
        for number, (condition, values) in enumerate(parts):
            branches.append(
                "SELECT * FROM (SELECT seq, table_name, op, data FROM feed_change "
                f"WHERE {condition} AND seq > ? AND seq <= ?{skip} ORDER BY seq LIMIT ?) "
                f"AS part{number}"
            )
            params += [*values, after, head, *hidden, limit]
        found = store.execute(
            f"SELECT * FROM ({' UNION ALL '.join(branches)}) AS page ORDER BY seq LIMIT ?",
            (*params, limit),
        ).fetchall()
    changes = []
    for seq, table, op, data in found:
        field = "row" if op == Op.UPSERT.value else "key"
        changes.append({"seq": seq, "table": table, "op": op, field: json.loads(data)})
    full = len(found) == limit
    if full:
        last = found[-1][0]
        return Page(changes, last, head, last < head)
    # Every change of the scope up to the head was returned: skip past the others as well.
    return Page(changes, max(after, head), head, False)
