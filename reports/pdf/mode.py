"""Which PDF writer makes documents: the fast path, or reportlab as it comes (stock).

The fast path (`reports.pdf.writer`, `ink`, `fixedfont`, `subset`, `qr`, `compression`) reaches
into reportlab's private attributes; it was checked byte for byte against the versions in
`VERIFIED_REPORTLAB`. With any other reportlab, documents are made by the stock path: the same
documents through reportlab's public API only, slower. `COUNTERDESK_PDF_WRITER` forces a mode
(`fast`, `stock`; `auto` or unset: by version), for tests and support. The choice is logged once
per process (a warning when an unverified reportlab forces the stock path) and written into
each stock document's metadata (its creator). This module does not import reportlab's drawing
code: a status display can ask for the choice cheaply.
"""

from __future__ import annotations

import enum
import importlib
import logging
import os
import threading
from dataclasses import dataclass
from functools import cache

# reportlab versions the fast path was verified against (tests/test_pdf_writer.py,
# test_font_subset.py, test_qr_speedup.py, test_report_canvas.py pass with
# COUNTERDESK_PDF_WRITER=fast). Add a version only after running them on it.
VERIFIED_REPORTLAB: tuple[str, ...] = ("5.1.0",)
ENV_VAR = "COUNTERDESK_PDF_WRITER"

log = logging.getLogger(__name__)


class Mode(enum.Enum):
    """How documents are written."""

    FAST = "fast"  # our writer, ink, subsetter and QR encoder on reportlab's internals
    STOCK = "stock"  # reportlab's public canvas and platypus API only


@dataclass(frozen=True)
class Choice:
    """The writer chosen, and why."""

    mode: Mode
    reportlab: str  # the installed version
    forced: bool  # chosen by the environment variable, not by version

    @property
    def verified(self) -> bool:
        """True if the installed reportlab is one the fast path was verified against."""
        return self.reportlab in VERIFIED_REPORTLAB

    def describe(self) -> str:
        """One line for a log or a status display."""
        if self.forced:
            why = f"forced by {ENV_VAR}={self.mode.value}"
            if self.mode is Mode.FAST and not self.verified:
                why += f"; reportlab {self.reportlab} is NOT verified for it"
        elif self.verified:
            why = f"reportlab {self.reportlab} is verified for it"
        else:
            verified = ", ".join(VERIFIED_REPORTLAB)
            why = f"reportlab {self.reportlab} is not a version verified for the fast writer"
            why += f" ({verified})"
        return f"PDF writer: {self.mode.value} ({why})"


@cache
def installed_reportlab() -> str:
    """The version of the reportlab package Python imports."""
    return str(importlib.import_module("reportlab").Version)


def choose(setting: str | None, version: str) -> Choice:
    """The writer for an environment variable's value (None: unset) and a reportlab version.

    An unknown value is treated as `auto` (and logged): a typo must not stop the printing."""
    wanted = (setting or "auto").strip().lower()
    if wanted in (Mode.FAST.value, Mode.STOCK.value):
        return Choice(Mode(wanted), version, forced=True)
    if wanted != "auto":
        log.warning("%s=%r is not fast, stock or auto: choosing by version", ENV_VAR, setting)
    mode = Mode.FAST if version in VERIFIED_REPORTLAB else Mode.STOCK
    return Choice(mode, version, forced=False)


_lock = threading.Lock()
_logged: set[Choice] = set()


def current_choice() -> Choice:
    """The writer for the next document (the environment is read each time: tests switch)."""
    choice = choose(os.environ.get(ENV_VAR), installed_reportlab())
    if choice not in _logged:
        with _lock:
            if choice not in _logged:
                _logged.add(choice)
                unverified = choice.mode is Mode.STOCK and not choice.forced
                unverified |= choice.mode is Mode.FAST and not choice.verified
                log.log(logging.WARNING if unverified else logging.INFO, choice.describe())
    return choice


def current_mode() -> Mode:
    """The mode of `current_choice()`."""
    return current_choice().mode
