"""The counter's and the kiosk's words for benefits (Tk-free)."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.core import benefits as words
from desktop.core.i18n import set_language
from models.benefits import Benefits, CheckView

TODAY = date(2026, 12, 7)


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


def _check(day: date, channel: str = "app") -> CheckView:
    return CheckView(day.year, day, channel, date(day.year + 1, day.month, day.day))


@pytest.mark.parametrize(
    ("checks", "overdue", "start"),
    [
        ((), True, "Pension eligibility check: none on record. It is due now."),
        ((_check(date(2025, 3, 1)),), True, "Pension eligibility check: last on 2025-03-01"),
        ((_check(date(2026, 3, 1)),), False, "Pension eligibility check: done on 2026-03-01"),
    ],
)
def test_a_retirees_check_is_due_overdue_or_done(
    checks: tuple[CheckView, ...], overdue: bool, start: str
) -> None:
    b = Benefits(True, date(2020, 1, 1), checks=checks)
    text, late = words.check_summary(b, TODAY)
    assert late is overdue and text.startswith(start)


def test_nobody_but_a_retiree_is_told_of_a_check_or_of_retirement() -> None:
    b = Benefits(False, None)
    assert words.check_summary(b, TODAY) == (
        "No pension is paid: no eligibility check is due.",
        False,
    )
    assert words.retired_note(b) is None and words.retired_note(b, kiosk=True) is None


def test_the_retiree_note_says_since_when_and_where_to_look() -> None:
    b = Benefits(True, date(2019, 7, 1))
    assert words.retired_note(b) == (
        "Retired since 2019-07-01: no contributions are due. See the Benefits tab."
    )
    assert "“My pension”" in (words.retired_note(b, kiosk=True) or "")


def test_the_check_is_said_in_chinese() -> None:
    set_language("zh")
    b = Benefits(True, date(2020, 1, 1), checks=(_check(date(2026, 3, 1), "community"),))
    text, _late = words.check_summary(b, TODAY)
    assert text == "养老金领取资格认证：2026-03-01 已认证（社区服务站），下次认证截止 2027-03-01。"
