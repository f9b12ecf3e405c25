"""The counter's card reader: which reader, whether a card is in it, reading and PIN checks.

Three modes (config.ReaderMode): real PC/SC readers watched by `cards.monitor.ReaderMonitor`
in its own thread; no reader; or training, where a virtual card (`cards.virtual`) is put into
an in-process reader from the Training menu. Events of every mode go to the one function given
to `listen` (the window's task-runner listener, which hands them to the main loop), where
`accept` keeps the readers' state; reads and PIN checks run on worker threads (`read`,
`verify_pin`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from cards.apdu import Transport
from cards.errors import NoCard, NoReader
from cards.monitor import EventKind, ReaderEvent, ReaderMonitor
from cards.record import CardRecord
from cards.session import SocialSecurityCardSession
from cards.virtual import CardProfile, InProcessTransport, VirtualCard
from desktop.core.config import ReaderMode

TRAINING_READER = "Training reader"


@dataclass(frozen=True)
class ReaderView:
    """What the status bar shows about the reader."""

    mode: ReaderMode
    reader: str | None
    card_present: bool
    service_up: bool | None  # None: not known yet (or no service in this mode)


class CardService:
    """Readers, cards in them, and the card operations of the counter."""

    def __init__(
        self,
        mode: ReaderMode,
        open_backend: Callable[[], object] | None = None,
        preferred: str | None = None,
    ) -> None:
        """`preferred` names the PC/SC reader of this counter (the office setting
        `card_reader`): the others are ignored. None: whichever reader holds a card."""
        self.mode = mode
        self.preferred = preferred if mode is ReaderMode.PCSC else None
        self._deliver: Callable[[ReaderEvent], None] = lambda _event: None
        self._open_backend = open_backend
        self._monitor: ReaderMonitor | None = None
        self._readers: dict[str, bool] = {}
        self._service_up: bool | None = None
        self._card_lock = threading.Lock()  # one card conversation at a time
        self._training_card: VirtualCard | None = None

    def listen(self, deliver: Callable[[ReaderEvent], None]) -> None:
        """Send every event to `deliver` (called from the monitor's thread, or the main loop's
        for the training reader; the main loop then calls `accept`). Before `start`."""
        self._deliver = deliver

    def put(self, event: ReaderEvent) -> None:
        """Hand one event on (the monitor's sink)."""
        self._deliver(event)

    def start(self) -> None:
        """Start watching (PC/SC) or attach the training reader."""
        if self.mode is ReaderMode.PCSC:
            backend = self._open_backend or _pcsc_backend()
            if backend is None:
                self.mode = ReaderMode.NONE
                return
            self._monitor = ReaderMonitor(backend, self, wait_ms=250)
            self._monitor.start()
        elif self.mode is ReaderMode.TRAINING:
            self.put(ReaderEvent(EventKind.READER_ATTACHED, TRAINING_READER))

    def stop(self) -> None:
        """Stop the monitor thread (if any)."""
        if self._monitor is not None:
            self._monitor.stop()
            self._monitor = None

    def accept(self, event: ReaderEvent) -> bool:
        """Update the readers' state with an event (main loop); False for an event of a reader
        this counter ignores (another than the one chosen)."""
        if self._ignored(event):
            return False
        self._apply(event)
        return True

    def _ignored(self, event: ReaderEvent) -> bool:
        """Events of readers other than the chosen one (service events always count)."""
        if self.preferred is None or event.kind in (EventKind.SERVICE_DOWN, EventKind.SERVICE_UP):
            return False
        return event.reader != self.preferred

    def _apply(self, event: ReaderEvent) -> None:
        kind = event.kind
        if kind is EventKind.READER_ATTACHED:
            self._readers[event.reader] = False
            self._service_up = True
        elif kind is EventKind.READER_DETACHED:
            self._readers.pop(event.reader, None)
        elif kind is EventKind.CARD_INSERTED:
            self._readers[event.reader] = True
        elif kind is EventKind.CARD_REMOVED:
            self._readers[event.reader] = False
        elif kind is EventKind.SERVICE_DOWN:
            self._service_up = False
            self._readers.clear()
        elif kind is EventKind.SERVICE_UP:
            self._service_up = True

    @property
    def view(self) -> ReaderView:
        """The reader to show: the first holding a card, else the first attached (only the
        chosen reader is ever attached when one is chosen)."""
        with_card = [name for name, present in self._readers.items() if present]
        reader = with_card[0] if with_card else next(iter(self._readers), None)
        return ReaderView(self.mode, reader, bool(with_card), self._service_up)

    # training mode -------------------------------------------------------------------------

    def insert_training_card(self, profile: CardProfile) -> None:
        """Put a virtual card into the training reader (main loop)."""
        if self.mode is not ReaderMode.TRAINING:
            raise RuntimeError("virtual cards go into the training reader only")
        with self._card_lock:
            self._training_card = VirtualCard(profile)
        self.put(ReaderEvent(EventKind.CARD_INSERTED, TRAINING_READER))

    def remove_training_card(self) -> None:
        """Take the virtual card out of the training reader (main loop)."""
        with self._card_lock:
            had = self._training_card is not None
            self._training_card = None
        if had:
            self.put(ReaderEvent(EventKind.CARD_REMOVED, TRAINING_READER))

    def forget_session(self) -> None:
        """The clerk signed out: the training card (the session's own) is taken out; a real
        card stays where it is."""
        if self.mode is ReaderMode.TRAINING:
            self.remove_training_card()

    # card conversations (worker threads) -----------------------------------------------------

    @contextmanager
    def _transport(self, reader: str | None) -> Iterator[Transport]:
        with self._card_lock:
            if self.mode is ReaderMode.TRAINING:
                if self._training_card is None:
                    raise NoCard("there is no card in the training reader")
                yield InProcessTransport(self._training_card)
            elif self.mode is ReaderMode.PCSC:
                from cards.pcsc import PcscContext

                with PcscContext() as context, context.connect(reader) as transport:
                    yield transport
            else:
                raise NoReader("this counter has no card reader")

    def read(self, reader: str | None) -> CardRecord:
        """Read the card in `reader` (worker thread); typed card errors on failure."""
        with self._transport(reader) as transport:
            return SocialSecurityCardSession(transport).read()

    def verify_pin(self, reader: str | None, pin: str) -> None:
        """Send the PIN to the card once (worker thread): WrongPin with the tries left, ..."""
        with self._transport(reader) as transport:
            SocialSecurityCardSession(transport).verify_pin(pin)


def _pcsc_backend() -> Callable[[], object] | None:
    """PcscContext as the monitor's backend, or None when pyscard is not installed."""
    try:
        from cards.pcsc import PcscContext
    except ImportError:
        return None
    return PcscContext
