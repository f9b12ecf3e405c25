"""How the statements' own streams are compressed: fast Deflate, and no ASCII85.

reportlab compresses each page and each font subset with zlib at its default level and wraps
page streams in ASCII85 (for 7-bit mail, which no one sends PDFs through any more). A
statement's own streams (its page, its register-text font subset and that subset's ToUnicode
map) are made for every document of a batch, so they get the fastest Deflate there is:
ISA-L's level 1 (the `isal` package) where it is installed, else zlib's level 1. Both write
the zlib format PDF's FlateDecode reads. In a batch, ISA-L took a third of zlib's time for
the same size (0.10 against 0.31 ms a statement, `bench.statements`' register). Streams
compressed beforehand (the cached fixed-text font) keep their own filter.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

from reportlab.pdfgen.canvas import Canvas

LEVEL = 1


def _deflate() -> tuple[str, Callable[[bytes], bytes]]:
    """(name, compress) of the fastest Deflate available."""
    try:
        from isal import isal_zlib
    except ImportError:  # a platform without an isal wheel: zlib, a little slower
        return "zlib", lambda data: zlib.compress(data, LEVEL)
    return "isal", lambda data: isal_zlib.compress(data, LEVEL)


ENGINE, _compress = _deflate()


class FastFlate:
    """A reportlab stream filter: FlateDecode at Deflate level `LEVEL`."""

    pdfname = "FlateDecode"

    def encode(self, text: str | bytes) -> bytes:
        """The compressed bytes of `text` (UTF-8 if a string, as reportlab's own filter)."""
        return _compress(text.encode("utf8") if isinstance(text, str) else text)

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
