"""Files made durable in groups: write many, then fsync and rename them all, then the folder.

A file only ever appears under its final name once its bytes are on disk, so after a crash
there are whole files and temporary leftovers (removed by the next run), never a partial file.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import os
import sys
from functools import cache
from pathlib import Path

SUFFIX = ".tmp"
_SERIAL = itertools.count()  # temporary names: the process id and this serial number
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


def write_unsynced(path: Path, data: bytes) -> Path:
    """Write `data` to a new temporary file beside `path` (not yet durable; readable by this
    user only, as statements hold personal data); its path."""
    for attempt in itertools.count():
        tmp = path.with_name(f".{path.name}.{os.getpid()}-{next(_SERIAL)}{SUFFIX}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o600)
        except FileExistsError:  # a leftover of a crashed process that had the same pid
            if attempt < 100:
                continue
            raise
        break
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    return tmp


def _fsync(path: Path, flags: int = os.O_RDONLY) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@cache
def _syncfs() -> object | None:
    """Linux's syncfs(2) (flush one file system), or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        return libc.syncfs
    except (OSError, AttributeError):
        return None


def _sync_data(files: list[Path], folder: Path) -> None:
    """Make the bytes of `files` (all in `folder`) durable: one syncfs of the folder's file
    system on Linux (one journal commit for the whole group), else an fsync per file."""
    syncfs = _syncfs()
    if syncfs is not None and len(files) > 1:
        fd = os.open(folder, os.O_RDONLY)
        try:
            if syncfs(fd) == 0:  # type: ignore[operator]
                return
        finally:
            os.close(fd)
    for path in files:
        _fsync(path)


def make_durable(files: list[tuple[Path, Path]], folder: Path) -> None:
    """Put each (temporary, final) file in place durably: sync the data of all, rename all,
    then fsync the folder once so that the renames survive a power cut."""
    if not files:
        return
    _sync_data([temporary for temporary, _final in files], folder)
    for temporary, final in files:
        os.replace(temporary, final)
    try:
        _fsync(folder)
    except OSError:  # a folder cannot be opened for fsync on Windows; NTFS journals renames
        if os.name != "nt":
            raise


def remove_leftovers(folder: Path, prefix: str) -> int:
    """Delete temporary files an interrupted run left in `folder`; how many."""
    removed = 0
    for leftover in folder.glob(f"{prefix}*{SUFFIX}"):
        leftover.unlink(missing_ok=True)
        removed += 1
    return removed
