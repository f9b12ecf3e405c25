"""The card's record encodings: TLV, BCD (cn) and padded text (an)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cards.codec import (
    decode_an,
    decode_bcd_date,
    decode_cn,
    decode_gbk,
    encode_an,
    encode_cn,
    parse_tlv,
    tlv,
)
from cards.errors import DamagedData
from cards.record import CardRecord


@given(st.integers(0, 255), st.binary(max_size=255))
def test_tlv_round_trips(tag: int, value: bytes) -> None:
    assert parse_tlv(tlv(tag, value), tag, "field") == value


@given(st.text(alphabet="0123456789", min_size=1, max_size=12), st.integers(6, 8))
def test_bcd_digits_round_trip_with_f_padding(digits: str, length: int) -> None:
    encoded = encode_cn(digits, length)
    assert len(encoded) == length
    assert decode_cn(encoded, "field") == digits


def test_bcd_with_a_non_digit_nibble_is_damaged() -> None:
    with pytest.raises(DamagedData, match="non-digits"):
        decode_cn(bytes.fromhex("37A102"), "birthplace")


@pytest.mark.parametrize(
    ("hex_value", "expected"),
    [("19491231", date(1949, 12, 31)), ("20000229", date(2000, 2, 29))],
)
def test_bcd_dates(hex_value: str, expected: date) -> None:
    assert decode_bcd_date(bytes.fromhex(hex_value), "birth_date") == expected


@pytest.mark.parametrize("hex_value", ["19490231", "1949123F", "20011301"])
def test_impossible_bcd_dates_are_damaged(hex_value: str) -> None:
    with pytest.raises(DamagedData):
        decode_bcd_date(bytes.fromhex(hex_value), "birth_date")


@given(st.text(st.characters(codec="gb18030", categories=("Lo",)), min_size=1, max_size=10))
@pytest.mark.slow
def test_names_round_trip_through_gb18030_padding(name: str) -> None:
    raw = name.encode("gb18030")
    padded = encode_an(raw, len(raw) + 5)
    assert decode_an(padded) == raw
    assert decode_gbk(padded, "name") == name


def test_a_tag_mismatch_and_a_short_record_are_damaged() -> None:
    with pytest.raises(DamagedData, match="expected 09"):
        parse_tlv(tlv(0x08, b"x"), 0x09, "name")
    with pytest.raises(DamagedData, match="holds 1"):
        parse_tlv(bytes([0x09, 0x05, 0x41]), 0x09, "name")


def test_the_generation_comes_from_the_spec_version() -> None:
    assert CardRecord(spec_version="3.00").generation == 3
    assert CardRecord(spec_version="9.99").generation is None
    assert CardRecord().complete
    assert not CardRecord(unreadable={"ssn": "protected"}).complete
