"""Reading a statement's code from an uploaded file, for the public verification page: the PDF
itself (page 1 drawn by poppler's pdftoppm) or a photo or scan of its QR code (PNG, JPEG),
decoded by zbar's zbarimg.

The file's type is told by its first bytes, never by its name or the browser's word, and each
tool is told that type (`png:`), so no other image decoder is reached. Each run has a time
limit, and at most two run at once.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from enum import StrEnum
from pathlib import Path

MAX_UPLOAD = 5 * 1024 * 1024  # bytes of the file; the page says it
MAX_BODY = MAX_UPLOAD + 16 * 1024  # with the form's other fields and multipart framing
PAGE_PIXELS = 1800  # the longer side of the PDF's first page, as drawn for the decoder
TIMEOUT = 20  # seconds per tool run
_LIMITS = {  # ImageMagick (zbarimg's reader): refuse pictures beyond these
    "MAGICK_WIDTH_LIMIT": "12000",
    "MAGICK_HEIGHT_LIMIT": "12000",
    "MAGICK_AREA_LIMIT": "64MP",
    "MAGICK_MEMORY_LIMIT": "256MiB",
    "MAGICK_DISK_LIMIT": "0",
}


class Kind(StrEnum):
    """The kinds of file the page reads."""

    PDF = "pdf"
    PNG = "png"
    JPEG = "jpeg"


class Problem(StrEnum):
    """Why no code came out of a file (each has a sentence on the page)."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    WRONG_TYPE = "wrong_type"
    UNREADABLE = "unreadable"
    NO_CODE = "no_code"


@dataclass(frozen=True)
class Decoded:
    """The code read from a file, or the problem."""

    code: str | None = None
    problem: Problem | None = None


def kind_of(data: bytes) -> Kind | None:
    """The file's kind by its first bytes (magic numbers), None for anything else."""
    if data.startswith(b"%PDF-"):
        return Kind.PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Kind.PNG
    if data.startswith(b"\xff\xd8\xff"):
        return Kind.JPEG
    return None


def parse_form(content_type: str, body: bytes) -> tuple[dict[str, str], bytes | None]:
    """The text fields and the file (None if no file part) of a multipart/form-data body."""
    if not content_type.lower().startswith("multipart/form-data"):
        return {}, None
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        return {}, None
    fields: dict[str, str] = {}
    upload: bytes | None = None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            if name == "statement" and upload is None:
                upload = payload
        elif isinstance(name, str) and len(fields) < 10:
            fields[name] = payload.decode("utf-8", "replace")
    return fields, upload


def _run(args: list[str]) -> subprocess.CompletedProcess[bytes] | None:
    env = {**os.environ, **_LIMITS}
    try:
        return subprocess.run(args, capture_output=True, timeout=TIMEOUT, env=env, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None


def _scan(picture: str) -> Decoded:
    """zbarimg on one picture (`png:/path`): 0 found, 4 nothing found, else unreadable."""
    done = _run(["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", picture])
    if done is None or done.returncode not in (0, 4):
        return Decoded(problem=Problem.UNREADABLE)
    codes = [line for line in done.stdout.decode("utf-8", "replace").splitlines() if line]
    if not codes:  # a damaged picture: nothing found, and the reader's warning on stderr
        damaged = bool(done.stderr.strip())
        return Decoded(problem=Problem.UNREADABLE if damaged else Problem.NO_CODE)
    ours = [c for c in codes if c.startswith("CD1|")]
    return Decoded((ours or codes)[0].strip())


def read_code(data: bytes) -> Decoded:
    """The statement code in an uploaded file (runs poppler and zbar; call off the loop)."""
    if not data:
        return Decoded(problem=Problem.EMPTY)
    if len(data) > MAX_UPLOAD:
        return Decoded(problem=Problem.TOO_LARGE)
    kind = kind_of(data)
    if kind is None:
        return Decoded(problem=Problem.WRONG_TYPE)
    with tempfile.TemporaryDirectory(prefix="cd-verify-") as folder:
        source = Path(folder) / f"upload.{kind.value}"
        source.write_bytes(data)
        if kind is not Kind.PDF:
            return _scan(f"{kind.value}:{source}")
        page = Path(folder) / "page"
        drawn = _run(
            ["pdftoppm", "-png", "-f", "1", "-l", "1", "-singlefile", "-scale-to",
             str(PAGE_PIXELS), str(source), str(page)]
        )  # fmt: skip
        picture = page.with_suffix(".png")
        if drawn is None or drawn.returncode != 0 or not picture.is_file():
            return Decoded(problem=Problem.UNREADABLE)
        return _scan(f"png:{picture}")
