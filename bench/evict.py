"""Dropping the files an application start reads from the page cache, for a cold start.

`start_roots` names what a start of the application reads from disk: the project's sources and
fonts, the virtual environment, the Python installation, Tcl/Tk's scripts and shared libraries,
the system fonts and the office home (register, settings). `evict` asks the kernel to drop each
file's cached pages (`posix_fadvise(POSIX_FADV_DONTNEED)`), so the next start reads them from
disk as after switching the PC on. The kernel keeps pages that are dirty or mapped by a running
process (for instance a shared library another program has loaded): the start after `evict` is
as cold as this machine allows without root's `drop_caches`, not necessarily colder.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import mmap
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

SKIP_DIRS = frozenset({".git", "node_modules", ".mypy_cache", ".ruff_cache", ".pytest_cache"})


@dataclass(frozen=True)
class Evicted:
    """What one `evict` call covered."""

    files: int
    bytes: int
    seconds: float


def start_roots(repo: Path, home: Path) -> list[Path]:
    """Folders and files an application start reads (those that exist)."""
    roots = [repo, Path(sys.prefix), Path(sys.base_prefix), home, Path("/usr/share/fonts")]
    roots += [Path("/usr/share/tcltk"), Path("/usr/share/tcltk8.6")]
    roots += _tk_libraries()
    seen: list[Path] = []
    for root in roots:
        if root.exists() and root not in seen:
            seen.append(root)
    return seen


def _tk_libraries() -> list[Path]:
    """The shared libraries `_tkinter` links (libtk, libtcl, X11, fontconfig ...), by ldd."""
    spec = importlib.util.find_spec("_tkinter")  # found, not imported
    if spec is None or not spec.origin:
        return []
    module = Path(spec.origin)
    try:
        out = subprocess.run(
            ["ldd", str(module)], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return [module]
    found = [module]
    for line in out.splitlines():
        parts = line.split("=>")
        if len(parts) == 2 and parts[1].strip().startswith("/"):
            found.append(Path(parts[1].split()[0]))
    return found


def _files(roots: Iterable[Path]) -> Iterator[Path]:
    for root in roots:
        if root.is_file():
            yield root
            continue
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            for name in names:
                yield Path(folder) / name


def evict(roots: Iterable[Path]) -> Evicted:
    """Ask the kernel to drop the cached pages of every regular file under `roots`."""
    started = time.perf_counter()
    files = size = 0
    for path in _files(roots):
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            info = os.fstat(fd)
            if info.st_size and (info.st_mode & 0o170000) == 0o100000:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                files += 1
                size += info.st_size
        finally:
            os.close(fd)
    return Evicted(files, size, time.perf_counter() - started)


def register_files(register: Path) -> list[Path]:
    """The register file, its write-ahead log and its shared-memory index (those that exist)."""
    names = [register, register.with_name(register.name + "-wal")]
    names.append(register.with_name(register.name + "-shm"))
    return [path for path in names if path.is_file()]


def evict_files(paths: Iterable[Path]) -> Evicted:
    """Write back, then drop the cached pages of each file (not folders: no walk).

    The data is written back first (`fdatasync`) because the kernel keeps dirty pages that
    DONTNEED finds; a page mapped by a process (SQLite maps the `-shm` index) stays as well.
    """
    started = time.perf_counter()
    files = size = 0
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            with contextlib.suppress(OSError):
                os.fdatasync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            files += 1
            size += os.fstat(fd).st_size
        finally:
            os.close(fd)
    return Evicted(files, size, time.perf_counter() - started)


def resident_bytes(path: Path) -> int:
    """Bytes of `path` in the page cache now, by `mincore` on a mapping of the whole file.

    The same figure as util-linux's `fincore` (RES); the mapping is read-only and dropped at
    once, and mapping a file reads none of it.
    """
    size = path.stat().st_size
    if size == 0:
        return 0
    page = os.sysconf("SC_PAGE_SIZE")
    pages = (size + page - 1) // page
    fd = os.open(path, os.O_RDONLY)
    try:
        address = _LIBC.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        if address in (None, ctypes.c_void_p(-1).value):
            raise OSError(ctypes.get_errno(), f"mmap of {path} failed")
        try:
            vector = (ctypes.c_ubyte * pages)()
            if _LIBC.mincore(ctypes.c_void_p(address), size, vector) != 0:
                raise OSError(ctypes.get_errno(), f"mincore of {path} failed")
            in_cache = sum(1 for flag in vector if flag & 1)
        finally:
            _LIBC.munmap(ctypes.c_void_p(address), size)
    finally:
        os.close(fd)
    return min(size, in_cache * page)


def fincore(paths: Sequence[Path]) -> str | None:
    """util-linux's `fincore` report of the files (RES, PAGES, SIZE, FILE), or None without it."""
    tool = shutil.which("fincore")
    if tool is None or not paths:
        return None
    command = [tool, "--bytes", "--output", "RES,PAGES,SIZE,FILE", *map(str, paths)]
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_long,
    ]
    libc.mincore.restype = ctypes.c_int
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
    libc.munmap.restype = ctypes.c_int
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    return libc


_LIBC = _libc()
