"""Opening the register: checks first (read-only), then the tuned connection, then migrations.

A file that is not a SQLite database, not a counterdesk register, or of a newer schema is refused
with a clear message before anything is written to it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import peewee
from peewee import SqliteDatabase

from models.errors import DamagedRegister, RegisterError, RegisterUnavailable, SchemaTooNew
from models.migrations import APPLICATION_ID, SCHEMA_VERSION, migrate
from models.schema import db

SQLITE_HEADER = b"SQLite format 3\x00"

# WAL for concurrent readers; synchronous=FULL so that a committed write survives power loss.
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 2,
    "busy_timeout": 5000,
    "cache_size": -32000,
    "temp_store": 2,
}


def inspect_register(path: Path) -> int:
    """Read an existing register's schema version without changing the file.

    Raises DamagedRegister if the file is not a readable counterdesk register.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise RegisterUnavailable(f"cannot read the register {path}: {exc.strerror}") from exc
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise DamagedRegister(
            f"{path} is not a SQLite database (damaged or replaced). It was left untouched: "
            "restore it from a backup, or move it away and sync a fresh register"
        )
    # user_version and application_id live in the 100-byte header (offsets 60 and 68).
    version = int.from_bytes(header[60:64], "big")
    app_id = int.from_bytes(header[68:72], "big")
    try:
        # immutable=1: no locks, no -wal or -shm files created, nothing written at all
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DamagedRegister(
            f"the register {path} is damaged ({exc}). It was left untouched: restore it from a "
            "backup, or move it away and sync a fresh register"
        ) from exc
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and version != 0):
        raise DamagedRegister(f"{path} is a SQLite database, but not a counterdesk register")
    return version


def open_register(path: Path, *, create: bool = False) -> SqliteDatabase:
    """Open (or with create=True, create) the register at `path` and bring its schema up to date.

    Raises RegisterUnavailable (missing file), DamagedRegister or SchemaTooNew; in each case the
    file is left exactly as it was.
    """
    exists = path.exists()
    if exists:
        version = inspect_register(path)
        if version > SCHEMA_VERSION:
            raise SchemaTooNew(version, SCHEMA_VERSION, str(path))
    elif not create:
        raise RegisterUnavailable(
            f"there is no register at {path}: create one with `counterdesk init`"
        )
    if not db.is_closed():
        db.close()
    db.init(str(path), pragmas=PRAGMAS, timeout=5)
    try:
        db.connect()
        migrate(db)
    except (sqlite3.DatabaseError, peewee.DatabaseError) as exc:
        close_register()
        raise classify_database_error(exc, path) from exc
    except RegisterError:
        close_register()
        raise
    return db


def classify_database_error(exc: Exception, path: Path) -> RegisterUnavailable:
    """Turn a SQLite failure into the register error a user can act on."""
    text = str(exc)
    if any(s in text for s in ("unable to open", "readonly", "read-only", "disk I/O")):
        return RegisterUnavailable(
            f"cannot write the register {path} ({text}): check the folder's permissions and "
            "free disk space"
        )
    if "locked" in text or "busy" in text:
        return RegisterUnavailable(
            f"the register {path} is busy (another counterdesk program is writing to it): "
            "try again in a moment"
        )
    if "database or disk is full" in text:
        return RegisterUnavailable(
            f"the disk holding {path} is full: free some space; nothing was lost"
        )
    return DamagedRegister(
        f"the register {path} is damaged ({text}). It was left untouched: restore it from a "
        "backup, or move it away and sync a fresh register"
    )


def close_register() -> None:
    """Close the register's connection (if open)."""
    if not db.is_closed():
        db.close()
