"""The virtual card: answers command APDUs as a social security card does, faults included."""

from __future__ import annotations

from cards.apdu import StatusWord
from cards.errors import CardRemoved
from cards.virtual.faults import Fault
from cards.virtual.filesystem import FileSystem
from cards.virtual.pin import Pin
from cards.virtual.profile import CardProfile

SELECT, READ_RECORD, VERIFY, EXTERNAL_AUTHENTICATE, GET_RESPONSE = 0xA4, 0xB2, 0x20, 0x82, 0xC0
KNOWN_INSTRUCTIONS = {SELECT, READ_RECORD, VERIFY, EXTERNAL_AUTHENTICATE, GET_RESPONSE}
MORE_DATA = 0x6100  # | bytes available
WRONG_LE = 0x6C00  # | the right Le


class VirtualCard:
    """A social security card in memory, built from a profile. Not thread-safe.

    The PIN try counter lives as long as the object (it is on the chip); selection and a PIN
    verification end with `reset` (power off, power on, warm reset) and `insert`.
    """

    def __init__(self, profile: CardProfile) -> None:
        self.profile = profile
        self._files = FileSystem(profile)
        self._pin = Pin(profile.pin, profile.pin_tries)
        self._pending = b""  # the rest of a chunked response, for GET RESPONSE
        self.apdus = 0  # commands received since insertion
        self.removed = False

    @property
    def atr(self) -> bytes:
        """The answer to reset."""
        return self.profile.atr

    @property
    def tries_left(self) -> int:
        """PIN tries left before the card blocks."""
        return self._pin.tries_left

    def insert(self) -> None:
        """Put the card into a reader: fresh power, no APDU counted yet."""
        self.apdus = 0
        self.removed = False
        self.reset()

    def remove(self) -> None:
        """Take the card out: every later command raises CardRemoved until `insert`."""
        self.removed = True

    def reset(self) -> None:
        """Power off, power on or warm reset: selection, pending response and PIN state end."""
        self._files.reset()
        self._pin.reset()
        self._pending = b""

    def respond(self, apdu: bytes) -> tuple[bytes, int]:
        """The response data and status word for one command APDU.

        Raises CardRemoved once the card is out (the fault "remove-midway" takes it out after
        `profile.remove_after` answered commands).
        """
        if self.removed:
            raise CardRemoved("the card was taken out while it was being read")
        self.apdus += 1
        if Fault.REMOVE_MIDWAY in self.profile.faults and self.apdus > self.profile.remove_after:
            self.remove()
            raise CardRemoved("the card was taken out while it was being read")
        if len(apdu) < 4:
            return b"", StatusWord.WRONG_LENGTH
        if apdu[0] != 0x00:
            return b"", StatusWord.CLA_NOT_SUPPORTED
        if apdu[1] not in KNOWN_INSTRUCTIONS:
            return b"", StatusWord.INS_NOT_SUPPORTED
        if apdu[1] == GET_RESPONSE:
            return self._get_response(apdu)
        self._pending = b""
        data, sw = self._execute(apdu)
        return self._chunked(data, sw)

    def _execute(self, apdu: bytes) -> tuple[bytes, int]:
        parsed = split_body(apdu)
        if parsed is None:
            return b"", StatusWord.WRONG_LENGTH
        ins, p1, p2 = apdu[1], apdu[2], apdu[3]
        body, le = parsed
        if ins == SELECT:
            return b"", self._files.select(p1, body)
        if ins == READ_RECORD:
            if body or le is None:
                return b"", StatusWord.WRONG_LENGTH
            data, sw = self._files.read_record(p1, p2)
            return fit_le(data, sw, le)
        if ins == VERIFY:
            if p1 or p2:
                return b"", StatusWord.WRONG_P1P2
            if body and len(body) != 3:
                return b"", StatusWord.WRONG_LENGTH
            return b"", self._pin.verify(body or None)
        return b"", StatusWord.SECURITY_NOT_SATISFIED  # EXTERNAL AUTHENTICATE never succeeds

    def _chunked(self, data: bytes, sw: int) -> tuple[bytes, int]:
        chunk = self.profile.chunk
        if sw != StatusWord.OK or chunk is None or len(data) <= chunk:
            return data, sw
        self._pending = data[chunk:]
        return data[:chunk], MORE_DATA | min(len(self._pending), chunk)

    def _get_response(self, apdu: bytes) -> tuple[bytes, int]:
        if len(apdu) != 5:
            return b"", StatusWord.WRONG_LENGTH
        if apdu[2] or apdu[3]:
            return b"", StatusWord.WRONG_P1P2
        if not self._pending:
            return b"", StatusWord.CONDITIONS_NOT_SATISFIED
        chunk = self.profile.chunk or 256
        size = min(apdu[4] or 256, chunk)
        piece, self._pending = self._pending[:size], self._pending[size:]
        if self._pending:
            return piece, MORE_DATA | min(len(self._pending), chunk)
        return piece, StatusWord.OK


def split_body(apdu: bytes) -> tuple[bytes, int | None] | None:
    """Command data and Le (None if absent) of a short APDU; None if the lengths do not add up."""
    if len(apdu) == 4:
        return b"", None
    if len(apdu) == 5:
        return b"", apdu[4]
    lc = apdu[4]
    if lc and len(apdu) == 5 + lc:
        return apdu[5:], None
    if lc and len(apdu) == 6 + lc:
        return apdu[5:-1], apdu[-1]
    return None


def fit_le(data: bytes, sw: int, le: int) -> tuple[bytes, int]:
    """Le 00 takes everything; a shorter Le answers 6Cxx with the length the card has."""
    if sw == StatusWord.OK and le and le < len(data):
        return b"", WRONG_LE | (len(data) & 0xFF)
    return data, sw
