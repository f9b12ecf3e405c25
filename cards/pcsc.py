"""The PC/SC adapter: readers, connections and status changes through pyscard.

The only module of counterdesk that imports `smartcard`. It uses pyscard's thin `scard` layer
(the PC/SC calls themselves), so every PC/SC result code is turned into one of our typed errors
with a message a clerk can act on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from smartcard import scard

from cards.errors import CardRemoved, NoCard, NoReader, ReaderError, ServiceUnavailable

PNP_NOTIFICATION = "\\\\?PnP?\\Notification"

_REMOVED = {
    scard.SCARD_W_REMOVED_CARD,
    scard.SCARD_W_UNPOWERED_CARD,
    scard.SCARD_W_RESET_CARD,
    scard.SCARD_E_NO_SMARTCARD,
    scard.SCARD_W_UNRESPONSIVE_CARD,
    scard.SCARD_E_NOT_TRANSACTED,
    scard.SCARD_E_READER_UNAVAILABLE,
}


def _check(hresult: int, doing: str) -> None:
    """Raise the typed error for a PC/SC result code other than success."""
    if hresult == scard.SCARD_S_SUCCESS:
        return
    if hresult == scard.SCARD_E_NO_SERVICE:
        raise ServiceUnavailable(
            "the card service is not running: start pcscd (on Debian: `pcscd`, package pcscd), "
            "then try again"
        )
    if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
        raise NoReader("no card reader is attached: plug one in")
    if hresult == scard.SCARD_E_INVALID_HANDLE:
        raise ServiceUnavailable("the card service restarted: connecting again")
    if hresult == scard.SCARD_E_UNKNOWN_READER:
        raise NoReader(
            "that card reader is not attached (list them with `counterdesk card readers`)"
        )
    if hresult == scard.SCARD_E_NO_SMARTCARD:
        raise NoCard("there is no card in the reader: insert the card, chip first")
    if hresult in _REMOVED:
        raise CardRemoved(
            "the card was taken out (or lost power) while it was read: insert it again"
        )
    raise ReaderError(f"{doing} failed: {scard.SCardGetErrorMessage(hresult)} ({hresult:#010x})")


@dataclass(frozen=True)
class ReaderState:
    """A reader and whether a card is in it."""

    name: str
    card_present: bool
    atr: bytes = b""


class PcscContext:
    """A PC/SC context: list readers, watch them, connect to cards. Close it when done."""

    def __init__(self) -> None:
        hresult, self._handle = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        _check(hresult, "connecting to the card service")

    def close(self) -> None:
        """Release the context (idempotent)."""
        if self._handle is not None:
            scard.SCardReleaseContext(self._handle)
            self._handle = None

    def __enter__(self) -> PcscContext:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def reader_names(self) -> list[str]:
        """Names of the attached readers (empty when there are none)."""
        hresult, names = scard.SCardListReaders(self._handle, [])
        if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        _check(hresult, "listing the card readers")
        return list(names)

    def states(self, timeout_ms: int = 0) -> list[ReaderState]:
        """Each attached reader and whether it holds a card, right now."""
        names = self.reader_names()
        if not names:
            return []
        query = [(name, scard.SCARD_STATE_UNAWARE) for name in names]
        hresult, result = scard.SCardGetStatusChange(self._handle, timeout_ms, query)
        _check(hresult, "reading the readers' state")
        return [
            ReaderState(name, bool(state & scard.SCARD_STATE_PRESENT), bytes(atr))
            for name, state, atr in result
        ]

    def wait_for_change(self, known: dict[str, bool], timeout_ms: int) -> bool:
        """Block until a reader or card changes against `known` (True), or the timeout (False)."""
        query = [
            (name, scard.SCARD_STATE_PRESENT if present else scard.SCARD_STATE_EMPTY)
            for name, present in known.items()
        ]
        query.append((PNP_NOTIFICATION, len(known) << 16))
        hresult, _result = scard.SCardGetStatusChange(self._handle, timeout_ms, query)
        if hresult == scard.SCARD_E_TIMEOUT:
            return False
        if hresult in (scard.SCARD_E_UNKNOWN_READER, scard.SCARD_E_READER_UNAVAILABLE):
            return True  # a reader went away while we watched it
        _check(hresult, "watching the card readers")
        return True

    def wait_for_card(self, reader: str | None, timeout_ms: int) -> None:
        """Return once `reader` (or any reader, if None) holds a card, or the time runs out."""
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            states = {s.name: s.card_present for s in self.states()}
            if any(present for name, present in states.items() if reader in (None, name)):
                return
            left_ms = int((deadline - time.monotonic()) * 1000)
            if left_ms <= 0:
                return
            self.wait_for_change(states, min(left_ms, 1000))

    def connect(self, reader: str | None = None, wait_ms: int = 0) -> PcscTransport:
        """Connect to the card in `reader` (default: the first reader holding a card),
        waiting up to `wait_ms` for a card to be inserted."""
        if wait_ms > 0:
            self.wait_for_card(reader, wait_ms)
        if reader is None:
            with_card = [s.name for s in self.states() if s.card_present]
            if not with_card:
                if not self.reader_names():
                    raise NoReader("no card reader is attached: plug one in")
                raise NoCard("there is no card in any reader: insert the card, chip first")
            reader = with_card[0]
        hresult, card, protocol = scard.SCardConnect(
            self._handle,
            reader,
            scard.SCARD_SHARE_SHARED,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
        )
        _check(hresult, f"connecting to the card in {reader}")
        return PcscTransport(card, protocol, reader)


class PcscTransport:
    """One connected card: the Transport of cards/apdu.py over SCardTransmit."""

    def __init__(self, card: int, protocol: int, reader: str) -> None:
        self._card = card
        self._protocol = protocol
        self.reader = reader

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Send one APDU; CardRemoved if the card went away."""
        if self._card is None:
            raise CardRemoved("the connection to the card is closed")
        hresult, response = scard.SCardTransmit(self._card, self._protocol, list(apdu))
        _check(hresult, "sending a command to the card")
        if len(response) < 2:
            raise CardRemoved("the card gave no status word: it was probably taken out")
        return bytes(response[:-2]), (response[-2] << 8) | response[-1]

    def close(self) -> None:
        """Disconnect, leaving the card powered for the next reader of it (idempotent)."""
        if self._card is not None:
            scard.SCardDisconnect(self._card, scard.SCARD_LEAVE_CARD)
            self._card = None

    def __enter__(self) -> PcscTransport:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
