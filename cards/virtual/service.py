"""A pcscd with the vsmartcard-vpcd driver for the virtual card: reuse one, or start one.

For tests, benchmarks and demos on a development machine: a running pcscd that already shows the
virtual readers is reused; otherwise `pcscd --foreground` is started as a child process and
stopped again by `stop()`. Never on a counter PC (vpcd listens on the network).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from cards.errors import ReaderError, ServiceUnavailable
from cards.pcsc import PcscContext

PCSCD = Path("/usr/sbin/pcscd")
VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
VPCD_READER = "Virtual PCD 00 00"
START_SECONDS = 10.0
EMPTY_SECONDS = 3.0  # pcscd polls every 0.4 s: a card just removed is gone well before this


def reader_states() -> dict[str, bool]:
    """Reader name -> card present, right now (empty if pcscd is not answering)."""
    try:
        with PcscContext() as context:
            return {s.name: s.card_present for s in context.states()}
    except ReaderError:
        return {}


def wait_until_empty(reader: str = VPCD_READER, seconds: float = EMPTY_SECONDS) -> bool:
    """True once pcscd shows `reader` without a card; False if it still has one after `seconds`."""
    deadline = time.monotonic() + seconds
    while reader_states().get(reader, False):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


class PcscdService:
    """Makes sure pcscd shows the virtual readers; stops it only if it started it."""

    def __init__(self, log: Path | None = None) -> None:
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        """Reuse or start pcscd; return the first virtual reader's name.

        Raises ServiceUnavailable naming the Debian packages when pcscd or the driver is missing,
        or when pcscd does not show the reader in time.
        """
        if VPCD_READER in reader_states():
            return VPCD_READER
        missing = [str(p) for p in (PCSCD, VPCD_DRIVER) if not p.exists()]
        if missing:
            raise ServiceUnavailable(
                f"{', '.join(missing)} missing: install the Debian packages pcscd vsmartcard-vpcd"
            )
        out = self.log.open("wb") if self.log else subprocess.DEVNULL
        try:
            self.process = subprocess.Popen(
                [str(PCSCD), "--foreground"], stdout=out, stderr=subprocess.STDOUT
            )
        finally:
            if self.log:
                out.close()
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and self.process.poll() is None:
            if VPCD_READER in reader_states():
                return VPCD_READER
            time.sleep(0.05)
        code = self.process.poll()
        self.stop()
        raise ServiceUnavailable(
            f"pcscd did not show {VPCD_READER!r} within {START_SECONDS:.0f} s (exit code {code})"
            + (f"; see {self.log}" if self.log else "")
        )

    def stop(self) -> None:
        """Stop the pcscd this object started (if any)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
