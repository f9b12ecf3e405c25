"""Damage: told only when SQLite's own check confirms it, and never without saving unsent work.

A failed read is not yet damage. SQLite says "database disk image is malformed" for a file
that is damaged, but a reader can also meet pages another program is checkpointing when it
reads without locks, and a failed commit can surface as an unrelated message. So the register
is checked (`PRAGMA quick_check`, through SQLite and with its locks) before a user is told it is
damaged, and the advice for a damaged register starts with `counterdesk db salvage`: the
commands not yet accepted by headquarters, the audit log and the statement numbers are copied
out, row by row where whole tables no longer read, before anything is restored or re-synced.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from models.cipher import DATABASE_ERRORS, key_pragma
from models.errors import DamagedRegister, RegisterUnavailable
from models.sqlite_failures import Failure, failure_of

SALVAGE_ADVICE = (
    "first save the commands not yet sent to headquarters and the audit log with "
    "`counterdesk db salvage`, then restore the register from a backup or move it away and "
    "sync a fresh one"
)
# What must survive a damaged register: the work headquarters has not confirmed, the audit
# trail, and the statement numbers already used (they must never be issued twice).
SALVAGED_TABLES = ("outbox", "audit_event", "statement")
_CHUNK = 256  # rows read at once; a chunk that fails is read again row by row


def integrity_verdict(path: Path, key: str | None = None) -> str | None:
    """SQLite's quick check of the register at `path`: "ok", its first complaint, or None when
    the check could not run now (busy, or an encrypted file without its `key`)."""
    try:
        conn = _connect(path, key)
    except DATABASE_ERRORS as exc:
        return str(exc) if failure_of(exc) is Failure.NOT_A_DATABASE else None
    try:
        return str(conn.execute("PRAGMA quick_check(1)").fetchone()[0])
    except DATABASE_ERRORS as exc:
        return None if failure_of(exc) is Failure.BUSY else str(exc)
    finally:
        conn.close()


def confirm_damage(path: Path, exc: BaseException, key: str | None = None) -> RegisterUnavailable:
    """The error to report for the SQLite failure `exc` that may mean damage: DamagedRegister
    only when the check confirms it, else a failure to retry (nothing was lost)."""
    verdict = integrity_verdict(path, key)
    if verdict is None:
        return RegisterUnavailable(
            f"reading the register {path} failed ({exc}) and it could not be checked now: try "
            "again in a moment; nothing was changed"
        )
    if verdict == "ok":
        return RegisterUnavailable(
            f"an operation on the register {path} failed ({exc}), but SQLite's check finds the "
            "register intact: try again; if it happens again, tell support (nothing was lost)"
        )
    return DamagedRegister(
        f"the register {path} is damaged ({exc}; SQLite's check: {verdict}). It was left "
        f"untouched: {SALVAGE_ADVICE}"
    )


@dataclass
class Salvage:
    """What `salvage` saved: rows per table, and the rows it could not read."""

    folder: Path
    saved: dict[str, int] = field(default_factory=dict)
    lost: dict[str, int] = field(default_factory=dict)
    unreadable_tables: list[str] = field(default_factory=list)


def salvage(path: Path, folder: Path, key: str | None = None) -> Salvage:
    """Copy the outbox, the audit log and the statement records of the register at `path` into
    `folder` as JSON lines (one file per table), reading what SQLite still can; the register is
    only read. Raises DamagedRegister when not even the file's schema can be read."""
    folder.mkdir(parents=True, exist_ok=True)
    done = Salvage(folder)
    try:
        conn = _connect(path, key)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DATABASE_ERRORS as exc:
        raise DamagedRegister(
            f"nothing can be read from {path} ({exc}): keep the file for support"
        ) from exc
    try:
        for table in SALVAGED_TABLES:
            target = folder / f"{table}.jsonl"
            try:
                columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
                bounds = conn.execute(f'SELECT min(rowid), max(rowid) FROM "{table}"').fetchone()
            except DATABASE_ERRORS:
                done.unreadable_tables.append(table)
                continue
            saved = lost = 0
            with target.open("w", encoding="utf-8") as out:
                for row in _rows(conn, table, bounds):
                    if row is None:
                        lost += 1
                        continue
                    out.write(json.dumps(dict(zip(columns, row, strict=False)), default=str))
                    out.write("\n")
                    saved += 1
            done.saved[table] = saved
            done.lost[table] = lost
    finally:
        conn.close()
    return done


def _rows(
    conn: Any, table: str, bounds: tuple[int | None, int | None]
) -> Iterator[tuple[Any, ...] | None]:
    """Every readable row of `table` in rowid order; None for each rowid that fails to read."""
    low, high = bounds
    if low is None or high is None:
        return
    sql = f'SELECT * FROM "{table}" WHERE rowid BETWEEN ? AND ? ORDER BY rowid'
    for first in range(low, high + 1, _CHUNK):
        last = min(first + _CHUNK - 1, high)
        try:
            yield from conn.execute(sql, (first, last)).fetchall()
            continue
        except DATABASE_ERRORS:
            pass
        for rowid in range(first, last + 1):
            try:
                yield from conn.execute(sql, (rowid, rowid)).fetchall()
            except DATABASE_ERRORS:
                yield None


def _connect(path: Path, key: str | None) -> Any:
    if key is None:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
    conn = sqlcipher.connect(str(path), isolation_level=None)
    conn.execute(key_pragma(key))  # a passphrase, or a raw key x'...' (models.cipher.raw_key)
    return conn
