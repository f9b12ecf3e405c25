"""The signed QR payload of documents."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from models.signing import data_digest, sign, verify

KEY = bytes(range(32))
PRINTED = datetime(2026, 11, 28, 9, 30, 5, tzinfo=UTC)


def test_a_signed_payload_verifies_and_gives_back_its_facts() -> None:
    payload = sign(KEY, "370102-20261128-00001", "rights", PRINTED, "0123456789abcdef")
    facts = verify(KEY, payload)
    assert facts is not None
    assert (facts.number, facts.kind, facts.printed_at, facts.digest) == (
        "370102-20261128-00001",
        "rights",
        PRINTED,
        "0123456789abcdef",
    )


def test_another_office_key_does_not_verify() -> None:
    payload = sign(KEY, "370102-20261128-00001", "rights", PRINTED, "0" * 16)
    assert verify(bytes(32), payload) is None


@given(st.integers(min_value=0), st.characters(codec="ascii", exclude_characters="|"))
def test_any_changed_character_breaks_the_signature(position: int, replacement: str) -> None:
    payload = sign(KEY, "370102-20261128-00001", "medical", PRINTED, "0123456789abcdef")
    index = position % len(payload)
    if payload[index] == replacement or payload[index] == "|":
        return
    tampered = payload[:index] + replacement + payload[index + 1 :]
    assert verify(KEY, tampered) is None


def test_the_digest_follows_the_stated_data() -> None:
    assert data_digest({"total": 100}) == data_digest({"total": 100})
    assert data_digest({"total": 100}) != data_digest({"total": 101})


@dataclass
class _Row:
    period: int
    paid: date


def test_the_digest_is_of_the_datas_canonical_json() -> None:
    body = {"rows": [_Row(202501, date(2025, 2, 15))], "holder": "房泽天"}
    text = '{"holder":"房泽天","rows":[{"period":202501,"paid":"2025-02-15"}]}'
    assert data_digest(body) == hashlib.sha256(text.encode()).hexdigest()[:16]
    assert data_digest(dict(reversed(body.items()))) == data_digest(body)


def test_a_payload_with_characters_outside_ascii_is_simply_not_genuine() -> None:
    assert verify(b"k" * 32, "CD1|370102-20261128-00001|rights|20261128T010203Z|ab|签名") is None
