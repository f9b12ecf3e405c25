"""`counterdesk app` as a real process on the X server, driven with xdotool."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.app.driver import xdotool
from tests.cli_helpers import COUNTERDESK, cli_env


def _title_becomes(window: str, words: str, display: str) -> str:
    deadline = time.monotonic() + 20
    while True:
        title = xdotool("getwindowname", window, display=display)
        if words in title or time.monotonic() > deadline:
            return title
        time.sleep(0.05)


def _screenshot(display: str, shots: Path, keep: Path | None, name: str) -> None:
    """The whole screen into shots/NAME.png (and keep/ when screenshots are kept)."""
    shot = shots / f"{name}.png"
    subprocess.run(
        ["import", "-window", "root", str(shot)],
        env=cli_env({"DISPLAY": display}),
        check=True,
        timeout=30,
    )
    if keep is not None:
        keep.mkdir(exist_ok=True)
        shutil.copy2(shot, keep / shot.name)


def test_the_app_command_opens_a_window_a_clerk_signs_in_to(
    display: str, demo_home: Path, shots: Path, keep_screens: Path | None
) -> None:
    if shutil.which("xdotool") is None:
        pytest.fail("xdotool is not installed (Debian package xdotool)", pytrace=False)
    argv = [str(COUNTERDESK), "--home", str(demo_home), "app", "--lang", "en", "--no-reader"]
    app = subprocess.Popen(
        argv, env=cli_env({"DISPLAY": display}), stderr=subprocess.PIPE, text=True
    )
    try:
        window = xdotool("search", "--sync", "--class", "Tk", display=display).split()[0]
        assert _title_becomes(window, "Sign in", display).endswith("Sign in")
        xdotool("windowfocus", "--sync", window, display=display)
        xdotool("type", "--delay", "10", "clerk01", display=display)
        xdotool("key", "Return", display=display)
        xdotool("type", "--delay", "10", "demo-2026", display=display)
        xdotool("key", "Return", display=display)
        assert _title_becomes(window, "Next customer", display).endswith("Next customer")
        _screenshot(display, shots, keep_screens, "app-process")
    finally:
        app.terminate()
        _out, err = app.communicate(timeout=20)
    assert app.returncode == 0, err


def test_a_damaged_register_opens_a_window_that_says_what_to_do_and_exits_3(
    display: str, demo_home: Path, shots: Path, keep_screens: Path | None
) -> None:
    register = demo_home / "register.db"
    data = bytearray(register.read_bytes())
    data[:16] = b"garbage garbage!"
    register.write_bytes(bytes(data))
    argv = [str(COUNTERDESK), "--home", str(demo_home), "app", "--lang", "en", "--no-reader"]
    app = subprocess.Popen(
        argv, env=cli_env({"DISPLAY": display}), stderr=subprocess.PIPE, text=True
    )
    try:
        window = xdotool("search", "--sync", "--class", "Tk", display=display).split()[0]
        time.sleep(0.5)  # let it draw
        _screenshot(display, shots, keep_screens, "app-damaged-register")
        xdotool("windowfocus", "--sync", window, display=display)
        xdotool("key", "Escape", display=display)
        _out, err = app.communicate(timeout=20)
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
    assert app.returncode == 3, err
    assert "counterdesk db salvage" in err
