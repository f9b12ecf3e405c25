"""The table-driven QR encoder against reportlab's own encoder, module for module, and the
drawing operator against one built independently from reportlab's matrix."""

from __future__ import annotations

import hashlib
import io
import random
import string

import pytest
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
from reportlab.pdfgen.canvas import Canvas

from reports.pdf.qr import ERROR_CORRECTION, MASK_PATTERN, QUIET_ZONE, draw_qr, qr_modules

TYPICAL = (
    "370102202500000001|rights|20261128T080000Z|0123456789abcdef|0123456789abcdef0123456789abcdef"
)
ALPHABETS = (
    string.digits,  # numeric mode
    string.digits + string.ascii_uppercase + " $%*+-./:",  # alphanumeric mode
    string.ascii_letters + string.digits + "|",  # byte mode
    string.ascii_lowercase + string.digits + "|-éü",  # byte mode, UTF-8
)


def _payloads(seed: int, count: int, shortest: int, longest: int) -> list[str]:
    rnd = random.Random(seed)
    return [
        "".join(rnd.choice(ALPHABETS[i % 4]) for _ in range(rnd.randint(shortest, longest)))
        for i in range(count)
    ]


def _reportlab(payload: str) -> tuple[int, list[list[bool]]]:
    """reportlab's version and matrix of `payload`, with our level and mask."""
    code = QRCode(None, getattr(QRErrorCorrectLevel, ERROR_CORRECTION))
    code.addData(payload)
    code.version = code.calculate_version()
    code.makeImpl(False, MASK_PATTERN)
    return code.version, [[bool(m) for m in row] for row in code.modules]


def _operator(modules: list[list[bool]], x: float, y: float, size: float) -> str:
    """The inline image operator for `modules`, built the plain way (strings of '1'/'0')."""
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
    return (
        f"q 0 g {side:.5f} 0 0 {side:.5f} {x + QUIET_ZONE * box:.3f} "
        f"{y + QUIET_ZONE * box:.3f} cm "
        f"BI /W {count} /H {count} /IM true /D [1 0] /F /AHx ID {data.hex()}> EI Q"
    )


def _drawn(payload: str, x: float, y: float, size: float) -> str:
    canv = Canvas(io.BytesIO())
    draw_qr(canv, payload, x, y, size)
    return canv._code[-1]


PAYLOADS = [
    TYPICAL,
    "a",
    "1",
    "HELLO WORLD",
    "済南 泉城",  # kanji mode
    *_payloads(1, 120, 20, 150),
    *_payloads(2, 24, 150, 700),
]


def test_the_payloads_span_many_versions_and_modes() -> None:
    versions = {_reportlab(payload)[0] for payload in PAYLOADS}
    assert len(versions) >= 10
    assert min(versions) == 1
    assert max(versions) >= 12  # version information blocks, several alignment patterns


@pytest.mark.parametrize("payload", PAYLOADS)
def test_modules_and_drawing_match_reportlab(payload: str) -> None:
    _, expected = _reportlab(payload)
    modules = qr_modules(payload)
    assert modules == expected
    assert all(type(dark) is bool for row in modules for dark in row)
    assert _drawn(payload, 401.37, 31.5, 71.1) == _operator(expected, 401.37, 31.5, 71.1)


def test_drawing_is_byte_for_byte_what_the_old_encoder_drew() -> None:
    """A digest of the operators the encoder drew before the table-driven rewrite."""
    digest = hashlib.sha256()
    for i, payload in enumerate(_payloads(20261128, 300, 20, 150)):
        digest.update(_drawn(payload, 400 + i % 7 * 1.37, 30.5 + i % 5, 60 + i % 3 * 11.1).encode())
    assert digest.hexdigest() == OLD_DIGEST


def test_a_payload_too_long_for_any_version_is_refused() -> None:
    with pytest.raises(ValueError, match="too long"):
        qr_modules("x" * 3000)


OLD_DIGEST = "fecada22b513074a32e22ea8811fd1c9e9cdc314e9ee7c0d18a1efb2b10a0fdb"
