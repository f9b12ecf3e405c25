"""The citizen at the kiosk: who they said they are, how they proved it, what they saw.

Held in one place (the kiosk session) and dropped as a whole when the session ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from models.lookup import KeyKind
from models.overview import Overview


@dataclass
class Customer:
    """One citizen's session: the key they gave, and what it opened."""

    kind: KeyKind
    value: str
    person_id: int | None  # None: a typed number nobody here holds (never verified)
    card_no: str | None = None
    reader: str | None = None  # the reader holding their card; None when typed
    verified: bool = False
    overview: Overview | None = None

    @property
    def by_card(self) -> bool:
        """True when the session started with the card in the reader."""
        return self.reader is not None


class KioskSession:
    """The current customer (or none) and the time of the last touch."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.customer: Customer | None = None
        self._last_touch = clock()

    def touch(self) -> None:
        """Note a touch, a key or a card event."""
        self._last_touch = self._clock()

    def idle_for(self) -> float:
        """Seconds since the last touch."""
        return self._clock() - self._last_touch

    def start(self, customer: Customer) -> None:
        """A new citizen (any previous one is dropped)."""
        self.customer = customer
        self.touch()

    def end(self) -> None:
        """Drop the citizen and everything read for them."""
        self.customer = None
        self.touch()
