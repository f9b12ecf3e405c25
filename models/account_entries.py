"""Account entries stored as blocks of up to `SLOTS` entries (schema v10).

Schema v9 stored an entry a row (about 90 rows a person, 25 bytes each, most of them the row's
own overhead: its key, record header and cell). Schema v10 stores runs of an account's entries
whose ids follow each other (id, id + 1, ...) and whose balances follow from the amounts
(balance = previous balance + amount) as one row of `account_entry_block`, up to `SLOTS` in a
row: the account, the first id, the count, the first entry's day and balance, and for each
slot j its kind `k<j>`, amount `a<j>`, counterparty id `c<j>` and period lag `l<j>` (months from
the period to the posted month), and from slot 1 on the days since the entry before `d<j>`.
An entry whose id or balance does not follow starts a new block, so any entries are stored
exactly; regular ones (the demo's, and the ledger's as a rule) take about 10 bytes each.

The view `account_entry` (`view_sql`) unfolds a block with `month_step` (s.n < count) and shows
the old rows. Writers: `pack` (stored cells, for sync), `apply_entries` (the change feed and
bootstrap pages), `blocks_from` (SQL, for the migration) and `chained_blocks` (the demo
generator's entries, which always follow each other).
A stored cell is (account_id, id, posted_day, kind, amount_fen, balance_after_fen,
counterparty_id, period_lag), the columns of schema v9's `account_entry_row`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date
from itertools import groupby, pairwise
from typing import Any

SLOTS = 16
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()  # a stored cell's day counts from 1970-01-01
SLOT_PARTS = ("d", "k", "a", "c", "l")  # day delta, kind, amount, counterparty id, period lag
HEAD = ("account_id", "first_id", "count", "day", "balance")
COLUMNS: tuple[str, ...] = (
    *HEAD,
    *(f"{part}{j}" for j in range(SLOTS) for part in SLOT_PARTS if not (j == 0 and part == "d")),
)
INSERT_BLOCK = (
    f'INSERT INTO "account_entry_block" ({", ".join(COLUMNS)}) '
    f"VALUES ({', '.join('?' * len(COLUMNS))})"
)
_READ_ACCOUNT = (
    f'SELECT {", ".join(COLUMNS)} FROM "account_entry_block" WHERE "account_id" = ? '
    'ORDER BY "first_id"'
)
_DROP_ACCOUNT = 'DELETE FROM "account_entry_block" WHERE "account_id" = ?'
_GONE_TABLE = 'CREATE TEMP TABLE IF NOT EXISTS "gone_entry" ("id" INTEGER PRIMARY KEY)'
# The accounts holding any of the ids in temp.gone_entry: one pass over the blocks, the cheap
# test of the ids' span first (a group's ids are often close), then a seek in the ids.
_HOLDERS = (
    'SELECT DISTINCT b."account_id" FROM "account_entry_block" b WHERE b."first_id" <= ? AND '
    'b."first_id" + b."count" > ? AND EXISTS (SELECT 1 FROM temp."gone_entry" g '
    'WHERE g."id" >= b."first_id" AND g."id" < b."first_id" + b."count")'
)

Cell = tuple[int, int, int, int, int, int, int | None, int | None]


def pack(cells: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Block rows (in `COLUMNS` order) of stored cells, any order (sorted by account and id)."""
    blocks: list[tuple[Any, ...]] = []
    for account, group in groupby(sorted(cells), key=lambda c: c[0]):
        current: list[Sequence[Any]] = []
        for cell in group:
            if current:
                last = current[-1]
                follows = cell[1] == last[1] + 1 and cell[5] == last[5] + cell[4]
                if not follows or len(current) == SLOTS:
                    blocks.append(_block(account, current))
                    current = []
            current.append(cell)
        if current:
            blocks.append(_block(account, current))
    return blocks


def chained_blocks(account: int, cells: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Block rows of one account's stored cells given in id order, each following the one
    before (ids one apart, balances adding up, as the demo generator makes them): a block
    every `SLOTS` cells, the rows `pack` gives for them."""
    return [_block(account, cells[i : i + SLOTS]) for i in range(0, len(cells), SLOTS)]


# The empty slots after a block's n cells (n from 1 to SLOTS).
_PADDING = {n: (None,) * (5 * (SLOTS - n)) for n in range(1, SLOTS + 1)}


def _block(account: int, cells: Sequence[Sequence[Any]]) -> tuple[Any, ...]:
    first = cells[0]
    row: list[Any] = [account, first[1], len(cells), first[2], first[5]]
    row += (first[3], first[4], first[6], first[7])
    for before, cell in pairwise(cells):
        row += (cell[2] - before[2], cell[3], cell[4], cell[6], cell[7])
    row += _PADDING[len(cells)]
    return tuple(row)


def unpack(block: Sequence[Any]) -> list[Cell]:
    """The stored cells of a block row (in `COLUMNS` order)."""
    account, first_id, count, day, balance = block[:5]
    cells: list[Cell] = []
    at = 5
    for j in range(count):
        if j:
            day += block[at]
            at += 1
        kind, amount, counterparty, lag = block[at : at + 4]
        at += 4
        if j:
            balance += amount
        cells.append((account, first_id + j, day, kind, amount, balance, counterparty, lag))
    return cells


def cells_of(conn: sqlite3.Connection, rows: Iterable[Sequence[Any]]) -> list[Cell]:
    """Stored cells of entries in the wire's column order (id, account_id, posted_date, kind,
    amount_fen, balance_after_fen, counterparty, period); new counterparties are added."""
    rows = list(rows)
    names = sorted({r[6] for r in rows if r[6] is not None})
    conn.executemany(
        'INSERT OR IGNORE INTO "counterparty" ("name") VALUES (?)', [(n,) for n in names]
    )
    ids: dict[str, int] = {}
    for name in names:
        ids[name] = conn.execute(
            'SELECT "id" FROM "counterparty" WHERE "name" = ?', (name,)
        ).fetchone()[0]
    cells: list[Cell] = []
    for entry_id, account, posted, kind, amount, balance, counterparty, period in rows:
        posted_date = posted if isinstance(posted, date) else date.fromisoformat(str(posted)[:10])
        lag = None
        if period is not None:
            lag = posted_date.year * 12 + posted_date.month - (period // 100 * 12 + period % 100)
        party = None if counterparty is None else ids[counterparty]
        day = posted_date.toordinal() - EPOCH_ORDINAL
        cells.append((account, entry_id, day, kind, amount, balance, party, lag))
    return cells


def _rewrite(conn: sqlite3.Connection, account: int, cells: dict[int, Cell]) -> None:
    conn.execute(_DROP_ACCOUNT, (account,))
    conn.executemany(INSERT_BLOCK, pack(cells.values()))


def _account_cells(conn: sqlite3.Connection, account: int) -> dict[int, Cell]:
    return {c[1]: c for b in conn.execute(_READ_ACCOUNT, (account,)) for c in unpack(b)}


def apply_entries(conn: sqlite3.Connection, op: str, values: Sequence[Sequence[Any]]) -> None:
    """Apply a group of the change feed to the entries: upserts (rows in wire order) or deletes
    (keys: the entry id alone). Each account touched is read and written again."""
    if op == "upsert":
        new = cells_of(conn, values)
        for account, group in groupby(sorted(new, key=lambda c: c[0]), key=lambda c: c[0]):
            cells = _account_cells(conn, account)
            cells.update((c[1], c) for c in group)
            _rewrite(conn, account, cells)
        return
    gone = {v[0] for v in values}
    conn.execute(_GONE_TABLE)
    conn.execute('DELETE FROM temp."gone_entry"')
    conn.executemany('INSERT OR IGNORE INTO temp."gone_entry" VALUES (?)', [(i,) for i in gone])
    holders = [r[0] for r in conn.execute(_HOLDERS, (max(gone), min(gone)))] if gone else []
    conn.execute('DELETE FROM temp."gone_entry"')
    for account in holders:
        cells = _account_cells(conn, account)
        _rewrite(conn, account, {i: c for i, c in cells.items() if i not in gone})


def insert_entries(conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> None:
    """Store entries (wire order) of accounts that have none stored (a bootstrap page)."""
    conn.executemany(INSERT_BLOCK, pack(cells_of(conn, rows)))


def _case(parts: Iterable[tuple[int, str]], default: str = "NULL") -> str:
    whens = " ".join(f"WHEN {j} THEN {expr}" for j, expr in parts)
    return f'CASE s."n" {whens} ELSE {default} END'


def view_sql() -> str:
    """The view `account_entry` over the blocks (as written in the migration)."""
    day_sum = [(j, " + ".join(f'b."d{i}"' for i in range(1, j + 1))) for j in range(1, SLOTS)]
    amount_sum = [(j, " + ".join(f'b."a{i}"' for i in range(1, j + 1))) for j in range(1, SLOTS)]
    slot = {p: _case((j, f'b."{p}{j}"') for j in range(SLOTS)) for p in ("k", "a", "c", "l")}
    cells = (
        'SELECT b."account_id" AS "account_id", b."first_id" + s."n" AS "id", '
        f'b."day" + {_case(day_sum, "0")} AS "posted_day", {slot["k"]} AS "kind", '
        f'{slot["a"]} AS "amount_fen", b."balance" + {_case(amount_sum, "0")} '
        f'AS "balance_after_fen", {slot["c"]} AS "counterparty_id", {slot["l"]} AS "period_lag" '
        'FROM "account_entry_block" b JOIN "month_step" s ON s."n" < b."count"'
    )
    month = (
        "(CAST(strftime('%Y', e.\"posted_day\" * 86400, 'unixepoch') AS INTEGER) * 12 + "
        "CAST(strftime('%m', e.\"posted_day\" * 86400, 'unixepoch') AS INTEGER) - 1 - "
        'e."period_lag")'
    )
    return (
        'CREATE VIEW "account_entry" AS SELECT e."id" AS "id", e."account_id" AS "account_id", '
        'date(e."posted_day" * 86400, \'unixepoch\') AS "posted_date", e."kind" AS "kind", '
        'e."amount_fen" AS "amount_fen", e."balance_after_fen" AS "balance_after_fen", '
        'c."name" AS "counterparty", CASE WHEN e."period_lag" IS NULL THEN NULL ELSE '
        f'{month} / 12 * 100 + {month} % 12 + 1 END AS "period" FROM ({cells}) e '
        'LEFT JOIN "counterparty" c ON c."id" = e."counterparty_id"'
    )


def blocks_from(source: str) -> str:
    """INSERT ... SELECT of the blocks of the stored cells in `source` (a table with the
    columns of a stored cell, best keyed by account_id, id). Gives the rows `pack` gives."""
    # An entry follows the one before if that one's id is id - 1 and balance + amount gives
    # its balance (a seek by key); pos: the entry's place in its run (its id minus the id of
    # the run's first entry). A block starts at every SLOTS-th entry of a run; its other
    # entries are found by key (id + j), each following the one before, so a block stops
    # where its run does. One window in key order: no sort.
    follows = (
        f'EXISTS (SELECT 1 FROM {source} p WHERE p."account_id" = e."account_id" AND '
        'p."id" = e."id" - 1 AND e."balance_after_fen" = p."balance_after_fen" + e."amount_fen")'
    )
    numbered = (
        f'SELECT e.*, e."id" - max(CASE WHEN {follows} THEN NULL ELSE e."id" END) OVER '
        '(PARTITION BY e."account_id" ORDER BY e."id" ROWS UNBOUNDED PRECEDING) AS "pos" '
        f"FROM {source} e"
    )
    starts = f'SELECT * FROM ({numbered}) WHERE "pos" % {SLOTS} = 0'
    joins, picks = [], ['s."kind", s."amount_fen", s."counterparty_id", s."period_lag"']
    for j in range(1, SLOTS):
        before = "s" if j == 1 else f"e{j - 1}"
        chained = "" if j == 1 else f' AND {before}."id" IS NOT NULL'
        joins.append(
            f'LEFT JOIN {source} e{j} ON e{j}."account_id" = s."account_id" AND '
            f'e{j}."id" = s."id" + {j}{chained} AND e{j}."balance_after_fen" = '
            f'{before}."balance_after_fen" + e{j}."amount_fen"'
        )
        picks.append(
            f'e{j}."posted_day" - {before}."posted_day", e{j}."kind", e{j}."amount_fen", '
            f'e{j}."counterparty_id", e{j}."period_lag"'
        )
    count = " + ".join(["1", *(f'(e{j}."id" IS NOT NULL)' for j in range(1, SLOTS))])
    return (
        f'INSERT INTO "account_entry_block" ({", ".join(COLUMNS)}) '
        f'SELECT s."account_id", s."id", {count}, s."posted_day", s."balance_after_fen", '
        f"{', '.join(picks)} FROM ({starts}) s {' '.join(joins)} "
        'ORDER BY s."account_id", s."id"'
    )
