"""The passphrase window before the application, on an encrypted register."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import ttkbootstrap as ttk

from desktop.app.unlock import UnlockWindow, passphrase_opens
from desktop.cli_app import unlocked
from models import keystore
from models.db import close_register, forget_passphrase
from models.encryption import encrypt_home
from models.home import OfficeHome
from tests.app.driver import xdotool
from tests.cli_helpers import COUNTERDESK, cli_env
from tests.keyring_helpers import NO_KEYRING, PASSPHRASE

pytestmark = pytest.mark.usefixtures("memory_keyring")

TYPED_PASSPHRASE = "quancheng office passphrase"  # xdotool types ASCII reliably


@pytest.fixture
def encrypted(demo: OfficeHome) -> OfficeHome:
    """The demo copy, encrypted with PASSPHRASE, closed, its passphrase forgotten."""
    close_register()
    encrypt_home(demo.path, demo.register_path, PASSPHRASE)
    forget_passphrase()
    return OfficeHome(demo.path)


@pytest.fixture
def window(display: str, encrypted: OfficeHome) -> Iterator[UnlockWindow]:
    """The passphrase window on the encrypted register (not in a main loop)."""
    root = ttk.App(title="counterdesk")
    unlock = UnlockWindow(root, passphrase_opens(encrypted.register_path), str(encrypted.path))
    root.update()
    unlock.entry.focus_force()  # as ask_passphrase does once the loop runs
    root.update()
    yield unlock
    if _alive(unlock.root):
        unlock.root.destroy()


def _alive(root: ttk.App) -> bool:
    try:
        return bool(root.winfo_exists())
    except Exception:  # destroyed: Tk raises TclError on any call
        return False


def _type_and_enter(window: UnlockWindow, text: str) -> None:
    window.entry.insert(0, text)
    window.entry.event_generate("<KeyPress-Return>")
    if _alive(window.root):
        window.root.update()


def test_a_wrong_passphrase_is_said_and_can_be_typed_again(window: UnlockWindow) -> None:
    assert window.root.focus_get() == window.entry
    _type_and_enter(window, "not the office passphrase")
    assert window.message.cget("text").startswith("Wrong passphrase: the register stays locked")
    assert window.entry.get() == "" and window.passphrase is None
    _type_and_enter(window, PASSPHRASE)
    assert window.passphrase == PASSPHRASE
    assert not _alive(window.root)


def test_escape_quits_without_unlocking(window: UnlockWindow) -> None:
    window.entry.insert(0, PASSPHRASE)
    window.root.event_generate("<KeyPress-Escape>")
    assert window.passphrase is None
    assert not _alive(window.root)


def test_a_passphrase_in_the_keyring_opens_without_the_window(encrypted: OfficeHome) -> None:
    keystore.remember(encrypted.register_path, PASSPHRASE)
    assert unlocked(encrypted, "en") == encrypted  # no Tk: no display is set up here


def test_a_keyring_passphrase_that_no_longer_opens_asks_says_why_and_is_replaced(
    encrypted: OfficeHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    keystore.remember(encrypted.register_path, "the passphrase before a rekey")
    asked: list[str] = []

    def typed(_path: Path, _label: str, _size: int = 14, notice: str = "") -> str:
        asked.append(notice)
        return PASSPHRASE

    monkeypatch.setattr("desktop.app.unlock.ask_passphrase", typed)
    home = unlocked(encrypted, "en")
    assert home is not None and home.passphrase == PASSPHRASE
    assert asked and "no longer opens the register" in asked[0]
    assert keystore.stored_passphrase(encrypted.register_path) == PASSPHRASE


def test_without_a_keyring_entry_the_window_asks_without_a_notice(
    encrypted: OfficeHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def quit_window(_path: Path, _label: str, _size: int = 14, notice: str = "") -> None:
        asked.append(notice)

    monkeypatch.setattr("desktop.app.unlock.ask_passphrase", quit_window)
    assert unlocked(encrypted, "en") is None  # Esc: nothing opened
    assert asked == [""]
    assert keystore.stored_passphrase(encrypted.register_path) is None


def test_the_window_shows_why_it_asks(display: str, encrypted: OfficeHome) -> None:
    root = ttk.App(title="counterdesk")
    unlock = UnlockWindow(
        root, passphrase_opens(encrypted.register_path), str(encrypted.path), "stale keyring"
    )
    root.update()
    try:
        assert unlock.notice.cget("text") == "stale keyring" and unlock.notice.winfo_ismapped()
        assert unlock.message.cget("text") == ""
    finally:
        root.destroy()


def _window_titled(words: str, display: str) -> str | None:
    """The id of a Tk window whose title has `words` (waiting up to 20 s), else None."""
    env = cli_env({"DISPLAY": display})
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = subprocess.run(
            ["xdotool", "search", "--class", "Tk"], capture_output=True, text=True, env=env
        )
        for window in found.stdout.split():
            title = subprocess.run(
                ["xdotool", "getwindowname", window], capture_output=True, text=True, env=env
            )
            if title.returncode == 0 and words in title.stdout:
                return window
        time.sleep(0.05)
    return None


def _screenshot(display: str, path: Path, keep: Path | None) -> None:
    subprocess.run(
        ["import", "-window", "root", str(path)],
        env=cli_env({"DISPLAY": display}),
        check=True,
        timeout=30,
    )
    if keep is not None:
        keep.mkdir(exist_ok=True)
        shutil.copy2(path, keep / path.name)


def test_the_app_on_an_encrypted_register_asks_the_passphrase_before_the_sign_in(
    display: str, demo_home: Path, shots: Path, keep_screens: Path | None
) -> None:
    if shutil.which("xdotool") is None:
        pytest.fail("xdotool is not installed (Debian package xdotool)", pytrace=False)
    encrypt_home(demo_home, demo_home / "register.db", TYPED_PASSPHRASE)
    forget_passphrase()
    argv = [str(COUNTERDESK), "--home", str(demo_home), "app", "--lang", "en", "--no-reader"]
    app = subprocess.Popen(
        argv, env=cli_env({"DISPLAY": display, **NO_KEYRING}), stderr=subprocess.PIPE, text=True
    )
    try:
        window = _window_titled("unlock the register", display)
        assert window is not None
        xdotool("windowfocus", "--sync", window, display=display)
        xdotool("type", "--delay", "10", "not the passphrase", display=display)
        xdotool("key", "Return", display=display)
        time.sleep(0.5)
        _screenshot(display, shots / "unlock-wrong.png", keep_screens)
        assert app.poll() is None  # still asking
        xdotool("type", "--delay", "10", TYPED_PASSPHRASE, display=display)
        xdotool("key", "Return", display=display)
        assert _window_titled("Sign in", display) is not None
    finally:
        app.terminate()
        _out, err = app.communicate(timeout=20)
    assert app.returncode == 0, err
