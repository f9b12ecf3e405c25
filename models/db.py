"""Opening the register: checks first (read-only), then the tuned connection, then migrations.

A file that is not a SQLite database, not a counterdesk register, or of a newer schema is refused
with a clear message before anything is written to it. An encrypted register (SQLCipher) is
opened with its passphrase, which is proven before anything else happens.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import peewee
from peewee import SqliteDatabase
from playhouse.sqlcipher_ext import SqlCipherDatabase, __sqlcipher_version__

from models.cipher import DATABASE_ERRORS, FileKind, connect_encrypted, file_kind, proven_key
from models.errors import (
    DamagedRegister,
    KeyRequired,
    RegisterError,
    RegisterUnavailable,
    SchemaTooNew,
)
from models.migrations import APPLICATION_ID, SCHEMA_VERSION, migrate
from models.reglock import RegisterLock
from models.schema import db

_PLAIN_CLASS = type(db)


class _CipherRegister(_PLAIN_CLASS):  # type: ignore[misc, valid-type]
    """The register's database class with playhouse's keyed SQLCipher connect (the same layout
    as the plain class, so that the shared `db` can switch between the two)."""

    _connect = SqlCipherDatabase._connect
    server_version = __sqlcipher_version__


_lock: RegisterLock | None = None  # the shared lock while this process has the register open
_passphrase: str | None = None  # the passphrase of the encrypted register `db` is set up for

# WAL for concurrent readers; synchronous=FULL so that a committed write survives power loss.
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 2,
    "busy_timeout": 5000,
    "cache_size": -32000,
    "temp_store": 2,
}


def inspect_register(path: Path, passphrase: str | None = None) -> int:
    """Read an existing register's schema version without changing the file.

    An encrypted register needs its `passphrase` (proven here). Raises DamagedRegister if the
    file is not a readable counterdesk register, KeyRequired for an encrypted one without a
    passphrase, WrongPassphrase when the passphrase does not open it.
    """
    return _probe(path, passphrase)[0]


def _probe(path: Path, passphrase: str | None) -> tuple[int, str | None]:
    """The schema version, and for an encrypted register the key proven to open it."""
    try:
        kind = file_kind(path)
        header = _first_bytes(path, 100) if kind is FileKind.PLAIN else b""
    except OSError as exc:
        raise RegisterUnavailable(f"cannot read the register {path}: {exc.strerror}") from exc
    if kind is FileKind.MISSING:
        raise RegisterUnavailable(f"cannot read the register {path}: No such file or directory")
    if kind is FileKind.ENCRYPTED:
        return _inspect_encrypted(path, passphrase)
    if kind is FileKind.NOT_A_DATABASE or len(header) < 100:
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
        raise _damaged(path, exc) from exc
    return _checked_version(path, version, app_id), None


def _first_bytes(path: Path, count: int) -> bytes:
    with path.open("rb") as handle:
        return handle.read(count)


def _inspect_encrypted(path: Path, passphrase: str | None) -> tuple[int, str]:
    if passphrase is None:
        raise KeyRequired(
            f"the register {path} is encrypted and no passphrase was given: a supervisor enters "
            "the office passphrase, or it is stored in this computer's keyring "
            "(`counterdesk db remember`)"
        )
    key = proven_key(path, passphrase)
    conn = connect_encrypted(path, key, read_only=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    except DATABASE_ERRORS as exc:
        raise _damaged(path, exc) from exc
    finally:
        conn.close()
    return _checked_version(path, version, app_id), key


def _checked_version(path: Path, version: int, app_id: int) -> int:
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and version != 0):
        raise DamagedRegister(f"{path} is a SQLite database, but not a counterdesk register")
    return version


def _damaged(path: Path, exc: Exception) -> DamagedRegister:
    return DamagedRegister(
        f"the register {path} is damaged ({exc}). It was left untouched: restore it from a "
        "backup, or move it away and sync a fresh register"
    )


def is_encrypted(path: Path) -> bool:
    """True if the register file at `path` is encrypted (judged from its first bytes)."""
    try:
        return file_kind(path) is FileKind.ENCRYPTED
    except OSError:
        return False


def open_register(
    path: Path, *, create: bool = False, passphrase: str | None = None
) -> SqliteDatabase:
    """Open (or with create=True, create) the register at `path` and bring its schema up to date.

    An encrypted register is opened with `passphrase` (SQLCipher); for a plain one it is ignored.
    A new register is created encrypted when a passphrase is given. The process shares the
    register's lock (models.reglock) while the register is open.

    Raises RegisterUnavailable (missing file), KeyRequired, WrongPassphrase, RegisterInUse,
    DamagedRegister or SchemaTooNew; in each case the file is left exactly as it was.
    """
    key = passphrase  # a new register: SQLCipher derives the key from the passphrase
    if path.exists():
        version, key = _probe(path, passphrase)
        if version > SCHEMA_VERSION:
            raise SchemaTooNew(version, SCHEMA_VERSION, str(path))
    elif not create:
        raise RegisterUnavailable(
            f"there is no register at {path}: create one with `counterdesk init`"
        )
    close_register()
    global _lock
    _lock = RegisterLock(path, exclusive=False)
    _use_driver(key, passphrase)
    db.init(str(path), pragmas=PRAGMAS, timeout=5)
    try:
        db.connect()
        migrate(db)
    except (*DATABASE_ERRORS, peewee.DatabaseError) as exc:
        close_register()
        raise classify_database_error(exc, path) from exc
    except RegisterError:
        close_register()
        raise
    return db


def _use_driver(key: str | None, passphrase: str | None = None) -> None:
    """Point the shared `db` at the driver the file needs: sqlcipher3 with `key` (the raw key
    or the passphrase) for an encrypted register, else the standard library's sqlite3 exactly
    as before. Every later connection (threads, forked workers) is keyed alike.

    `db` is bound to every model, so it is re-classed rather than replaced; the cipher class
    only swaps in the keyed connect. Called only while `db` is closed.
    """
    global _passphrase
    db.connect_params.pop("passphrase", None)
    if key is None:
        db.__class__ = _PLAIN_CLASS
        _passphrase = None
    else:
        db.__class__ = _CipherRegister
        db.connect_params["passphrase"] = key  # playhouse's name for what goes to PRAGMA key
        _passphrase = passphrase


def forget_passphrase() -> None:
    """Close the register and drop the passphrase this process opened it with: from then on it
    opens only with a passphrase given again (as in a new process)."""
    close_register()
    _use_driver(None)


def current_passphrase(path: Path) -> str | None:
    """The passphrase this process opened the encrypted register at `path` with, if any.

    Lets the same process (and workers forked from it) open the register again without asking.
    """
    if db.database != str(path) or not isinstance(db, _CipherRegister):
        return None
    return _passphrase


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
    """Close the register's connection (if open) and let the register's lock go."""
    global _lock
    if not db.is_closed():
        db.close()
    if _lock is not None:
        _lock.release()
        _lock = None
