"""Typed numbers nobody here holds: counted and locked like a real query password, logged
masked, and unlocked by time like one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desktop.app.kiosk.unknown import UNKNOWN_TRIED, UnknownNumbers, mask_number
from models.actor import Actor
from models.clock import ShiftedClock, use_clock, utc_now
from models.credentials import LOCK_HOURS, MAX_ATTEMPTS
from models.enums import Role
from models.errors import CredentialLocked
from models.home import OfficeHome
from models.schema import AuditEvent

KIOSK = Actor("kiosk:test", Role.KIOSK)
NOBODY = "110101199003070011"


def test_tries_count_down_then_lock_until_the_lock_hours_have_passed(home: OfficeHome) -> None:
    numbers = UnknownNumbers()
    with use_clock(ShiftedClock(utc_now(), running=False)) as clock:
        left = [numbers.check(NOBODY, "19900307", KIOSK).remaining_attempts for _ in range(5)]
        assert left == list(range(MAX_ATTEMPTS - 1, -1, -1))
        with pytest.raises(CredentialLocked):
            numbers.check(NOBODY, "19900307", KIOSK)
        assert numbers.check("A00000001", "1", KIOSK).remaining_attempts == MAX_ATTEMPTS - 1
        clock.advance(timedelta(hours=LOCK_HOURS, seconds=1))
        result = numbers.check(NOBODY, "19900307", KIOSK)
    assert not result.ok and result.remaining_attempts == MAX_ATTEMPTS - 1  # a fresh count


def test_each_try_is_logged_without_a_person_and_with_the_number_masked(
    home: OfficeHome,
) -> None:
    UnknownNumbers().check(NOBODY, "x", KIOSK)
    UnknownNumbers().check("A12345678", "x", KIOSK)
    details = [e.detail for e in AuditEvent.select().where(AuditEvent.action == UNKNOWN_TRIED)]
    assert len(details) == 2
    assert mask_number(NOBODY) in details[0] and NOBODY not in details[0]
    assert "A1*****78" in details[1] and "A12345678" not in details[1]
