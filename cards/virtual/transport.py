"""The in-process reader: the Transport of cards.apdu over a virtual card, no PC/SC."""

from __future__ import annotations

from cards.virtual.card import VirtualCard


class InProcessTransport:
    """A reader in this process with `card` inserted (training mode, tests)."""

    def __init__(self, card: VirtualCard) -> None:
        self.card = card
        card.insert()

    @property
    def atr(self) -> bytes:
        """The inserted card's answer to reset."""
        return self.card.atr

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Send one APDU; raises cards.errors.CardRemoved once the card is out."""
        return self.card.respond(bytes(apdu))

    def remove(self) -> None:
        """Pull the card out of the reader."""
        self.card.remove()
