"""How the statements' own streams are compressed: zlib's fastest level, and no ASCII85.

reportlab compresses each page and each font subset at zlib's default level and wraps page
streams in ASCII85 (for 7-bit mail, which no one sends PDFs through any more). A statement's
own streams (its page, its register-text font subset and that subset's ToUnicode map) are made
for every document of a batch: zlib level 1 takes half the time and the files come out smaller
all the same, the ASCII85 quarter gone. Streams compressed beforehand (the cached fixed-text
font) keep their own filter.
"""

from __future__ import annotations

import zlib
from typing import Any

from reportlab.pdfgen.canvas import Canvas

LEVEL = 1


class FastFlate:
    """A reportlab stream filter: FlateDecode at zlib level `LEVEL`."""

    pdfname = "FlateDecode"

    def encode(self, text: str | bytes) -> bytes:
        """The compressed bytes of `text` (UTF-8 if a string, as reportlab's own filter)."""
        return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, LEVEL)

    def decode(self, encoded: bytes) -> bytes:
        """The bytes `encode` compressed."""
        return zlib.decompress(encoded)


_FAST = FastFlate()


def compress_fast(canv: Canvas) -> None:
    """Make every stream of `canv`'s document without a filter of its own use `FastFlate`.

    reportlab's own compression is switched off for the canvas (pages and font subsets then
    get no filter of their own) and the document's default filter is set instead.
    """
    canv.setPageCompression(0)
    doc: Any = canv._doc
    doc.defaultStreamFilters = [_FAST]
