"""The one clock: every "now" and "today" of the product comes from models.clock."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from models import clock
from models.overview import person_overview
from models.people import find_by_card
from tests.pinned_clock import TEST_NOW

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("models", "cards", "sync", "hq", "reports", "desktop")
# Calls that read the computer's clock directly; only models/clock.py may make them.
SYSTEM_CLOCK_CALLS = {
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("time", "time"),
    ("time", "localtime"),
    ("time", "gmtime"),
    ("time", "strftime"),
}


def _system_clock_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
        if (name, node.func.attr) in SYSTEM_CLOCK_CALLS:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}.{node.func.attr}()")
    return found


def test_no_product_code_reads_the_computer_clock_except_models_clock() -> None:
    offenders = [
        hit
        for package in PRODUCT
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != ROOT / "models" / "clock.py"
        for hit in _system_clock_calls(path)
    ]
    assert offenders == []


def test_the_suite_runs_on_the_pinned_instant_not_on_the_computer_date() -> None:
    assert abs(clock.utc_now() - TEST_NOW) < timedelta(hours=1)
    assert os.environ[clock.CLOCK_ENV].startswith(TEST_NOW.isoformat() + "@")


def test_a_shifted_clock_starts_at_its_instant_and_runs_on() -> None:
    start = datetime(2028, 2, 29, 15, 59, 59, tzinfo=UTC)
    running = clock.ShiftedClock(start)
    assert start <= running.now() < start + timedelta(seconds=5)
    frozen = clock.ShiftedClock(start, running=False)
    frozen.advance(timedelta(seconds=2))
    assert frozen.now() == start + timedelta(seconds=2)


def test_today_is_the_local_date_of_the_instant(monkeypatch: pytest.MonkeyPatch) -> None:
    # 1 January 07:00 in Jinan is still 31 December in UTC: "today" is the office's date.
    instant = clock.parse_instant("2027-01-01T07:00:00+08:00")
    with clock.use_clock(clock.ShiftedClock(instant, running=False)):
        assert clock.utc_now().date() == date(2026, 12, 31)
        assert clock.local_today() == instant.astimezone().date()
        assert clock.this_month() == clock.local_today().replace(day=1)


def test_a_naive_instant_is_read_as_local_time_and_nonsense_is_refused() -> None:
    assert clock.parse_instant("2027-03-01T09:00") == datetime(2027, 3, 1, 9).astimezone()
    with pytest.raises(ValueError, match="is not a date and time"):
        clock.parse_instant("yesterday")
    with pytest.raises(ValueError, match="aware instant"):
        clock.ShiftedClock(datetime(2027, 3, 1))


def test_use_clock_restores_the_previous_clock() -> None:
    before = clock.current()
    with clock.use_clock(clock.SystemClock()):
        assert isinstance(clock.current(), clock.SystemClock)
    assert clock.current() is before


def test_a_program_started_later_shares_the_parent_s_timeline() -> None:
    code = "from models.clock import utc_now; print(utc_now().isoformat())"
    started = clock.ShiftedClock(TEST_NOW, origin=time.time() - 3600)  # an hour ago
    env = {**os.environ, clock.CLOCK_ENV: started.as_environment()}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    child = datetime.fromisoformat(done.stdout.strip())
    assert abs(child - started.now()) < timedelta(seconds=30)
    assert child - TEST_NOW > timedelta(minutes=59)


def test_a_program_started_with_counterdesk_clock_lives_on_that_date() -> None:
    code = "from models.clock import local_today; print(local_today().isoformat())"
    env = {**os.environ, clock.CLOCK_ENV: "2028-02-29T12:00:00+08:00", "TZ": "Asia/Shanghai"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "2028-02-29"


@pytest.mark.dates
def test_the_overview_window_ends_with_the_month_before_the_clock_s_month(demo: object) -> None:
    holder = find_by_card(_any_card())
    assert holder is not None
    overview = person_overview(holder.person)  # no date given: the clock's
    this_month = clock.this_month()
    last = this_month - timedelta(days=1)
    assert overview.window_end == last.year * 100 + last.month
    assert len({row.period for row in overview.months}) == 36


def _any_card() -> str:
    from models.schema import Card

    return Card.select(Card.card_no).where(Card.status == "active").first().card_no
