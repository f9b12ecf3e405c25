"""The virtual social security card in process, byte by byte."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from cards.apdu import (
    SSSE_NAME,
    exchange,
    read_record,
    read_record_by_tag,
    select_by_id,
    select_by_name,
    verify_pin,
)
from cards.codec import decode_ascii, decode_bcd_date, decode_cn, decode_gbk, parse_tlv
from cards.errors import CardRemoved, DamagedData
from cards.virtual import CardProfile, Fault, InProcessTransport, VirtualCard, parse_faults
from cards.virtual.ssn import check_character

SSN = "370102199003071238"  # male, born 1990-03-07
SSN_FEMALE = "11010519491231002X"  # female, born 1949-12-31
LONG_NAME = "阿卜杜热合曼·买买提艾力江拜克尔"  # 16 characters, 32 bytes in GBK
OK = 0x9000
MF = 0x3F00
EF05, EF06 = 0xEF05, 0xEF06


def profile(generation: int = 2, **changes: Any) -> CardProfile:
    """A card for SSN named 张三, changed as asked."""
    base = CardProfile.from_holder(SSN, "张三", card_no="X00000019", generation=generation)
    return dataclasses.replace(base, **changes)


def inserted(card_profile: CardProfile | None = None) -> InProcessTransport:
    """An in-process reader holding a card made from `card_profile`."""
    return InProcessTransport(VirtualCard(card_profile or profile()))


def selected(card_profile: CardProfile | None = None) -> InProcessTransport:
    """A reader whose card has SSSE selected."""
    reader = inserted(card_profile)
    assert reader.transmit(select_by_name(SSSE_NAME)) == (b"", OK)
    return reader


def value(reader: InProcessTransport, number: int, sfi: int, tag: int) -> bytes:
    """The value of a record read by SFI and number, which must succeed."""
    data, sw = reader.transmit(read_record(number, sfi=sfi))
    assert sw == OK, f"{sw:04X}"
    return parse_tlv(data, tag, f"record {number}")


# -- selection -------------------------------------------------------------------------------


def test_ssse_is_selected_by_its_gbk_name() -> None:
    reader = inserted()
    assert reader.transmit(select_by_name(SSSE_NAME)) == (b"", OK)


def test_a_select_by_name_may_carry_le() -> None:
    reader = inserted()
    assert reader.transmit(select_by_name(SSSE_NAME) + b"\x00") == (b"", OK)


def test_an_unknown_application_name_is_not_found() -> None:
    reader = inserted()
    assert reader.transmit(select_by_name(bytes.fromhex("A000000333010101")))[1] == 0x6A82


def test_an_ef_can_be_selected_with_p1_02_or_00_only_inside_ssse() -> None:
    reader = inserted()
    assert reader.transmit(select_by_id(EF05))[1] == 0x6A82
    reader.transmit(select_by_name(SSSE_NAME))
    assert reader.transmit(select_by_id(EF05))[1] == OK
    assert reader.transmit(select_by_id(EF06, p1=0x00))[1] == OK
    assert reader.transmit(select_by_id(0xEF09))[1] == 0x6A82


# -- READ RECORD addressing ------------------------------------------------------------------


def test_p2_04_reads_a_record_number_of_the_current_ef() -> None:
    reader = selected()
    reader.transmit(select_by_id(EF05))
    data, sw = reader.transmit(read_record(7))
    assert (data, sw) == (b"\x07\x09X00000019", OK)


def test_record_number_by_sfi_needs_no_select_of_the_ef() -> None:
    reader = selected()
    assert reader.transmit(read_record(7, sfi=5)) == (b"\x07\x09X00000019", OK)
    assert reader.transmit(read_record(1, sfi=6)) == (b"\x08\x12" + SSN.encode(), OK)


def test_p2_sfi_shifted_reads_a_record_by_tag() -> None:
    reader = selected()
    assert reader.transmit(read_record_by_tag(0x07, sfi=5)) == (b"\x07\x09X00000019", OK)
    assert reader.transmit(read_record_by_tag(0x08, sfi=6))[0][2:] == SSN.encode()


def test_p2_00_reads_a_record_by_tag_in_the_current_ef() -> None:
    reader = selected()
    reader.transmit(select_by_id(EF06))
    data, sw = reader.transmit(bytes([0x00, 0xB2, 0x0A, 0x00, 0x00]))
    assert (data, sw) == (b"\x0a\x011", OK)


def test_reading_by_sfi_makes_that_ef_current() -> None:
    reader = selected()
    reader.transmit(read_record(1, sfi=6))
    assert reader.transmit(read_record(4))[0] == b"\x0a\x011"


def test_reading_the_current_ef_without_one_is_file_not_found() -> None:
    reader = selected()
    assert reader.transmit(read_record(1)) == (b"", 0x6A82)


def test_reading_by_sfi_outside_ssse_is_file_not_found() -> None:
    reader = inserted()
    assert reader.transmit(read_record(1, sfi=5)) == (b"", 0x6A82)


def test_an_unknown_sfi_is_file_not_found() -> None:
    reader = selected()
    assert reader.transmit(read_record(1, sfi=7)) == (b"", 0x6A82)


def test_a_missing_record_number_or_tag_is_record_not_found() -> None:
    reader = selected()
    assert reader.transmit(read_record(8, sfi=5)) == (b"", 0x6A83)
    assert reader.transmit(read_record_by_tag(0x55, sfi=6)) == (b"", 0x6A83)


# -- Le, 6Cxx and 61xx -------------------------------------------------------------------------


def test_a_short_le_answers_6c_with_the_record_length() -> None:
    reader = selected()
    assert reader.transmit(read_record(7, sfi=5, le=4)) == (b"", 0x6C0B)
    assert reader.transmit(read_record(7, sfi=5, le=0x0B)) == (b"\x07\x09X00000019", OK)


def test_a_long_le_gets_the_whole_record() -> None:
    reader = selected()
    assert reader.transmit(read_record(2, sfi=5, le=0x40)) == (b"\x02\x013", OK)


def test_exchange_follows_6c_by_itself() -> None:
    reader = selected()
    assert exchange(reader, read_record(7, sfi=5, le=2)) == (b"\x07\x09X00000019", OK)


def test_chunked_responses_come_in_8_byte_pieces_with_61xx() -> None:
    reader = selected(profile(faults=frozenset({Fault.CHUNKED})))
    data, sw = reader.transmit(read_record(7, sfi=5))
    assert (data, sw) == (b"\x07\x09X00000", 0x6103)
    assert reader.transmit(bytes.fromhex("00C0000003")) == (b"019", OK)


def test_get_response_fetches_as_many_pieces_as_needed() -> None:
    reader = selected(profile(faults=frozenset({Fault.CHUNKED})))
    data, sw = reader.transmit(read_record(2, sfi=6))  # 32 bytes: 8 + 8 + 8 + 8
    pieces = [data]
    while sw >> 8 == 0x61:
        data, sw = reader.transmit(bytes([0x00, 0xC0, 0x00, 0x00, sw & 0xFF]))
        pieces.append(data)
    assert sw == OK
    assert [len(piece) for piece in pieces] == [8, 8, 8, 8]
    assert decode_gbk(parse_tlv(b"".join(pieces), 0x09, "name"), "name") == "张三"


def test_exchange_reassembles_a_chunked_record() -> None:
    reader = selected(profile(faults=frozenset({Fault.CHUNKED})))
    assert exchange(reader, read_record(1, sfi=6)) == (b"\x08\x12" + SSN.encode(), OK)


def test_the_chunk_size_can_be_set_without_the_fault() -> None:
    reader = selected(profile(chunk_size=16))
    data, sw = reader.transmit(read_record(1, sfi=5))
    assert (len(data), sw) == (16, 0x6102)


def test_responses_are_whole_without_chunking() -> None:
    reader = selected()
    data, sw = reader.transmit(read_record(2, sfi=6))
    assert (len(data), sw) == (32, OK)


def test_get_response_with_nothing_pending_is_refused() -> None:
    reader = selected(profile(faults=frozenset({Fault.CHUNKED})))
    assert reader.transmit(bytes.fromhex("00C0000008")) == (b"", 0x6985)


def test_another_command_drops_a_pending_response() -> None:
    reader = selected(profile(faults=frozenset({Fault.CHUNKED})))
    reader.transmit(read_record(7, sfi=5))
    reader.transmit(read_record(2, sfi=5))
    assert reader.transmit(bytes.fromhex("00C0000003"))[1] == 0x6985


# -- contents and layout -----------------------------------------------------------------------


def test_issuer_records_decode_to_the_profile() -> None:
    card = profile()
    reader = selected(card)
    assert value(reader, 1, 5, 0x01).hex().upper() == card.card_identifier
    assert decode_ascii(value(reader, 2, 5, 0x02), "type") == "3"
    assert value(reader, 3, 5, 0x03) == b"2.00"
    assert value(reader, 4, 5, 0x04).hex().upper() == card.initialising_org
    assert decode_bcd_date(value(reader, 5, 5, 0x05), "issue") == card.issue_date
    assert decode_bcd_date(value(reader, 6, 5, 0x06), "expiry") == card.expiry_date
    assert decode_ascii(value(reader, 7, 5, 0x07), "card number") == "X00000019"


def test_holder_records_of_generation_2_decode_to_the_profile() -> None:
    reader = selected(profile(ethnicity=0x05, birthplace="650102"))
    assert decode_ascii(value(reader, 1, 6, 0x08), "ssn") == SSN
    assert decode_gbk(value(reader, 2, 6, 0x09), "name") == "张三"
    assert reader.transmit(read_record(3, sfi=6)) == (b"", 0x6A83)
    assert value(reader, 4, 6, 0x0A) == b"1"
    assert value(reader, 5, 6, 0x0B) == b"\x05"
    assert decode_cn(value(reader, 6, 6, 0x0C), "birthplace") == "650102"
    assert decode_bcd_date(value(reader, 7, 6, 0x0D), "birth date") == date(1990, 3, 7)


def test_the_name_record_is_30_bytes_padded_with_00() -> None:
    reader = selected()
    assert value(reader, 2, 6, 0x09) == "张三".encode("gbk").ljust(30, b"\x00")


def test_generation_1_numbers_the_holder_records_without_a_gap() -> None:
    reader = selected(profile(generation=1))
    tags = [reader.transmit(read_record(n, sfi=6))[0][0] for n in range(1, 7)]
    assert tags == [0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D]
    assert reader.transmit(read_record(7, sfi=6)) == (b"", 0x6A83)
    assert value(reader, 3, 5, 0x03) == b"1.00"


def test_a_long_name_continues_in_the_extension_record() -> None:
    assert len(LONG_NAME) == 16
    reader = selected(profile(name=LONG_NAME))
    head = value(reader, 2, 6, 0x09)
    data, sw = reader.transmit(read_record(3, sfi=6))
    extension = parse_tlv(data, 0x4E, "name extension")
    assert (len(head), len(extension), sw) == (30, 20, OK)
    assert decode_gbk(head + extension.rstrip(b"\x00"), "name") == LONG_NAME
    assert reader.transmit(read_record_by_tag(0x4E, sfi=6))[0] == data
    assert value(reader, 4, 6, 0x0A) == b"1"


def test_the_name_is_split_between_characters() -> None:
    name = "张" * 14 + "\U00020000"  # 28 bytes, then a 4-byte GB 18030 character
    reader = selected(profile(name=name))
    assert value(reader, 2, 6, 0x09) == ("张" * 14).encode("gbk") + b"\x00\x00"
    extension = value(reader, 3, 6, 0x4E)
    assert extension.rstrip(b"\x00").decode("gb18030") == "\U00020000"


def test_generation_1_refuses_a_name_that_needs_an_extension() -> None:
    with pytest.raises(ValueError, match="generation 1"):
        profile(generation=1, name=LONG_NAME)


def test_a_name_longer_than_50_bytes_is_refused() -> None:
    with pytest.raises(ValueError, match="50"):
        profile(name="张" * 26)


def test_the_atr_starts_3b6d0000_with_13_historical_bytes() -> None:
    atr = inserted().atr
    assert atr[:4] == bytes.fromhex("3B6D0000")
    assert len(atr) == 4 + 13


# -- third generation --------------------------------------------------------------------------


def test_generation_3_protects_ssn_birth_date_ethnicity_and_birthplace() -> None:
    reader = selected(profile(generation=3))
    answers = {n: reader.transmit(read_record(n, sfi=6))[1] for n in (1, 2, 4, 5, 6, 7)}
    assert answers == {1: 0x6982, 2: OK, 4: OK, 5: 0x6982, 6: 0x6982, 7: 0x6982}
    assert reader.transmit(read_record_by_tag(0x08, sfi=6))[1] == 0x6982


def test_generation_3_still_gives_the_card_number_and_identifier() -> None:
    reader = selected(profile(generation=3))
    assert reader.transmit(read_record(1, sfi=5))[1] == OK
    assert reader.transmit(read_record(7, sfi=5))[1] == OK


def test_external_authenticate_never_succeeds() -> None:
    reader = selected(profile(generation=3))
    assert reader.transmit(bytes.fromhex("0082000A10") + bytes(16)) == (b"", 0x6982)
    assert reader.transmit(read_record(1, sfi=6))[1] == 0x6982


def test_any_generation_can_be_given_protected_fields() -> None:
    reader = selected(profile(generation=2, protected=frozenset({"name", "card_no"})))
    assert reader.transmit(read_record(2, sfi=6))[1] == 0x6982
    assert reader.transmit(read_record(7, sfi=5))[1] == 0x6982
    assert reader.transmit(read_record(1, sfi=6))[1] == OK


def test_a_protected_name_protects_its_extension_too() -> None:
    card = profile(generation=3, name=LONG_NAME, protected=frozenset({"name"}))
    reader = selected(card)
    assert reader.transmit(read_record(3, sfi=6))[1] == 0x6982


def test_generations_1_and_2_protect_nothing_by_default() -> None:
    assert profile(generation=1).protected == frozenset()
    assert profile(generation=2).protected == frozenset()


# -- PIN ---------------------------------------------------------------------------------------


def test_the_right_pin_is_accepted() -> None:
    reader = selected()
    assert reader.transmit(verify_pin("123456")) == (b"", OK)


def test_a_wrong_pin_counts_down_and_the_right_one_resets_the_count() -> None:
    reader = selected()
    assert reader.transmit(verify_pin("000000"))[1] == 0x63C2
    assert reader.transmit(verify_pin("000000"))[1] == 0x63C1
    assert reader.transmit(verify_pin("123456"))[1] == OK
    assert reader.transmit(verify_pin("000000"))[1] == 0x63C2


def test_the_pin_blocks_at_zero_and_stays_blocked() -> None:
    reader = selected(profile(pin_tries=2))
    assert reader.transmit(verify_pin("111111"))[1] == 0x63C1
    assert reader.transmit(verify_pin("111111"))[1] == 0x63C0
    assert reader.transmit(verify_pin("123456"))[1] == 0x6983
    assert reader.transmit(verify_pin("111111"))[1] == 0x6983


def test_verify_without_a_pin_tells_the_tries_left() -> None:
    reader = selected()
    reader.transmit(verify_pin("999999"))
    assert reader.transmit(bytes.fromhex("00200000")) == (b"", 0x63C2)
    reader.transmit(verify_pin("123456"))
    assert reader.transmit(bytes.fromhex("00200000")) == (b"", OK)


def test_a_reset_keeps_the_pin_counter_but_drops_the_selection() -> None:
    card = VirtualCard(profile())
    reader = InProcessTransport(card)
    reader.transmit(select_by_name(SSSE_NAME))
    reader.transmit(select_by_id(EF05))
    reader.transmit(verify_pin("000000"))
    card.reset()
    assert card.tries_left == 2
    assert reader.transmit(read_record(1)) == (b"", 0x6A82)


def test_a_pin_of_the_wrong_length_is_a_wrong_length() -> None:
    reader = selected()
    assert reader.transmit(bytes.fromhex("00200000021234")) == (b"", 0x6700)


def test_verify_with_other_p1_p2_is_refused() -> None:
    reader = selected()
    assert reader.transmit(bytes.fromhex("0020008103123456"))[1] == 0x6A86


def test_a_custom_pin_and_try_count_are_honoured() -> None:
    reader = selected(profile(pin="654321", pin_tries=6))
    assert reader.transmit(verify_pin("123456"))[1] == 0x63C5
    assert reader.transmit(verify_pin("654321"))[1] == OK


# -- malformed commands ------------------------------------------------------------------------


def test_an_unknown_instruction_is_not_supported() -> None:
    assert inserted().transmit(bytes.fromhex("00CA9F7F00")) == (b"", 0x6D00)


def test_a_class_other_than_00_is_not_supported() -> None:
    assert inserted().transmit(bytes.fromhex("80B2012C00")) == (b"", 0x6E00)


def test_commands_whose_lengths_do_not_add_up_are_wrong_length() -> None:
    reader = inserted()
    assert reader.transmit(b"\x00\xa4") == (b"", 0x6700)
    assert reader.transmit(bytes.fromhex("00A404000F7378")) == (b"", 0x6700)
    assert reader.transmit(bytes.fromhex("00B2012C")) == (b"", 0x6700)


def test_read_record_with_reserved_p2_bits_is_wrong_p1_p2() -> None:
    reader = selected()
    assert reader.transmit(bytes([0x00, 0xB2, 0x01, 0x2D, 0x00])) == (b"", 0x6A86)


# -- faults ------------------------------------------------------------------------------------


def test_truncated_records_are_shorter_than_their_length_byte() -> None:
    reader = selected(profile(faults=frozenset({Fault.TRUNCATED})))
    for sfi, count in ((5, 7), (6, 7)):
        for number in range(1, count + 1):
            data, sw = reader.transmit(read_record(number, sfi=sfi))
            if sw == 0x6A83:
                continue
            assert len(data) < 2 + data[1]
            with pytest.raises(DamagedData):
                parse_tlv(data, data[0], "field")


def test_garbage_puts_non_gbk_bytes_in_the_name_and_non_digits_in_the_birth_date() -> None:
    reader = selected(profile(faults=frozenset({Fault.GARBAGE})))
    with pytest.raises(DamagedData):
        decode_gbk(value(reader, 2, 6, 0x09), "name")
    with pytest.raises(DamagedData):
        decode_bcd_date(value(reader, 7, 6, 0x0D), "birth date")
    assert decode_ascii(value(reader, 7, 5, 0x07), "card number") == "X00000019"


def test_bad_check_digit_changes_only_the_check_character() -> None:
    reader = selected(profile(faults=frozenset({Fault.BAD_CHECK_DIGIT})))
    on_card = decode_ascii(value(reader, 1, 6, 0x08), "ssn")
    assert on_card[:17] == SSN[:17]
    assert on_card[17] != check_character(SSN[:17])


def test_mismatch_puts_a_birth_date_other_than_the_ssns() -> None:
    reader = selected(profile(faults=frozenset({Fault.MISMATCH})))
    birth_date = decode_bcd_date(value(reader, 7, 6, 0x0D), "birth date")
    assert birth_date.strftime("%Y%m%d") != SSN[6:14]


def test_remove_midway_answers_five_apdus_then_raises_card_removed() -> None:
    reader = selected(profile(faults=frozenset({Fault.REMOVE_MIDWAY})))
    for number in range(1, 5):
        assert reader.transmit(read_record(number, sfi=5))[1] == OK
    with pytest.raises(CardRemoved):
        reader.transmit(read_record(5, sfi=5))
    with pytest.raises(CardRemoved):
        reader.transmit(read_record(5, sfi=5))


def test_remove_midway_counts_the_configured_number_of_apdus() -> None:
    reader = inserted(profile(faults=frozenset({Fault.REMOVE_MIDWAY}), remove_after=1))
    reader.transmit(select_by_name(SSSE_NAME))
    with pytest.raises(CardRemoved):
        reader.transmit(read_record(1, sfi=5))


def test_a_removed_card_works_again_once_reinserted() -> None:
    card = VirtualCard(profile(faults=frozenset({Fault.REMOVE_MIDWAY}), remove_after=1))
    InProcessTransport(card).transmit(select_by_name(SSSE_NAME))
    assert card.removed is False
    with pytest.raises(CardRemoved):
        card.respond(select_by_name(SSSE_NAME))
    assert InProcessTransport(card).transmit(select_by_name(SSSE_NAME)) == (b"", OK)


def test_a_card_taken_out_of_the_in_process_reader_raises_card_removed() -> None:
    reader = selected()
    reader.remove()
    with pytest.raises(CardRemoved):
        reader.transmit(read_record(1, sfi=5))


def test_a_foreign_card_has_no_ssse() -> None:
    reader = inserted(profile(faults=frozenset({Fault.FOREIGN})))
    assert reader.transmit(select_by_name(SSSE_NAME)) == (b"", 0x6A82)
    assert reader.transmit(select_by_id(MF, p1=0x00)) == (b"", OK)
    assert reader.transmit(select_by_name(SSSE_NAME)) == (b"", 0x6A82)
    assert reader.transmit(read_record(1, sfi=5)) == (b"", 0x6A82)


def test_mf_first_selects_ssse_only_right_after_the_mf() -> None:
    reader = inserted(profile(faults=frozenset({Fault.MF_FIRST})))
    assert reader.transmit(select_by_name(SSSE_NAME))[1] == 0x6A82
    assert reader.transmit(select_by_id(MF, p1=0x00))[1] == OK
    assert reader.transmit(select_by_name(SSSE_NAME))[1] == OK
    assert reader.transmit(read_record(7, sfi=5))[1] == OK


def test_no_sfi_refuses_sfi_addressing_but_reads_the_current_ef() -> None:
    reader = selected(profile(faults=frozenset({Fault.NO_SFI})))
    assert reader.transmit(read_record(7, sfi=5)) == (b"", 0x6A86)
    assert reader.transmit(read_record_by_tag(0x07, sfi=5)) == (b"", 0x6A86)
    reader.transmit(select_by_id(EF05))
    assert reader.transmit(read_record(7))[1] == OK
    assert reader.transmit(bytes([0x00, 0xB2, 0x07, 0x00, 0x00]))[1] == OK


def test_faults_can_be_combined() -> None:
    card = profile(faults=parse_faults(["mf-first", "chunked", "no-sfi"]))
    reader = inserted(card)
    reader.transmit(select_by_id(MF, p1=0x00))
    reader.transmit(select_by_name(SSSE_NAME))
    reader.transmit(select_by_id(EF05))
    assert exchange(reader, read_record(7)) == (b"\x07\x09X00000019", OK)


# -- building a profile ------------------------------------------------------------------------


def test_from_holder_takes_birth_date_and_gender_from_the_ssn() -> None:
    card = CardProfile.from_holder(SSN_FEMALE, "李四")
    assert (card.birth_date, card.gender, card.birthplace) == (date(1949, 12, 31), "2", "110105")


def test_from_holder_uses_the_values_given() -> None:
    card = CardProfile.from_holder(
        SSN, "王五", gender="F", birth_date=date(1990, 3, 8), card_no="B12345678"
    )
    assert (card.gender, card.birth_date, card.card_no) == ("2", date(1990, 3, 8), "B12345678")


def test_from_holder_derives_the_identifier_from_the_card_number() -> None:
    one = CardProfile.from_holder(SSN, "王五", card_no="B12345678")
    same = CardProfile.from_holder(SSN, "赵六", card_no="B12345678")
    other = CardProfile.from_holder(SSN, "王五", card_no="B12345679")
    assert one.card_identifier.startswith("370102D156000005")
    assert len(one.card_identifier) == 32
    assert one.card_identifier == same.card_identifier != other.card_identifier


def test_from_holder_defaults_to_generation_3_with_a_ten_year_card() -> None:
    card = CardProfile.from_holder(SSN, "王五")
    assert (card.generation, card.spec_version) == (3, "3.00")
    assert card.expiry_date.year == card.issue_date.year + 10
    assert len(card.card_no) == 9


def test_faults_are_parsed_from_command_line_names() -> None:
    card = CardProfile.from_holder(SSN, "王五", faults=["garbage", "no-sfi"])
    assert card.faults == {Fault.GARBAGE, Fault.NO_SFI}
    with pytest.raises(ValueError, match="unknown card fault"):
        parse_faults(["melted"])


def test_a_profile_with_impossible_values_is_refused() -> None:
    with pytest.raises(ValueError, match="card_no"):
        profile(card_no="X0000001")
    with pytest.raises(ValueError, match="pin"):
        profile(pin="12345")
    with pytest.raises(ValueError, match="protected"):
        profile(protected=frozenset({"shoe_size"}))
