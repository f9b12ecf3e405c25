"""The application's daily backup: made when the last one is a day old, keeping the newest few.

The time of the last successful backup and the number to keep are office settings
(`backup.last_at`, `backup.keep`); the copy itself is `models.backup.backup` (checked, and
encrypted like the register), into `backups/` of the office home.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.backup import BackupInfo, backup
from models.clock import utc_now
from models.home import OfficeHome, setting
from models.schema import OfficeSetting, write_transaction

LAST_AT = "backup.last_at"
KEEP = "backup.keep"
DEFAULT_KEEP = 14
EVERY = timedelta(days=1)
FOLDER = "backups"


def last_backup_at() -> datetime | None:
    """When the last daily backup was made (UTC), or None."""
    raw = setting(LAST_AT)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None  # a damaged setting: make a backup, which writes a good one
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def keep_count() -> int:
    """How many daily backups to keep (office setting `backup.keep`, at least 1)."""
    raw = setting(KEEP)
    try:
        return max(1, int(raw)) if raw else DEFAULT_KEEP
    except ValueError:
        return DEFAULT_KEEP


def backup_due(now: datetime | None = None) -> bool:
    """True when no daily backup was made in the last day."""
    last = last_backup_at()
    now = now or utc_now()
    return last is None or now - last >= EVERY or last > now  # a clock set back: make one


def daily_backup(home: OfficeHome, now: datetime | None = None) -> BackupInfo | None:
    """Make the daily backup if it is due (worker thread); None when it was not due.

    Raises OSError (e.g. a full disk) or a RegisterError; nothing is recorded then, so the next
    try comes at the next check.
    """
    now = now or utc_now()
    if not backup_due(now):
        return None
    info = backup(home, home.path / FOLDER, keep_count(), now)
    with write_transaction():
        OfficeSetting.replace(key=LAST_AT, value=now.isoformat()).execute()
    return info
