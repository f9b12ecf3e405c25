"""SQLCipher at the file level: whether a register file is plain or encrypted, connections that
prove a passphrase, and the rules an office passphrase must follow.

A plain register starts with the 16-byte SQLite header; an encrypted one (SQLCipher 4) starts
with a random salt and is, from its first byte, indistinguishable from noise. The key is derived
from the passphrase by SQLCipher (PBKDF2-HMAC-SHA512, 256,000 rounds: about 0.1 s per opening).
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher

from models.errors import WrongPassphrase

SQLITE_HEADER = b"SQLite format 3\x00"
# Every SQLCipher page size is a multiple of this: an encrypted file is made of whole pages.
PAGE_MULTIPLE = 512
MIN_PASSPHRASE_LENGTH = 12
# SQLCipher 4's key derivation: PBKDF2-HMAC-SHA512 over the file's first 16 bytes (its salt).
KDF_ITERATIONS = 256_000
KEY_BYTES = 32
SALT_BYTES = 16
# Bytes 21-23 of every plain SQLite header (payload fractions 64, 32, 32); in an encrypted file
# they are ciphertext.
PAYLOAD_FRACTIONS = b"\x40\x20\x20"

# Any error either SQLite driver raises: the standard library's for plain registers, the
# sqlcipher3 module's for encrypted ones (the two exception trees are unrelated).
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.DatabaseError, sqlcipher.DatabaseError)
INTEGRITY_ERRORS: tuple[type[Exception], ...] = (sqlite3.IntegrityError, sqlcipher.IntegrityError)

# SQLCipher logs every failed page decryption to stderr; a wrong passphrase is reported by us.
sqlcipher.connect(":memory:").execute("PRAGMA cipher_log_level = NONE").close()


class FileKind(StrEnum):
    """What a register file is, judged from its first bytes and its size (nothing is opened)."""

    MISSING = "missing"
    PLAIN = "plain"
    ENCRYPTED = "encrypted"
    NOT_A_DATABASE = "not_a_database"


@dataclass(frozen=True)
class FileFacts:
    """What a register file's first bytes tell: its kind, and for an encrypted file its salt."""

    kind: FileKind
    salt: bytes = b""


def read_facts(path: Path) -> FileFacts:
    """The kind of the file at `path` (and an encrypted file's salt), from its first bytes.

    This opens the file outside SQLite: never call it on a register this process has open
    (closing the descriptor would drop every lock SQLite holds on it; models.db remembers the
    facts of the registers it opens). Raises OSError when the file exists but cannot be read.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
            size = handle.seek(0, 2)
    except FileNotFoundError:
        return FileFacts(FileKind.MISSING)
    if header.startswith(SQLITE_HEADER):
        return FileFacts(FileKind.PLAIN)
    if header[21:24] == PAYLOAD_FRACTIONS:  # the rest of a plain header: a damaged plain file
        return FileFacts(FileKind.NOT_A_DATABASE)
    if size >= 2 * PAGE_MULTIPLE and size % PAGE_MULTIPLE == 0:
        return FileFacts(FileKind.ENCRYPTED, header[:SALT_BYTES])
    return FileFacts(FileKind.NOT_A_DATABASE)


def file_kind(path: Path) -> FileKind:
    """Whether `path` is missing, a plain SQLite file, an encrypted one, or neither (see
    `read_facts`: only for files this process has not open in SQLite)."""
    return read_facts(path).kind


def key_pragma(passphrase: str, pragma: str = "key") -> str:
    """The `PRAGMA key` (or `rekey`) statement for `passphrase` (SQLCipher takes no bound
    parameter here, so the passphrase is quoted as an SQL string literal)."""
    quoted = passphrase.replace("'", "''")
    return f"PRAGMA {pragma} = '{quoted}'"


def raw_key(salt: bytes, passphrase: str) -> str:
    """The key SQLCipher derives from `passphrase` for a file with `salt` (its first 16 bytes),
    in its raw-key form (`x'...'`): connections opened with it skip the 0.1 s derivation."""
    key = hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ITERATIONS, KEY_BYTES)
    return f"x'{key.hex()}'"


def proven_key(path: Path, passphrase: str, salt: bytes, *, closed_file: bool = False) -> str:
    """The key that opens the encrypted file `path` (whose first bytes are `salt`) with
    `passphrase`: its raw key, derived once here, or the passphrase itself for a file made with
    other cipher settings.

    closed_file: see `connect_encrypted`. Raises WrongPassphrase (nothing was changed) when the
    passphrase does not open it.
    """
    key = raw_key(salt, passphrase)
    try:
        connect_encrypted(path, key, closed_file=closed_file).close()
    except WrongPassphrase:
        connect_encrypted(path, passphrase, closed_file=closed_file).close()
        return passphrase
    return key


def connect_encrypted(
    path: Path, passphrase: str, *, closed_file: bool = False
) -> sqlcipher.Connection:
    """A sqlcipher3 connection to the encrypted file `path`, its passphrase (or raw key) proven
    by a read.

    closed_file opens it immutable (no lock, no -wal or -shm, nothing written): only for a file
    no program can be writing (a backup, a partial copy); a live register is read with locks.
    Raises WrongPassphrase (nothing was changed) when the passphrase does not decrypt it.
    """
    if closed_file:
        conn = sqlcipher.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    else:
        conn = sqlcipher.connect(str(path), isolation_level=None)
    try:
        conn.execute(key_pragma(passphrase))
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc):
            raise WrongPassphrase(
                f"the passphrase does not open the register {path} (a wrong passphrase, or a "
                "damaged file): nothing was changed; try again with the office passphrase"
            ) from exc
        raise
    return conn


def passphrase_problem(passphrase: str) -> str | None:
    """Why `passphrase` is too weak to protect a register, or None if it is acceptable.

    The key is derived on every opening and can be attacked offline on a stolen file, so the
    bar is higher than for a staff password (models.staff.password_problem).
    """
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        return f"an office passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters"
    if passphrase.isdigit():
        return "an office passphrase must not be digits only"
    if len(set(passphrase)) < 5:
        return "an office passphrase needs at least 5 different characters"
    if any(ord(c) < 32 or ord(c) == 127 for c in passphrase):
        return "an office passphrase must not contain control characters"
    if passphrase != passphrase.strip():
        return "an office passphrase must not start or end with a space"
    return None
