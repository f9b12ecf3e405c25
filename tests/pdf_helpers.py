"""Reading PDFs back in tests with poppler and zbar: the QR code of the first page as a phone
would scan it, the text as laid out, the pages as pictures, the metadata."""

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


def layout_text(pdf: bytes, workdir: Path) -> str:
    """The text of every page as pdftotext lays it out (columns kept in place)."""
    source = workdir / "text.pdf"
    source.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], capture_output=True, text=True, check=True
    ).stdout


def gray_pages(pdf: bytes, workdir: Path, dpi: int) -> list[tuple[int, int, bytes]]:
    """Every page rendered by pdftoppm as 8-bit grey: (width, height, pixels row by row)."""
    folder = workdir / f"gray-{dpi}"
    folder.mkdir(exist_ok=True)
    source = folder / "doc.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(dpi), str(source), str(folder / "p")], check=True
    )
    pages = []
    for picture in sorted(folder.glob("p-*.pgm")):
        magic, width, height, maxval, pixels = picture.read_bytes().split(maxsplit=4)
        assert (magic, maxval) == (b"P5", b"255")
        pages.append((int(width), int(height), pixels[: int(width) * int(height)]))
    return pages


def pdf_info(pdf: bytes, workdir: Path) -> dict[str, str]:
    """What pdfinfo says of a PDF, by field."""
    source = workdir / "info.pdf"
    source.write_bytes(pdf)
    listing = subprocess.run(
        ["pdfinfo", str(source)], capture_output=True, text=True, check=True
    ).stdout
    return {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in listing.splitlines())
    }
