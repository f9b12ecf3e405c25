"""Backups of the register: SQLite's online backup (safe while the application writes), a check
of every copy, retention, and a restore that verifies before it replaces anything.

Backup files are named `counterdesk-<district>-YYYYMMDD-HHMMSS.db` (local time). A restore keeps
the register it replaces beside it (`register.db.before-restore-...`): nothing is deleted.

The backup of an encrypted register is encrypted with the same passphrase (SQLCipher's backup
API between two files keyed alike); checking or restoring it needs that passphrase. A plain
backup restored into a home whose register is encrypted is encrypted on the way in.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher

from models import audit
from models.actor import Actor
from models.cipher import DATABASE_ERRORS, connect_encrypted, key_pragma
from models.clock import utc_now
from models.db import (
    close_register,
    current_passphrase,
    forget_facts,
    inspect_register,
    is_encrypted,
)
from models.encryption import encrypt_file
from models.errors import DamagedRegister, KeyRequired, SchemaTooNew
from models.home import OfficeHome, setting
from models.migrations import SCHEMA_VERSION
from models.reglock import RegisterLock
from models.schema import db, write_transaction

PREFIX = "counterdesk-"


@dataclass(frozen=True)
class BackupInfo:
    """A checked backup file."""

    path: Path
    schema_version: int
    persons: int
    size: int


def check_backup(path: Path, passphrase: str | None = None) -> BackupInfo:
    """Verify a backup without changing it: a counterdesk register of a known schema that passes
    SQLite's integrity check. An encrypted backup needs its `passphrase`.

    Raises DamagedRegister, SchemaTooNew, KeyRequired or WrongPassphrase."""
    version = inspect_register(path, passphrase)
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(version, SCHEMA_VERSION, str(path))
    try:
        if is_encrypted(path):
            conn = connect_encrypted(path, passphrase or "", closed_file=True)
        else:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check(1)").fetchone()[0]
            persons = conn.execute("SELECT count(*) FROM person").fetchone()[0]
        finally:
            conn.close()
    except DATABASE_ERRORS as exc:
        raise DamagedRegister(f"the backup {path} is damaged ({exc}): choose another one") from exc
    if result != "ok":
        raise DamagedRegister(f"the backup {path} is damaged ({result}): choose another one")
    return BackupInfo(path, version, persons, path.stat().st_size)


def backup(
    home: OfficeHome, folder: Path, keep: int | None = None, now: datetime | None = None
) -> BackupInfo:
    """Copy the open register into `folder` with the online backup API, check the copy, and keep
    only the newest `keep` backups of this office there (if given).

    The copy of an encrypted register is encrypted with the register's passphrase."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or utc_now()).astimezone().strftime("%Y%m%d-%H%M%S")
    district = setting("district", "office") or "office"
    target = folder / f"{PREFIX}{district}-{stamp}.db"
    partial = target.with_suffix(".db.partial")
    partial.unlink(missing_ok=True)
    passphrase = current_passphrase(home.register_path)
    if passphrase is None:
        dest = sqlite3.connect(partial)
    else:
        dest = sqlcipher.connect(str(partial))
        dest.execute(key_pragma(passphrase))
    try:
        # One step: the copy is one read transaction, a snapshot of the register that writers
        # of other connections (the counter, sync) do not restart (WAL lets them go on).
        db.connection().backup(dest, pages=-1)
        dest.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
    finally:
        dest.close()
    try:
        info = check_backup(partial, passphrase)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if keep is not None:
        prune(folder, district, keep)
    return BackupInfo(target, info.schema_version, info.persons, info.size)


def prune(folder: Path, district: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups of `district` in `folder`; return the deleted."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    backups = sorted(folder.glob(f"{PREFIX}{district}-*.db"))
    gone = backups[:-keep]
    for path in gone:
        path.unlink()
    return gone


def restore(
    home: OfficeHome,
    source: Path,
    now: datetime | None = None,
    passphrase: str | None = None,
    actor: Actor | None = None,
) -> Path:
    """Replace the home's register by a checked copy of `source`; return where the replaced
    register was kept. Nothing is touched if the backup does not pass the check.

    An encrypted backup is opened with `passphrase`, else with the home's known passphrase
    (the one the backup was made with, unless it was changed since). A plain backup restored
    over an encrypted register is encrypted with the register's passphrase on the way in.
    Refused (RegisterInUse, nothing changed) while another program has the register open. The
    restore is written to the audit chain; statement numbers continue after the high-water mark
    kept beside the register (models.number_mark), never from the backup's.
    """
    known = passphrase or (home.known_passphrase() if _has_encryption(home, source) else None)
    if is_encrypted(source) and known is None:
        raise KeyRequired(
            f"the backup {source} is encrypted: give the office passphrase it was made with"
        )
    info = check_backup(source, known)
    encrypt_on_the_way_in = not is_encrypted(source) and home.is_encrypted()
    if encrypt_on_the_way_in and known is None:
        raise KeyRequired(
            f"the register of {home.path} is encrypted: give its passphrase, so that the plain "
            f"backup {source} can be encrypted as it is restored"
        )
    close_register()
    stamp = (now or utc_now()).astimezone().strftime("%Y%m%d-%H%M%S")
    kept = home.register_path.with_name(f"{home.register_path.name}.before-restore-{stamp}")
    incoming = home.register_path.with_name(f"{home.register_path.name}.restoring")
    shutil.copyfile(info.path, incoming)
    if encrypt_on_the_way_in:
        encrypt_file(incoming, known or "")
    # Alone with the register: a program that still had it open would go on writing into the
    # file moved aside (and its write-ahead log) and lose those writes.
    with RegisterLock(home.register_path, exclusive=True):
        if home.register_path.exists():
            # moved aside exactly as it is, with its write-ahead log: even a damaged one is kept
            os.replace(home.register_path, kept)
            for side in ("-wal", "-shm"):
                current = Path(str(home.register_path) + side)
                if current.exists():
                    os.replace(current, Path(str(kept) + side))
        os.replace(incoming, home.register_path)
        forget_facts(home.register_path)
    home.with_passphrase(known or home.passphrase).open()
    with write_transaction():
        audit.record(
            actor or Actor.tool("restore"),
            "register.restored",
            None,
            backup=source.name,
            backup_persons=info.persons,
            kept=kept.name,
        )
    return kept


def _has_encryption(home: OfficeHome, source: Path) -> bool:
    return is_encrypted(source) or home.is_encrypted()
