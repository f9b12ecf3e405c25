"""The holder's query password: initial password, lockout, reset."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from models.actor import Actor
from models.credentials import (
    MAX_ATTEMPTS,
    WeakPassword,
    check_hash,
    hash_password,
    reset_query_password,
    verify_query_password,
)
from models.enums import Role
from models.errors import CredentialLocked
from models.schema import Outbox, QueryCredential
from tests.factories import add_person

CLERK = Actor("clerk01", Role.CLERK)
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def test_initial_password_is_the_birth_date(home) -> None:
    person = add_person(birth=date(1985, 3, 14))
    assert verify_query_password(person.id, "19850314", CLERK, NOW).ok
    assert not verify_query_password(person.id, "19850315", CLERK, NOW).ok


def test_each_failure_reports_the_remaining_tries(home) -> None:
    person = add_person()
    remaining = [
        verify_query_password(person.id, "000000", CLERK, NOW).remaining_attempts
        for _ in range(MAX_ATTEMPTS - 1)
    ]
    assert remaining == list(range(MAX_ATTEMPTS - 1, 0, -1))


def test_the_last_failure_locks_and_even_the_right_password_is_then_refused(home) -> None:
    person = add_person()
    for _ in range(MAX_ATTEMPTS - 1):
        verify_query_password(person.id, "000000", CLERK, NOW)
    last = verify_query_password(person.id, "000000", CLERK, NOW)
    assert (last.ok, last.remaining_attempts) == (False, 0)
    assert last.locked_until == NOW + timedelta(hours=24)
    with pytest.raises(CredentialLocked, match="reset at the counter"):
        verify_query_password(person.id, "19850314", CLERK, NOW + timedelta(hours=1))


def test_a_lock_expires_and_the_count_starts_again(home) -> None:
    person = add_person()
    for _ in range(MAX_ATTEMPTS):
        verify_query_password(person.id, "000000", CLERK, NOW)
    later = NOW + timedelta(hours=25)
    result = verify_query_password(person.id, "000000", CLERK, later)
    assert result.remaining_attempts == MAX_ATTEMPTS - 1


def test_a_success_clears_earlier_failures(home) -> None:
    person = add_person()
    verify_query_password(person.id, "000000", CLERK, NOW)
    assert verify_query_password(person.id, "19850314", CLERK, NOW).ok
    assert QueryCredential.get_by_id(person.id).failed_attempts == 0


def test_reset_to_a_new_password_unlocks_and_stores_only_a_hash(home) -> None:
    person = add_person()
    for _ in range(MAX_ATTEMPTS):
        verify_query_password(person.id, "000000", CLERK, NOW)
    reset_query_password(person.id, CLERK, "246810", NOW)
    stored = QueryCredential.get_by_id(person.id)
    assert stored.password_hash.startswith("scrypt$") and "246810" not in stored.password_hash
    assert verify_query_password(person.id, "246810", CLERK, NOW).ok
    assert not verify_query_password(person.id, "19850314", CLERK, NOW).ok


def test_reset_without_a_password_returns_to_the_birth_date(home) -> None:
    person = add_person()
    reset_query_password(person.id, CLERK, "246810", NOW)
    reset_query_password(person.id, CLERK, None, NOW)
    assert verify_query_password(person.id, "19850314", CLERK, NOW).ok


@pytest.mark.parametrize("weak", ["12345", "abcdef", "123456789", ""])
def test_reset_refuses_passwords_that_are_not_six_to_eight_digits(home, weak: str) -> None:
    person = add_person()
    with pytest.raises(WeakPassword):
        reset_query_password(person.id, CLERK, weak, NOW)


def test_reset_is_queued_for_headquarters_without_the_plain_password(home) -> None:
    person = add_person()
    reset_query_password(person.id, CLERK, "135790", NOW)
    entry = Outbox.get(Outbox.command == "query_password.reset")
    payload = json.loads(entry.payload)
    assert payload["ssn"] == person.ssn
    assert "135790" not in entry.payload
    assert check_hash("135790", payload["password_hash"])


def test_hashes_are_salted() -> None:
    assert hash_password("123456") != hash_password("123456")
