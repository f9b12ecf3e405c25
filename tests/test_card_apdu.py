"""The exchange below the application layer: 61xx, 6Cxx, and what it must never do."""

from __future__ import annotations

import pytest

from cards.apdu import StatusWord, exchange, read_record, select_by_name, verify_pin
from cards.errors import ApduError, InvalidPin


class Scripted:
    """A transport answering from a list, recording what was sent."""

    def __init__(self, answers: list[tuple[bytes, int]]) -> None:
        self.answers = answers
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        self.sent.append(apdu)
        return self.answers.pop(0)


def test_6cxx_resends_a_command_without_data_with_the_le_the_card_asked_for() -> None:
    card = Scripted([(b"", 0x6C09), (b"X00000019", 0x9000)])
    assert exchange(card, read_record(7, sfi=5, le=4)) == (b"X00000019", 0x9000)
    assert card.sent[1] == bytes.fromhex("00B2072C09")


def test_6cxx_never_changes_a_command_that_carries_data() -> None:
    card = Scripted([(b"", 0x6C03)])
    assert exchange(card, verify_pin("123456")) == (b"", 0x6C03)
    assert card.sent == [bytes.fromhex("0020000003123456")]


def test_61xx_is_followed_by_get_response_until_the_data_is_complete() -> None:
    card = Scripted([(b"\x01\x02", 0x6104), (b"\x03\x04\x05\x06", 0x6102), (b"\x07\x08", 0x9000)])
    assert exchange(card, select_by_name(b"ABC")) == (bytes(range(1, 9)), 0x9000)
    assert card.sent[1:] == [bytes.fromhex("00C0000004"), bytes.fromhex("00C0000002")]


def test_a_get_response_answered_with_6cxx_is_resent_with_that_le() -> None:
    card = Scripted([(b"\x01", 0x6105), (b"", 0x6C03), (b"\x02\x03\x04", 0x9000)])
    assert exchange(card, read_record(1)) == (b"\x01\x02\x03\x04", 0x9000)
    assert card.sent[2] == bytes.fromhex("00C0000003")


def test_a_card_that_never_stops_announcing_data_is_an_error() -> None:
    card = Scripted([(b"\x00", 0x6101)] * 100)
    with pytest.raises(ApduError, match="kept announcing more data"):
        exchange(card, read_record(1))


@pytest.mark.parametrize("pin", ["12345", "1234567", "abcdef", "١٢٣٤٥٦", ""])
def test_verify_builder_refuses_anything_but_six_digits(pin: str) -> None:
    with pytest.raises(InvalidPin):
        verify_pin(pin)


@pytest.mark.parametrize(
    ("sw", "text"),
    [
        (0x9000, "ok"),
        (0x6982, "security not satisfied"),
        (0x63C2, "2 tries left"),
        (0x6110, "16 more bytes"),
        (0x6C05, "wants 5"),
        (0x6F00, "status 6F00"),
    ],
)
def test_status_words_are_described(sw: int, text: str) -> None:
    assert text in StatusWord.describe(sw)
