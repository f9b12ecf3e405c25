"""Money as integer fen (1 yuan = 100 fen), with exact integer arithmetic only.

Rates are given in basis points (1600 = 16.00 %) and percentages as ints; every
rounding is half up to the fen. No value ever goes through float. Invalid
arguments, including non-int amounts (bool counts as non-int), raise ValueError.
"""

from __future__ import annotations

import re

__all__ = ["apply_rate", "clamp_base", "format_yuan", "parse_yuan", "split_evenly"]

BASIS_POINTS = 10_000

_YUAN_PATTERN = re.compile(
    r"""
    (?P<sign1>[-+]?)
    (?P<symbol>[¥￥]?)
    (?P<sign2>[-+]?)
    (?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)
    (?:\.(?P<fraction>[0-9]+))?
    """,
    re.VERBOSE,
)


def _require_int(name: str, value: object, *, non_negative: bool = False) -> int:
    if type(value) is not int:
        raise ValueError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if non_negative and value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
    return value


def apply_rate(base_fen: int, rate_bp: int) -> int:
    """Return ``base_fen`` times ``rate_bp`` basis points, rounded half up to the fen.

    For example ``apply_rate(1000, 1600)`` is 160 (16.00 % of ¥10.00). Raises
    ValueError if either argument is negative or not an int.
    """
    _require_int("base_fen", base_fen, non_negative=True)
    _require_int("rate_bp", rate_bp, non_negative=True)
    return (base_fen * rate_bp + BASIS_POINTS // 2) // BASIS_POINTS


def clamp_base(wage_fen: int, average_wage_fen: int, low_pct: int = 60, high_pct: int = 300) -> int:
    """Clamp a contribution base to between ``low_pct`` % and ``high_pct`` % of the average wage.

    The bounds are rounded half up to the fen, as in :func:`apply_rate`. Raises
    ValueError for negative or non-int arguments, or if ``low_pct > high_pct``.
    """
    _require_int("wage_fen", wage_fen, non_negative=True)
    _require_int("average_wage_fen", average_wage_fen, non_negative=True)
    _require_int("low_pct", low_pct, non_negative=True)
    _require_int("high_pct", high_pct, non_negative=True)
    if low_pct > high_pct:
        raise ValueError(f"low_pct ({low_pct}) must not be greater than high_pct ({high_pct})")
    low = apply_rate(average_wage_fen, low_pct * 100)
    high = apply_rate(average_wage_fen, high_pct * 100)
    return min(max(wage_fen, low), high)


def format_yuan(fen: int, symbol: str = "¥") -> str:
    """Format fen as yuan with thousands separators, e.g. 123456 -> "¥1,234.56".

    A negative amount puts the minus sign before the symbol ("-¥0.05");
    ``symbol=""`` leaves the symbol out. Raises ValueError if ``fen`` is not an int.
    """
    _require_int("fen", fen)
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{symbol}{yuan:,}.{cents:02d}"


def parse_yuan(text: str) -> int:
    """Parse a yuan amount into fen, e.g. "¥1,234.56" -> 123456, "-0.05" -> -5.

    Accepts an optional sign, an optional ¥ or ￥ symbol (before or after the
    sign), correctly grouped thousands separators and at most 2 decimal places.
    Surrounding whitespace is ignored. Raises ValueError with an explanation
    otherwise.
    """
    if not isinstance(text, str):
        raise ValueError(f"amount must be a str, got {type(text).__name__}")
    stripped = text.strip()
    match = _YUAN_PATTERN.fullmatch(stripped)
    if match is None or (match["sign1"] and match["sign2"]):
        raise ValueError(
            f"{text!r} is not an amount of money: expected e.g. 1234.56, 1,234.56 or ¥-0.05"
        )
    fraction = match["fraction"]
    if fraction is None:
        fraction = ""
    elif len(fraction) > 2:
        raise ValueError(
            f"{text!r} has {len(fraction)} decimal places: at most 2 (fen) are allowed; "
            "round the amount to the fen first"
        )
    fen = int(match["whole"].replace(",", "")) * 100 + int(fraction.ljust(2, "0"))
    return -fen if "-" in (match["sign1"], match["sign2"]) else fen


def split_evenly(total_fen: int, parts: int) -> list[int]:
    """Split ``total_fen`` into ``parts`` amounts that differ by at most one fen.

    The amounts sum exactly to ``total_fen``; the larger ones come first, e.g.
    ``split_evenly(100, 3)`` is ``[34, 33, 33]``. Negative totals are allowed.
    Raises ValueError if ``parts`` is not a positive int.
    """
    _require_int("total_fen", total_fen)
    _require_int("parts", parts)
    if parts < 1:
        raise ValueError(f"parts must be at least 1, got {parts}")
    share, remainder = divmod(total_fen, parts)
    return [share + 1] * remainder + [share] * (parts - remainder)
