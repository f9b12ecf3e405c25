"""Encoding of the card's records: simple TLV, BCD numbers (cn) and padded text (an).

Records are `tag(1) length(1) value`. Numeric (cn) values are BCD, left aligned, padded with F
nibbles; alphanumeric (an) values are left aligned and padded with 00 bytes. The decoders raise
`DamagedData` (never anything else) for bytes that cannot be right; the encoders are what the
virtual card uses to build its records.
"""

from __future__ import annotations

from datetime import date

from cards.errors import DamagedData


def tlv(tag: int, value: bytes) -> bytes:
    """One record: tag, length, value."""
    if not 0 <= tag <= 0xFF or len(value) > 0xFF:
        raise ValueError("tag and length must each fit in one byte")
    return bytes([tag, len(value)]) + value


def parse_tlv(data: bytes, tag: int, field: str) -> bytes:
    """The value of a record that must carry `tag`; DamagedData if it does not add up."""
    if len(data) < 2:
        raise DamagedData(field, f"record of {len(data)} byte(s) is shorter than its header")
    if data[0] != tag:
        raise DamagedData(field, f"record has tag {data[0]:02X}, expected {tag:02X}")
    length = data[1]
    if len(data) < 2 + length:
        raise DamagedData(field, f"record says {length} bytes but holds {len(data) - 2}")
    return data[2 : 2 + length]


def encode_cn(digits: str, length: int) -> bytes:
    """Digits as BCD, left aligned, padded with F nibbles to `length` bytes."""
    if not digits.isdigit() or len(digits) > 2 * length:
        raise ValueError(f"{digits!r} does not fit {length} BCD bytes")
    return bytes.fromhex(digits.ljust(2 * length, "F"))


def decode_cn(value: bytes, field: str) -> str:
    """BCD digits with trailing F padding; DamagedData for any other nibble."""
    text = value.hex().upper().rstrip("F")
    if not text.isdigit() and text:
        raise DamagedData(field, f"BCD value {value.hex().upper()} holds non-digits")
    return text


def decode_bcd_date(value: bytes, field: str) -> date:
    """A date stored as BCD YYYYMMDD."""
    digits = decode_cn(value, field)
    if len(digits) != 8:
        raise DamagedData(field, f"date {digits!r} has {len(digits)} digits, not 8")
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError as exc:
        raise DamagedData(field, f"{digits} is not a real date") from exc


def encode_an(text: bytes, length: int) -> bytes:
    """Bytes left aligned, padded with 00 to `length`."""
    if len(text) > length:
        raise ValueError(f"{len(text)} bytes do not fit {length}")
    return text.ljust(length, b"\x00")


def decode_an(value: bytes) -> bytes:
    """The bytes before the 00 padding."""
    return value.rstrip(b"\x00")


def decode_ascii(value: bytes, field: str) -> str:
    """Padded ASCII text."""
    raw = decode_an(value)
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError as exc:
        raise DamagedData(field, f"{raw.hex().upper()} is not ASCII text") from exc
    if not text.isprintable():
        raise DamagedData(field, f"{text!r} holds control characters")
    return text


def decode_gbk(value: bytes, field: str) -> str:
    """Padded GBK text (names). GB 18030 decodes a superset, for rare characters."""
    raw = decode_an(value)
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DamagedData(field, f"{raw.hex().upper()} is not GBK text") from exc
    if not text or not text.isprintable():
        raise DamagedData(field, f"{text!r} is not a name")
    return text
