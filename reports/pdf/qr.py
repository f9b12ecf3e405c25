"""The QR code that lets headquarters verify a printed document."""

from __future__ import annotations

from functools import lru_cache
from itertools import chain, zip_longest

from reportlab.graphics.barcode.qrencoder import (
    EXP_TABLE,
    LOG_TABLE,
    QRCode,
    QRErrorCorrectLevel,
    QRRSBlock,
    QRUtil,
)
from reportlab.pdfgen.canvas import Canvas

ERROR_CORRECTION = "M"  # survives a fold or a stain better than the default "L"
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
# A fixed data mask. Every mask gives a valid code; choosing "the best" one means encoding all
# eight and scoring them in pure Python, which was two thirds of a statement's QR cost.
MASK_PATTERN = 0


@lru_cache(maxsize=32)
def _generator(degree: int) -> tuple[int, ...]:
    """The Reed-Solomon generator polynomial of `degree` over GF(256), highest power first."""
    poly = [1]
    for i in range(degree):  # times (x + a^i)
        product = [*poly, 0]
        for j, c in enumerate(poly):
            if c:
                product[j + 1] ^= EXP_TABLE[(LOG_TABLE[c] + i) % 255]
        poly = product
    return tuple(poly)


def _error_correction(data: list[int], degree: int) -> list[int]:
    """The `degree` error correction codewords of `data` (polynomial division by the generator,
    with log tables: the same codewords as reportlab's polynomial objects, 20 times faster)."""
    generator = [LOG_TABLE[g] if g else -1 for g in _generator(degree)[1:]]
    remainder = [0] * degree
    for byte in data:
        factor = byte ^ remainder[0]
        remainder = remainder[1:]
        remainder.append(0)
        if factor:
            lf = LOG_TABLE[factor]
            for k, lg in enumerate(generator):
                if lg >= 0:
                    remainder[k] ^= EXP_TABLE[(lf + lg) % 255]
    return remainder


class _Bits:
    """reportlab's QR bit buffer (`put`, `putBit`, `getLengthInBits`) kept in one integer."""

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, num: int, length: int) -> None:
        """Append the lowest `length` bits of `num`, most significant first."""
        self.value = (self.value << length) | (num & ((1 << length) - 1))
        self.length += length

    def putBit(self, bit: bool) -> None:  # reportlab's name
        """Append one bit."""
        self.put(1 if bit else 0, 1)

    def getLengthInBits(self) -> int:  # reportlab's name
        """How many bits were appended."""
        return self.length


def _codewords(code: QRCode) -> list[int]:
    """Data and error correction codewords, interleaved by block (reportlab's createData)."""
    blocks = QRRSBlock.getRSBlocks(code.version, code.errorCorrectLevel)
    bits = _Bits()
    for data in code.dataList:
        data.write(bits, code.version)
    capacity = sum(block.dataCount for block in blocks) * 8
    if bits.length > capacity:
        raise ValueError(f"QR payload too long ({bits.length} > {capacity} bits)")
    if bits.length + 4 <= capacity:
        bits.put(0, 4)
    bits.put(0, -bits.length % 8)
    pad = (QRCode.PAD0, QRCode.PAD1)
    i = 0
    while bits.length < capacity:
        bits.put(pad[i % 2], 8)
        i += 1
    buffer = list(bits.value.to_bytes(bits.length // 8, "big"))
    data_blocks, ec_blocks, offset = [], [], 0
    for block in blocks:
        part = buffer[offset : offset + block.dataCount]
        offset += block.dataCount
        data_blocks.append(part)
        ec_blocks.append(_error_correction(part, block.totalCount - block.dataCount))
    interleaved = chain(zip_longest(*data_blocks), zip_longest(*ec_blocks))
    return [d for row in interleaved for d in row if d is not None]


@lru_cache(maxsize=8)
def _template(
    version: int,
) -> tuple[tuple[tuple[bool, ...], ...], tuple[tuple[int, int, bool], ...]]:
    """The function patterns of a version (finders, timing, format for our level and mask), and
    its data positions in placement order with the mask bit of each."""
    code = QRCode(version, getattr(QRErrorCorrectLevel, ERROR_CORRECTION))
    code.moduleCount = version * 4 + 17
    code.modules = [[False] * code.moduleCount for _ in range(code.moduleCount)]
    code.setupPositionProbePattern(0, 0)
    code.setupPositionProbePattern(code.moduleCount - 7, 0)
    code.setupPositionProbePattern(0, code.moduleCount - 7)
    code.setupPositionAdjustPattern()
    code.setupTimingPattern()
    code.setupTypeInfo(False, MASK_PATTERN)
    if version >= 7:
        code.setupTypeNumber(False)
    mask = QRUtil.getMask(MASK_PATTERN)
    places = tuple((col, row, bool(mask(row, col))) for col, row in code.dataPosIterator())
    return tuple(tuple(row) for row in code.modules), places


def qr_modules(payload: str) -> list[list[bool]]:
    """The QR matrix of `payload` (True = dark), rows top to bottom, as reportlab encodes it
    (reportlab's encoder with the fixed mask; the codewords and their placement are computed
    here with tables, the same modules several times faster)."""
    code = QRCode(None, getattr(QRErrorCorrectLevel, ERROR_CORRECTION))
    code.addData(payload)
    code.version = code.calculate_version()
    template, places = _template(code.version)
    modules = [list(row) for row in template]
    bits = [bool(byte >> shift & 1) for byte in _codewords(code) for shift in range(7, -1, -1)]
    for (col, row, flip), dark in zip_longest(places, bits, fillvalue=False):
        modules[row][col] = dark ^ flip
    return modules


def draw_qr(canv: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draw a square QR code of `payload`, `size` points wide, its lower left corner at x, y.

    The modules go into the page as one inline 1-bit image mask (a row of modules per image
    row, dark = 1, hex-encoded), scaled to whole modules and painted black: a few hundred bytes
    and one PDF operator instead of a rectangle per run of dark modules.
    """
    modules = qr_modules(payload)
    count = len(modules)
    box = size / (count + 2 * QUIET_ZONE)
    pad = -count % 8
    data = b"".join(
        int("".join("1" if dark else "0" for dark in row) + "0" * pad, 2).to_bytes(
            (count + pad) // 8, "big"
        )
        for row in modules
    )
    side = count * box
    origin_x, origin_y = x + QUIET_ZONE * box, y + QUIET_ZONE * box
    canv._code.append(
        f"q 0 g {side:.5f} 0 0 {side:.5f} {origin_x:.3f} {origin_y:.3f} cm "
        f"BI /W {count} /H {count} /IM true /D [1 0] /F /AHx ID {data.hex()}> EI Q"
    )
