"""What a SQLite failure means for the user: busy, full, I/O, read-only, or possibly damaged.

SQLite reports a failure by a result code; Python's sqlite3 (and sqlcipher3) carry it as
`sqlite_errorname` where they can, and always in the message. peewee wraps the driver's
exception, and a failed rollback after a failed commit hides the first failure behind "cannot
rollback - no transaction is active": the whole chain of causes is read, and the first failure
that says something wins.

Only CORRUPT and NOT_A_DATABASE can mean a damaged register, and even they are confirmed by
SQLite's own integrity check (models.db) before a user is told so: a reader that raced a
checkpoint, a full disk or a busy writer is never "damage".
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from enum import StrEnum


class Failure(StrEnum):
    """The kinds of SQLite failure a user must tell apart."""

    BUSY = "busy"  # another program holds the write lock: try again
    FULL = "full"  # the disk (or a quota) is full: free space, nothing was lost
    IO = "io"  # the operating system failed a read or write
    READ_ONLY = "read_only"  # the file or its folder cannot be written
    CANNOT_OPEN = "cannot_open"  # the file or its folder is missing or not accessible
    CORRUPT = "corrupt"  # SQLite found a page it cannot read: check before calling it damaged
    NOT_A_DATABASE = "not_a_database"  # not a SQLite file (or a wrong key)
    OTHER = "other"  # anything else (a bug, a constraint, a failed rollback)


# SQLite's primary result codes by name (sqlite3.Error.sqlite_errorname may carry an extended
# one, e.g. SQLITE_IOERR_WRITE: the prefix before the second underscore decides).
_BY_CODE = {
    "SQLITE_BUSY": Failure.BUSY,
    "SQLITE_LOCKED": Failure.BUSY,
    "SQLITE_FULL": Failure.FULL,
    "SQLITE_IOERR": Failure.IO,
    "SQLITE_READONLY": Failure.READ_ONLY,
    "SQLITE_CANTOPEN": Failure.CANNOT_OPEN,
    "SQLITE_PERM": Failure.READ_ONLY,
    "SQLITE_CORRUPT": Failure.CORRUPT,
    "SQLITE_NOTADB": Failure.NOT_A_DATABASE,
}
# The messages SQLite gives for the same codes (sqlite3_errstr), for drivers without the name.
_BY_MESSAGE = (
    ("database or disk is full", Failure.FULL),
    ("database is locked", Failure.BUSY),
    ("database table is locked", Failure.BUSY),
    ("database schema is locked", Failure.BUSY),
    ("disk i/o error", Failure.IO),
    ("attempt to write a readonly database", Failure.READ_ONLY),
    ("readonly database", Failure.READ_ONLY),
    ("unable to open database", Failure.CANNOT_OPEN),
    ("database disk image is malformed", Failure.CORRUPT),
    ("file is not a database", Failure.NOT_A_DATABASE),
    ("file is encrypted or is not a database", Failure.NOT_A_DATABASE),
)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, the driver exceptions peewee wrapped in it, and their causes and contexts."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend(arg for arg in current.args if isinstance(arg, BaseException))
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                todo.append(linked)


def _one(exc: BaseException) -> Failure:
    name = getattr(exc, "sqlite_errorname", None)
    if isinstance(name, str):
        primary = "_".join(name.split("_")[:2])
        if primary in _BY_CODE:
            return _BY_CODE[primary]
    text = str(exc).lower()
    for fragment, failure in _BY_MESSAGE:
        if fragment in text:
            return failure
    if isinstance(exc, OSError):
        return _os_failure(exc)
    return Failure.OTHER


def _os_failure(exc: OSError) -> Failure:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return Failure.FULL
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return Failure.READ_ONLY
    if exc.errno == errno.EIO:
        return Failure.IO
    return Failure.OTHER


def failure_of(exc: BaseException) -> Failure:
    """What the SQLite failure `exc` (or the first telling failure behind it) means."""
    for linked in _chain(exc):
        failure = _one(linked)
        if failure is not Failure.OTHER:
            return failure
    return Failure.OTHER
