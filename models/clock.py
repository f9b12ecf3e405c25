"""The one clock of counterdesk: every "now" and "today" in the product comes from here.

By default it is the computer's clock. It can be replaced for the whole process
(`set_clock`, `use_clock`), or set for a process and its children through the environment:
``COUNTERDESK_CLOCK=2028-02-29T23:30:00+08:00`` starts the clock at that instant, and it runs on
from there in real time (training, demonstrations, the tests' date runs); with ``@EPOCH``
appended, every process given it shares one timeline. Nothing else in the
code may ask the computer for the date or time (a test reads the sources to make sure).

Instants are timezone-aware and in UTC; "today" is the local calendar date of that instant
(the office's timezone is the computer's).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

CLOCK_ENV = "COUNTERDESK_CLOCK"


class Clock(Protocol):
    """Anything that tells the current instant (aware, UTC)."""

    def now(self) -> datetime:
        """The current instant."""
        ...


class SystemClock:
    """The computer's clock."""

    def now(self) -> datetime:
        """The current instant, from the operating system."""
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


class ShiftedClock:
    """A clock that read `start` at the real moment `origin` (seconds since the epoch, default:
    now) and runs on in real time from there, or stands still with ``running=False``.

    Processes given the same `start` and `origin` agree on the time, whenever they started.
    """

    def __init__(
        self, start: datetime, *, origin: float | None = None, running: bool = True
    ) -> None:
        if start.tzinfo is None:
            raise ValueError(f"the clock needs an aware instant, not {start!r}")
        self.start = start.astimezone(UTC)
        self.origin = time.time() if origin is None else origin
        self.running = running

    def now(self) -> datetime:
        """The chosen instant plus the real time that has passed since its origin."""
        if not self.running:
            return self.start
        return self.start + timedelta(seconds=time.time() - self.origin)

    def advance(self, delta: timedelta) -> None:
        """Move the clock on by `delta`."""
        self.start += delta

    def as_environment(self) -> str:
        """The value of $COUNTERDESK_CLOCK that gives a child process this same clock."""
        return f"{self.start.isoformat()}@{self.origin:.6f}"

    def __repr__(self) -> str:
        return f"ShiftedClock({self.as_environment()}, running={self.running})"


def parse_instant(text: str) -> datetime:
    """An instant from ISO 8601 text; a naive one is read as the computer's local time.

    Raises ValueError with the text when it is not a date and time.
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        example = "ISO 8601, e.g. 2027-01-01T09:00"
        raise ValueError(f"{text!r} is not a date and time ({example})") from exc
    if value.tzinfo is None:
        value = value.astimezone()
    return value.astimezone(UTC)


def from_environment() -> Clock:
    """The clock $COUNTERDESK_CLOCK asks for, else the system clock.

    ``INSTANT`` starts the clock at INSTANT when the process starts; ``INSTANT@EPOCH`` says the
    clock read INSTANT at the real moment EPOCH (seconds), so that a parent and the programs it
    starts share one timeline (see `ShiftedClock.as_environment`).
    """
    text = os.environ.get(CLOCK_ENV, "").strip()
    if not text:
        return SystemClock()
    instant, _, origin = text.partition("@")
    try:
        real = float(origin) if origin else None
    except ValueError as exc:
        raise ValueError(f"${CLOCK_ENV}: {origin!r} is not a number of seconds") from exc
    return ShiftedClock(parse_instant(instant), origin=real)


_clock: Clock | None = None


def current() -> Clock:
    """The clock in force for this process."""
    global _clock
    if _clock is None:
        _clock = from_environment()
    return _clock


def set_clock(clock: Clock | None) -> Clock | None:
    """Make `clock` the process's clock (None: back to the environment's); returns the old one."""
    global _clock
    previous = _clock
    _clock = clock
    return previous


@contextmanager
def use_clock(clock: Clock) -> Iterator[Clock]:
    """Run a block with `clock` as the process's clock."""
    previous = set_clock(clock)
    try:
        yield clock
    finally:
        set_clock(previous)


def utc_now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return current().now()


def local_now() -> datetime:
    """The current instant in the computer's local timezone (for display and file names)."""
    return utc_now().astimezone()


def local_today() -> date:
    """Today's date where the office is (the local date of the current instant)."""
    return local_now().date()


def this_month() -> date:
    """The first day of the current local month."""
    return local_today().replace(day=1)


def year_ago(day: date) -> date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)
