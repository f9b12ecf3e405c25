"""Custom peewee fields: times are stored in UTC as ISO 8601 text."""

from __future__ import annotations

from datetime import UTC, datetime

from peewee import Field


class UtcDateTimeField(Field):
    """A timezone-aware datetime stored as ISO 8601 text in UTC.

    Example of a stored value: 2026-11-28T01:02:03.000004+00:00.

    Naive datetimes are refused: every time in the register is an instant, shown in local time
    only by the user interface.
    """

    field_type = "TEXT"

    def db_value(self, value: datetime | None) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"{self.name}: naive datetime {value!r}; use an aware UTC time")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def python_value(self, value: str | None) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value)
