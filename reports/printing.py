"""Sending a PDF to a printer: CUPS `lp` on Linux, the shell's print verb on Windows.

Every print is recorded (audit and an outbox command) through models.statements.printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from models import statements
from models.actor import Actor
from models.errors import RegisterUnavailable


class PrintFailed(RegisterUnavailable):
    """The document could not be handed to the printing system."""


def send_to_printer(path: Path, number: str, actor: Actor, printer: str | None = None) -> str:
    """Print `path` (statement `number`) on `printer` (default: the system's); return the job text.

    Raises PrintFailed with the printing system's own words when it refuses.
    """
    if sys.platform.startswith("win"):
        os.startfile(str(path), "print")  # type: ignore[attr-defined]
        job = "sent to the default printer"
    else:
        lp = shutil.which("lp")
        if lp is None:
            raise PrintFailed("no printing system: install CUPS (Debian package cups-client)")
        argv = [lp, *(["-d", printer] if printer else []), "-t", number, str(path)]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise PrintFailed(f"the printer refused the statement: {result.stderr.strip()}")
        job = result.stdout.strip()
    statements.printed(number, printer or "default", actor)
    return job
