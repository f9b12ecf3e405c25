"""Opening the register: checks first (read-only), then the tuned connection, then migrations.

A file that is not a SQLite database, not a counterdesk register, or of a newer schema is refused
with a clear message before anything is written to it. An encrypted register (SQLCipher) is
opened with its passphrase, which is proven before anything else happens.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import peewee
from peewee import SqliteDatabase
from playhouse.sqlcipher_ext import SqlCipherDatabase, __sqlcipher_version__

from models.cipher import (
    DATABASE_ERRORS,
    FileFacts,
    FileKind,
    connect_encrypted,
    proven_key,
    read_facts,
)
from models.damage import SALVAGE_ADVICE, confirm_damage
from models.errors import (
    DamagedRegister,
    DiskFull,
    KeyRequired,
    RegisterBusy,
    RegisterError,
    RegisterIOError,
    RegisterUnavailable,
    SchemaTooNew,
)
from models.migrations import APPLICATION_ID, SCHEMA_VERSION, migrate
from models.reglock import RegisterLock
from models.schema import db
from models.sqlite_failures import Failure, failure_of

_PLAIN_CLASS = type(db)


class _CipherRegister(_PLAIN_CLASS):  # type: ignore[misc, valid-type]
    """The register's database class with playhouse's keyed SQLCipher connect (the same layout
    as the plain class, so that the shared `db` can switch between the two)."""

    _connect = SqlCipherDatabase._connect
    server_version = __sqlcipher_version__


_lock: RegisterLock | None = None  # the shared lock while this process has the register open
_passphrase: str | None = None  # the passphrase of the encrypted register `db` is set up for
_facts: dict[str, FileFacts] = {}  # what each register this process opened was, learned before

# WAL for concurrent readers; synchronous=FULL so that a committed write survives power loss.
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 2,
    "busy_timeout": 5000,
    "cache_size": -32000,
    "temp_store": 2,
}


def register_facts(path: Path) -> FileFacts:
    """The kind (and salt) of the register file at `path`.

    Read from the file's first bytes only while this process has never opened it in SQLite;
    afterwards the facts it learned then are given back, because opening the file outside
    SQLite and closing it again would drop every lock SQLite holds on it (another program would
    then delete the write-ahead log in use). Conversions and restores, which replace the file
    while no connection is open, call `forget_facts`. Raises OSError if the file cannot be read.
    """
    known = _facts.get(_key(path))
    return known if known is not None else read_facts(path)


def forget_facts(path: Path) -> None:
    """Drop what this process learned about the register file at `path` (it was replaced)."""
    _facts.pop(_key(path), None)


def _key(path: Path) -> str:
    return os.path.abspath(path)


def is_encrypted(path: Path) -> bool:
    """True if the register file at `path` is encrypted (see `register_facts`)."""
    try:
        return register_facts(path).kind is FileKind.ENCRYPTED
    except OSError:
        return False


def inspect_register(path: Path, passphrase: str | None = None) -> int:
    """Read the schema version of a closed register file (a backup, a copy) without changing it.

    Only for files no program can be writing: the file is read immutable, without locks. An
    encrypted file needs its `passphrase` (proven here). Raises DamagedRegister if the file is
    not a readable counterdesk register, KeyRequired for an encrypted one without a passphrase,
    WrongPassphrase when the passphrase does not open it.
    """
    facts = _readable_facts(path, read_facts)
    if facts.kind is FileKind.ENCRYPTED:
        key = proven_key(path, _needed(path, passphrase), facts.salt, closed_file=True)
        conn = connect_encrypted(path, key, closed_file=True)
    else:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        version, app_id = _read_version(conn)
    except DATABASE_ERRORS as exc:
        raise _damaged(path, exc) from exc
    finally:
        conn.close()
    return _checked_version(path, version, app_id)


def _probe_live(path: Path, passphrase: str | None) -> tuple[int, str | None]:
    """The schema version of the register at `path`, which other programs may be writing, and
    for an encrypted register the key proven to open it. It is read through SQLite with its
    locks (never immutable: that would read pages in the middle of another program's
    checkpoint), and its facts are remembered before the first connection."""
    facts = _readable_facts(path, register_facts)
    _facts[_key(path)] = facts
    key = None
    try:
        if facts.kind is FileKind.ENCRYPTED:
            key = proven_key(path, _needed(path, passphrase), facts.salt)
            conn = connect_encrypted(path, key)
        else:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
        try:
            version, app_id = _read_version(conn)
        finally:
            conn.close()
    except DATABASE_ERRORS as exc:
        raise classify_database_error(exc, path) from exc
    return _checked_version(path, version, app_id), key


def _readable_facts(path: Path, learn: Callable[[Path], FileFacts]) -> FileFacts:
    try:
        facts = learn(path)
    except OSError as exc:
        raise RegisterUnavailable(f"cannot read the register {path}: {exc.strerror}") from exc
    if facts.kind is FileKind.MISSING:
        raise RegisterUnavailable(f"cannot read the register {path}: No such file or directory")
    if facts.kind is FileKind.NOT_A_DATABASE:
        raise DamagedRegister(
            f"{path} is not a SQLite database (damaged or replaced). It was left untouched: "
            f"{SALVAGE_ADVICE}"
        )
    return facts


def _read_version(conn: Any) -> tuple[int, int]:
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    return int(version), int(app_id)


def _needed(path: Path, passphrase: str | None) -> str:
    if passphrase is None:
        raise KeyRequired(
            f"the register {path} is encrypted and no passphrase was given: a supervisor enters "
            "the office passphrase, or it is stored in this computer's keyring "
            "(`counterdesk db remember`)"
        )
    return passphrase


def _checked_version(path: Path, version: int, app_id: int) -> int:
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and version != 0):
        raise DamagedRegister(f"{path} is a SQLite database, but not a counterdesk register")
    return version


def _damaged(path: Path, exc: Exception) -> DamagedRegister:
    return DamagedRegister(
        f"the register {path} is damaged ({exc}). It was left untouched: {SALVAGE_ADVICE}"
    )


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
        version, key = _probe_live(path, passphrase)
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
        if _key(path) not in _facts:  # created just now: ask the connection, not the file
            _facts[_key(path)] = _facts_of_open(key)
        migrate(db)
    except (*DATABASE_ERRORS, peewee.DatabaseError) as exc:
        close_register()
        raise classify_database_error(exc, path) from exc
    except RegisterError:
        close_register()
        raise
    return db


def _facts_of_open(key: str | None) -> FileFacts:
    """The facts of the register `db` has just created (plain, or encrypted with its salt)."""
    if key is None:
        return FileFacts(FileKind.PLAIN)
    salt = db.execute_sql("PRAGMA cipher_salt").fetchone()[0]
    return FileFacts(FileKind.ENCRYPTED, bytes.fromhex(salt))


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


def classify_database_error(exc: BaseException, path: Path) -> RegisterUnavailable:
    """Turn a SQLite failure into the register error a user can act on.

    Busy, full, read-only and I/O failures each have their own error; "damaged" is said only
    when SQLite's own check of the file confirms it (models.damage), never for a reader that
    met another program's checkpoint or a write that failed for want of space.
    """
    failure = failure_of(exc)
    text = str(exc)
    if failure is Failure.BUSY:
        return RegisterBusy(
            f"the register {path} is busy (another counterdesk program is writing to it): "
            "try again in a moment; nothing was changed"
        )
    if failure is Failure.FULL:
        return DiskFull(f"the disk holding {path} is full: free some space; nothing was lost")
    if failure is Failure.IO:
        return RegisterIOError(
            f"the computer could not read or write the register {path} (disk I/O error): check "
            "the disk and try again; what was already stored was not lost"
        )
    if failure in (Failure.READ_ONLY, Failure.CANNOT_OPEN):
        return RegisterUnavailable(
            f"cannot write the register {path} ({text}): check the folder's permissions and "
            "free disk space"
        )
    return confirm_damage(path, exc, _current_key(path))


def _current_key(path: Path) -> str | None:
    if db.database == os.path.abspath(path) or db.database == str(path):
        return db.connect_params.get("passphrase")
    return None


def close_register() -> None:
    """Close the register's connection (if open) and let the register's lock go."""
    global _lock
    if not db.is_closed():
        db.close()
    if _lock is not None:
        _lock.release()
        _lock = None
