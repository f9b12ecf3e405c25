"""Money, dates, periods and times as the documents print them (no floats anywhere)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache


@lru_cache(maxsize=65536, typed=True)  # amounts recur (a base for every type and month)
def money(fen: int) -> str:
    """Integer fen as yuan with thousands separators: 123456 -> '1,234.56', -5 -> '-0.05'."""
    if not isinstance(fen, int):
        raise TypeError(f"money is counted in integer fen, not {type(fen).__name__}")
    yuan, cents = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}{yuan:,}.{cents:02d}"


def day(value: date | None) -> str:
    """YYYY-MM-DD, or an empty cell for no date."""
    return value.isoformat() if value is not None else ""


def period(value: int) -> str:
    """A contribution period YYYYMM as YYYY-MM."""
    year, month = divmod(value, 100)
    return f"{year:04d}-{month:02d}"


def local_time(value: datetime) -> str:
    """An aware instant in the machine's local time, 'YYYY-MM-DD HH:MM'."""
    if value.tzinfo is None:
        raise ValueError("times must be timezone-aware (UTC instants), not naive")
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def pdf_date(value: datetime) -> str:
    """An aware instant as a PDF date in the machine's local time: 'D:20261128101500+08'00''."""
    if value.tzinfo is None:
        raise ValueError("times must be timezone-aware (UTC instants), not naive")
    local = value.astimezone()
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"D:{local:%Y%m%d%H%M%S}{sign}{hours:02d}'{rest:02d}'"
