"""The statement numbers' high-water mark, kept beside the register so that a restore of an
older register can never make the office issue a number twice.

The register records every number it allocated, but a restored backup forgets the numbers
issued after it was taken. The mark file (`statement-numbers.mark` in the office home) holds,
for each day's prefix, the last number allocated; it is raised inside the allocating write
transaction, before the commit, and written whole under a temporary name, synced and moved
into place. So it is never behind the register: a crash between the two only skips numbers.
Writers are already serialized by the register's write lock, which every allocation holds.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

MARK_FILE = "statement-numbers.mark"
KEEP_PREFIXES = 62  # days of prefixes kept: a restore goes back days, not months


def read_marks(path: Path | None) -> dict[str, int]:
    """Every day's last allocated number, by prefix; empty for a missing or unreadable file
    (the register's own records still count)."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): int(v) for k, v in data.items() if isinstance(v, int)}


def raise_mark(path: Path | None, marks: dict[str, int], prefix: str, last: int) -> None:
    """Record `last` as the last number allocated under `prefix` in the file `path`, whose
    content `marks` the caller read in the same write transaction (never lowers the mark)."""
    if path is None or marks.get(prefix, 0) >= last:
        return
    marks = {**marks, prefix: last}
    kept = dict(sorted(marks.items(), key=lambda item: item[0][-9:])[-KEEP_PREFIXES:])
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, json.dumps(kept, sort_keys=True).encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
