"""The main window: menus, the screen area, notices, the key footer and the status bar.

It owns the application's loops on the Tk main thread: a tick (reader events, the inactivity
lock, status snapshots published by the sync worker) and a slower status refresh that reads
the register's sync state on a worker.
"""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from cards.monitor import ReaderEvent
from desktop.app import theme
from desktop.app.context import AppContext, OfficeInfo, Screen
from desktop.app.lifecycle import shut_down
from desktop.app.menus import Menus
from desktop.app.registry import Navigator, ScreenRegistry
from desktop.app.tasks import TaskRunner
from desktop.app.widgets.dialogs import DialogHost
from desktop.app.widgets.footer import KeyFooter
from desktop.app.widgets.statusbar import StatusBar
from desktop.app.widgets.training_dialog import TrainingControls
from desktop.core import i18n
from desktop.core.cardreader import CardService
from desktop.core.config import AppConfig
from desktop.core.i18n import _
from desktop.core.messages import error_message, with_detail
from desktop.core.outage import SimulatedOutage
from desktop.core.session import StaffSession
from desktop.core.status import BarStatus, from_update, read_status
from desktop.core.sync_link import SyncLink
from desktop.core.training import banner_text
from models.daily_backup import daily_backup
from models.home import OfficeHome
from models.permissions import allowed
from sync.scheduler import WorkerUpdate

DISPATCHED_KEYS = {f"F{i}" for i in range(1, 13)} | {"Escape"}
NOT_LOCKABLE = {"login", "lock"}


class CounterWindow:
    """The application window around the screens."""

    def __init__(
        self,
        root: ttk.App,
        config: AppConfig,
        home: OfficeHome,
        office: OfficeInfo,
        cards: CardService,
        session: StaffSession,
        registry: ScreenRegistry[Screen],
    ) -> None:
        self.root = root
        self.config = config
        self.home = home
        self.office = office
        self.cards = cards
        self.session = session
        self.registry = registry
        self.theme = config.theme
        self.text_size = config.text_size
        self.snapshot: BarStatus | None = None
        self.training = TrainingControls(self)
        # training mode can cut the line to headquarters (the sync worker's connections)
        self.outage = SimulatedOutage() if config.training else None
        self._after: dict[str, str] = {}
        self._last_shown: Screen | None = None
        self.sync: SyncLink | None = None  # the sync engine's worker, plugged in by root.run

    def build(self) -> None:
        """Create the window's parts and the context the screens get."""
        root = self.root
        root.columnconfigure(0, weight=1)
        root.rowconfigure(1, weight=1)
        # training mode says so above every screen, with the training cards' PIN
        self.training_banner = ttk.Label(
            root,
            text=banner_text() if self.config.training else "",
            bootstyle="@warning",
            padding=(12, 4),
            font="TkHeadingFont",
            wraplength=1300,
        )
        if self.config.training:
            self.training_banner.grid(row=0, column=0, sticky="ew")
        self.content = ttk.Frame(root)
        self.content.grid(row=1, column=0, sticky="nsew")
        self.notice = ttk.Label(root, text="", padding=(12, 6), wraplength=1300)
        self.notice.grid(row=2, column=0, sticky="ew")
        self.notice.grid_remove()
        ttk.Separator(root).grid(row=3, column=0, sticky="ew")
        self.footer = KeyFooter(root)
        self.footer.grid(row=4, column=0, sticky="ew")
        self.statusbar = StatusBar(
            root, on_rejected=lambda: self.open_office_screen("office_rejected")
        )
        self.statusbar.grid(row=5, column=0, sticky="ew")
        self.navigator: Navigator[Screen] = Navigator(self.content, self.registry)
        self.dialogs = DialogHost(root)
        self.tasks = TaskRunner(root, default_error=self._task_failed)
        self.ctx = AppContext(
            root=root,
            home=self.home,
            office=self.office,
            config=self.config,
            tasks=self.tasks,
            session=self.session,
            cards=self.cards,
            navigator=self.navigator,
            dialogs=self.dialogs,
            notify=self.notify,
            wake_sync=self.wake_sync,
            sync_link=lambda: self.sync,
            refresh_status=self.refresh_status_now,
            status=lambda: self.snapshot,
        )
        self.navigator.ctx = self.ctx
        self.navigator.listeners.append(self._screen_shown)
        self.menus = Menus(self)
        self.menus.build()
        root.bind_all("<Key>", self._on_key, add="+")
        root.bind_all("<Button>", lambda _e: self.session.touch(), add="+")
        root.bind_all("<Motion>", lambda _e: self.session.touch(), add="+")
        root.bind_all("<Control-l>", lambda _e: self.lock(), add="+")
        root.protocol("WM_DELETE_WINDOW", self.quit)

    def start(self) -> None:
        """Start the loops and the card reader, and show the sign-in screen."""
        self.tasks.start()
        self.cards.listen(self.tasks.listener(self._card_event))
        self.cards.start()
        self.statusbar.show_reader(self.cards.view)
        self.statusbar.show_clerk(None)
        self._tick()
        self._refresh_status()
        if self.config.daily_backup:
            self._check_backup()
        self.navigator.show("login")

    # screens and keys ------------------------------------------------------------------------

    def _screen_shown(self, screen: Screen) -> None:
        if screen is not self._last_shown:
            self.notify("")  # a notice belongs to the screen it was given on
            self._last_shown = screen
        self.footer.show(screen.shortcuts())
        self.root.title(f"counterdesk · {self.office.name} · {screen.title()}")
        self.statusbar.show_clerk(self.session.member, self.session.locked)

    def _on_key(self, event: tk.Event) -> str | None:
        self.session.touch()
        if event.keysym not in DISPATCHED_KEYS or self.dialogs.current is not None:
            return None
        try:
            if event.widget.winfo_toplevel() is not self.root:
                return None
        except (AttributeError, KeyError, tk.TclError):
            return None
        screen = self.navigator.current
        if screen is None:
            return None
        for shortcut in screen.shortcuts():
            if shortcut.key == event.keysym:
                if shortcut.enabled():
                    shortcut.action()
                else:
                    self.root.bell()
                return "break"
        return None

    def notify(self, text: str, style: str = "info") -> None:
        """A one-line notice above the footer (`style`: info, success, warning, danger, ...)."""
        if not text:
            self.notice.grid_remove()
            return
        self.notice.configure(text=text, bootstyle=f"@{style}")
        self.notice.grid()

    def _task_failed(self, error: BaseException) -> None:
        self.notify(error_message(error), "danger")

    # loops -----------------------------------------------------------------------------------

    def _card_event(self, event: ReaderEvent) -> None:
        """A reader's event, on the main loop: the status bar, then the screen shown."""
        if not self.cards.accept(event):
            return
        self.statusbar.show_reader(self.cards.view)
        screen = self.navigator.current
        handler = getattr(screen, "on_card_event", None)
        if handler is not None and self.session.signed_in and not self.session.locked:
            handler(event)

    def _tick(self) -> None:
        if self.session.should_lock():
            self.lock()
        self._after["tick"] = self.root.after(self.config.tick_ms, self._tick)

    def _refresh_status(self) -> None:
        self.tasks.submit(read_status, on_done=self.show_status, on_error=lambda _e: None)
        handler = getattr(self.navigator.current, "on_tick", None)
        if handler is not None and self.session.signed_in and not self.session.locked:
            handler()
        self._after["status"] = self.root.after(self.config.status_refresh_ms, self._refresh_status)

    def refresh_status_now(self) -> None:
        """Read the sync state again now (after a sync or an acknowledgement)."""
        self.tasks.submit(read_status, on_done=self.show_status, on_error=lambda _e: None)

    def _check_backup(self) -> None:
        """Make the daily backup on a worker when it is due (a failure is said, not fatal)."""
        self.tasks.submit(daily_backup, self.home, on_error=self._backup_failed)
        self._after["backup"] = self.root.after(self.config.backup_check_ms, self._check_backup)

    def _backup_failed(self, error: BaseException) -> None:
        sentence = _(
            "The daily backup of the register could not be made. The register itself is fine: "
            "free some disk space or tell the administrator."
        )
        if isinstance(error, OSError):
            text = with_detail(sentence, str(error))
        else:
            text = sentence + "\n" + error_message(error)
        self.notify(text, "danger")

    def status_published(self, update: WorkerUpdate) -> None:
        """What the sync worker published after a run (on the main loop, through the tasks'
        listener)."""
        demo = self.snapshot.demo_generated_at if self.snapshot else None
        self.show_status(from_update(update, demo_generated_at=demo))

    def show_status(self, snapshot: BarStatus) -> None:
        """Show a sync snapshot in the status bar."""
        self.snapshot = snapshot
        self.statusbar.show_sync(snapshot)
        handler = getattr(self.navigator.current, "on_status", None)
        if handler is not None:
            handler(snapshot)

    # session ---------------------------------------------------------------------------------

    def lock(self) -> None:
        """Lock the session: the lock screen hides the customer until the password is typed."""
        if not self.session.signed_in or self.session.locked:
            return
        self.dialogs.close_all()
        key, data = self.navigator.current_key, self.navigator.current_data
        if key in NOT_LOCKABLE or key is None:
            key, data = "waiting", {}
        self.session.lock()
        self.navigator.show("lock", resume_key=key, resume_data=data)

    def sign_out(self) -> None:
        """End the session (an open visit is dropped, unrecorded)."""
        self.ctx.sign_out()

    def quit(self) -> None:
        """Stop the reader and the workers, and close the window."""
        shut_down(self.root, self._after.values(), self.cards, self.sync, self.tasks)

    def open_office_screen(self, key: str) -> None:
        """Open a screen of the "Office" menu, if the signed-in member of staff may use it."""
        screen_class = self.navigator.registry.get(key)
        if not self.session.signed_in or self.session.locked:
            self.notify(_("Sign in first."), "warning")
            return
        if self.ctx.visit is not None:
            self.notify(_("Finish the current customer's visit first."), "warning")
            return
        needed = screen_class.permission
        if needed is not None and not allowed(self.session.actor, needed):
            self.notify(
                _("Your role cannot open “{screen}”: ask a supervisor.").format(
                    screen=_(screen_class.menu_label)
                ),
                "warning",
            )
            return
        self.dialogs.close_all()
        self.navigator.show(key)

    def wake_sync(self) -> None:
        """A command was queued: ask the sync worker (if any) to send it now."""
        if self.sync is not None:
            self.sync.wake()

    # view ------------------------------------------------------------------------------------

    def set_language(self, lang: str) -> None:
        """Switch the language: menus, screens, footer and status bar are made again."""
        i18n.set_language(lang)
        self.dialogs.close_all()
        self.menus.build()
        self.navigator.rebuild()  # also frees the old menus' Tk objects, here on the main thread
        self._refresh_texts()

    def set_theme(self, name: str) -> None:
        """Switch the colour theme (screens are made again for their row colours)."""
        self.dialogs.close_all()
        self.theme = name
        self.root.style.theme_use(name)
        theme.apply_fonts(self.root, self.text_size)
        theme.readable_disabled(self.root)
        self.navigator.rebuild()
        self._refresh_texts()

    def set_text_size(self, size: int) -> None:
        """Switch the text size."""
        self.text_size = size
        theme.apply_fonts(self.root, size)

    def _refresh_texts(self) -> None:
        if self.config.training:
            self.training_banner.configure(text=banner_text())
        if self.snapshot is not None:
            self.statusbar.show_sync(self.snapshot)
        self.statusbar.show_reader(self.cards.view)
        self.statusbar.show_clerk(self.session.member, self.session.locked)
        self.notify("")
