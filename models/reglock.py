"""The register's lock: every program holding the register open shares it, a conversion (encrypt,
rekey) holds it alone.

It is an advisory `flock` on a separate, empty file `register.db.lock` beside the register, never
on the register itself (closing any descriptor of the register would drop SQLite's own locks).
The kernel releases it when a process dies, so a crash never leaves the register locked.
Without `fcntl` (Windows) nothing is locked.
"""

from __future__ import annotations

import os
from pathlib import Path

from models.errors import RegisterInUse

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def lock_path(register_path: Path) -> Path:
    """The lock file of `register_path`."""
    return register_path.with_name(register_path.name + ".lock")


class RegisterLock:
    """A held lock on one register (shared or exclusive); `release()` lets it go."""

    def __init__(self, register_path: Path, *, exclusive: bool) -> None:
        self.path = lock_path(register_path)
        self.exclusive = exclusive
        self._fd: int | None = None
        if fcntl is None:
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            if exclusive:
                raise
            return  # a home that cannot be written: readers go on without the lock
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(fd)
            if exclusive:
                raise RegisterInUse(
                    f"the register {register_path} is open in another counterdesk program (the "
                    "application, the kiosk, sync or a command): close it, then try again; "
                    "nothing was changed"
                ) from exc
            raise RegisterInUse(
                f"the register {register_path} is being converted (`counterdesk db encrypt` or "
                "`db rekey`): try again when that has finished"
            ) from exc
        self._fd = fd

    def release(self) -> None:
        """Let the lock go (idempotent)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RegisterLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
