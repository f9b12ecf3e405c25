"""Who is signed in at this counter, and when they last did something (the inactivity lock)."""

from __future__ import annotations

import time
from collections.abc import Callable

from models.actor import Actor
from models.staff import StaffMember


class NotSignedIn(RuntimeError):
    """A service was asked for while nobody is signed in (a bug: screens prevent it)."""


class StaffSession:
    """The signed-in member of staff; locked after `idle_seconds` without keyboard or mouse.

    `clock` is injectable so that tests can move time instead of waiting for it.
    """

    def __init__(self, idle_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_seconds = idle_seconds
        self._clock = clock
        self.member: StaffMember | None = None
        self.locked = False
        self._last_activity = clock()

    @property
    def signed_in(self) -> bool:
        """True while someone is signed in (locked or not)."""
        return self.member is not None

    @property
    def actor(self) -> Actor:
        """The signed-in member of staff as the services' actor."""
        if self.member is None:
            raise NotSignedIn("nobody is signed in")
        return self.member.actor

    def sign_in(self, member: StaffMember) -> None:
        """Start a session for `member`."""
        self.member = member
        self.locked = False
        self.touch()

    def sign_out(self) -> None:
        """End the session."""
        self.member = None
        self.locked = False

    def touch(self) -> None:
        """Note keyboard or mouse activity."""
        self._last_activity = self._clock()

    def idle_for(self) -> float:
        """Seconds since the last activity."""
        return self._clock() - self._last_activity

    def should_lock(self) -> bool:
        """True when an unlocked session has been idle too long."""
        return self.signed_in and not self.locked and self.idle_for() >= self.idle_seconds

    def lock(self) -> None:
        """Lock the session (the same password unlocks it)."""
        if self.signed_in:
            self.locked = True

    def unlock(self) -> None:
        """Unlock after the password was checked again."""
        self.locked = False
        self.touch()
