"""The sanity digest of an office's scope: row count and sum of `Table.checksum` per table.

The office computes the same numbers over its SQLite register with the same SQL expressions
(models.replica), so equal numbers at the same feed position mean equal data. Sums are
integers, 0 for a table without rows. `quick` leaves the large tables out altogether (count and
sum): it runs after every sync, and counting 25 million rows of a district costs seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from hq import feed, staff, store
from hq.wire import person_condition, scope_filter
from models.replica import PROTOCOL_VERSION, tables_for


class Level(StrEnum):
    """How much the digest sums."""

    QUICK = "quick"
    FULL = "full"


@dataclass(frozen=True)
class TableDigest:
    """Rows of one table in the scope, and the sum of their checksums (None: not looked at)."""

    count: int | None
    checksum: int | None


def scope_digest(
    districts: Sequence[str], level: Level, *, version: int = PROTOCOL_VERSION
) -> tuple[int, dict[str, TableDigest]]:
    """(head_seq, {table: digest}) over the scope for the tables of protocol `version`, all
    read in one snapshot."""
    condition, scope = scope_filter(districts)
    persons = f"SELECT id FROM person WHERE {condition}"
    result: dict[str, TableDigest] = {}
    with store.read_snapshot():
        head = feed.head_seq()
        for t in tables_for(version):
            where, params = "", []
            if t.person_key is not None:
                where, params = f" WHERE {person_condition(t, persons)}", scope
            elif t.staff_scope:
                condition_of_staff, params = staff.scope_condition(districts)
                where = f" WHERE {condition_of_staff}"
            if level is Level.QUICK and t.large:
                result[t.name] = TableDigest(None, None)
                continue
            count, checksum = store.execute(
                f"SELECT count(*), coalesce(sum({t.checksum}), 0) FROM {t.name}{where}", params
            ).fetchone()
            result[t.name] = TableDigest(int(count), int(checksum))
    return head, result
