"""Errors of the reports package that callers tell apart (catching them needs no reportlab).

Callers match these types, never the words of a message: the messages are the command line's
English, and the application says each in the language in use from the fields kept here. Each
one is also the register error it always was (`InvalidRequest`, `NotFound`), so the command
line's table of exit codes treats it as before.
"""

from __future__ import annotations

from datetime import date

from models.errors import InvalidRequest, NotFound


class ReportError(Exception):
    """Base of the errors raised on purpose by reports."""


class FontUnavailable(ReportError):
    """No usable CJK TrueType font, or a text holds characters the font cannot draw."""


class NothingToState(ReportError, InvalidRequest):
    """The year or period holds nothing for this person: nothing was numbered."""

    def __init__(self, name: str, span: str, message: str) -> None:
        self.name = name
        self.span = span  # '2025', or '2025-01-01 – 2025-12-31'
        super().__init__(message)


class NoMedicalAccount(ReportError, NotFound):
    """The person has no medical personal account in this register."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"{name} has no medical personal account in this register")


class PeriodBackwards(ReportError, InvalidRequest):
    """A period whose first day is after its last."""

    def __init__(self, date_from: date, date_to: date) -> None:
        self.date_from, self.date_to = date_from, date_to
        super().__init__(f"the period runs backwards: {date_from} is after {date_to}")


class EntriesDoNotAddUp(ReportError, InvalidRequest):
    """The medical account's entries do not add up to its balance (headquarters must look)."""

    def __init__(self) -> None:
        super().__init__("the medical account's entries do not add up: report to headquarters")
