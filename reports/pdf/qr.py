"""The QR code that lets headquarters verify a printed document, fast (the fast mode's).

reportlab's own encoder with a fixed mask and table-driven codewords, drawn as one inline
image; `reports.pdf.stockqr` defines the code and draws it the stock way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache, reduce
from itertools import chain, zip_longest
from operator import getitem, itemgetter, xor

from reportlab.graphics.barcode.qrencoder import (
    EXP_TABLE,
    LOG_TABLE,
    QR8bitByte,
    QRCode,
    QRErrorCorrectLevel,
    QRRSBlock,
    QRUtil,
)
from reportlab.pdfgen.canvas import Canvas

from reports.pdf.stockqr import ERROR_CORRECTION, QUIET_ZONE

# A fixed data mask. Every mask gives a valid code; choosing "the best" one means encoding all
# eight and scoring them in pure Python, which was two thirds of a statement's QR cost.
MASK_PATTERN = 0

_LEVEL = getattr(QRErrorCorrectLevel, ERROR_CORRECTION)
_MAX_VERSION = 39  # reportlab's calculate_version never looks beyond version 39
_TO_BOOL_BYTES = bytes.maketrans(b"01", b"\x00\x01")


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


@lru_cache(maxsize=32)
def _ec_tables(degree: int, longest: int) -> tuple[tuple[int, ...], ...]:
    """Tables giving the error correction codewords of a block of data, packed into one int
    (first codeword in the highest byte), as the XOR of one entry per data byte.

    Reed-Solomon is linear over GF(2), so the remainder of a block is the XOR of the remainders
    of each of its bytes alone. `tables[j][b]` is the remainder of byte `b` followed by `j` zero
    bytes: `tables[0]` is the generator times `b`, and each next table is the previous one times
    x^8 modulo the generator (one step of the division's shift register).
    """
    generator = _generator(degree)[1:]
    times = [0] * 256  # times[f]: the generator's low coefficients times f, packed
    for f in range(1, 256):
        lf = LOG_TABLE[f]
        packed = 0
        for g in generator:
            packed = (packed << 8) | (EXP_TABLE[(lf + LOG_TABLE[g]) % 255] if g else 0)
        times[f] = packed
    top, full = 8 * (degree - 1), (1 << 8 * degree) - 1
    tables = [tuple(times)]
    for _ in range(longest - 1):
        tables.append(tuple(((r << 8) & full) ^ times[r >> top] for r in tables[-1]))
    return tuple(tables)


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


@lru_cache(maxsize=8)
def _template(
    version: int,
) -> tuple[tuple[tuple[bool, ...], ...], tuple[tuple[int, int, bool], ...]]:
    """The function patterns of a version (finders, timing, format for our level and mask), and
    its data positions in placement order with the mask bit of each."""
    code = QRCode(version, _LEVEL)
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


@cache
def _capacities() -> tuple[int, ...]:
    """Data capacity in bits of each version at our level (index 0 unused)."""
    return (
        0,
        *(
            sum(block.dataCount for block in QRRSBlock.getRSBlocks(version, _LEVEL)) * 8
            for version in range(1, _MAX_VERSION + 1)
        ),
    )


@dataclass(frozen=True)
class _Plan:
    """Everything about one version that does not depend on the payload.

    The "source" of a code is a string of '0'/'1': the data bits as written (blocks one after
    the other), then each block's error correction bits, then the remainder bits, XORed with
    the data mask, and finally a constant "01". Each module of the matrix is one character of
    it, so the whole matrix is one `itemgetter` call: interleaving, placement, mask and function
    patterns are all folded into the index of each module.
    """

    count: int  # modules per side
    capacity: int  # data bits
    blocks: tuple[tuple[int, int, int, tuple[tuple[int, ...], ...]], ...]
    # per block: data offset in bytes, data length, error correction bits, tables (one per byte)
    remainder: int  # bits placed after the last codeword
    mask: int  # the data mask, in source order
    width: int  # source bits (data, error correction, remainder), without the "01"
    modules: Callable[[str], tuple[str, ...]]  # source -> matrix characters, row by row
    image: Callable[[str], tuple[str, ...]]  # same, each row padded with '0' to whole bytes


@lru_cache(maxsize=8)
def _plan(version: int) -> _Plan:
    """The `_Plan` of `version` at our level and mask."""
    template, places = _template(version)
    count = len(template)
    rs_blocks = QRRSBlock.getRSBlocks(version, _LEVEL)
    longest = max(block.dataCount for block in rs_blocks)
    blocks, offset = [], 0
    data_index: list[list[int]] = []  # source codeword index of each block's data codewords
    for block in rs_blocks:
        degree = block.totalCount - block.dataCount
        tables = _ec_tables(degree, longest)[block.dataCount - 1 :: -1]
        blocks.append((offset, block.dataCount, 8 * degree, tables))
        data_index.append(list(range(offset, offset + block.dataCount)))
        offset += block.dataCount
    ec_index: list[list[int]] = []
    for block in rs_blocks:
        degree = block.totalCount - block.dataCount
        ec_index.append(list(range(offset, offset + degree)))
        offset += degree
    # source codeword of each placed codeword: reportlab's interleaving, on indices
    interleaved = chain(zip_longest(*data_index), zip_longest(*ec_index))
    placed = [i for row in interleaved for i in row if i is not None]
    codeword_bits = 8 * len(placed)
    width = len(places)
    source_of_place = [8 * placed[p // 8] + p % 8 for p in range(codeword_bits)]
    source_of_place += range(codeword_bits, width)  # remainder bits stay at the end
    mask = 0
    for (_, _, flip), source in zip(places, source_of_place, strict=True):
        if flip:
            mask |= 1 << (width - 1 - source)
    cells = [[width + dark for dark in row] for row in template]  # "0" or "1" after the data
    for (col, row, _), source in zip(places, source_of_place, strict=True):
        cells[row][col] = source
    pad = [width] * (-count % 8)
    return _Plan(
        count=count,
        capacity=_capacities()[version],
        blocks=tuple(blocks),
        remainder=width - codeword_bits,
        mask=mask,
        width=width,
        modules=itemgetter(*(i for row in cells for i in row)),
        image=itemgetter(*(i for row in cells for i in [*row, *pad])),
    )


def _source(payload: str) -> tuple[_Plan, str]:
    """The plan of the version `payload` needs and the source string of its code (see
    `_Plan`), with reportlab's choice of modes, version, padding and codewords."""
    code = QRCode(None, _LEVEL)
    code.addData(payload)
    capacities = _capacities()
    for version in range(1, _MAX_VERSION + 1):  # reportlab's calculate_version
        length = sum(4 + data.getLengthBits(version) + data.bitlength for data in code.dataList)
        if length <= capacities[version]:
            break
    plan = _plan(version)
    capacity = plan.capacity
    bits = _Bits()
    for data in code.dataList:
        if type(data) is QR8bitByte and isinstance(data.data, bytes):  # the usual case, at once
            data.write_header(bits, version)
            bits.value = (bits.value << 8 * len(data.data)) | int.from_bytes(data.data, "big")
            bits.length += 8 * len(data.data)
        else:
            data.write(bits, version)
    if bits.length > capacity:
        raise ValueError(f"QR payload too long ({bits.length} > {capacity} bits)")
    if bits.length + 4 <= capacity:
        bits.put(0, 4)
    bits.put(0, -bits.length % 8)
    pad_bytes = (capacity - bits.length) // 8
    pad = int.from_bytes((b"\xec\x11" * (pad_bytes // 2 + 1))[:pad_bytes], "big")
    value = (bits.value << 8 * pad_bytes) | pad
    buffer = value.to_bytes(capacity // 8, "big")
    for offset, length, ec_bits, tables in plan.blocks:
        ec = reduce(xor, map(getitem, tables, buffer[offset : offset + length]), 0)
        value = (value << ec_bits) | ec
    value = (value << plan.remainder) ^ plan.mask
    return plan, f"{value:0{plan.width}b}01"


def qr_modules(payload: str) -> list[list[bool]]:
    """The QR matrix of `payload` (True = dark), rows top to bottom, as reportlab encodes it
    (reportlab's encoder with the fixed mask; the codewords and their placement are computed
    here with tables, the same modules many times faster)."""
    plan, source = _source(payload)
    matrix = "".join(plan.modules(source)).encode("ascii").translate(_TO_BOOL_BYTES)
    flags = memoryview(matrix).cast("?")  # bytes 0/1 read as bools, without a Python loop
    count = plan.count
    return [flags[i : i + count].tolist() for i in range(0, count * count, count)]


def draw_qr(canv: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draw a square QR code of `payload`, `size` points wide, its lower left corner at x, y.

    The modules go into the page as one inline 1-bit image mask (a row of modules per image
    row, dark = 1, hex-encoded), scaled to whole modules and painted black: a few hundred bytes
    and one PDF operator instead of a rectangle per run of dark modules.
    """
    plan, source = _source(payload)
    count = plan.count
    row_bytes = (count + 7) // 8
    data = int("".join(plan.image(source)), 2).to_bytes(row_bytes * count, "big")
    box = size / (count + 2 * QUIET_ZONE)
    side = count * box
    origin_x, origin_y = x + QUIET_ZONE * box, y + QUIET_ZONE * box
    canv._code.append(
        f"q 0 g {side:.5f} 0 0 {side:.5f} {origin_x:.3f} {origin_y:.3f} cm "
        f"BI /W {count} /H {count} /IM true /D [1 0] /F /AHx ID {data.hex()}> EI Q"
    )
