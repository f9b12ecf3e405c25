"""The card PIN: VERIFY against it, count wrong tries, block at zero."""

from __future__ import annotations

from cards.apdu import StatusWord

WRONG_PIN = 0x63C0  # | tries left


class Pin:
    """A PIN with a try counter that survives resets; a blocked PIN stays blocked."""

    def __init__(self, pin: str, tries: int) -> None:
        self._pin = bytes.fromhex(pin)
        self._tries = tries
        self.tries_left = tries
        self.verified = False

    def verify(self, candidate: bytes | None) -> int:
        """The status word of VERIFY with `candidate` (3 BCD bytes), or None to ask the state."""
        if self.tries_left == 0:
            return StatusWord.PIN_BLOCKED
        if candidate is None:
            return StatusWord.OK if self.verified else WRONG_PIN | self.tries_left
        if candidate == self._pin:
            self.tries_left = self._tries
            self.verified = True
            return StatusWord.OK
        self.tries_left -= 1
        self.verified = False
        return WRONG_PIN | self.tries_left

    def reset(self) -> None:
        """Forget a verification (power off or reset); the try counter stays."""
        self.verified = False
