"""Tests for models.money (integer fen arithmetic)."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.money import apply_rate, clamp_base, format_yuan, parse_yuan, split_evenly

amounts = st.integers(min_value=0, max_value=10**15)
signed_amounts = st.integers(min_value=-(10**18), max_value=10**18)
rates = st.integers(min_value=0, max_value=100_000)


def round_half_up(value: Fraction) -> int:
    """Reference rounding half up (towards +infinity) of an exact value."""
    return math.floor(value + Fraction(1, 2))


# --- apply_rate ------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "rate", "expected"),
    [
        (1000, 1600, 160),
        (0, 1600, 0),
        (1000, 0, 0),
        (500_000, 800, 40_000),
        (1, 5000, 1),  # 0.5 fen rounds up
        (1, 4999, 0),
        (3, 5000, 2),  # 1.5 fen rounds up
        (31, 1600, 5),  # 4.96 fen
    ],
)
def test_apply_rate_examples(base: int, rate: int, expected: int) -> None:
    assert apply_rate(base, rate) == expected


@given(amounts, rates)
def test_apply_rate_equals_round_half_up_of_the_exact_fraction(base: int, rate: int) -> None:
    assert apply_rate(base, rate) == round_half_up(Fraction(base * rate, 10_000))


@pytest.mark.parametrize(
    ("base", "rate"),
    [(-1, 1600), (1000, -1), (True, 1600), (1000, False), (1000.0, 1600), (1000, "1600")],
)
def test_apply_rate_rejects_negative_and_non_int_inputs(base: object, rate: object) -> None:
    with pytest.raises(ValueError):
        apply_rate(base, rate)  # type: ignore[arg-type]


# --- clamp_base ------------------------------------------------------------


@pytest.mark.parametrize(
    ("wage", "expected"),
    [
        (0, 600_000),
        (599_999, 600_000),
        (800_000, 800_000),
        (3_000_000, 3_000_000),
        (3_000_001, 3_000_000),
    ],
)
def test_clamp_base_keeps_wage_between_60_and_300_percent(wage: int, expected: int) -> None:
    assert clamp_base(wage, 1_000_000) == expected


def test_clamp_base_bounds_are_rounded_half_up() -> None:
    # 60 % of 101 fen is 60.6 -> 61; 300 % is exactly 303.
    assert clamp_base(0, 101) == 61
    assert clamp_base(10**6, 101) == 303
    # 50 % of 5 fen is exactly 2.5 -> 3 (half up).
    assert clamp_base(0, 5, low_pct=50, high_pct=100) == 3


@given(amounts, amounts, st.integers(0, 500), st.integers(0, 500))
def test_clamp_base_stays_within_the_rounded_bounds(
    wage: int, average: int, pct_a: int, pct_b: int
) -> None:
    low_pct, high_pct = min(pct_a, pct_b), max(pct_a, pct_b)
    low = round_half_up(Fraction(average * low_pct, 100))
    high = round_half_up(Fraction(average * high_pct, 100))
    result = clamp_base(wage, average, low_pct, high_pct)
    assert low <= result <= high
    if low <= wage <= high:
        assert result == wage


@pytest.mark.parametrize(
    "args",
    [(-1, 1000), (1000, -1), (1000, 1000, 70, 60), (1000, 1000, -1, 60), (1000.0, 1000)],
)
def test_clamp_base_rejects_invalid_arguments(args: tuple[object, ...]) -> None:
    with pytest.raises(ValueError):
        clamp_base(*args)  # type: ignore[arg-type]


# --- format_yuan / parse_yuan ----------------------------------------------


@pytest.mark.parametrize(
    ("fen", "symbol", "expected"),
    [
        (123456, "¥", "¥1,234.56"),
        (-5, "¥", "-¥0.05"),
        (0, "¥", "¥0.00"),
        (123456, "", "1,234.56"),
        (100, "", "1.00"),
        (123456789012, "¥", "¥1,234,567,890.12"),
        (-123456, "", "-1,234.56"),
    ],
)
def test_format_yuan_examples(fen: int, symbol: str, expected: str) -> None:
    assert format_yuan(fen, symbol) == expected


def test_format_yuan_default_symbol_is_yuan_sign() -> None:
    assert format_yuan(5) == "¥0.05"


@pytest.mark.parametrize("bad", [1.5, True, "100", None])
def test_format_yuan_rejects_non_int(bad: object) -> None:
    with pytest.raises(ValueError):
        format_yuan(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.56", 123456),
        ("¥1234.5", 123450),
        ("12", 1200),
        ("-0.05", -5),
        ("-¥0.05", -5),
        ("¥-0.05", -5),
        ("￥1,000", 100000),
        ("+3.1", 310),
        ("  7.00 ", 700),
        ("0", 0),
        ("-0", 0),
        ("1,234,567.89", 123456789),
        ("007", 700),
    ],
)
def test_parse_yuan_examples(text: str, expected: int) -> None:
    assert parse_yuan(text) == expected


@pytest.mark.parametrize(
    ("text", "message_part"),
    [
        ("1.234", "3 decimal places"),
        ("0.001", "at most 2"),
        ("1.230", "3 decimal places"),
        ("", "not an amount"),
        ("abc", "not an amount"),
        ("1,23.00", "not an amount"),
        ("1234,567", "not an amount"),
        ("1.2.3", "not an amount"),
        (".5", "not an amount"),
        ("5.", "not an amount"),
        ("--5", "not an amount"),
        ("-¥-5", "not an amount"),
        ("1e3", "not an amount"),
        ("¥", "not an amount"),
        ("１２", "not an amount"),  # full-width digits
        ("$5", "not an amount"),
    ],
)
def test_parse_yuan_rejects_garbage_with_clear_message(text: str, message_part: str) -> None:
    with pytest.raises(ValueError, match=message_part):
        parse_yuan(text)


def test_parse_yuan_rejects_non_strings() -> None:
    with pytest.raises(ValueError):
        parse_yuan(12.5)  # type: ignore[arg-type]


@given(signed_amounts)
def test_format_then_parse_round_trips_with_symbol(fen: int) -> None:
    assert parse_yuan(format_yuan(fen)) == fen


@given(signed_amounts)
def test_format_then_parse_round_trips_without_symbol(fen: int) -> None:
    assert parse_yuan(format_yuan(fen, symbol="")) == fen


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_parse_plain_decimal_matches_exact_value(fen: int) -> None:
    sign = "-" if fen < 0 else ""
    text = f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"
    assert parse_yuan(text) == fen
    assert Fraction(text) * 100 == fen


# --- split_evenly ----------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "parts", "expected"),
    [
        (100, 3, [34, 33, 33]),
        (99, 3, [33, 33, 33]),
        (2, 5, [1, 1, 0, 0, 0]),
        (0, 2, [0, 0]),
        (7, 1, [7]),
        (-100, 3, [-33, -33, -34]),
    ],
)
def test_split_evenly_examples(total: int, parts: int, expected: list[int]) -> None:
    assert split_evenly(total, parts) == expected


@given(signed_amounts, st.integers(min_value=1, max_value=500))
def test_split_evenly_sums_to_total_and_parts_differ_by_at_most_one(total: int, parts: int) -> None:
    result = split_evenly(total, parts)
    assert len(result) == parts
    assert sum(result) == total
    assert max(result) - min(result) <= 1


@pytest.mark.parametrize(("total", "parts"), [(100, 0), (100, -1), (100, True), (1.0, 2)])
def test_split_evenly_rejects_invalid_arguments(total: object, parts: object) -> None:
    with pytest.raises(ValueError):
        split_evenly(total, parts)  # type: ignore[arg-type]
