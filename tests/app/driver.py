"""Driving the application in-process: pump the Tk loop until something holds, press keys,
take screenshots."""

from __future__ import annotations

import gc
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.app.context import Screen
from desktop.app.root import build_app
from desktop.app.window import CounterWindow
from desktop.core.config import AppConfig
from models.demo.people import DEMO_STAFF_PASSWORD
from models.home import OfficeHome

WAIT_S = 20.0


def pump_until(root: Any, until: Callable[[], bool], what: str, timeout: float = WAIT_S) -> None:
    """Run `root`'s Tk loop until `until()` holds (fails after `timeout`: a hang, not a timing
    assertion)."""
    deadline = time.monotonic() + timeout
    while True:
        root.update()
        if until():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


class FakeClock:
    """A monotonic clock the test moves by hand (the inactivity lock)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Let `seconds` pass."""
        self.now += seconds


class AppDriver:
    """One running application window, driven from the test."""

    def __init__(self, window: CounterWindow, shots: Path, keep: Path | None) -> None:
        self.window = window
        self.root = window.root
        self.shots = shots
        self.keep = keep
        self.closed = False

    @classmethod
    def build(
        cls,
        home: OfficeHome,
        config: AppConfig,
        shots: Path,
        keep: Path | None,
        clock: FakeClock | None = None,
        **extra: Any,
    ) -> AppDriver:
        """Build and start the application, and wait for the sign-in screen."""
        kwargs: dict[str, Any] = dict(extra)
        if clock is not None:
            kwargs["clock"] = clock
        window = build_app(home, config, **kwargs)
        window.start()
        driver = cls(window, shots, keep)
        driver.wait_for_screen("login")
        return driver

    # state -----------------------------------------------------------------------------------

    @property
    def screen(self) -> Screen:
        """The screen shown."""
        screen = self.window.navigator.current
        assert screen is not None
        return screen

    @property
    def key(self) -> str | None:
        """The key of the screen shown."""
        return self.window.navigator.current_key

    def pump(self, until: Callable[[], bool], what: str, timeout: float = WAIT_S) -> None:
        """Run the Tk loop until `until()` holds (see `pump_until`)."""
        pump_until(self.root, until, what, timeout)

    def settle(self) -> None:
        """Run the loop until no task is pending."""
        self.pump(lambda: self.window.tasks.pending == 0, "the tasks to finish")
        self.root.update()

    def wait_for_screen(self, key: str) -> Screen:
        """Pump until the screen of `key` is shown."""
        self.pump(lambda: self.key == key, f"the {key} screen")
        self.settle()
        return self.screen

    def focused(self) -> Any:
        """The widget with the keyboard focus."""
        return self.root.focus_get()

    # input -----------------------------------------------------------------------------------

    def type_into(self, entry: Any, text: str) -> None:
        """Replace an entry's text (as typed: its variable traces run)."""
        entry.focus_set()
        entry.delete(0, "end")
        entry.insert(0, text)
        self.root.update()

    def press(self, keysym: str, widget: Any = None) -> None:
        """Press a key on `widget` (default: the focused widget, else the screen)."""
        target = widget or self.focused() or self.screen
        target.event_generate(f"<KeyPress-{keysym}>")
        self.root.update()

    def sign_in(
        self,
        username: str = "clerk01",
        password: str = DEMO_STAFF_PASSWORD,
        lands_on: str | None = None,
    ) -> None:
        """Sign in from the sign-in screen and wait for the first screen (the waiting screen,
        the settings for an administrator)."""
        screen = self.screen
        self.type_into(screen.username, username)
        self.type_into(screen.password, password)
        self.press("Return", screen.password)
        self.wait_for_screen(lands_on or ("office_settings" if username == "admin" else "waiting"))

    def open_by_id(self, ssn: str) -> Screen:
        """Type an ID number on the waiting screen, press Enter, wait for the customer."""
        waiting = self.screen
        self.type_into(waiting.entry, ssn)
        self.press("Return", waiting.entry)
        return self.wait_for_screen("customer")

    def answer_dialog(self, yes: bool = True) -> None:
        """Answer the open confirmation dialog."""
        dialog = self.window.dialogs.current
        assert dialog is not None, "no dialog is open"
        (dialog.yes_button if yes else dialog.no_button).invoke()
        self.root.update()

    # screenshots -----------------------------------------------------------------------------

    def screenshot(self, name: str) -> Path:
        """The whole X screen as PNG (imagemagick's import), kept per test."""
        self.settle()
        self.root.update_idletasks()
        self.root.update()
        path = self.shots / f"{name}.png"
        subprocess.run(["import", "-window", "root", str(path)], check=True, timeout=30)
        if self.keep is not None:
            self.keep.mkdir(exist_ok=True)
            shutil.copy2(path, self.keep / path.name)
        return path

    def close(self) -> None:
        """Quit the application (idempotent)."""
        if not self.closed:
            self.closed = True
            self.window.quit()
            # free the dead window's Tk objects here, on the main thread: a collection
            # started later in a worker thread would run their __del__ (Tk calls) there
            gc.collect()


def xdotool(*args: str, display: str) -> str:
    """Run xdotool on `display` (for the application started as its own process); its output."""
    from tests.cli_helpers import cli_env

    result = subprocess.run(
        ["xdotool", *args],
        capture_output=True,
        text=True,
        env=cli_env({"DISPLAY": display}),
        timeout=30,
        check=True,
    )
    return result.stdout.strip()
