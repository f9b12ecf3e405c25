"""Encrypting a plain register in place, and changing the passphrase of an encrypted one.

Conversion (`encrypt_home`) holds the register's lock alone (models.reglock): no other
counterdesk program can have the register open meanwhile. For each plain SQLite file of the
office home (the register first, then kept copies and backups) it:

1. folds the write-ahead log into the file and leaves WAL mode (no -wal is left beside it);
2. exports everything into `<file>.encrypting` with `sqlcipher_export`, with the schema version
   and application id;
3. checks the new file with the passphrase (integrity check, the same row count in every table)
   and flushes it to disk;
4. renames it over the plain file (atomic) and flushes the folder.

A crash before step 4 leaves the old file usable (a leftover `.encrypting` file is removed by
the next run); after it, the new one. The plain file's blocks are freed, not overwritten.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher

from models.cipher import (
    DATABASE_ERRORS,
    FileKind,
    connect_encrypted,
    file_kind,
    key_pragma,
    passphrase_problem,
    proven_key,
)
from models.db import (
    classify_database_error,
    close_register,
    forget_facts,
    forget_passphrase,
    register_facts,
)
from models.errors import InvalidRequest, RegisterInUse, RegisterUnavailable
from models.reglock import RegisterLock

PARTIAL_SUFFIX = ".encrypting"
SIDE_FILES = ("-wal", "-shm", "-journal")


class WeakPassphrase(InvalidRequest):
    """A new office passphrase that breaks a rule of models.cipher.passphrase_problem."""


@dataclass
class Conversion:
    """What `encrypt_home` did: the files it encrypted, in order (the register first)."""

    encrypted: list[Path] = field(default_factory=list)


def check_new_passphrase(passphrase: str) -> None:
    """Raise WeakPassphrase when `passphrase` may not protect a register."""
    problem = passphrase_problem(passphrase)
    if problem is not None:
        raise WeakPassphrase(f"{problem}; nothing was changed")


def plain_copies(home_path: Path, register_path: Path) -> list[Path]:
    """The other plain SQLite files of the office home: kept registers, backups, copies."""
    found = []
    for path in sorted(home_path.rglob("*")):
        if path == register_path or not path.is_file() or path.is_symlink():
            continue
        if path.name.endswith((*SIDE_FILES, PARTIAL_SUFFIX)):
            continue
        try:
            if file_kind(path) is FileKind.PLAIN:
                found.append(path)
        except OSError:
            continue
    return found


def encrypt_home(home_path: Path, register_path: Path, passphrase: str) -> Conversion:
    """Encrypt the plain register at `register_path` and every other plain SQLite file in the
    office home with `passphrase`, each in place and crash-safely.

    Raises InvalidRequest if the register is already encrypted or not there, WeakPassphrase,
    RegisterInUse while another program has it open, DamagedRegister if it cannot be read.
    """
    check_new_passphrase(passphrase)
    kind = register_facts(register_path).kind
    if kind is FileKind.ENCRYPTED:
        raise InvalidRequest(
            f"the register {register_path} is already encrypted: nothing was changed "
            "(`counterdesk db rekey` changes its passphrase)"
        )
    if kind is not FileKind.PLAIN:
        raise InvalidRequest(f"there is no plain register at {register_path}: nothing to encrypt")
    close_register()  # this process's own shared lock would stand in the way
    done = Conversion()
    with RegisterLock(register_path, exclusive=True):
        encrypt_file(register_path, passphrase)
        done.encrypted.append(register_path)
        for path in plain_copies(home_path, register_path):
            encrypt_file(path, passphrase)
            done.encrypted.append(path)
    return done


def encrypt_leftovers(home_path: Path, register_path: Path, passphrase: str) -> Conversion:
    """Encrypt the plain copies left in the office home of an encrypted register (a conversion
    interrupted after the register, or plain backups restored or copied in since) with the
    register's own passphrase, proven first.

    Raises InvalidRequest when the register is not encrypted or nothing is left to encrypt,
    WrongPassphrase, RegisterInUse.
    """
    facts = register_facts(register_path)
    if facts.kind is not FileKind.ENCRYPTED:
        raise InvalidRequest(f"the register {register_path} is not encrypted")
    if not plain_copies(home_path, register_path):
        raise InvalidRequest(
            f"the register {register_path} is already encrypted and no plain copy is left in "
            f"{home_path}: nothing was changed (`counterdesk db rekey` changes its passphrase)"
        )
    proven_key(register_path, passphrase, facts.salt)
    close_register()
    done = Conversion()
    with RegisterLock(register_path, exclusive=True):
        for path in plain_copies(home_path, register_path):
            encrypt_file(path, passphrase)
            done.encrypted.append(path)
    return done


def encrypt_file(path: Path, passphrase: str) -> None:
    """Replace the plain SQLite file `path` (with its write-ahead log) by an encrypted copy."""
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    partial.unlink(missing_ok=True)
    try:
        counts = _export(path, partial, passphrase)
        _verify(partial, passphrase, counts)
        os.chmod(partial, stat.S_IMODE(path.stat().st_mode))  # the same permissions as before
        _fsync(partial)
        for side in SIDE_FILES:  # nothing of the plain file may be read with the new one
            Path(str(path) + side).unlink(missing_ok=True)
        os.replace(partial, path)
        forget_facts(path)  # replaced: the next opening learns the new file
        _fsync_folder(path.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _export(path: Path, partial: Path, passphrase: str) -> dict[str, int]:
    conn = sqlcipher.connect(str(path), isolation_level=None)  # no key: the plain file
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if mode != "delete":
            raise RegisterInUse(
                f"{path} is open in another program (it stayed in {mode} mode): close it, "
                "then try again; nothing was changed"
            )
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        counts = _row_counts(conn)
        conn.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(partial), passphrase))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute(f"PRAGMA encrypted.user_version = {version}")
        conn.execute(f"PRAGMA encrypted.application_id = {app_id}")
        conn.execute("DETACH DATABASE encrypted")
    except DATABASE_ERRORS as exc:
        # busy, a full disk or an I/O error are said as such; "damaged" only when SQLite's
        # check of the file agrees (the file is left as it was either way)
        raise classify_database_error(exc, path) from exc
    finally:
        conn.close()
    return counts


def _row_counts(conn: sqlcipher.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _verify(partial: Path, passphrase: str, expected: dict[str, int]) -> None:
    conn = connect_encrypted(partial, passphrase)
    try:
        result = conn.execute("PRAGMA integrity_check(1)").fetchone()[0]
        counts = _row_counts(conn)
    finally:
        conn.close()
    if result != "ok" or counts != expected:
        raise RegisterUnavailable(
            f"the encrypted copy of {partial.with_suffix('')} did not check out "
            f"({result}); the plain file was left as it was: check the disk and try again"
        )


def rekey_register(register_path: Path, old: str, new: str) -> None:
    """Change the passphrase of the encrypted register at `register_path` (PRAGMA rekey, one
    transaction: a crash leaves it under the old passphrase).

    Raises WrongPassphrase for a wrong `old` (nothing changed), WeakPassphrase, RegisterInUse,
    InvalidRequest for a plain register.
    """
    check_new_passphrase(new)
    if register_facts(register_path).kind is not FileKind.ENCRYPTED:
        raise InvalidRequest(
            f"the register {register_path} is not encrypted: encrypt it first with "
            "`counterdesk db encrypt`"
        )
    forget_passphrase()  # the old one no longer opens it
    forget_facts(register_path)
    with RegisterLock(register_path, exclusive=True):
        conn = connect_encrypted(register_path, old)
        try:
            conn.execute(key_pragma(new, "rekey"))
        finally:
            conn.close()
        connect_encrypted(register_path, new).close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":  # pragma: no cover - folders cannot be opened on Windows
        return
    _fsync(folder)
