"""Finding, registering and checking the CJK TrueType font every document is set in.

The font is embedded (as a subset) in each PDF, so a citizen's viewer needs no Chinese font of
its own. reportlab reads TrueType outlines only: a CFF-flavoured OpenType font (Noto CJK) is
refused, and so is anything that is not a font; both end in `FontUnavailable`.

Each writer mode (`reports.pdf.mode`) registers the file under a name of its own: the fast
mode's registration gets our subsetter and a twin for the fixed texts (`reports.pdf.fixedfont`,
`reports.pdf.subset`, imported only then), the stock mode's is reportlab's `TTFont` as it comes.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from reports.errors import FontUnavailable
from reports.pdf.mode import Mode, current_mode

# Searched in this order when no explicit path is given.
DEFAULT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
)
INSTALL_HINT = (
    "install the Debian package fonts-wqy-microhei, or set the font path in the office settings"
)
# A font that lacks these cannot set the documents' fixed Chinese texts.
_PROBE = "个人权益记录单医疗保险社保服务中心第页共"

_lock = threading.Lock()
_loaded: dict[tuple[str, Mode], CjkFont] = {}


@dataclass(frozen=True)
class CjkFont:
    """A registered TrueType font: its reportlab name, its file and the characters it has."""

    name: str
    path: str
    codepoints: frozenset[int]
    labels_name: str = ""  # the twin registration for fixed texts (reports.pdf.fixedfont)

    def missing_glyphs(self, text: str) -> set[str]:
        """The characters of `text` this font would draw as empty boxes (whitespace ignored)."""
        return {ch for ch in text if not ch.isspace() and ord(ch) not in self.codepoints}

    def printable(self, text: str) -> str:
        """`text` with every character the font lacks spelled out as [U+XXXX], never a box."""
        if self.codepoints.issuperset(map(ord, text)) or not self.missing_glyphs(text):
            return text  # the usual case, found without a Python loop
        return "".join(
            ch if ch.isspace() or ord(ch) in self.codepoints else f"[U+{ord(ch):04X}]"
            for ch in text
        )


def _register(path: str, mode: Mode) -> CjkFont:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", Path(path).stem)
    name = f"CJK-{stem}-{hashlib.sha1(path.encode()).hexdigest()[:6]}"
    if mode is Mode.STOCK:
        name += "-stock"
    try:
        # Register text only: ASCII need not take 96 codes of every document's subset.
        font = TTFont(name, path, subfontIndex=0, asciiReadable=False)
    except Exception as exc:  # reportlab's parser raises many kinds on a damaged file
        raise FontUnavailable(f"cannot use the font {path} ({exc}): {INSTALL_HINT}") from exc
    twin = f"{name}-labels" if mode is Mode.FAST else ""
    loaded = CjkFont(name, path, frozenset(font.face.charToGlyph), twin)
    if loaded.missing_glyphs(_PROBE):
        raise FontUnavailable(f"the font {path} has no Chinese characters: {INSTALL_HINT}")
    if mode is Mode.STOCK:
        pdfmetrics.registerFont(font)
        return loaded
    from reports.pdf.fixedfont import labels_font
    from reports.pdf.subset import Subsetter

    with contextlib.suppress(KeyError, IndexError):  # a table it reads is missing: reportlab's
        font.face.makeSubset = Subsetter(font.face).make_subset  # the labels twin shares it
    pdfmetrics.registerFont(font)
    pdfmetrics.registerFont(labels_font(font, loaded.labels_name))
    return loaded


def _load(path: str, mode: Mode) -> CjkFont:
    with _lock:
        if (path, mode) not in _loaded:
            _loaded[path, mode] = _register(path, mode)
        return _loaded[path, mode]


def load_font(
    font_path: str | None = None,
    candidates: tuple[str, ...] = DEFAULT_CANDIDATES,
    mode: Mode | None = None,
) -> CjkFont:
    """The CJK font to set documents in, registered once per process for each writer mode
    (None: the mode `reports.pdf.mode` chooses now).

    An explicit `font_path` (the office setting) is used alone: a wrong setting is reported,
    never silently replaced. Without one, the first existing file of `candidates` is used.
    """
    mode = mode or current_mode()
    if font_path:
        return _load(str(Path(font_path).expanduser()), mode)
    for candidate in candidates:
        if Path(candidate).is_file():
            return _load(candidate, mode)
    raise FontUnavailable(f"no Chinese TrueType font found: {INSTALL_HINT}")


def missing_glyphs(text: str, font_path: str | None = None) -> set[str]:
    """The characters of `text` the document font lacks (would print as empty boxes)."""
    return load_font(font_path).missing_glyphs(text)


def require_glyphs(font: CjkFont, what: str, text: str) -> None:
    """Raise `FontUnavailable` naming the characters of `text` that `font` cannot draw."""
    missing = font.missing_glyphs(text)
    if missing:
        listed = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in sorted(missing))
        raise FontUnavailable(
            f"the font {font.path} cannot print {what} {text!r}: it lacks {listed}; set a font "
            "that has these characters in the office settings"
        )
