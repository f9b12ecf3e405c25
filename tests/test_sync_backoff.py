"""Retry timing: exponential backoff with full jitter, capped, never sooner than Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sync.backoff import BASE_S, CAP_S, MIN_DELAY_S, next_attempt, retry_delay

NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def highest(low: float, high: float) -> float:
    return high


def lowest(low: float, high: float) -> float:
    return low


@pytest.mark.parametrize(("failures", "ceiling"), [(1, BASE_S), (2, 2 * BASE_S), (4, 8 * BASE_S)])
def test_the_ceiling_doubles_with_each_failure(failures: int, ceiling: float) -> None:
    assert retry_delay(failures, rand=highest) == ceiling


def test_the_ceiling_is_capped_even_after_very_many_failures() -> None:
    assert retry_delay(10_000, rand=highest) == CAP_S


def test_full_jitter_draws_between_zero_and_the_ceiling_with_a_floor() -> None:
    drawn: list[tuple[float, float]] = []

    def record(low: float, high: float) -> float:
        drawn.append((low, high))
        return (low + high) / 2

    assert retry_delay(3, rand=record) == 2 * BASE_S
    assert drawn == [(0.0, 4 * BASE_S)]
    assert retry_delay(3, rand=lowest) == MIN_DELAY_S


def test_headquarters_retry_after_is_respected() -> None:
    assert next_attempt(NOW, 1, retry_after=120, rand=lowest) == NOW + timedelta(seconds=120)
    assert next_attempt(NOW, 1, retry_after=10**6, rand=lowest) == NOW + timedelta(seconds=CAP_S)
