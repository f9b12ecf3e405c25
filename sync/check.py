"""The sanity check after a sync: the office's replicated tables against headquarters' digest.

Both sides compute, per table, the row count and the sum of `Table.checksum` (the same SQL
expression from `models.replica`); the quick level leaves the sums of the large tables out. The
comparison is meaningful only at the same point of the change feed: when headquarters' head_seq
is ahead of the office's cursor, the engine pulls once more and asks again; if it is still ahead,
the check is deferred (not a mismatch). Cards and credentials that pending commands own are
compared by count only, and so are staff accounts; of staff accounts only headquarters' copies
count (`Table.office_rows`), not the office's own. A real mismatch marks the register for a
full resync.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from models.replica import CARD, PENSION_CHECK, QUERY_CREDENTIAL, STAFF_USER, TABLES
from models.schema import db, write_transaction
from sync import state
from sync.apply import protected_rows
from sync.bootstrap import require_resync
from sync.client import HqClient

QUICK = "quick"  # after every sync: the small tables (persons, cards, accounts, ...)
FULL = "full"  # after a bootstrap and once a day: every table, counted and summed
FULL_CHECK_EVERY = timedelta(hours=24)
OK = "ok"
MISMATCH = "mismatch"
DEFERRED = "deferred"

Counts = dict[str, tuple[int | None, int | None]]


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: ok, mismatch (with the differences) or deferred."""

    level: str
    outcome: str
    differences: tuple[str, ...]
    head_seq: int
    cursor: int
    at: str  # headquarters' time of the digest compared

    def as_json(self) -> dict[str, Any]:
        """The result as stored in sync_state.detail["check"]."""
        data = asdict(self)
        data["differences"] = list(self.differences)
        return data


def _sql(level: str) -> dict[str, str]:
    """The digest's statement per table (the quick level leaves the large tables out)."""
    return {
        t.name: f'SELECT count(*), coalesce(sum({t.checksum}), 0) FROM "{t.name}"'
        + (f" WHERE {t.office_rows}" if t.office_rows else "")
        for t in TABLES
        if level == FULL or not t.large
    }


SQL = {QUICK: _sql(QUICK), FULL: _sql(FULL)}


def local_digest(level: str) -> tuple[Counts, set[str]]:
    """Counts and checksums of the register, and the tables whose sums pending commands make
    differ (both read in one transaction)."""
    with db.atomic():
        counts: Counts = {t.name: (None, None) for t in TABLES}
        counts.update(
            (name, tuple(db.execute_sql(sql).fetchone())) for name, sql in SQL[level].items()
        )
        keep = protected_rows(db.connection())
    skip = set()
    if keep.card_nos:
        skip.add(CARD.name)
    if keep.credential_persons:
        skip.add(QUERY_CREDENTIAL.name)
    if keep.staff_usernames:
        skip.add(STAFF_USER.name)
    if keep.check_persons:
        skip.add(PENSION_CHECK.name)
    return counts, skip


# Tables where a pending command may add a row (a retiree's first check of the year): while one
# is pending, neither their count nor their sum is compared.
ADDED_BY_COMMANDS = frozenset({PENSION_CHECK.name})


def compare(local: Counts, remote: Counts, skip: set[str] | None = None) -> list[str]:
    """The differences between two digests, in words (empty when they agree)."""
    differences = []
    for table in TABLES:
        if table.name in ADDED_BY_COMMANDS and table.name in (skip or set()):
            continue
        here_count, here_sum = local[table.name]
        hq_count, hq_sum = remote[table.name]
        if here_count is None or hq_count is None:
            continue  # not looked at by this level
        if here_count != hq_count:
            differences.append(f"{table.name}: {here_count} rows here, {hq_count} at headquarters")
        elif (
            here_count
            and here_sum is not None
            and hq_sum is not None
            and here_sum != hq_sum
            and table.name not in (skip or set())
        ):
            differences.append(f"{table.name}: same number of rows, different contents")
    return differences


def full_check_due(now: datetime) -> bool:
    """True when the last full check (every table, large ones included) is a day old or more."""
    last = state.read().detail.get("last_full_check")
    return last is None or now - datetime.fromisoformat(last) >= FULL_CHECK_EVERY


def sanity_check(client: HqClient, level: str, pull_again: Callable[[], int]) -> CheckResult:
    """Compare with headquarters at the same feed position; record the result; on a real
    mismatch require a full resync."""
    cursor = state.read().cursor or 0
    digest = client.digest(level)
    if digest.head_seq != cursor:
        cursor = pull_again()
        digest = client.digest(level)
    if digest.head_seq != cursor:
        result = CheckResult(
            level, DEFERRED, (), digest.head_seq, cursor, digest.server_time.isoformat()
        )
    else:
        local, skip = local_digest(level)
        differences = tuple(compare(local, digest.tables, skip))
        outcome = MISMATCH if differences else OK
        result = CheckResult(
            level, outcome, differences, digest.head_seq, cursor, digest.server_time.isoformat()
        )
    with write_transaction():
        state.update_detail(check=result.as_json())
        if level == FULL and result.outcome != DEFERRED:
            state.update_detail(last_full_check=result.at)
        if result.outcome == MISMATCH:
            require_resync({"check": result.as_json()})
    return result
