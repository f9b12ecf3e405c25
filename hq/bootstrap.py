"""The first sync of an office: a whole copy of its scope, in self-contained pages by id.

Phase `employer` pages through the city's employers; phase `person` through the persons of the
office's districts, each page holding the persons with ids in (after, next] and all their rows
in every person table; phase `staff` is one page: every staff account serving one of the
office's districts (a city has thousands at most); phase `office` (protocol 2) is one page: the
office's journal of the last `JOURNAL_DAYS` days (hq.journal). Each page is read in one
snapshot, its `head_seq` read first: a change committed after that snapshot has a higher seq,
so pulling the feed after the first page's head_seq brings whatever a later page missed
(re-applying a row is harmless).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from hq import feed, journal, staff, store
from hq.wire import rows_of_persons, scope_filter, wire_row
from models.replica import (
    EMPLOYER,
    OFFICE_TABLES,
    PERSON_TABLES,
    PROTOCOL_VERSION,
    STAFF_USER,
    Table,
    tables_for,
)

MAX_LIMIT = 2000
DEFAULT_LIMIT = 500


class Phase(StrEnum):
    """The phases of a bootstrap, in order (`office`: protocol 2 and later)."""

    EMPLOYER = "employer"
    PERSON = "person"
    STAFF = "staff"
    OFFICE = "office"


@dataclass(frozen=True)
class BootstrapPage:
    """One page: the rows of ids (after, next], and whether the phase is done."""

    phase: Phase
    after: int
    next: int
    done: bool
    head_seq: int
    tables: dict[str, dict[str, Any]]


def _tables(found: dict[Table, Sequence[Sequence[Any]]]) -> dict[str, dict[str, Any]]:
    return {t.name: {"columns": list(t.columns), "rows": rows} for t, rows in found.items()}


def _rows(query: str, params: Sequence[Any]) -> list[list[Any]]:
    return [wire_row(r) for r in store.execute(query, params).fetchall()]


def _raw_rows(query: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Rows as the cursor gives them, for pages the API encodes with orjson (which writes
    PostgreSQL's dates in wire form): converting 100,000 rows one by one costs more than the
    query."""
    return store.execute(query, params).fetchall()


def employer_page(after: int, limit: int = DEFAULT_LIMIT) -> BootstrapPage:
    """Employers with ids above `after`, at most `limit`."""
    columns = ", ".join(EMPLOYER.columns)
    with store.read_snapshot():
        head = feed.head_seq()
        rows = _rows(
            f"SELECT {columns} FROM employer WHERE id > ? ORDER BY id LIMIT ?", (after, limit + 1)
        )
    done = len(rows) <= limit
    rows = rows[:limit]
    following = rows[-1][0] if rows else after
    return BootstrapPage(Phase.EMPLOYER, after, following, done, head, _tables({EMPLOYER: rows}))


def person_page(
    districts: Sequence[str],
    after: int,
    limit: int = DEFAULT_LIMIT,
    *,
    version: int = PROTOCOL_VERSION,
) -> BootstrapPage:
    """Persons of `districts` with ids above `after` (at most `limit`) and all their rows in
    the tables of protocol `version`."""
    condition, scope = scope_filter(districts)
    with store.read_snapshot():
        head = feed.head_seq()
        ids = [
            r[0]
            for r in store.execute(
                f"SELECT id FROM person WHERE id > ? AND {condition} ORDER BY id LIMIT ?",
                (after, *scope, limit + 1),
            ).fetchall()
        ]
        done = len(ids) <= limit
        ids = ids[:limit]
        following = ids[-1] if ids else after
        persons = f"SELECT id FROM person WHERE id > ? AND id <= ? AND {condition}"
        params = (after, following, *scope)
        found = {
            t: (_raw_rows(rows_of_persons(t, persons), params) if ids else [])
            for t in tables_for(version, PERSON_TABLES)
        }
    return BootstrapPage(Phase.PERSON, after, following, done, head, _tables(found))


def staff_page(districts: Sequence[str], after: int) -> BootstrapPage:
    """Every staff account of the scope in one page (`done`; `next` is `after`)."""
    with store.read_snapshot():
        head = feed.head_seq()
        rows = staff.scope_rows(districts)
    return BootstrapPage(Phase.STAFF, after, after, True, head, _tables({STAFF_USER: rows}))


def office_page(
    office_id: str,
    after: int,
    now: datetime,
    source: Callable[[str, datetime], dict[str, list[list[Any]]]] | None = None,
) -> BootstrapPage:
    """The office's journal of the last days in one page (`done`; `next` is `after`), from
    headquarters' tables or from `source` (an office relay's feed)."""
    with store.read_snapshot():
        head = feed.head_seq()
        if source is None:
            found = journal.journal_tables(office_id, now)
        else:
            rows = source(office_id, now)
            found = {t: rows.get(t.name, []) for t in OFFICE_TABLES}
    return BootstrapPage(Phase.OFFICE, after, after, True, head, _tables(found))


def person_tables(
    person_ids: Sequence[int], version: int = PROTOCOL_VERSION
) -> dict[str, dict[str, Any]]:
    """All rows of these persons in every person table of protocol `version`, in the
    bootstrap's shape."""
    marks = ", ".join("?" * len(person_ids))
    tables = tables_for(version, PERSON_TABLES)
    found = {t: _rows(rows_of_persons(t, marks), person_ids) for t in tables}
    return _tables(found)
