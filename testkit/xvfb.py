"""A virtual X screen for the Tk application: Xvfb started with -displayfd (it picks a free
display and writes its number when ready), stopped at the end."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass

SCREEN = "1366x768x24"
READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 5.0
XVFB_MISSING = "Xvfb is not installed (Debian package xvfb)"


class XvfbFailed(RuntimeError):
    """Xvfb is missing, or it did not report a display (its own words included)."""


def xvfb_binary() -> str | None:
    """The Xvfb program on PATH, or None."""
    return shutil.which("Xvfb")


@dataclass
class Xvfb:
    """A running Xvfb and its display (":N")."""

    display: str
    process: subprocess.Popen[bytes]
    stop_timeout_s: float = STOP_TIMEOUT_S

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after `stop_timeout_s`; reaps the process."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(self.stop_timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process.wait()


def start_xvfb(
    screen: str = SCREEN,
    *,
    timeout_s: float = READY_TIMEOUT_S,
    stop_timeout_s: float = STOP_TIMEOUT_S,
) -> Xvfb:
    """Start `Xvfb -displayfd FD -screen 0 SCREEN -nolisten tcp` and wait for its display.

    Raises XvfbFailed (XVFB_MISSING if it is not installed; else with what Xvfb wrote) when no
    display is reported within `timeout_s`.
    """
    binary = xvfb_binary()
    if binary is None:
        raise XvfbFailed(XVFB_MISSING)
    read_end, write_end = os.pipe()
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                [binary, "-displayfd", str(write_end), "-screen", "0", screen, "-nolisten", "tcp"],
                pass_fds=(write_end,),
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
        finally:
            os.close(write_end)
        try:
            number = _read_line(read_end, timeout_s)
        finally:
            os.close(read_end)
        started = Xvfb(f":{number}", process, stop_timeout_s)
        if not number.isdigit():
            started.stop()
            errors.seek(0)
            said = errors.read().decode(errors="replace").strip()[-2000:]
            raise XvfbFailed(f"Xvfb did not report a display: {said or 'it wrote nothing'}")
    return started


@contextlib.contextmanager
def running_xvfb(screen: str = SCREEN, **options: float) -> Iterator[Xvfb]:
    """`start_xvfb` as a context manager that stops Xvfb on exit."""
    started = start_xvfb(screen, **options)
    try:
        yield started
    finally:
        started.stop()


def _read_line(fd: int, timeout_s: float) -> str:
    """One line from `fd` without its end ("" at end of file or after `timeout_s`)."""
    deadline = time.monotonic() + timeout_s
    got = b""
    while b"\n" not in got:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            break
        chunk = os.read(fd, 64)
        if not chunk:
            break
        got += chunk
    return got.split(b"\n", 1)[0].decode().strip()
