"""What the clerk reads when the register fails under a task: busy and full are not damage."""

from __future__ import annotations

import re
from datetime import date

import peewee
import pytest

from desktop.core.i18n import set_language
from desktop.core.messages import error_message
from models.errors import CardNotFound, InvalidRequest, NotFound, PersonNotFound
from models.home import OfficeHome
from models.permissions import PermissionDenied
from reports.errors import EntriesDoNotAddUp, NoMedicalAccount, NothingToState, PeriodBackwards


def test_a_busy_register_is_told_as_busy_not_as_something_went_wrong(home: OfficeHome) -> None:
    set_language("en")
    text = error_message(peewee.OperationalError("database is locked"))
    assert "busy" in text and "try again" in text.lower()
    assert "Something went wrong" not in text and "damaged" not in text


def test_a_full_disk_is_told_as_a_full_disk(home: OfficeHome) -> None:
    set_language("en")
    text = error_message(peewee.OperationalError("database or disk is full"))
    assert "is full" in text and "nothing was lost" in text.lower()


def test_malformed_on_an_intact_register_is_not_called_damage(home: OfficeHome) -> None:
    set_language("en")
    text = error_message(peewee.DatabaseError("database disk image is malformed"))
    assert "intact" in text and "damaged" not in text


def test_typed_errors_are_whole_chinese_sentences_without_the_english_message() -> None:
    set_language("zh")
    try:
        for exc in (
            PersonNotFound("no person with this ID number in this office's register"),
            CardNotFound("A08015542"),
            PermissionDenied("clerk01 (clerk) may not statements: ask a member of staff"),
            peewee.OperationalError("database is locked"),
            NothingToState("王芳", "2025", "nothing to state for 2025"),
            NoMedicalAccount("王芳"),
            PeriodBackwards(date(2025, 3, 1), date(2025, 1, 1)),
            EntriesDoNotAddUp(),
        ):
            text = error_message(exc)
            words = re.findall(r"[A-Za-z]+", text.replace("A08015542", ""))
            assert words in ([], ["counterdesk"]), (exc, text)
            assert "\n" not in text  # no detail line: the sentence says all
    finally:
        set_language("en")


@pytest.mark.parametrize(
    "exc", [NotFound("no statement X-1"), InvalidRequest("cannot do it"), KeyError("boom")]
)
def test_an_error_without_a_sentence_gets_one_and_its_english_on_a_details_line(
    exc: BaseException,
) -> None:
    set_language("zh")
    try:
        sentence, details = error_message(exc).split("\n")
    finally:
        set_language("en")
    assert not re.search("[A-Za-z]", sentence), sentence
    assert details.startswith("详细信息：") and str(exc).strip("'") in details
