"""Reading PDFs back in tests: the QR code of the first page, as a phone would scan it."""

from __future__ import annotations

import subprocess
from pathlib import Path


def scan_qr(pdf: Path, workdir: Path) -> str:
    """Render the first page with pdftoppm (150 dpi) and decode its QR code with zbarimg."""
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(pdf), str(workdir / "page")],
        check=True,
    )
    return subprocess.run(
        ["zbarimg", "-q", "--raw", str(workdir / "page-1.png")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
