"""The application's daily backup: made on a worker at start when due, checked, kept to a count;
a failure is said in the window and loses nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from models import daily_backup
from models.backup import check_backup
from models.home import OfficeHome, setting
from models.schema import OfficeSetting, write_transaction
from tests.app.driver import AppDriver


def _backups(home: OfficeHome) -> list:
    return sorted((home.path / "backups").glob("counterdesk-*.db"))


def test_the_application_makes_the_daily_backup_once_a_day_and_keeps_the_newest(
    make_app: Callable[..., AppDriver], demo: OfficeHome
) -> None:
    demo.open()
    with write_transaction():
        OfficeSetting.replace(key=daily_backup.KEEP, value="2").execute()
    folder = demo.path / "backups"
    folder.mkdir()
    for day in ("20260101-010101", "20260102-010101"):  # two older backups of this office
        (folder / f"counterdesk-370102-{day}.db").write_bytes(b"old")
    app = make_app(daily_backup=True)
    app.pump(lambda: setting(daily_backup.LAST_AT) is not None, "the daily backup")
    app.settle()
    made = _backups(demo)
    assert len(made) == 2 and made[0].name.endswith("20260102-010101.db")
    assert check_backup(made[-1]).persons > 0
    app.window._check_backup()  # the hourly check: not due again
    app.settle()
    assert _backups(demo) == made


def test_a_backup_that_cannot_be_written_is_said_and_tried_again_later(
    make_app: Callable[..., AppDriver], demo: OfficeHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(daily_backup, "backup", full_disk)
    app = make_app(daily_backup=True)
    app.pump(lambda: "daily backup" in app.window.notice.cget("text"), "the failure notice")
    assert "No space left" in app.window.notice.cget("text")
    assert setting(daily_backup.LAST_AT) is None
    app.screenshot("daily-backup-failed")


def test_a_backup_is_due_after_a_day_or_when_the_clock_went_back(demo: OfficeHome) -> None:
    demo.open()
    now = datetime(2026, 11, 28, 9, tzinfo=UTC)
    assert daily_backup.backup_due(now)
    with write_transaction():
        OfficeSetting.replace(key=daily_backup.LAST_AT, value=now.isoformat()).execute()
    assert not daily_backup.backup_due(now + timedelta(hours=23))
    assert daily_backup.backup_due(now + timedelta(days=1))
    assert daily_backup.backup_due(now - timedelta(hours=1))
