"""Tests for cards.parsers: record bytes, written by hand from the card spec, to field values."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cards.errors import FIELD_LABELS, DamagedData
from cards.parsers import (
    FIELDS,
    check_holder,
    id_check_character,
    is_valid_id_number,
    name_fills_record,
    parse_birth_date,
    parse_birthplace,
    parse_card_identifier,
    parse_card_no,
    parse_card_type,
    parse_ethnicity,
    parse_expiry_date,
    parse_field,
    parse_gender,
    parse_initialising_org,
    parse_issue_date,
    parse_name,
    parse_name_extension,
    parse_spec_version,
    parse_ssn,
)
from cards.record import CardRecord


def rec(text: str) -> bytes:
    """A record written as hex, spaces allowed."""
    return bytes.fromhex(text)


def padded(hex_value: str, length: int) -> str:
    """Hex of a value padded with 00 bytes to `length` bytes."""
    return hex_value + "00" * (length - len(bytes.fromhex(hex_value)))


# 阿依古丽·买买提艾力阿不都热合曼 in GBK: 15 characters fill the 30 bytes, 曼 is left over.
LONG_NAME_30 = "B0A2 D2C0 B9C5 C0F6 A1A4 C2F2 C2F2 CCE1 B0AC C1A6 B0A2 B2BB B6BC C8C8 BACF"
LONG_NAME_REST = "C2FC"

# -- values -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parser", "record", "expected"),
    [
        (
            parse_card_identifier,
            "0110 370100 D156000005 0102030405060708",
            "370100D1560000050102030405060708",
        ),
        (
            parse_card_identifier,
            "0110 370100 d156000005 0a0b0c0d0e0f1011",
            "370100D1560000050A0B0C0D0E0F1011",
        ),
        (parse_card_type, "0201 33", "3"),
        (parse_spec_version, "0304 312E3030", "1.00"),
        (parse_spec_version, "0304 322E3030", "2.00"),
        (parse_spec_version, "0304 332E3030", "3.00"),
        (parse_initialising_org, "040C 112233445566778899AABBCC", "112233445566778899AABBCC"),
        (parse_issue_date, "0504 20150301", date(2015, 3, 1)),
        (parse_expiry_date, "0604 20250301", date(2025, 3, 1)),
        (parse_card_no, "0709 583030303030303139", "X00000019"),
        (parse_ssn, "0812 313130313035313934393132333130303258", "11010519491231002X"),
        (parse_ssn, "0812 333730313032313938303031303131323337", "370102198001011237"),
        (parse_gender, "0A01 31", "M"),
        (parse_gender, "0A01 32", "F"),
        (parse_ethnicity, "0B01 01", "01"),
        (parse_ethnicity, "0B01 38", "38"),
        (parse_birthplace, "0C03 370102", "370102"),
        (parse_birthplace, "0C04 370102FF", "370102"),
        (parse_birth_date, "0D04 19491231", date(1949, 12, 31)),
        (parse_birth_date, "0D04 20000229", date(2000, 2, 29)),
    ],
)
def test_each_field_is_decoded_from_its_record(
    parser: Callable[[bytes], object], record: str, expected: object
) -> None:
    assert parser(rec(record)) == expected


def test_bytes_after_the_record_value_are_ignored() -> None:
    assert parse_card_type(rec("0201 33 9000")) == "3"


def test_a_lower_case_x_check_character_is_accepted_and_made_upper_case() -> None:
    assert parse_ssn(rec("0812 313130313035313934393132333130303278")) == "11010519491231002X"


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ("091E " + padded("D5C5C8FD", 30), "张三"),  # GBK, padded with 00
        ("0904 D5C5C8FD", "张三"),  # a card that stores only the bytes used
        ("091E " + padded("CDF5FE9F", 30), "王䶮"),  # 䶮 U+4DAE is FE9F in GB 18030 only
        ("091E " + padded("95328236", 30), "𠀀"),  # a four-byte GB 18030 character
        ("091E " + LONG_NAME_30, "阿依古丽·买买提艾力阿不都热合"),
    ],
)
def test_a_name_is_decoded_as_gb18030_without_its_padding(record: str, expected: str) -> None:
    assert parse_name(rec(record)) == expected


def test_the_name_extension_is_appended_to_a_name_that_fills_its_record() -> None:
    name = rec("091E " + LONG_NAME_30)
    extension = rec("4E14 " + padded(LONG_NAME_REST, 20))
    assert name_fills_record(name)
    assert parse_name(name, extension) == "阿依古丽·买买提艾力阿不都热合曼"
    assert parse_name_extension(extension) == "曼"


def test_a_four_byte_character_split_between_name_and_extension_decodes() -> None:
    # 14 characters of 张 (28 bytes), then 𠀀 (95 32 82 36) split 2 + 2.
    name = rec("091E " + "D5C5" * 14 + "9532")
    extension = rec("4E14 " + padded("8236", 20))
    assert parse_name(name, extension) == "张" * 14 + "𠀀"


@pytest.mark.parametrize(
    ("record", "full"),
    [
        ("091E " + padded("D5C5C8FD", 30), False),
        ("0904 D5C5C8FD", False),
        ("091E " + LONG_NAME_30, True),
    ],
)
def test_only_a_name_using_all_30_bytes_may_continue_in_the_extension(
    record: str, full: bool
) -> None:
    assert name_fills_record(rec(record)) is full


def test_an_all_padding_name_extension_is_empty() -> None:
    assert parse_name_extension(rec("4E14 " + "00" * 20)) == ""


# -- damaged records ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parser", "record", "field"),
    [
        (parse_birth_date, "", "birth_date"),  # nothing at all
        (parse_birth_date, "0D", "birth_date"),  # shorter than its header
        (parse_birth_date, "0D04 1949", "birth_date"),  # truncated value
        (parse_birth_date, "0C04 19491231", "birth_date"),  # wrong tag
        (parse_birth_date, "0D04 1949A231", "birth_date"),  # non-digit BCD
        (parse_birth_date, "0D04 19490231", "birth_date"),  # 31 February
        (parse_birth_date, "0D04 1949FFFF", "birth_date"),  # only 4 digits
        (parse_issue_date, "0504 20151301", "issue_date"),  # month 13
        (parse_expiry_date, "0604 00000000", "expiry_date"),  # year 0
        (parse_card_identifier, "010F 370100D156000005010203040506", "card_identifier"),
        (parse_card_type, "0201 00", "card_type"),  # only padding
        (parse_card_type, "0202 3333", "card_type"),
        (parse_spec_version, "0304 342E3030", "spec_version"),  # "4.00"
        (parse_spec_version, "0303 322E30", "spec_version"),  # "2.0"
        (parse_initialising_org, "040B 112233445566778899AABB", "initialising_org"),
        (parse_card_no, "0708 5830303030303031", "card_no"),  # 8 characters
        (parse_card_no, "0709 58303030302D303139", "card_no"),  # a hyphen
        (parse_card_no, "0709 583030303030300A39", "card_no"),  # a control character
        (parse_card_no, "0709 5830303030303031B9", "card_no"),  # not ASCII
        (parse_ssn, "0812 313130313035313934393132333130303231", "ssn"),  # bad check digit
        (parse_ssn, "0812 31313031303531393439313233313030325A", "ssn"),  # Z as check
        (parse_ssn, "0812 3131303130353139343931323331303041 58", "ssn"),  # a letter inside
        (parse_ssn, "0811 3131303130353139343931323331303032", "ssn"),  # 17 characters
        (parse_name, "091E " + "00" * 30, "name"),  # empty
        (parse_name, "091E " + padded("FFFF", 30), "name"),  # invalid GBK
        (parse_name, "091E " + padded("D5C5C8", 30), "name"),  # a character cut in half
        (parse_name, "091F " + "D5C5" * 15 + "C8", "name"),  # longer than 30 bytes
        (parse_name, "0904 D5C50AC8", "name"),  # a control character
        (parse_name_extension, "4E02 FFFF", "name_extension"),
        (parse_name_extension, "4E15 " + "D5C5" * 10 + "C8", "name_extension"),
        (parse_gender, "0A01 33", "gender"),
        (parse_gender, "0A01 4D", "gender"),
        (parse_ethnicity, "0B02 0101", "ethnicity"),
        (parse_birthplace, "0C03 3701FF", "birthplace"),  # 4 digits
        (parse_birthplace, "0C03 37010A", "birthplace"),  # non-digit BCD
        (parse_birthplace, "0C03 37F102", "birthplace"),  # padding in the middle
    ],
)
def test_a_damaged_record_raises_damaged_data_naming_its_field(
    parser: Callable[[bytes], object], record: str, field: str
) -> None:
    with pytest.raises(DamagedData) as raised:
        parser(rec(record))
    assert raised.value.field == field
    assert FIELD_LABELS[field] in str(raised.value)


def test_a_name_whose_extension_does_not_decode_is_a_damaged_name() -> None:
    with pytest.raises(DamagedData) as raised:
        parse_name(rec("091E " + LONG_NAME_30), rec("4E02 FFFF"))
    assert raised.value.field == "name"


def test_a_name_extension_record_with_another_tag_is_a_damaged_extension() -> None:
    with pytest.raises(DamagedData) as raised:
        parse_name(rec("091E " + LONG_NAME_30), rec("0A01 31"))
    assert raised.value.field == "name_extension"


# -- the ID number check ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first17", "check"),
    [("11010519491231002", "X"), ("37010219800101123", "7"), ("00000000000000000", "1")],
)
def test_the_check_character_is_iso_7064_mod_11_2(first17: str, check: str) -> None:
    assert id_check_character(first17) == check
    assert is_valid_id_number(first17 + check)


def test_an_id_number_with_a_wrong_check_character_is_invalid() -> None:
    assert not is_valid_id_number("110105194912310021")
    assert not is_valid_id_number("11010519491231002")
    assert is_valid_id_number("11010519491231002x")


# -- cross-checks -------------------------------------------------------------------------------


def test_a_holder_whose_fields_agree_passes_the_cross_checks() -> None:
    check_holder(CardRecord(ssn="11010519491231002X", birth_date=date(1949, 12, 31), gender="F"))
    check_holder(CardRecord(ssn="370102198001011237", birth_date=date(1980, 1, 1), gender="M"))


def test_a_birth_date_disagreeing_with_the_id_number_is_damaged() -> None:
    record = CardRecord(ssn="11010519491231002X", birth_date=date(1949, 12, 30), gender="F")
    with pytest.raises(DamagedData) as raised:
        check_holder(record)
    assert raised.value.field == "birth_date"


def test_a_gender_disagreeing_with_the_id_number_parity_is_damaged() -> None:
    record = CardRecord(ssn="11010519491231002X", birth_date=date(1949, 12, 31), gender="M")
    with pytest.raises(DamagedData) as raised:
        check_holder(record)
    assert raised.value.field == "gender"


@pytest.mark.parametrize(
    "record",
    [
        CardRecord(ssn="11010519491231002X", gender="F"),
        CardRecord(ssn="11010519491231002X", birth_date=date(1949, 12, 31)),
        CardRecord(ssn=None, birth_date=date(1950, 1, 1), gender="M"),
        CardRecord(),
    ],
)
def test_cross_checks_are_made_only_between_fields_that_were_read(record: CardRecord) -> None:
    check_holder(record)


# -- the table ----------------------------------------------------------------------------------


def test_the_field_table_gives_every_field_its_file_and_tag() -> None:
    assert {name: (spec.file_id, spec.tag) for name, spec in FIELDS.items()} == {
        "card_identifier": (0xEF05, 0x01),
        "card_type": (0xEF05, 0x02),
        "spec_version": (0xEF05, 0x03),
        "initialising_org": (0xEF05, 0x04),
        "issue_date": (0xEF05, 0x05),
        "expiry_date": (0xEF05, 0x06),
        "card_no": (0xEF05, 0x07),
        "ssn": (0xEF06, 0x08),
        "name": (0xEF06, 0x09),
        "name_extension": (0xEF06, 0x4E),
        "gender": (0xEF06, 0x0A),
        "ethnicity": (0xEF06, 0x0B),
        "birthplace": (0xEF06, 0x0C),
        "birth_date": (0xEF06, 0x0D),
    }
    assert parse_field("card_no", rec("0709 583030303030303139")) == "X00000019"


# -- properties ---------------------------------------------------------------------------------

field_names = st.sampled_from(sorted(FIELDS))


@given(field_names, st.binary(max_size=300))
def test_random_bytes_make_every_parser_raise_nothing_but_damaged_data(
    name: str, data: bytes
) -> None:
    try:
        parse_field(name, data)
    except DamagedData as damaged:
        assert damaged.field in FIELDS


@given(field_names, st.binary(max_size=255), st.binary(max_size=4))
def test_random_values_under_the_right_tag_raise_nothing_but_damaged_data(
    name: str, value: bytes, trailer: bytes
) -> None:
    with contextlib.suppress(DamagedData):
        parse_field(name, bytes([FIELDS[name].tag, len(value)]) + value + trailer)


@given(st.binary(max_size=40), st.binary(max_size=30))
def test_random_name_and_extension_records_raise_nothing_but_damaged_data(
    name: bytes, extension: bytes
) -> None:
    with contextlib.suppress(DamagedData):
        name_fills_record(b"\x09" + bytes([len(name)]) + name)
        parse_name(
            b"\x09" + bytes([len(name)]) + name, b"\x4e" + bytes([len(extension)]) + extension
        )


@given(
    st.text(max_size=20) | st.none(),
    st.dates() | st.none(),
    st.sampled_from(["M", "F", None]),
)
def test_random_holders_fail_the_cross_checks_only_with_damaged_data(
    ssn: str | None, born: date | None, gender: str | None
) -> None:
    with contextlib.suppress(DamagedData):
        check_holder(CardRecord(ssn=ssn, birth_date=born, gender=gender))
