"""The child processes of bench.app: one cold start, or one run of card insertions.

Run by bench.app as `python -m bench.app_child MODE HOME [ARGS...]` in a fresh process with
DISPLAY set. It prints `MARK <name> <time.monotonic()>` lines (CLOCK_MONOTONIC is shared by all
processes on Linux, so the parent subtracts its own spawn time) and, for the card run, one
`CARD <json>` line per insertion. Modes:

* `baseline`: a bare ttkbootstrap.Window with one label; marks `shown` when mapped and idle.
* `login`: the application built through desktop.app.root.build_app and started; marks `built`
  and `login` (sign-in screen mapped, no task pending, Tk idle), then signs in as clerk01 and
  marks `counter` (waiting screen mapped, no task pending, Tk idle).
* `cards HOME VIA TICK_MS N SEED`: the application signed in; N cards of different demo persons
  inserted one after another (VIA `training`: the in-process training reader; `pcsc`: a virtual
  card connected to vpcd, seen through pcscd, with a pcscd started if none runs), each timed
  until the customer screen shows that person's record. Each card goes in at a random moment
  (uniform over one tick): the window picks the reader's events up once per tick.

Only the standard library is imported at module level, so that the baseline and the application
start the same way; each mode imports what it needs.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STARTED = time.monotonic()
WAIT_S = 60.0
USERNAME = "clerk01"


def mark(name: str, at: float | None = None) -> None:
    """Print one marker line for the parent."""
    print(f"MARK {name} {time.monotonic() if at is None else at:.6f}", flush=True)


def when_idle(root: Any, ready: Callable[[], bool], then: Callable[[], None]) -> None:
    """Call `then` from an idle callback once `ready()` holds (checked again every 2 ms)."""

    def check() -> None:
        if ready():
            root.update_idletasks()
            then()
        else:
            root.after(2, lambda: root.after_idle(check))

    root.after_idle(check)


def baseline() -> None:
    """A bare ttkbootstrap window with one label; marks `shown` when it is mapped and idle."""
    import ttkbootstrap as ttk

    mark("imported")
    root = ttk.Window(title="baseline")
    ttk.Label(root, text="counterdesk baseline").pack(padx=20, pady=20)

    def shown() -> None:
        mark("shown")
        root.destroy()

    when_idle(root, lambda: bool(root.winfo_ismapped()), shown)
    root.mainloop()


def _open_app(home_path: str, **config: Any) -> Any:
    """Build and start the application on the office home at `home_path`."""
    from desktop.app.root import build_app
    from desktop.core.config import AppConfig
    from models.home import OfficeHome

    mark("imported")
    # No daily backup: copying a district-sized register in the background would be measured
    # with the start; it runs once a day, not at every start.
    window = build_app(OfficeHome(Path(home_path)), AppConfig(daily_backup=False, **config))
    mark("built")
    window.start()
    return window


def _screen_ready(window: Any, key: str) -> Callable[[], bool]:
    def ready() -> bool:
        screen = window.navigator.current
        return (
            window.navigator.current_key == key
            and screen is not None
            and bool(screen.winfo_ismapped())
            and window.tasks.pending == 0
        )

    return ready


def _sign_in(window: Any) -> None:
    """Type the demo clerk's username and password and press Enter, as a clerk would."""
    from models.demo.people import DEMO_STAFF_PASSWORD

    screen = window.navigator.current
    for entry, text in ((screen.username, USERNAME), (screen.password, DEMO_STAFF_PASSWORD)):
        entry.focus_set()
        entry.delete(0, "end")
        entry.insert(0, text)
    screen.password.event_generate("<KeyPress-Return>")


def login(home_path: str) -> None:
    """Cold start to the sign-in screen, then sign in and reach the waiting screen."""
    from desktop.core.config import ReaderMode

    window = _open_app(home_path, reader=ReaderMode.NONE)
    root = window.root

    def at_counter() -> None:
        mark("counter")
        window.quit()

    def at_login() -> None:
        mark("login")
        _sign_in(window)
        when_idle(root, _screen_ready(window, "waiting"), at_counter)

    when_idle(root, _screen_ready(window, "login"), at_login)
    root.mainloop()


def _pump(root: Any, until: Callable[[], bool], what: str) -> float:
    """Run the Tk loop until `until()` holds; return the monotonic time it was first seen."""
    deadline = time.monotonic() + WAIT_S
    while True:
        root.update()
        if until():
            return time.monotonic()
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.0005)


def _card_numbers(count: int, seed: int) -> list[str]:
    """Active cards of `count` different persons, spread over the register (by random rowid)."""
    from models.schema import db

    rng = random.Random(seed)
    top = db.execute_sql("SELECT max(id) FROM card").fetchone()[0]
    found: dict[int, str] = {}
    while len(found) < count:
        row = db.execute_sql(
            "SELECT person_id, card_no FROM card WHERE id >= ? AND status = 'active' "
            "ORDER BY id LIMIT 1",
            (rng.randint(1, top),),
        ).fetchone()
        if row is not None:
            found.setdefault(row[0], row[1])
    return list(found.values())


class _TrainingSlot:
    """The in-process training reader: the card goes in and out through CardService."""

    def __init__(self, window: Any) -> None:
        self.window = window

    def insert(self, profile: Any) -> None:
        """Put the virtual card into the training reader."""
        self.window.cards.insert_training_card(profile)

    def remove(self) -> None:
        """Take it out again."""
        self.window.cards.remove_training_card()


class _VpcdSlot:
    """The vpcd reader of pcscd: the card goes in by connecting a VpcdLink, out by closing it."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.link: Any = None

    def insert(self, profile: Any) -> None:
        """Connect the virtual card to vpcd (pcscd notices it and the app's monitor reports it)."""
        from cards.virtual import VirtualCard, VpcdLink

        self.link = VpcdLink(VirtualCard(profile))
        self.link.__enter__()

    def remove(self) -> None:
        """Close the link, then wait (untimed) until pcscd shows the reader empty."""
        from cards.virtual.service import wait_until_empty
        from cards.virtual.vpcd import REMOVAL_SETTLE_SECONDS

        self.link.__exit__(None, None, None)
        self.link = None
        wait_until_empty()
        settle_until = time.monotonic() + REMOVAL_SETTLE_SECONDS
        _pump(self.window.root, lambda: time.monotonic() >= settle_until, "the removal")


def cards(home_path: str, via: str, tick_ms: int, count: int, seed: int) -> None:
    """Insert `count` cards of different persons (`via` training or pcsc); time each to its
    record."""
    if via == "pcsc":
        from cards.virtual.service import PcscdService

        with PcscdService():
            _cards(home_path, via, tick_ms, count, seed)
    else:
        _cards(home_path, via, tick_ms, count, seed)


def _cards(home_path: str, via: str, tick_ms: int, count: int, seed: int) -> None:
    from cards.monitor import EventKind
    from desktop.core.config import ReaderMode
    from desktop.core.training import CardKind, holder_profile
    from models.people import find_by_card

    if via == "pcsc":
        window = _open_app(home_path, reader=ReaderMode.PCSC, tick_ms=tick_ms)
        slot: Any = _VpcdSlot(window)
    else:
        window = _open_app(home_path, reader=ReaderMode.NONE, training=True, tick_ms=tick_ms)
        slot = _TrainingSlot(window)
    root = window.root
    _pump(root, _screen_ready(window, "login"), "the sign-in screen")
    _sign_in(window)
    _pump(root, _screen_ready(window, "waiting"), "the waiting screen")
    mark("signed_in")

    # When the main loop picks the insertion up (the reader's events reach it through the task
    # runner's queue): the instance's accept is wrapped, the application's code is not changed.
    picked: list[float] = []
    accept = window.cards.accept

    def timed_accept(event: Any) -> bool:
        accepted = accept(event)
        if accepted and event.kind is EventKind.CARD_INSERTED:
            picked.append(time.monotonic())
        return accepted

    window.cards.accept = timed_accept

    card_nos = _card_numbers(count, seed)
    rng = random.Random(seed)
    for index, card_no in enumerate(card_nos):
        holder = find_by_card(card_no)
        assert holder is not None
        person_id = holder.person.id
        # the virtual card is made before the timing, as the training menu does on a worker
        profile = holder_profile(card_no, window.session.actor, CardKind.NORMAL)

        def shown(pid: int = person_id) -> bool:
            visit = window.ctx.visit
            screen = window.navigator.current
            return (
                window.navigator.current_key == "customer"
                and visit is not None
                and visit.overview.person.id == pid
                and window.tasks.pending == 0
                and bool(screen.winfo_ismapped())
            )

        # a customer comes at any moment: a random phase against the window's reader tick
        settle_until = time.monotonic() + rng.uniform(0, tick_ms / 1000)
        _pump(root, lambda t=settle_until: time.monotonic() >= t, "a random moment")
        picked.clear()
        t0 = time.monotonic()
        slot.insert(profile)
        t1 = _pump(root, shown, f"the record of card {card_no}")
        root.update_idletasks()
        t2 = time.monotonic()
        pickup = picked[0] if picked else t1
        print(
            "CARD "
            + json.dumps(
                {
                    "index": index,
                    "card_no": card_no,
                    "total_ms": (t2 - t0) * 1000,
                    "poll_wait_ms": (pickup - t0) * 1000,
                    "read_to_record_ms": (t2 - pickup) * 1000,
                }
            ),
            flush=True,
        )
        # take the card out and end the visit (F12), back to the waiting screen
        slot.remove()
        window.navigator.current.actions.end_visit()
        _pump(root, _screen_ready(window, "waiting"), "the waiting screen after the visit")
        root.update()
    window.quit()


def main(argv: list[str]) -> None:
    """Dispatch on the mode (see the module docstring)."""
    mark("started", STARTED)
    mode = argv[0]
    if mode == "baseline":
        baseline()
    elif mode == "login":
        login(argv[1])
    elif mode == "cards":
        cards(argv[1], argv[2], int(argv[3]), int(argv[4]), int(argv[5]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
