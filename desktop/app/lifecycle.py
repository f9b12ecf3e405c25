"""Running and closing a window of the application: the counter's and the kiosk's alike."""

from __future__ import annotations

import contextlib
import gc
import signal
import tkinter as tk
from collections.abc import Iterable
from typing import Protocol

from desktop.app.tasks import TaskRunner
from desktop.core.cardreader import CardService
from desktop.core.sync_link import SyncLink
from models.home import OfficeHome
from sync.scheduler import WorkerUpdate


class Window(Protocol):
    """What `run_until_closed` needs of a window."""

    root: tk.Tk
    tasks: TaskRunner
    sync: SyncLink | None

    def status_published(self, update: WorkerUpdate) -> None:
        """Show what the sync worker published (main loop)."""
        ...

    def start(self) -> None:
        """Start the window's loops."""
        ...

    def quit(self) -> None:
        """Stop everything and close the window."""
        ...


def run_until_closed(home: OfficeHome, window: Window) -> None:
    """Plug in the sync worker, start the window and run the Tk main loop until it closes.

    SIGTERM (a session ending, a service manager) closes the window as the menu's Quit does.
    """
    on_update = window.tasks.listener(window.status_published)
    window.sync = SyncLink.start(home, on_update, getattr(window, "outage", None))
    window.start()
    previous = signal.signal(signal.SIGTERM, lambda *_a: window.root.after_idle(window.quit))
    try:
        window.root.mainloop()
    finally:
        signal.signal(signal.SIGTERM, previous)


def shut_down(
    root: tk.Tk,
    after_ids: Iterable[str],
    cards: CardService,
    sync: SyncLink | None,
    tasks: TaskRunner,
) -> None:
    """Cancel the window's timers, stop the reader, the sync worker and the workers, close."""
    # Tk objects waiting in garbage cycles are freed now, on the main thread: freed by a worker
    # while this thread waits for the workers, each would wait for this thread (Tk hands a
    # worker's call to the main thread)
    gc.collect()
    for after_id in after_ids:
        with contextlib.suppress(tk.TclError):
            root.after_cancel(after_id)
    cards.stop()
    if sync is not None:
        sync.stop()
    tasks.close()
    root.destroy()
