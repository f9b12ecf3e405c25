"""Tests for cards.session over a scripted fake transport (command APDU -> answer)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pytest

from cards.errors import (
    ApduError,
    CardRemoved,
    DamagedData,
    InvalidPin,
    NotASocialSecurityCard,
    PinBlocked,
    WrongPin,
)
from cards.session import NOT_ON_CARD, PROTECTED, SocialSecurityCardSession

OK = 0x9000
Answer = tuple[bytes, int] | list[tuple[bytes, int]] | Exception


class ScriptedTransport:
    """Answers each command APDU from a script; a list answers in turn (its last one repeats),
    an exception is raised. Unscripted commands get `default`. Every command is logged."""

    def __init__(self, script: dict[bytes, Answer], default: tuple[bytes, int]) -> None:
        self.script = script
        self.default = default
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Log `apdu` and answer it from the script."""
        self.sent.append(apdu)
        answer = self.script.get(apdu, self.default)
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, list):
            return answer.pop(0) if len(answer) > 1 else answer[0]
        return answer


def h(text: str) -> bytes:
    """Bytes written as hex, spaces allowed."""
    return bytes.fromhex(text)


SELECT_SSSE = h("00A4 0400 0F 7378312E73682E C9E7BBE1B1A3D5CF")  # "sx1.sh.社会保障" in GBK
SELECT_MF = h("00A4 0000 02 3F00")
SELECT_EF05 = h("00A4 0200 02 EF05")
SELECT_EF06 = h("00A4 0200 02 EF06")
FCI = h("6F 10 84 0E 7378312E73682EC9E7BBE1B1A3D5")


def by_number(number: int, sfi: int) -> bytes:
    """READ RECORD `number` in the EF with that SFI (P2 = SFI << 3 | 4, Le = 00)."""
    return bytes([0x00, 0xB2, number, (sfi << 3) | 4, 0x00])


def by_tag(tag: int, sfi: int) -> bytes:
    """READ RECORD addressing the record by tag (P2 = SFI << 3, Le = 00)."""
    return bytes([0x00, 0xB2, tag, sfi << 3, 0x00])


def in_current_ef(number: int) -> bytes:
    """READ RECORD `number` in the current EF (P2 = 04, Le = 00)."""
    return bytes([0x00, 0xB2, number, 0x04, 0x00])


def gbk_name(hex_value: str) -> bytes:
    """Tag 09, 30 bytes, the name padded with 00."""
    value = h(hex_value)
    return h("091E") + value + bytes(30 - len(value))


EF05_GEN2 = [
    h("0110 370100D156000005 0102030405060708"),
    h("0201 33"),
    h("0304 322E3030"),  # "2.00"
    h("040C 112233445566778899AABBCC"),
    h("0504 20150301"),
    h("0604 20250301"),
    h("0709 583030303030303139"),  # X00000019
]
EF05_GEN1 = [*EF05_GEN2[:2], h("0304 312E3030"), *EF05_GEN2[3:]]
EF05_GEN3 = [*EF05_GEN2[:2], h("0304 332E3030"), *EF05_GEN2[3:]]

SSN = h("0812 313130313035313934393132333130303258")  # 11010519491231002X
NAME = gbk_name("D5C5C8FD")  # 张三
# 阿依古丽·买买提艾力阿不都热合 fills the 30 bytes; 曼 goes on in the extension.
LONG_NAME = h("091E B0A2D2C0B9C5C0F6A1A4C2F2C2F2CCE1B0ACC1A6B0A2B2BBB6BCC8C8BACF")
EXTENSION = h("4E14 C2FC") + bytes(18)
EMPTY_EXTENSION = h("4E14") + bytes(20)
GENDER = h("0A01 32")  # female: the sequence 002 is even
ETHNICITY = h("0B01 01")
BIRTHPLACE = h("0C03 110105")
BIRTH_DATE = h("0D04 19491231")


def ef06_gen2(name: bytes = NAME, extension: bytes = EMPTY_EXTENSION) -> list[bytes]:
    """EF06 records of a second (or third) generation card."""
    return [SSN, name, extension, GENDER, ETHNICITY, BIRTHPLACE, BIRTH_DATE]


def ef06_gen1(name: bytes = NAME) -> list[bytes]:
    """EF06 records of a first generation card (no name extension record)."""
    return [SSN, name, GENDER, ETHNICITY, BIRTHPLACE, BIRTH_DATE]


def card(
    ef05: list[bytes],
    ef06: list[bytes],
    *,
    tags: bool = True,
    extra: Iterable[tuple[bytes, Answer]] = (),
    default: tuple[bytes, int] = (b"", 0x6A83),
) -> ScriptedTransport:
    """A card answering SELECT SSSE and READ RECORD by SFI and record number (and by tag)."""
    script: dict[bytes, Answer] = {SELECT_SSSE: (FCI, OK)}
    for sfi, records in ((5, ef05), (6, ef06)):
        for number, record in enumerate(records, start=1):
            script[by_number(number, sfi)] = (record, OK)
            if tags:
                script[by_tag(record[0], sfi)] = (record, OK)
    script.update(extra)
    return ScriptedTransport(script, default)


def full_read(ef06_numbers: Iterable[int]) -> list[bytes]:
    """SELECT SSSE, EF05 records 1-7, then the given EF06 records, all by SFI."""
    return [
        SELECT_SSSE,
        *(by_number(n, 5) for n in range(1, 8)),
        *(by_number(n, 6) for n in ef06_numbers),
    ]


# -- complete reads -----------------------------------------------------------------------------


def test_a_second_generation_card_is_read_with_one_apdu_per_field() -> None:
    transport = card(EF05_GEN2, ef06_gen2())
    session = SocialSecurityCardSession(transport)

    record = session.read()

    assert transport.sent == full_read([1, 2, 4, 5, 6, 7])
    assert record.apdus == session.apdus == 14
    assert record.complete
    assert (record.card_identifier, record.card_type, record.spec_version) == (
        "370100D1560000050102030405060708",
        "3",
        "2.00",
    )
    assert record.initialising_org == "112233445566778899AABBCC"
    assert (record.issue_date, record.expiry_date) == (date(2015, 3, 1), date(2025, 3, 1))
    assert record.card_no == "X00000019"
    assert record.generation == 2
    assert (record.ssn, record.name, record.gender) == ("11010519491231002X", "张三", "F")
    assert (record.ethnicity, record.birthplace, record.birth_date) == (
        "01",
        "110105",
        date(1949, 12, 31),
    )


def test_the_name_extension_is_read_only_when_the_name_fills_its_30_bytes() -> None:
    transport = card(EF05_GEN2, ef06_gen2(LONG_NAME, EXTENSION))

    record = SocialSecurityCardSession(transport).read()

    assert transport.sent == full_read([1, 2, 3, 4, 5, 6, 7])
    assert record.apdus == 15
    assert record.name == "阿依古丽·买买提艾力阿不都热合曼"


def test_a_full_name_with_an_empty_extension_stays_as_it_is() -> None:
    record = SocialSecurityCardSession(card(EF05_GEN2, ef06_gen2(LONG_NAME))).read()
    assert record.name == "阿依古丽·买买提艾力阿不都热合"
    assert record.complete


def test_a_first_generation_card_is_read_with_its_own_record_layout() -> None:
    transport = card(EF05_GEN1, ef06_gen1())

    record = SocialSecurityCardSession(transport).read()

    assert transport.sent == full_read([1, 2, 3, 4, 5, 6])
    assert record.apdus == 14
    assert record.generation == 1
    assert (record.gender, record.ethnicity, record.birth_date) == ("F", "01", date(1949, 12, 31))


def test_a_first_generation_full_name_looks_for_its_extension_by_tag() -> None:
    with_extension = card(EF05_GEN1, [*ef06_gen1(LONG_NAME), EXTENSION])
    record = SocialSecurityCardSession(with_extension).read()
    assert with_extension.sent[10] == by_tag(0x4E, 6)
    assert record.name == "阿依古丽·买买提艾力阿不都热合曼"

    without = card(EF05_GEN1, ef06_gen1(LONG_NAME))  # 4E by tag answers 6A83
    record = SocialSecurityCardSession(without).read()
    assert record.name == "阿依古丽·买买提艾力阿不都热合"
    assert record.complete
    assert record.apdus == 15


# -- selecting ----------------------------------------------------------------------------------


def test_a_card_that_needs_the_mf_first_is_selected_after_it() -> None:
    transport = card(
        EF05_GEN2,
        ef06_gen2(),
        extra=[(SELECT_SSSE, [(b"", 0x6A82), (FCI, OK)]), (SELECT_MF, (b"", OK))],
    )

    record = SocialSecurityCardSession(transport).read()

    assert transport.sent[:3] == [SELECT_SSSE, SELECT_MF, SELECT_SSSE]
    assert record.apdus == 16
    assert record.card_no == "X00000019"


@pytest.mark.parametrize(("mf_answer", "sent"), [(OK, 3), (0x6A82, 2)])
def test_a_card_without_the_application_is_not_a_social_security_card(
    mf_answer: int, sent: int
) -> None:
    transport = ScriptedTransport({SELECT_MF: (b"", mf_answer)}, default=(b"", 0x6A82))
    session = SocialSecurityCardSession(transport)

    with pytest.raises(NotASocialSecurityCard, match="not a social security card"):
        session.read()

    assert session.apdus == sent
    assert transport.sent[0] == SELECT_SSSE


def test_more_data_and_wrong_length_answers_are_handled_below_the_session() -> None:
    transport = card(
        EF05_GEN2,
        ef06_gen2(),
        extra=[
            (SELECT_SSSE, (b"", 0x6112)),  # 18 bytes waiting: GET RESPONSE
            (h("00C0 0000 12"), (FCI, OK)),
            (by_number(1, 5), (b"", 0x6C12)),  # resend with Le = 18
            (h("00B2 012C 12"), (EF05_GEN2[0], OK)),
            (by_number(7, 6), (BIRTH_DATE[:2], 0x6104)),  # the rest of the record follows
            (h("00C0 0000 04"), (BIRTH_DATE[2:], OK)),
        ],
    )

    record = SocialSecurityCardSession(transport).read()

    assert record.complete
    assert record.card_identifier == "370100D1560000050102030405060708"
    assert record.birth_date == date(1949, 12, 31)
    assert record.apdus == 14 + 3


# -- falling back -------------------------------------------------------------------------------


def test_a_record_holding_another_field_makes_the_rest_of_the_file_read_by_tag() -> None:
    # A second generation card laid out as a first generation one: record 4 is ethnicity.
    transport = card(EF05_GEN2, ef06_gen1())

    record = SocialSecurityCardSession(transport).read()

    assert transport.sent[8:] == [
        by_number(1, 6),
        by_number(2, 6),
        by_number(4, 6),  # holds 0B: kept for the ethnicity
        by_tag(0x0A, 6),
        by_tag(0x0C, 6),
        by_tag(0x0D, 6),
    ]
    assert record.complete
    assert (record.gender, record.ethnicity, record.birthplace) == ("F", "01", "110105")


def test_a_missing_record_is_read_by_tag() -> None:
    transport = card(
        EF05_GEN2, ef06_gen2(), extra=[(by_number(7, 6), (b"", 0x6A83))]
    )  # birth date only by tag

    record = SocialSecurityCardSession(transport).read()

    assert transport.sent[-2:] == [by_number(7, 6), by_tag(0x0D, 6)]
    assert record.birth_date == date(1949, 12, 31)
    assert record.apdus == 15


def test_a_field_missing_under_both_addressings_is_reported_not_on_this_card() -> None:
    transport = card(
        EF05_GEN2,
        ef06_gen2(),
        extra=[(by_number(6, 6), (b"", 0x6A83)), (by_tag(0x0C, 6), (b"", 0x6A83))],
    )

    record = SocialSecurityCardSession(transport).read()

    assert record.birthplace is None
    assert record.unreadable == {"birthplace": NOT_ON_CARD}
    assert record.birth_date == date(1949, 12, 31)


class SelectByIdCard:
    """A card that refuses SFI addressing: EFs must be selected by id and read with P2 = 04."""

    def __init__(self, ef05: list[bytes], ef06: list[bytes]) -> None:
        self.files = {SELECT_EF05: ef05, SELECT_EF06: ef06}
        self.current: list[bytes] = []
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Answer SELECT SSSE / SELECT EF, and READ RECORD in the current EF only."""
        self.sent.append(apdu)
        if apdu == SELECT_SSSE:
            return FCI, OK
        if apdu in self.files:
            self.current = self.files[apdu]
            return b"", OK
        if apdu[:2] == h("00B2") and apdu[3] == 0x04:
            number = apdu[2]
            if 1 <= number <= len(self.current):
                return self.current[number - 1], OK
            return b"", 0x6A83
        return b"", 0x6A86


def test_a_card_refusing_sfi_addressing_has_its_files_selected_by_id() -> None:
    transport = SelectByIdCard(EF05_GEN2, ef06_gen2())

    record = SocialSecurityCardSession(transport).read()

    assert transport.sent == [
        SELECT_SSSE,
        by_number(1, 5),  # refused: 6A86
        SELECT_EF05,
        *(in_current_ef(n) for n in range(1, 8)),
        SELECT_EF06,  # EF06 is not tried by SFI again
        *(in_current_ef(n) for n in (1, 2, 4, 5, 6, 7)),
    ]
    assert record.apdus == 17
    assert record.complete
    assert record.name == "张三"


# -- third generation: protected fields ---------------------------------------------------------


def test_protected_fields_give_a_partial_record_with_the_card_number_and_identifier() -> None:
    protected = (b"", 0x6982)
    transport = card(
        EF05_GEN3,
        ef06_gen2(),
        extra=[
            *((by_number(n, 5), protected) for n in (4, 5, 6)),
            *((by_number(n, 6), protected) for n in range(1, 8)),
        ],
    )

    record = SocialSecurityCardSession(transport).read()

    assert record.card_no == "X00000019"
    assert record.card_identifier == "370100D1560000050102030405060708"
    assert record.generation == 3
    assert not record.complete
    assert record.unreadable == dict.fromkeys(
        [
            "initialising_org",
            "issue_date",
            "expiry_date",
            "ssn",
            "name",
            "gender",
            "ethnicity",
            "birthplace",
            "birth_date",
        ],
        PROTECTED,
    )
    assert (record.ssn, record.name, record.birth_date) == (None, None, None)
    assert record.apdus == 14  # one answer per field, no extension read for an unread name


def test_a_protected_name_extension_is_reported_and_the_name_kept() -> None:
    transport = card(
        EF05_GEN3, ef06_gen2(LONG_NAME, EXTENSION), extra=[(by_number(3, 6), (b"", 0x6982))]
    )

    record = SocialSecurityCardSession(transport).read()

    assert record.name == "阿依古丽·买买提艾力阿不都热合"
    assert record.unreadable == {"name_extension": PROTECTED}


# -- errors -------------------------------------------------------------------------------------


def test_a_damaged_record_raises_at_once_naming_the_field() -> None:
    transport = card(EF05_GEN2, [h("0812 313130313035313934393132333130303231"), *ef06_gen2()[1:]])

    with pytest.raises(DamagedData) as raised:
        SocialSecurityCardSession(transport).read()

    assert raised.value.field == "ssn"
    assert transport.sent[-1] == by_number(1, 6)


def test_holder_fields_disagreeing_with_the_id_number_are_damaged() -> None:
    transport = card(EF05_GEN2, [*ef06_gen2()[:3], h("0A01 31"), *ef06_gen2()[4:]])

    with pytest.raises(DamagedData) as raised:
        SocialSecurityCardSession(transport).read()

    assert raised.value.field == "gender"


def test_an_unexpected_status_word_raises_an_apdu_error() -> None:
    transport = card(EF05_GEN2, ef06_gen2(), extra=[(by_number(2, 5), (b"", 0x6581))])

    with pytest.raises(ApduError) as raised:
        SocialSecurityCardSession(transport).read()

    assert raised.value.sw == 0x6581
    assert "card_type" in raised.value.command


def test_a_card_removed_mid_read_propagates_as_card_removed() -> None:
    transport = card(
        EF05_GEN2, ef06_gen2(), extra=[(by_number(3, 6), CardRemoved("the card was removed"))]
    )
    transport.script[by_number(2, 6)] = (LONG_NAME, OK)

    with pytest.raises(CardRemoved):
        SocialSecurityCardSession(transport).read()


# -- PIN ----------------------------------------------------------------------------------------

VERIFY_123456 = h("0020 0000 03 123456")


def pin_card(answer: tuple[bytes, int]) -> ScriptedTransport:
    """A card that answers VERIFY 123456 with `answer`."""
    return ScriptedTransport({SELECT_SSSE: (FCI, OK), VERIFY_123456: answer}, (b"", 0x6D00))


def test_the_right_pin_is_sent_once_after_selecting_the_application() -> None:
    transport = pin_card((b"", OK))

    SocialSecurityCardSession(transport).verify_pin("123456")

    assert transport.sent == [SELECT_SSSE, VERIFY_123456]


def test_a_session_already_selected_sends_only_the_verify() -> None:
    transport = pin_card((b"", OK))
    session = SocialSecurityCardSession(transport)
    session.select()

    session.verify_pin("123456")

    assert transport.sent == [SELECT_SSSE, VERIFY_123456]


@pytest.mark.parametrize("tries", [2, 1, 0])
def test_a_wrong_pin_reports_the_tries_left_and_is_not_retried(tries: int) -> None:
    transport = pin_card((b"", 0x63C0 | tries))

    with pytest.raises(WrongPin) as raised:
        SocialSecurityCardSession(transport).verify_pin("123456")

    assert raised.value.tries_left == tries
    assert transport.sent.count(VERIFY_123456) == 1
    assert len(transport.sent) == 2


@pytest.mark.parametrize("sw", [0x6983, 0x9303])
def test_a_blocked_pin_or_locked_application_raises_pin_blocked(sw: int) -> None:
    transport = pin_card((b"", sw))

    with pytest.raises(PinBlocked):
        SocialSecurityCardSession(transport).verify_pin("123456")

    assert transport.sent.count(VERIFY_123456) == 1


def test_another_answer_to_verify_is_an_apdu_error_that_does_not_keep_the_pin() -> None:
    transport = pin_card((b"", 0x6700))

    with pytest.raises(ApduError) as raised:
        SocialSecurityCardSession(transport).verify_pin("123456")

    assert raised.value.sw == 0x6700
    assert h("123456") not in raised.value.data


@pytest.mark.parametrize(
    "pin", ["", "12345", "1234567", "12a456", "12 456", "１２３４５６", "ABCDEF"]
)
def test_a_pin_that_is_not_six_digits_is_refused_and_nothing_is_sent(pin: str) -> None:
    transport = pin_card((b"", OK))
    session = SocialSecurityCardSession(transport)

    with pytest.raises(InvalidPin):
        session.verify_pin(pin)

    assert transport.sent == []
    assert session.apdus == 0
