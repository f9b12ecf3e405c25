"""The kiosk window: a slim top bar (office, "data as of", time) and one screen at a time.

Screens are shown by the navigator the counter application uses too (desktop.app.registry);
kiosk screens are not kept: each is made new when shown and destroyed when left, so that
nothing of a citizen survives the end of their session. The idle timeout, the card taken out,
or "Finish" all end it the same way (`end_session`). The window's tick reads reader events and
the idle time.
"""

from __future__ import annotations

import tkinter.font as tkfont

import ttkbootstrap as ttk

from cards.monitor import EventKind, ReaderEvent
from desktop.app.context import OfficeInfo
from desktop.app.kiosk.config import KioskConfig
from desktop.app.kiosk.context import KioskContext
from desktop.app.kiosk.customer import KioskSession
from desktop.app.kiosk.screens import KioskScreen, kiosk_registry
from desktop.app.kiosk.style import SMALL_FONT
from desktop.app.kiosk.training_bar import TrainingBar
from desktop.app.lifecycle import shut_down
from desktop.app.registry import Navigator
from desktop.app.tasks import TaskRunner
from desktop.core.cardreader import CardService
from desktop.core.freshness import data_as_of_text
from desktop.core.status import BarStatus, from_update, read_status
from desktop.core.sync_link import SyncLink
from models.actor import Actor
from models.clock import local_now, utc_now
from models.home import OfficeHome
from sync.scheduler import WorkerUpdate

WELCOME = "welcome"
GOODBYE = "goodbye"


class KioskWindow:
    """The kiosk's one window and its loops."""

    def __init__(
        self,
        root: ttk.App,
        config: KioskConfig,
        home: OfficeHome,
        office: OfficeInfo,
        cards: CardService,
        session: KioskSession,
        actor: Actor,
        fonts: dict[str, tkfont.Font],
    ) -> None:
        self.root = root
        self.config = config
        self.home = home
        self.office = office
        self.cards = cards
        self.session = session
        self.actor = actor
        self.fonts = fonts  # Tk deletes a named font when its Python object goes away
        self.snapshot: BarStatus | None = None
        self.sync: SyncLink | None = None
        self._after: dict[str, str] = {}

    def build(self) -> None:
        """The top bar, the screen area and the context the screens get."""
        root = self.root
        root.columnconfigure(0, weight=1)
        root.rowconfigure(1, weight=1)
        bar = ttk.Frame(root, padding=(24, 8), bootstyle="primary")
        bar.grid(row=0, column=0, sticky="ew")
        bar.columnconfigure(1, weight=1)
        self.office_label = ttk.Label(
            bar, text=self.office.name, bootstyle="@primary", font="TkHeadingFont"
        )
        self.office_label.grid(row=0, column=0, sticky="w")
        self.as_of = ttk.Label(bar, text="", bootstyle="@primary", font=SMALL_FONT)
        self.as_of.grid(row=0, column=1, sticky="e", padx=24)
        self.time_label = ttk.Label(bar, text="", bootstyle="@primary", font="TkHeadingFont")
        self.time_label.grid(row=0, column=2, sticky="e")
        self.content = ttk.Frame(root)
        self.content.grid(row=1, column=0, sticky="nsew")
        self.navigator: Navigator[KioskScreen] = Navigator(self.content, kiosk_registry())
        self.tasks = TaskRunner(root, default_error=lambda _e: None)
        self.ctx = KioskContext(
            root=root,
            home=self.home,
            office=self.office,
            config=self.config,
            tasks=self.tasks,
            cards=self.cards,
            session=self.session,
            actor=self.actor,
            navigate=self.navigator.show,
            end_session=self.end_session,
            data_as_of=self.data_as_of,
        )
        self.navigator.ctx = self.ctx
        self.navigator.listeners.append(lambda _screen: self.session.touch())
        self.training: TrainingBar | None = None
        if self.config.training:
            self.training = TrainingBar(root, self.ctx)
            self.training.grid(row=2, column=0, sticky="ew")
        for sequence in ("<Button>", "<Key>", "<Motion>"):
            root.bind_all(sequence, lambda _e: self.session.touch(), add="+")
        root.protocol("WM_DELETE_WINDOW", self.quit)

    def start(self) -> None:
        """Start the loops and the reader, and show the welcome."""
        self.tasks.start()
        self.cards.listen(self.tasks.listener(self._card_event))
        self.cards.start()
        if self.training is not None:
            self.training.load()
        self.navigator.show(WELCOME)
        self._tick()
        self._refresh_status()

    # screens ---------------------------------------------------------------------------------

    def end_session(self) -> None:
        """Drop the citizen and every widget that showed them; back to the welcome."""
        self.session.end()
        self.navigator.show(WELCOME)

    def data_as_of(self) -> str:
        """'Data as of …' for the bar and the record screen."""
        if self.snapshot is None:
            return ""
        return data_as_of_text(self.snapshot, utc_now())

    # loops -----------------------------------------------------------------------------------

    def _tick(self) -> None:
        self._check_idle()
        self.time_label.configure(text=local_now().strftime("%H:%M"))
        self._after["tick"] = self.root.after(self.config.tick_ms, self._tick)

    def _card_event(self, event: ReaderEvent) -> None:
        """A reader's event, on the main loop."""
        if not self.cards.accept(event):
            return
        self.session.touch()
        customer = self.session.customer
        removed = event.kind is EventKind.CARD_REMOVED
        if removed and customer is not None and customer.reader == event.reader:
            self.end_session()  # the card taken out ends the session
            return
        inserted = event.kind is EventKind.CARD_INSERTED
        if inserted and customer is None and self.navigator.current_key != WELCOME:
            self.navigator.show(WELCOME)  # a card at the goodbye starts the next session
        if self.navigator.current is not None:
            self.navigator.current.on_card_event(event)

    def _check_idle(self) -> None:
        screen, key = self.navigator.current, self.navigator.current_key
        if screen is None:
            return
        limit = self.config.goodbye_seconds if key == GOODBYE else self.config.idle_seconds
        if self.session.idle_for() < limit:
            return
        if key == WELCOME and screen.pristine():
            return
        self.end_session()

    def _refresh_status(self) -> None:
        self.tasks.submit(read_status, on_done=self._show_status, on_error=lambda _e: None)
        self._after["status"] = self.root.after(self.config.status_refresh_ms, self._refresh_status)

    def status_published(self, update: WorkerUpdate) -> None:
        """What the sync worker published after a run (on the main loop)."""
        demo = self.snapshot.demo_generated_at if self.snapshot else None
        self._show_status(from_update(update, demo_generated_at=demo))

    def _show_status(self, snapshot: BarStatus) -> None:
        self.snapshot = snapshot
        self.as_of.configure(text=self.data_as_of())
        if self.navigator.current is not None:
            self.navigator.current.on_status()  # the screen's "data as of" follows the bar's

    def quit(self) -> None:
        """Stop the reader and the workers, and close the window."""
        shut_down(self.root, self._after.values(), self.cards, self.sync, self.tasks)
