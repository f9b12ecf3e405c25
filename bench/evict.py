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

import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
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
