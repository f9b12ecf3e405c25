"""What the clerk reads when the register fails under a task: busy and full are not damage."""

from __future__ import annotations

import peewee

from desktop.core.i18n import set_language
from desktop.core.messages import error_message
from models.home import OfficeHome


def test_a_busy_register_is_told_as_busy_not_as_something_went_wrong(home: OfficeHome) -> None:
    set_language("en")
    text = error_message(peewee.OperationalError("database is locked"))
    assert "busy" in text and "try again" in text
    assert "Something went wrong" not in text and "damaged" not in text


def test_a_full_disk_is_told_as_a_full_disk(home: OfficeHome) -> None:
    set_language("en")
    text = error_message(peewee.OperationalError("database or disk is full"))
    assert "is full" in text and "nothing was lost" in text


def test_malformed_on_an_intact_register_is_not_called_damage(home: OfficeHome) -> None:
    set_language("en")
    text = error_message(peewee.DatabaseError("database disk image is malformed"))
    assert "intact" in text and "damaged" not in text
