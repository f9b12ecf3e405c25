"""APDUs: status words, the one-method transport, and the exchange that handles 61xx and 6Cxx.

A transport sends one command APDU and returns the response data and the status word. Above
it, `exchange` fetches the rest of a response (61xx: GET RESPONSE) and resends a command with
the Le the card asked for (6Cxx), so the application layer never sees those two.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Protocol

from cards.errors import ApduError, InvalidPin

MAX_CHAINED_RESPONSES = 32


class StatusWord(IntEnum):
    """Status words the social security application uses (ISO 7816-4)."""

    OK = 0x9000
    WRONG_LENGTH = 0x6700
    SECURITY_NOT_SATISFIED = 0x6982
    PIN_BLOCKED = 0x6983
    CONDITIONS_NOT_SATISFIED = 0x6985
    FILE_NOT_FOUND = 0x6A82
    RECORD_NOT_FOUND = 0x6A83
    WRONG_P1P2 = 0x6A86
    INS_NOT_SUPPORTED = 0x6D00
    CLA_NOT_SUPPORTED = 0x6E00
    APPLICATION_LOCKED = 0x9303

    @staticmethod
    def describe(sw: int) -> str:
        """A short English description of any status word."""
        if sw >> 8 == 0x61:
            return f"{sw & 0xFF} more bytes available"
        if sw >> 8 == 0x6C:
            return f"wrong Le, the card wants {sw & 0xFF}"
        if sw & 0xFFF0 == 0x63C0:
            return f"verification failed, {sw & 0x0F} tries left"
        try:
            return StatusWord(sw).name.lower().replace("_", " ")
        except ValueError:
            return f"status {sw:04X}"


class Transport(Protocol):
    """Anything that can send one APDU to a card: a PC/SC reader or the in-process card."""

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Send `apdu`; return (response data, status word)."""
        ...


def exchange(transport: Transport, apdu: bytes) -> tuple[bytes, int]:
    """Send `apdu`, following 61xx with GET RESPONSE and 6Cxx with a resend using that Le.

    Only a command that carries no data (4 bytes, or 5 with Le) is resent with a new Le: in a
    command with data the last byte is data (a PIN, a name), never to be changed.
    """
    data, sw = _send_with_le(transport, apdu)
    collected = bytearray(data)
    chained = 0
    while sw >> 8 == 0x61:
        chained += 1
        if chained > MAX_CHAINED_RESPONSES:
            raise ApduError(
                "GET RESPONSE",
                bytes(collected),
                sw,
                "the card kept announcing more data: the answer is not usable",
            )
        more, sw = _send_with_le(transport, bytes([0x00, 0xC0, 0x00, 0x00, sw & 0xFF]))
        collected += more
    return bytes(collected), sw


def _send_with_le(transport: Transport, apdu: bytes) -> tuple[bytes, int]:
    data, sw = transport.transmit(apdu)
    if sw >> 8 == 0x6C and len(apdu) <= 5:
        data, sw = transport.transmit(apdu[:4] + bytes([sw & 0xFF]))
    return data, sw


# -- command builders ---------------------------------------------------------------------------

SSSE_NAME = "sx1.sh.社会保障".encode("gbk")


def select_by_name(name: bytes) -> bytes:
    """SELECT by DF name (P1 = 04)."""
    return bytes([0x00, 0xA4, 0x04, 0x00, len(name)]) + name


def select_by_id(file_id: int, p1: int = 0x02) -> bytes:
    """SELECT an EF (P1 = 02) or the MF (P1 = 00) by its two-byte file id."""
    return bytes([0x00, 0xA4, p1, 0x00, 0x02, file_id >> 8, file_id & 0xFF])


def read_record(number: int, sfi: int | None = None, le: int = 0) -> bytes:
    """READ RECORD by record number, in the current EF (sfi None) or the EF with that SFI."""
    p2 = 0x04 if sfi is None else (sfi << 3) | 0x04
    return bytes([0x00, 0xB2, number, p2, le])


def read_record_by_tag(tag: int, sfi: int, le: int = 0) -> bytes:
    """READ RECORD addressing the record by its tag (P2 = SFI << 3)."""
    return bytes([0x00, 0xB2, tag, sfi << 3, le])


def verify_pin(pin: str) -> bytes:
    """VERIFY with a 6-digit PIN as 3 BCD bytes (123456 gives 12 34 56)."""
    if len(pin) != 6 or not pin.isascii() or not pin.isdigit():
        raise InvalidPin("a card PIN has exactly 6 digits")
    return bytes([0x00, 0x20, 0x00, 0x00, 0x03]) + bytes.fromhex(pin)
